"""Topic models: pure, vectorised numpy functions (see docs/architecture.md)."""
