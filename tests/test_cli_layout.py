"""The command's layout (issue 12): every handler lives under workbook/cli/, none in a domain module."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

from workbook.cli import _build_parser, _resolve

PACKAGE = Path(__file__).resolve().parents[1] / "workbook"


def _handlers(parser: argparse.ArgumentParser) -> dict[str, str]:
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if sub.get_default("handler"):
                    found[f"{parser.prog} {name}"] = sub.get_default("handler")
                found.update(_handlers(sub))
    return found


def test_every_command_has_a_handler_under_workbook_cli():
    handlers = _handlers(_build_parser())
    assert set(handlers) == {
        "workbook data check", "workbook data dictionary", "workbook import", "workbook scenarios list",
        "workbook scenarios show", "workbook scenarios validate", "workbook project", "workbook batch",
        "workbook dashboard"}
    for command, handler in handlers.items():
        assert handler.startswith("workbook.cli."), (command, handler)
        assert callable(_resolve(handler)), (command, handler)


def test_no_cli_handler_left_in_a_domain_module():
    left = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "cli" and path.parent.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("cli_"):
                left.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}")
    assert left == []


def test_the_old_module_paths_are_gone():
    for old in ("datasets.py", "importers.py", "schema.py", "cli.py", "engine/cli.py", "batch/render.py",
                "batch/summary.py"):
        assert not (PACKAGE / old).exists(), old
