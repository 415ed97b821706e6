"""``workbook data check`` and ``workbook data dictionary``."""

from __future__ import annotations


def check(args) -> int:
    """``workbook data check``: verify hashes, validate, print a summary."""
    from ..data import check_summary

    for line in check_summary():
        print(line)
    return 0


def dictionary(args) -> int:
    """``workbook data dictionary``: print the data dictionary as Markdown."""
    from ..data.schema import dictionary_markdown

    print(dictionary_markdown(), end="")
    return 0
