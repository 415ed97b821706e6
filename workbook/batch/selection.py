"""Which places a batch renders: Kreise, Gemeinden, or both.

A place is a Kreis (5-digit key) or an inhabited Gemeinde (8 digits, Gebietsstand
31.12.2019; ``workbook.data.places``). The selection works in two steps:

1. **Which places.** ``--ags`` and ``--ags-file`` name places (their union); 5- and 8-digit
   keys may be mixed, and each key says its own level. Without a list, ``--level`` picks
   every place of that level: all 401 Kreise (``kreis``, the default) or all 10,799
   Gemeinden (``gemeinde``). With ``--level`` *and* a list, every key must be of that level.
2. **Narrowed by** ``--land`` (Land key or name), ``--kreis`` (Kreis keys: the Kreis itself,
   or the Gemeinden in it), ``--kreis-type`` (the Kreis's ``kreis_type`` or ``settlement_type``;
   for a Gemeinde also its BBSR Stadt- und Gemeindetyp) and ``--min-population`` (inhabitants
   31.12.2019, the place's own figure).

Every bad value is a ``SelectionError`` naming the option, the value and what was expected
(the key rule's messages for Gemeinden, Verband, Land and merged-away keys come from
``workbook.data.places.place_key``), raised before anything is written.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd

from .. import ags as ags_rule
from ..errors import SelectionError
from ..texts import batch as T
from .naming import safe_slug

_SPLIT = re.compile(r"[,;\s]+")

#: an AGS list is a few KB (401 Kreise: 2,4 KB; 10,799 Gemeinden: 97 KB); anything far larger is refused
MAX_AGS_FILE_BYTES = 1024 * 1024

KREIS, GEMEINDE = ags_rule.KREIS, ags_rule.GEMEINDE
LEVELS = (KREIS, GEMEINDE)

#: columns of the selection (one row per report)
COLUMNS = ("ags", "level", "name", "kreis_ags", "kreis_name", "land_ags", "land_name",
           "population_2019", "bbsr_sgtyp_name", "kreis_type")


def _split(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in items:
        out += [v.strip() for v in _SPLIT.split(str(item)) if v.strip()]
    return out


def normalise_ags(value: str) -> str | None:
    """'5315' -> '05315', '8416041' -> '08416041'; None for anything that is not a Kreis or
    Gemeinde key (the rule: ``workbook.ags``; a 12-digit Regionalschlüssel gives its AGS)."""
    key = ags_rule.parse(value)
    if key is None or key.level == ags_rule.LAND:
        return None
    code = key.code
    return code[:5] + code[-3:] if len(code) == 12 else code


def ags_file_rows(path: str | Path) -> list[tuple[int, str]]:
    """(row, key) from a text file: one key per line (first field of a CSV line), ``#``
    comments, a header line skipped. Kreis (5) and Gemeinde (8 digits) keys may be mixed;
    whether they exist is checked by :func:`select_places`."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SelectionError(f"cannot read the AGS file / AGS-Datei nicht lesbar: {exc.strerror}",
                             file=str(path)) from None
    if size > MAX_AGS_FILE_BYTES:
        raise SelectionError(f"the file is {size / 1e6:.1f} MB; an AGS list is at most "
                             f"{MAX_AGS_FILE_BYTES / 1e6:.1f} MB / die Datei ist zu groß "
                             f"(eine Liste von Schlüsseln hat höchstens {MAX_AGS_FILE_BYTES // 1024} KB)",
                             file=str(path))
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_AGS_FILE_BYTES + 1)
        if len(raw) > MAX_AGS_FILE_BYTES:
            raise SelectionError(f"the file is larger than {MAX_AGS_FILE_BYTES // 1024} KB / die Datei ist "
                                 f"zu groß für eine Liste von Schlüsseln", file=str(path))
    except OSError as exc:
        raise SelectionError(f"cannot read the AGS file / AGS-Datei nicht lesbar: {exc.strerror}",
                             file=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    if "\x00" in text:
        raise SelectionError("not a text file / keine Textdatei (one AGS per line expected)", file=str(path))
    out: list[tuple[int, str]] = []
    for row, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        first = _SPLIT.split(line)[0].strip('"\'')
        code = normalise_ags(first)
        if code is None:
            if row == 1 and not any(ch.isdigit() for ch in first):
                continue  # a header line such as "ags" or "Kennziffer"
            raise SelectionError(_not_a_key(first), file=str(path), row=row)
        out.append((row, code))
    if not out:
        raise SelectionError("the file names no AGS / die Datei enthält keinen Kreis- oder Gemeindeschlüssel",
                             file=str(path))
    return out


def read_ags_file(path: str | Path) -> list[str]:
    """The keys of :func:`ags_file_rows`, in file order."""
    return [code for _row, code in ags_file_rows(path)]


def _not_a_key(value: str) -> str:
    """Why ``value`` is no place key: the place rule's message (Land, Verband, not digits)."""
    from ..data.places import place_key

    try:
        place_key(value)
    except SelectionError as exc:
        return f"{str(value)[:40]!r} is not an AGS: {exc.detail}"
    return f"{str(value)[:40]!r} is not an AGS / kein Kreis- oder Gemeindeschlüssel"  # pragma: no cover


def _close(value: str, candidates: list[str]) -> str:
    hits = difflib.get_close_matches(value, candidates, n=3, cutoff=0.6)
    return f" (meinten Sie / did you mean: {', '.join(hits)}?)" if hits else ""


def parse_min_population(value) -> int | None:
    """``--min-population``: a whole number of inhabitants >= 0 (``5000``, ``5.000``, ``5 000``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise SelectionError(T.MIN_POPULATION_BAD.format(value=value), key="--min-population")
    if isinstance(value, int):
        if value < 0:
            raise SelectionError(T.MIN_POPULATION_BAD.format(value=value), key="--min-population")
        return value
    text = str(value).strip()
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    if re.fullmatch(r"[0-9]{1,3}(?:([. _\u202f\u00a0])[0-9]{3})(?:\1[0-9]{3})*", text):
        return int(re.sub(r"[^0-9]", "", text))
    raise SelectionError(T.MIN_POPULATION_BAD.format(value=text[:40]), key="--min-population")


def _level(level) -> str | None:
    if level in (None, ""):
        return None
    text = str(level).strip().lower()
    if text in LEVELS:
        return text
    raise SelectionError(T.LEVEL_BAD.format(value=str(level)[:40]), key="--level")


def _kreis_frame(kreise: pd.DataFrame) -> pd.DataFrame:
    df = kreise.copy()
    df["ags"] = df["ags"].astype(str)
    if "population_2019" not in df.columns:
        from ..data.places import load_places

        pop = load_places().set_index("ags")["population_2019"]
        df["population_2019"] = df["ags"].map(pop)
    out = pd.DataFrame({
        "ags": df["ags"], "level": KREIS, "name": df["name"].astype(str), "kreis_ags": df["ags"],
        "kreis_name": df["name"].astype(str), "land_ags": df["land_ags"].astype(str),
        "land_name": df["land_name"].astype(str) if "land_name" in df.columns else "",
        "population_2019": pd.to_numeric(df["population_2019"], errors="coerce"),
        "bbsr_sgtyp_name": "",
        "kreis_type": df["kreis_type"].astype(str) if "kreis_type" in df.columns else "",
    })
    if "settlement_type" in df.columns:
        out["settlement_type"] = df["settlement_type"].astype(str)
    return out.reset_index(drop=True)


def _gemeinde_frame(kreise: pd.DataFrame, codes: list[str] | None) -> pd.DataFrame:
    """Gemeinde rows (all, or ``codes``) in the selection's columns; their Kreis from ``kreise``."""
    from ..data.places import load_places

    places = load_places()
    gem = places[places["level"] == GEMEINDE]
    if codes is not None:
        gem = gem[gem["ags"].isin(set(codes))]
    k = kreise.assign(ags=kreise["ags"].astype(str)).set_index("ags")
    gem = gem[gem["kreis_ags"].isin(k.index)]
    names = places.loc[places["level"] == KREIS].set_index("ags")["name"].to_dict()
    out = pd.DataFrame({
        "ags": gem["ags"].astype(str), "level": GEMEINDE, "name": gem["name"].astype(str),
        "kreis_ags": gem["kreis_ags"].astype(str),
        "kreis_name": gem["kreis_ags"].map(k["name"]).astype(str),
        "land_ags": gem["land_ags"].astype(str),
        "land_name": gem["kreis_ags"].map(k["land_name"]).astype(str) if "land_name" in k.columns else "",
        "population_2019": pd.to_numeric(gem["population_2019"], errors="coerce"),
        "bbsr_sgtyp_name": gem["bbsr_sgtyp_name"].fillna("").astype(str),
        "kreis_type": gem["kreis_ags"].map(k["kreis_type"]).astype(str) if "kreis_type" in k.columns else "",
    })
    if "settlement_type" in k.columns:
        out["settlement_type"] = gem["kreis_ags"].map(k["settlement_type"]).astype(str)
    # the Kreis as users read it: "Landshut, Landkreis" beside "Landshut, Stadt"
    labels = places.loc[places["level"] == KREIS].set_index("ags")["label_de"]
    out["kreis_label"] = [labels.get(a, n) if n == names.get(a) else n
                          for a, n in zip(out["kreis_ags"], out["kreis_name"])]
    return out.reset_index(drop=True)


def _wanted(ags, ags_file, level: str | None, kreis_keys: set[str]) -> tuple[list[str], list[str], str]:
    """The Kreis and Gemeinde keys that ``--ags``/``--ags-file`` name, checked; the option they came from."""
    from ..data.places import place_key

    items: list[tuple[str, int | None, str]] = [("--ags", None, v) for v in _split(ags)]
    if ags_file is not None:
        items += [("--ags-file", row, v) for row, v in ags_file_rows(ags_file)]
    kreise_wanted: list[str] = []
    gemeinden: list[str] = []
    unknown: list[str] = []
    option = "--ags"

    def refuse(message: str, opt: str, row: int | None) -> SelectionError:
        if row is None:
            return SelectionError(message, key=opt)
        return SelectionError(message, file=str(ags_file), row=row)

    for opt, row, item in items:
        code = normalise_ags(item)
        if code is not None and len(code) == 5:
            if level == GEMEINDE:
                try:
                    place_key(code, key=opt, level=GEMEINDE)   # the place rule's message and example
                    message = T.KREIS_WHERE_GEMEINDE.format(value=code)  # pragma: no cover - it raises
                except SelectionError as exc:
                    message = exc.detail
                raise refuse(message + T.KREIS_WHERE_GEMEINDE_HINT.format(kreis=code), opt, row)
            if code not in kreis_keys:
                unknown.append(code)
                option = opt
            else:
                kreise_wanted.append(code)
            continue
        # not a 5-digit Kreis key: the place rule names what it is (Land, Verband, merged, unknown ...)
        try:
            code = place_key(item, key=opt, level=GEMEINDE)
        except SelectionError as exc:
            raise refuse(exc.detail, opt, row) from None
        if level == KREIS:
            raise refuse(T.GEMEINDE_WHERE_KREIS.format(value=code, kreis=code[:5]), opt, row)
        gemeinden.append(code)
    if unknown:
        raise SelectionError(f"unknown AGS / unbekannte Kreisschlüssel: {', '.join(sorted(set(unknown)))}",
                             key=option)
    return kreise_wanted, gemeinden, option


def _kreis_option(kreis, kreise_index: list[str]) -> set[str]:
    """``--kreis``: Kreis keys (repeatable or comma list), each checked."""
    out: set[str] = set()
    for item in _split(kreis):
        parsed = ags_rule.parse(item)
        if parsed is not None and parsed.level == KREIS and len(parsed.code) == 5:
            if parsed.code not in kreise_index:
                same_land = [a for a in kreise_index if a[:2] == parsed.code[:2]]
                hint = _close(parsed.code, same_land or kreise_index)
                raise SelectionError(T.KREIS_UNKNOWN.format(value=parsed.code, hint=hint), key="--kreis")
            out.add(parsed.code)
            continue
        if parsed is not None and parsed.level == GEMEINDE:
            raise SelectionError(T.GEMEINDE_IN_KREIS_OPTION.format(value=str(item)[:40], kreis=parsed.kreis),
                                 key="--kreis")
        if parsed is not None and parsed.level == ags_rule.LAND:
            raise SelectionError(T.LAND_IN_KREIS_OPTION.format(value=str(item)[:40]), key="--kreis")
        raise SelectionError(T.KREIS_OPTION_BAD.format(value=str(item)[:40]), key="--kreis")
    return out


def _lands(df: pd.DataFrame, land) -> set[str] | None:
    lands = [x.strip() for x in str(land).split(",") if x.strip()] if land else []
    if not lands:
        return None
    by_code = set(df["land_ags"].astype(str))
    names = df.drop_duplicates("land_ags").set_index("land_ags")["land_name"].astype(str)
    by_name = {safe_slug(n): c for c, n in names.items()}
    codes, unknown = set(), []
    for item in lands:
        code = ags_rule.land_or_none(item)
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
    return codes


def _type_mask(df: pd.DataFrame, kreis_type, allowed_from: pd.DataFrame) -> pd.Series | None:
    types = [t.strip() for t in str(kreis_type).split(",") if t.strip()] if kreis_type else []
    if not types:
        return None
    columns = [c for c in ("kreis_type", "settlement_type", "bbsr_sgtyp_name") if c in allowed_from.columns]
    values = {safe_slug(v): (c, v) for c in columns for v in allowed_from[c].dropna().astype(str).unique() if v}
    mask = pd.Series(False, index=df.index)
    unknown = []
    for item in types:
        hit = values.get(safe_slug(item))
        if hit is None:
            unknown.append(item)
        elif hit[0] in df.columns:
            mask |= df[hit[0]].astype(str) == hit[1]
    if unknown:
        allowed = ", ".join(sorted({v for _, v in values.values()}))
        raise SelectionError(f"unknown Kreis type / unbekannter Kreistyp: {', '.join(unknown)} "
                             f"(allowed / erlaubt: {allowed})", key="--kreis-type")
    return mask


def select_places(kreise: pd.DataFrame, *, level=None, ags=None, ags_file=None, land=None, kreis=None,
                  kreis_type=None, min_population=None) -> pd.DataFrame:
    """One row per report (:data:`COLUMNS`), Kreise and Gemeinden, sorted by key.

    ``kreise`` is the Kreis table (columns ``ags``, ``name``, ``land_ags``, ``land_name``,
    ``kreis_type``; optional ``settlement_type``, ``population_2019``): its Kreise are the ones
    that exist, and a Gemeinde is selectable when its Kreis is in it.
    """
    level = _level(level)
    minimum = parse_min_population(min_population)
    kreis_keys = set(kreise["ags"].astype(str))
    wanted_k, wanted_g, option = _wanted(ags, ags_file, level, kreis_keys)
    kreis_set = _kreis_option(kreis, sorted(kreis_keys))
    listed = bool(wanted_k or wanted_g)

    k_frame = _kreis_frame(kreise)
    frames = []
    if listed:
        if wanted_k:
            frames.append(k_frame[k_frame["ags"].isin(set(wanted_k))])
        if wanted_g:
            g = _gemeinde_frame(kreise, wanted_g)
            missing = sorted(set(wanted_g) - set(g["ags"]))
            if missing:  # the Gemeinde exists, its Kreis is not in the given Kreis table
                raise SelectionError(T.GEMEINDE_KREIS_MISSING.format(value=missing[0], kreis=missing[0][:5]),
                                     key=option)
            frames.append(g)
    elif level == GEMEINDE:
        frames.append(_gemeinde_frame(kreise, None))
    else:
        frames.append(k_frame)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)

    mask = pd.Series(True, index=df.index)
    if kreis_set:
        mask &= df["kreis_ags"].isin(kreis_set)
    codes = _lands(k_frame, land)
    if codes is not None:
        mask &= df["land_ags"].isin(codes)
    allowed_from = df if level is not None or listed else k_frame
    tmask = _type_mask(df, kreis_type, allowed_from)
    if tmask is not None:
        mask &= tmask
    if minimum is not None:
        mask &= df["population_2019"].fillna(-1) >= minimum

    out = df[mask].sort_values("ags").reset_index(drop=True)
    if out.empty:
        raise SelectionError(T.SELECTION_EMPTY_GEMEINDE if level == GEMEINDE else T.SELECTION_EMPTY,
                             key="--ags/--land/--kreis/--kreis-type/--min-population")
    return out


def select_kreise(kreise: pd.DataFrame, *, ags=None, ags_file=None, land=None, kreis_type=None,
                  **more) -> pd.DataFrame:
    """:func:`select_places` (the name the Kreis batch had; Gemeinde keys are places too)."""
    return select_places(kreise, ags=ags, ags_file=ags_file, land=land, kreis_type=kreis_type, **more)
