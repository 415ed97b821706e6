"""The official regional key (AGS, Amtlicher Gemeindeschlüssel): one rule for the workbook.

Keys are text of ASCII digits (``0-9`` only: ``str.isdigit`` also accepts
full-width, Arabic-Indic and superscript digits, which must never reach a file
name, a URL or a lookup). The length says the level:

- Land: 2 digits (``05``; 1 digit gets its leading zero back);
- Kreis: 5 digits (``05315``; 4 digits get the leading zero back, as spreadsheets drop it);
- Gemeinde: 8 digits (``05315000``; 7 digits get the zero back), or the 12-digit
  Regionalschlüssel (11 digits: zero back) whose last seven digits are not all zero.
  A Regionalschlüssel ending in seven zeros (``053150000000``) names the Kreis.

:func:`parse` classifies; :func:`kreis_key` is the strict entry point for every
place that needs a Kreis and raises a ``SelectionError`` naming the key and what
was expected. Gemeinden are recognised (:attr:`AgsKey.kreis` gives their Kreis)
but the workbook works on Kreise today, so :func:`kreis_key` refuses them with
a message that names their Kreis.
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass

from .errors import SelectionError

__all__ = [
    "GEMEINDE",
    "KREIS",
    "LAND",
    "AgsKey",
    "ascii_digits",
    "is_kreis",
    "kreis_key",
    "kreis_or_none",
    "land_or_none",
    "normalise",
    "parse",
]

LAND, KREIS, GEMEINDE = "land", "kreis", "gemeinde"
_DIGITS = re.compile(r"[0-9]+")
_KREIS = re.compile(r"[0-9]{5}")
# number of digits -> (level, normalised length)
_LENGTHS = {1: (LAND, 2), 2: (LAND, 2), 4: (KREIS, 5), 5: (KREIS, 5), 7: (GEMEINDE, 8), 8: (GEMEINDE, 8),
            11: (GEMEINDE, 12), 12: (GEMEINDE, 12)}


@dataclass(frozen=True)
class AgsKey:
    """A recognised key: ``code`` (normalised digits) and ``level`` (land, kreis, gemeinde)."""

    code: str
    level: str

    @property
    def land(self) -> str:
        return self.code[:2]

    @property
    def kreis(self) -> str | None:
        """The 5-digit Kreis key of a Kreis or Gemeinde; None for a Land."""
        return None if self.level == LAND else self.code[:5]


def ascii_digits(value) -> str | None:
    """The key as text when ``value`` is ASCII digits (surrounding blanks dropped) or a
    non-negative whole number; None for anything else (bool, floats, other digits, text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return str(int(value)) if int(value) >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if _DIGITS.fullmatch(text) else None


def parse(value) -> AgsKey | None:
    """The key ``value`` stands for, or None when it is not a Land, Kreis or Gemeinde key."""
    text = ascii_digits(value)
    if text is None or len(text) not in _LENGTHS:
        return None
    level, width = _LENGTHS[len(text)]
    code = text.zfill(width)
    if width == 12 and code.endswith("0000000"):
        return AgsKey(code[:5], KREIS)
    return AgsKey(code, level)


def normalise(value) -> str | None:
    """The normalised key of any level (leading zeros restored), None when not a key."""
    key = parse(value)
    return key.code if key is not None else None


def kreis_or_none(value) -> str | None:
    """'5315' -> '05315'; None for anything that is not a Kreis key (Gemeinden and Länder included)."""
    key = parse(value)
    return key.code if key is not None and key.level == KREIS else None


def land_or_none(value) -> str | None:
    """'5' -> '05'; None for anything that is not a Land key."""
    key = parse(value)
    return key.code if key is not None and key.level == LAND else None


def is_kreis(text) -> bool:
    """True for an already normalised Kreis key: exactly five ASCII digits (a str)."""
    return isinstance(text, str) and _KREIS.fullmatch(text) is not None


def kreis_key(value, *, key: str = "ags") -> str:
    """The 5-digit Kreis key of ``value``; a ``SelectionError`` (naming ``key``) otherwise.

    A Gemeinde key is refused with a message naming its Kreis; a Land key with a
    message saying that a Kreis is expected. Whether the Kreis exists is the caller's check.
    """
    from .texts import ags as T

    parsed = parse(value)
    if parsed is not None and parsed.level == KREIS:
        return parsed.code
    shown = str(value)[:40]
    if parsed is None:
        raise SelectionError(T.AGS_NOT_A_KEY.format(value=shown), key=key)
    if parsed.level == GEMEINDE:
        raise SelectionError(T.AGS_GEMEINDE_REFUSED.format(value=shown, kreis=parsed.kreis), key=key)
    raise SelectionError(T.AGS_LAND_REFUSED.format(value=shown), key=key)
