"""Safe file names for reports.

A Kreis name comes from data that a user may have overlaid with their own
file, so it is treated as hostile: the slug keeps ASCII letters, digits and
single hyphens only (Unicode folded: "Göttingen" -> "goettingen"), is capped
in length, and every path is checked to stay inside the output folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..ags import is_kreis
from ..errors import BatchError

MAX_SLUG = 60

# German letters fold to their usual transliteration before NFKD strips accents.
_FOLD = str.maketrans({
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
})



def safe_slug(name: str, max_len: int = MAX_SLUG) -> str:
    """A lowercase ASCII slug of ``name``: letters, digits and single hyphens.

    Separators, dots, slashes, NUL and every other character become hyphens,
    so no slug can contain ``..`` or a path separator. An empty result
    becomes ``"kreis"``.
    """
    text = str(name).translate(_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    if len(text) > max_len:
        text = text[:max_len].rstrip("-")
    return text or "kreis"


def report_stem(ags: str, name: str) -> str:
    """``"<ags>_<slug>"``; ``ags`` must be five digits."""
    ags = str(ags)
    if not is_kreis(ags):             # ASCII digits only (workbook.ags)
        raise BatchError(f"AGS {ags!r} is not a 5-digit Kreis key / kein fünfstelliger Kreisschlüssel",
                         key="ags")
    return f"{ags}_{safe_slug(name)}"


def inside(root: Path, *parts: str) -> Path:
    """``root / parts``, refused when the result would leave ``root``."""
    root = Path(root).resolve()
    for part in parts:
        if "\x00" in part or part in ("", ".", "..") or "/" in part or "\\" in part:
            raise BatchError(f"unsafe file name {part!r} / unsicherer Dateiname", file=str(root))
    path = root.joinpath(*parts).resolve()
    if path != root and root not in path.parents:
        raise BatchError(f"path {path} leaves the output folder / verlässt den Ausgabeordner",
                         file=str(root))
    return path
