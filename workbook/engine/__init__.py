"""The scenario engine: topic models for Kreise x scenarios x draws -> long result table.

``project()`` resolves every scenario's parameters, draws a seeded Latin
hypercube (the same unit points for every scenario), runs the topic models in
the registry's order (``workbook.topics``) on chunks of Kreise, and reduces the
draws to quantiles immediately, so memory stays bounded whatever the number of
Kreise. Run 0 of every scenario is the ``default`` run at the resolved values.

Modules: ``selection`` (topics, Kreise, scenarios, options), ``sampling`` (Latin
hypercube and parameter runs), ``simulation`` (plan, models on chunks, threads),
``blas`` (BLAS on one thread), ``quantiles`` (exact order statistics), ``hashing`` (the
data hash's row hashes by dtype block), ``table``
(the long table, ``project`` and ``project_each``), ``sensitivity`` (the tornado); the command ``workbook project`` is
``workbook.cli.project``. The names below are the engine's public interface.
"""

from __future__ import annotations

from .quantiles import _select_two, order_quantiles, reduce_draws, reduce_runs
from .sampling import run_values, unit_sample
from .selection import (
                        DEFAULT_SEED,
                        MAX_DRAWS,
                        TOPICS,
                        YEARS,
                        available_topics,
                        load_kreise_table,
                        normalise_ags,
                        select_kreise,
                        select_scenarios,
                        select_topics,
)
from .sensitivity import tornado
from .simulation import (
                        Plan,
                        _groups,
                        _stacked_runs,
                        chunk_size,
                        data_hash,
                        prepare,
                        run_models,
                        simulate,
)
from .table import project, project_each, to_long

__all__ = [  # grouped: constants, classes, functions
    "_groups", "_select_two", "_stacked_runs",  # internals the tests and benchmarks reach
    "DEFAULT_SEED", "MAX_DRAWS", "TOPICS", "YEARS", "Plan", "available_topics", "chunk_size",
    "data_hash", "load_kreise_table", "normalise_ags", "order_quantiles", "prepare", "project", "project_each", "reduce_draws",
    "reduce_runs", "run_models", "run_values", "select_kreise", "select_scenarios", "select_topics", "simulate",
    "to_long", "tornado", "unit_sample",
]
