"""Which Kreise a batch renders: all 401, or a selection.

Selections combine like this: ``--ags`` and ``--ags-file`` name Kreise (their
union); ``--land`` and ``--kreis-type`` then narrow the set (or, without an
AGS list, narrow all Kreise). Every unknown value is a ``SelectionError``
that names it and, where possible, what would have matched.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd

from ..ags import GEMEINDE, kreis_or_none, land_or_none, parse
from ..errors import SelectionError
from .naming import safe_slug

_SPLIT = re.compile(r"[,;\s]+")

#: an AGS list is a few KB (401 Kreise: 2,4 KB); anything far larger is refused before reading
MAX_AGS_FILE_BYTES = 1024 * 1024


def _split(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else _SPLIT.split(str(value))
    return [str(v).strip() for v in items if str(v).strip()]


def normalise_ags(value: str) -> str | None:
    """'5315' -> '05315'; None for anything that is not a Kreis key (the rule: ``workbook.ags``)."""
    return kreis_or_none(value)


def _expected(value: str) -> str:
    """What a Kreis key looks like; for a Gemeinde key also the Kreis it lies in."""
    key = parse(value)
    if key is not None and key.level == GEMEINDE:
        return f"5 digits expected; a Gemeinde key, its Kreis is {key.kreis} / Gemeindeschlüssel, Kreis {key.kreis}"
    return "5 digits expected"


def read_ags_file(path: str | Path) -> list[str]:
    """AGS from a text file: one per line (first field of a CSV line), ``#`` comments."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SelectionError(f"cannot read the AGS file / AGS-Datei nicht lesbar: {exc.strerror}",
                             file=str(path)) from None
    if size > MAX_AGS_FILE_BYTES:
        raise SelectionError(f"the file is {size / 1e6:.1f} MB; an AGS list is at most "
                             f"{MAX_AGS_FILE_BYTES / 1e6:.1f} MB / die Datei ist zu groß "
                             f"(eine Liste von Kreisschlüsseln hat höchstens {MAX_AGS_FILE_BYTES // 1024} KB)",
                             file=str(path))
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_AGS_FILE_BYTES + 1)
        if len(raw) > MAX_AGS_FILE_BYTES:
            raise SelectionError(f"the file is larger than {MAX_AGS_FILE_BYTES // 1024} KB / die Datei ist "
                                 f"zu groß für eine Liste von Kreisschlüsseln", file=str(path))
    except OSError as exc:
        raise SelectionError(f"cannot read the AGS file / AGS-Datei nicht lesbar: {exc.strerror}",
                             file=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    if "\x00" in text:
        raise SelectionError("not a text file / keine Textdatei (one AGS per line expected)", file=str(path))
    out: list[str] = []
    for row, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        first = _SPLIT.split(line)[0].strip('"\'')
        ags = normalise_ags(first)
        if ags is None:
            if row == 1 and not any(ch.isdigit() for ch in first):
                continue  # a header line such as "ags" or "Kennziffer"
            raise SelectionError(f"{first!r} is not an AGS / kein Kreisschlüssel ({_expected(first)})",
                                 file=str(path), row=row)
        out.append(ags)
    if not out:
        raise SelectionError("the file names no AGS / die Datei enthält keinen Kreisschlüssel", file=str(path))
    return out


def _close(value: str, candidates: list[str]) -> str:
    hits = difflib.get_close_matches(value, candidates, n=3, cutoff=0.6)
    return f" (meinten Sie / did you mean: {', '.join(hits)}?)" if hits else ""


def select_kreise(kreise: pd.DataFrame, *, ags=None, ags_file=None, land=None,
                  kreis_type=None) -> pd.DataFrame:
    """The rows of ``kreise`` (columns ``ags``, ``name``, ``land_ags``, ``land_name``,
    ``kreis_type``) that the options select, sorted by AGS."""
    df = kreise.copy()
    df["ags"] = df["ags"].astype(str)
    known = set(df["ags"])
    mask = pd.Series(True, index=df.index)

    wanted: list[str] = []
    bad: list[str] = []
    for item in _split(ags):
        norm = normalise_ags(item)
        if norm is None:
            bad.append(item)
        else:
            wanted.append(norm)
    if bad:
        raise SelectionError(f"not an AGS / kein Kreisschlüssel: {', '.join(bad)} ({_expected(bad[0])})",
                             key="--ags")
    if ags_file is not None:
        wanted += read_ags_file(ags_file)
    if wanted:
        unknown = sorted(set(wanted) - known)
        if unknown:
            raise SelectionError(f"unknown AGS / unbekannte Kreisschlüssel: {', '.join(unknown)}",
                                 key="--ags-file" if ags_file is not None and not _split(ags) else "--ags")
        mask &= df["ags"].isin(set(wanted))

    lands = [x.strip() for x in str(land).split(",") if x.strip()] if land else []
    if lands:
        by_code = {c: c for c in df["land_ags"].astype(str)}
        names = df.drop_duplicates("land_ags").set_index("land_ags")["land_name"].astype(str)
        by_name = {safe_slug(n): c for c, n in names.items()}
        codes, unknown = set(), []
        for item in lands:
            code = land_or_none(item)
            if code in by_code:
                codes.add(code)
            elif safe_slug(item) in by_name:
                codes.add(by_name[safe_slug(item)])
            else:
                unknown.append(item + _close(item, list(names)))
        if unknown:
            raise SelectionError(f"unknown Land / unbekanntes Land: {'; '.join(unknown)} "
                                 f"(expected a 2-digit Land key or name, e.g. 05 or Nordrhein-Westfalen)",
                                 key="--land")
        mask &= df["land_ags"].astype(str).isin(codes)

    types = [t.strip() for t in str(kreis_type).split(",") if t.strip()] if kreis_type else []
    if types:
        columns = [c for c in ("kreis_type", "settlement_type") if c in df.columns]
        values = {safe_slug(v): (c, v) for c in columns for v in df[c].dropna().astype(str).unique()}
        tmask = pd.Series(False, index=df.index)
        unknown = []
        for item in types:
            hit = values.get(safe_slug(item))
            if hit is None:
                unknown.append(item)
            else:
                tmask |= df[hit[0]].astype(str) == hit[1]
        if unknown:
            allowed = ", ".join(sorted(v for _, v in values.values()))
            raise SelectionError(f"unknown Kreis type / unbekannter Kreistyp: {', '.join(unknown)} "
                                 f"(allowed / erlaubt: {allowed})", key="--kreis-type")
        mask &= tmask

    out = df[mask].sort_values("ags").reset_index(drop=True)
    if out.empty:
        raise SelectionError("the selection matches no Kreis / die Auswahl trifft keinen Kreis",
                             key="--ags/--land/--kreis-type")
    return out
