"""One cell of an import file: blank and missing markers, German/English numbers, keys, totals.

    parse_number(cell, german)  (value, had a % sign) or None
    key_text(cell)              the text of a key cell (Excel's 5315.0 -> "5315")
    is_blank / is_missing / is_total_row
"""

from __future__ import annotations

import math
import re

from .base import norm
from .schema import SETTLEMENT_TYPES

MISSING_MARKERS = {"", ".", "-", "–", "—", "x", "k.a.", "k. a.", "ka", "n.a.", "n. a.", "na", "/", "...", "…"}
TOTAL_WORDS = ("summe", "insgesamt", "gesamt", "total", "deutschland", "bund", "bundesgebiet", "quelle",
               "fussnote", "anmerkung", "stand", "hinweis", "*", "durchschnitt", "mittelwert", "dg")
SETTLEMENT_ALIASES = {
    "1": "kreisfreie_grossstadt", "kreisfreie grossstadt": "kreisfreie_grossstadt",
    "2": "staedtischer_kreis", "stadtischer kreis": "staedtischer_kreis",
    "3": "laendlich_verdichtet", "landlicher kreis mit verdichtungsansatzen": "laendlich_verdichtet",
    "4": "duenn_besiedelt", "dunn besiedelter landlicher kreis": "duenn_besiedelt",
}
SETTLEMENT_ALIASES.update({name.replace("_", " "): name for name in SETTLEMENT_TYPES})


class PercentCell(float):
    """A number that its Excel cell shows with a percent format ("18,2 %"): the stored value
    is already the fraction (0.182), whatever the column header says."""

    def __str__(self) -> str:
        return f"{float(self) * 100:g} %".replace(".", ",")


def xlsx_value(cell):
    value = cell.value
    if isinstance(value, str):
        return value.strip()
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and "%" in str(getattr(cell, "number_format", "") or "")):
        return PercentCell(value)
    return value


# -- cells ---------------------------------------------------------------------------

def is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def is_missing(cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip().casefold() in MISSING_MARKERS)


_DE_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")
_DE_DECIMAL = re.compile(r"^[+-]?\d+(,\d+)?$")
_EN_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
_EN_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(cell, german: bool) -> tuple[float, bool] | None:
    """(value, had a % sign) or None when the cell is not a number."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, PercentCell):                 # 0.182 shown as 18,2 %: a percent figure of 18.2
        value = float(cell) * 100.0
        return (value, True) if math.isfinite(value) else None
    if isinstance(cell, (int, float)):
        value = float(cell)
        return (value, False) if math.isfinite(value) else None
    if not isinstance(cell, str):
        return None
    text = cell.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("\u2212", "-")
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if german:
        if _DE_THOUSANDS.match(text):
            text = text.replace(".", "").replace(",", ".")
        elif _DE_DECIMAL.match(text):
            text = text.replace(",", ".")
        elif not _EN_DECIMAL.match(text) or "," in text:
            return None
    else:
        if _EN_THOUSANDS.match(text):
            text = text.replace(",", "")
        elif not _EN_DECIMAL.match(text):
            return None
    try:
        value = float(text)
    except ValueError:
        return None
    return (value, percent) if math.isfinite(value) else None


def key_text(cell) -> str:
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip().strip("'\"").replace(" ", "")


def is_total_row(cells) -> str | None:
    """The text of a cell that marks a total, average or footnote row, if any."""
    for cell in cells:
        if isinstance(cell, str) and cell.strip():
            tokens = set(norm(cell).replace(":", " ").replace(".", " ").split())
            if (tokens & set(TOTAL_WORDS) or cell.strip()[:1] in ("*", "©", "_")
                    or re.fullmatch(r"[-_=—–]{3,}", cell.strip())):
                return cell.strip()[:60]
    return None
