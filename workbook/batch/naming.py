"""Safe file names for reports.

A Kreis name comes from data that a user may have overlaid with their own
file, so it is treated as hostile: the slug keeps ASCII letters, digits and
single hyphens only (Unicode folded: "Göttingen" -> "goettingen"), is capped
in length, and every path is checked to stay inside the output folder.

Where a report lives (``report_dir``): a Kreis report in the output folder itself
(``05315_koeln-stadt.html``), a Gemeinde report in the folder of its Land
(``gemeinden/08/08416041_tuebingen-universitaetsstadt.html``), whose name is made
of digits only, so no name in the data can choose a folder.
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


#: the folder of Gemeinde reports; one subfolder per Land (2-digit key)
GEMEINDEN_DIR = "gemeinden"


def is_gemeinde_key(text) -> bool:
    """True for an already normalised Gemeinde key: exactly eight ASCII digits (a str)."""
    return isinstance(text, str) and re.fullmatch(r"[0-9]{8}", text) is not None


def _checked(ags) -> str:
    ags = str(ags)
    if not (is_kreis(ags) or is_gemeinde_key(ags)):   # ASCII digits only (workbook.ags)
        raise BatchError(f"AGS {ags!r} is not a 5-digit Kreis key or an 8-digit Gemeinde key / kein "
                         f"fünfstelliger Kreis- oder achtstelliger Gemeindeschlüssel", key="ags")
    return ags


def report_stem(ags: str, name: str) -> str:
    """``"<ags>_<slug>"``; ``ags`` must be five (Kreis) or eight (Gemeinde) digits."""
    return f"{_checked(ags)}_{safe_slug(name)}"


def report_dir(ags: str) -> tuple[str, ...]:
    """The folder of a report inside the output folder: ``()`` for a Kreis,
    ``("gemeinden", "08")`` for a Gemeinde of Land 08."""
    ags = _checked(ags)
    return () if len(ags) == 5 else (GEMEINDEN_DIR, ags[:2])


def land_dir(land: str) -> tuple[str, ...]:
    """The folder of a Land's Gemeinde reports and their index page."""
    land = str(land)
    if re.fullmatch(r"[0-9]{2}", land) is None:
        raise BatchError(f"Land {land!r} is not a 2-digit Land key / kein zweistelliger Länderschlüssel",
                         key="land")
    return (GEMEINDEN_DIR, land)


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
