"""Import a municipality's own figures (CSV, XLSX, INKAR export) into the local overlay.

    result = import_file("einwohner.csv", mapping={"EW 2019": "population_2019"}, dry_run=True)
    print("\\n".join(result.summary_lines()))

A file holds either Kreise (5-digit keys, or whole Kreis names) or Gemeinden
(8-digit keys, 7 digits get the zero back, or the 12-digit Regionalschlüssel):
the first key decides (``ImportResult.level``), and a row of the other level is
refused. Kreise go into the Kreis overlay, Gemeinden into the Gemeinde overlay,
with the same columns, checks and messages (a Gemeinde's area, population and
density take the Gemeinde registry's range). The file is read completely and
checked before anything is written: the overlay changes only when every row
and value is clean, and then atomically through ``workbook.data.overlay.merge``. Every refusal is an ``InputFileError``
whose message names the file, the row as the user sees it (line of the CSV,
row of the sheet), the column header and what was expected.
"""


from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import ags as ags_rule
from ..errors import DataError, InputFileError, SelectionError
from ..texts import data as T
from ..texts import fmt_number, fmt_percent
from . import overlay
from .base import find_kreis, load_gemeinde_successors, load_gemeinden, norm
from .cells import SETTLEMENT_ALIASES, is_blank, is_missing, is_total_row, key_text, parse_number
from .inkar import (
    GEMEINDE_NAME_HEADERS,
    INFO_HEADERS,
    INKAR_AGE_PARTS,
    KEY_HEADERS,
    KREIS_NAME_HEADERS,
    LABELS,
    NAME_HEADERS,
    PERCENT_SUFFIX,
    inkar_match,
)
from .kreise import load_kreise
from .overlay import GEMEINDE, KREIS
from .readers import MAX_TITLE_ROWS, display, read_table
from .schema import COLUMNS, GEMEINDE_IMPORT_COLUMNS, IMPORTABLE, KEY, SETTLEMENT_TYPES, Column


@dataclass
class MappedColumn:
    """One registry column filled from the file."""

    column: str
    headers: list[str]
    conversion: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class ImportResult:
    """What an import took, what it left, and where it went."""

    file: str
    format: str
    encoding: str | None
    delimiter: str | None
    rows: int
    mapped: list[MappedColumn]
    unused: list[str]
    informational: list[str]
    skipped_empty: int
    title_rows: list[int] = field(default_factory=list)   # rows above the header that were skipped
    key: str = ""                     # header of the key column
    by_name: bool = False             # Kreise matched by whole names (no AGS column)
    replaced: int = 0
    written: Path | None = None
    dry_run: bool = False
    level: str = KREIS                # "kreis" (5-digit keys) or "gemeinde" (8-digit keys)

    @property
    def kreise(self) -> list[str]:
        """The keys the import takes values for (Kreise, or Gemeinden when ``level`` is "gemeinde")."""
        return sorted({a for m in self.mapped for a in m.values})

    @property
    def places(self) -> list[str]:
        return self.kreise

    def values(self) -> pd.DataFrame:
        """Long table ags, column, value of everything the import takes."""
        recs = [(a, m.column, v) for m in self.mapped for a, v in sorted(m.values.items())]
        return pd.DataFrame(recs, columns=["ags", "column", "value"])

    def summary_lines(self) -> list[str]:
        delim = {";": ", Trennzeichen ;", ",": ", Trennzeichen ,", "\t": ", Trennzeichen Tab"}.get(
            self.delimiter or "", "")
        lines = [T.IMP_REPORT_TITLE.format(file=self.file, fmt=self.format,
                                           encoding=f", {self.encoding}" if self.encoding else "", delim=delim),
                 (T.IMP_REPORT_ROWS_GEMEINDEN if self.level == GEMEINDE else T.IMP_REPORT_ROWS).format(
                     rows=self.rows, kreise=len(self.kreise)),
                 (T.IMP_REPORT_BY_NAME if self.by_name else
                  T.IMP_REPORT_KEY_GEMEINDE if self.level == GEMEINDE else T.IMP_REPORT_KEY).format(header=self.key)]
        for m in self.mapped:
            lines.append(T.IMP_REPORT_MAPPED.format(header="' + '".join(m.headers), column=m.column,
                                                    conversion=m.conversion, n=len(m.values)))
        if self.title_rows:
            lines.append(T.IMP_REPORT_TITLE_ROWS.format(rows=", ".join(map(str, self.title_rows))))
        if self.informational:
            lines.append(T.IMP_REPORT_INFO.format(headers=", ".join(self.informational)))
        if self.unused:
            lines.append(T.IMP_REPORT_UNUSED.format(headers="; ".join(self.unused)))
        if self.skipped_empty:
            lines.append(T.IMP_REPORT_SKIPPED.format(n=self.skipped_empty))
        if self.replaced:
            lines.append(T.IMP_REPORT_REPLACED.format(n=self.replaced))
        if self.dry_run:
            lines.append(T.IMP_REPORT_DRY)
        elif self.written is not None:
            lines.append(T.IMP_REPORT_WRITTEN.format(path=self.written))
        return lines


# -- header mapping -------------------------------------------------------------------

@dataclass
class _Source:
    index: int
    header: str
    column: str
    kind: str            # plain | percent | per_100k | per_gp | age part name
    year: int | None = None


def _map_headers(headers: list, years: list | None, mapping: dict[str, str], shown: str, header_row: int,
                 inkar: bool):
    """-> key index, sources, informational headers, unused headers."""
    texts = ["" if h is None else str(h).strip() for h in headers]
    by_text: dict[str, int] = {}
    for i, h in enumerate(texts):
        if h:
            by_text.setdefault(h.casefold(), i)
    forced: dict[int, str] = {}
    for header, target in mapping.items():
        found = by_text.get(header.strip().casefold())
        if found is None:
            raise InputFileError(T.IMP_MAP_HEADER.format(headers=", ".join(h for h in texts if h)), file=shown,
                                 column=header)
        if target != KEY and target not in IMPORTABLE:
            raise InputFileError(T.IMP_MAP_COLUMN.format(allowed=", ".join((KEY,) + IMPORTABLE)), file=shown,
                                 column=header, key=target)
        forced[found] = target
    key_index: int | None = None
    sources: list[_Source] = []
    info, unused = [], []
    seen: dict[str, int] = {}
    for i, h in enumerate(texts):
        year = None
        if years is not None and i < len(years) and years[i] not in (None, ""):
            parsed = parse_number(years[i], True)
            year = int(parsed[0]) if parsed and parsed[0].is_integer() else None
        label = f"{h} ({year})" if year else h
        if not h:
            continue
        if h.casefold() in seen and not inkar:
            raise InputFileError(T.IMP_DUP_HEADER.format(other=seen[h.casefold()] + 1), file=shown,
                                 row=header_row, column=h)
        seen.setdefault(h.casefold(), i)
        match = PERCENT_SUFFIX.search(h)
        percent = bool(match)
        base = h[:match.start()] if match else h
        base_norm = norm(base)
        column: str | None
        if i in forced:
            column = forced[i]
        elif base_norm in KEY_HEADERS or norm(h) in KEY_HEADERS:
            column = KEY
        elif norm(h) in LABELS or base_norm in LABELS:
            column = LABELS.get(norm(h)) or LABELS[base_norm]
        else:
            column = None
        if column == KEY:
            if key_index is None:
                key_index = i
            else:
                info.append(label)
            continue
        if column is not None and column in IMPORTABLE:
            sources.append(_Source(i, h, column, "percent" if percent else "plain", year))
            continue
        if column is not None or base_norm in INFO_HEADERS:
            info.append(label)
            continue
        inkar_hit = inkar_match(base_norm)
        if inkar_hit:
            column, kind = inkar_hit
            sources.append(_Source(i, h, column, kind, year))
            continue
        unused.append(label)
    # several years of one indicator: keep the latest
    chosen: dict[tuple[str, str], _Source] = {}
    for s in sources:
        slot = (s.column, s.kind if s.kind in INKAR_AGE_PARTS.values() else "value")
        other = chosen.get(slot)
        if other is None:
            chosen[slot] = s
        elif inkar and (s.year or 0) != (other.year or 0):
            newer, older = (s, other) if (s.year or 0) > (other.year or 0) else (other, s)
            chosen[slot] = newer
            unused.append(f"{older.header} ({older.year}, älter)")
        else:
            raise InputFileError(T.IMP_TWO_SOURCES.format(headers=f"'{other.header}', '{s.header}'"), file=shown,
                                 row=header_row, column=s.header, key=s.column)
    return key_index, list(chosen.values()), info, unused


# -- the import -------------------------------------------------------------------------

def _find_header(rows, mapping: dict[str, str]) -> int:
    """Index of the header row: the first of the leading rows that names a key column
    (title lines above it, as in GENESIS or Landesamt exports, are skipped); else 0."""
    forced_keys = {norm(h) for h, c in mapping.items() if c == KEY}
    for i, (_, cells) in enumerate(rows[:MAX_TITLE_ROWS]):
        norms = {norm(PERCENT_SUFFIX.sub("", c)) for c in cells if isinstance(c, str) and c.strip()}
        if norms & (KEY_HEADERS | forced_keys) or {"kennziffer", "raumeinheit"} <= norms:
            return i
    for i, (_, cells) in enumerate(rows[:MAX_TITLE_ROWS]):
        norms = {norm(c) for c in cells if isinstance(c, str) and c.strip()}
        if norms & NAME_HEADERS and (norms - NAME_HEADERS) & (set(LABELS) | {norm(h) for h in mapping}):
            return i
    return 0


class _Places:
    """The keys an import may name: the Kreise, and (read on first use) the Gemeinden of 31.12.2019 and
    the successors of Gemeinde keys that no longer exist."""

    def __init__(self, kreise: pd.DataFrame):
        self.kreise = kreise                         # indexed by ags
        self._gemeinden: pd.DataFrame | None = None
        self._successors: pd.DataFrame | None = None

    @property
    def gemeinden(self) -> pd.DataFrame:
        if self._gemeinden is None:
            self._gemeinden = load_gemeinden().set_index("ags")
        return self._gemeinden

    @property
    def successors(self) -> pd.DataFrame:
        if self._successors is None:
            self._successors = load_gemeinde_successors().set_index("old_ags")
        return self._successors

    def name(self, code: str, level: str) -> str:
        return str((self.gemeinden if level == GEMEINDE else self.kreise).loc[code, "name"])


def _gemeinde_code(code: str) -> str:
    """The 8-digit AGS of a Gemeinde key: 12-digit Regionalschlüssel = Land, Bezirk, Kreis (5), Verband (4),
    Gemeinde (3) -> Kreis + Gemeinde."""
    return code if len(code) == 8 else code[:5] + code[9:]


def _parse_key(cell, row_cells, places: _Places, shown: str, row: int, header: str) -> tuple[str, str]:
    """(key, level) of a key cell: a known Kreis (5 digits) or Gemeinde (8 digits); InputFileError otherwise."""
    if is_blank(cell):
        total = is_total_row(row_cells)
        if total:
            raise InputFileError(T.IMP_TOTAL_ROW.format(value=total), file=shown, row=row, column=header)
        raise InputFileError(T.IMP_AGS_EMPTY, file=shown, row=row, column=header)
    text = key_text(cell)
    key = ags_rule.parse(text)          # the one AGS rule: ASCII digits, level by length
    if key is None and not re.fullmatch(r"[0-9]+", text):
        total = is_total_row([cell]) or is_total_row(row_cells)
        if total:
            raise InputFileError(T.IMP_TOTAL_ROW.format(value=total), file=shown, row=row, column=header)
        raise InputFileError(T.IMP_AGS_FORMAT.format(value=text[:40]), file=shown, row=row, column=header)
    if key is None and len(text) == 9:
        raise InputFileError(T.IMP_AGS_VERBAND.format(value=text), file=shown, row=row, column=header)
    if key is not None and key.level == ags_rule.LAND:
        raise InputFileError(T.IMP_AGS_LAND.format(value=text), file=shown, row=row, column=header)
    if key is None:
        raise InputFileError(T.IMP_AGS_FORMAT.format(value=text[:40]), file=shown, row=row, column=header)
    if key.level == ags_rule.GEMEINDE:
        code = _gemeinde_code(key.code)
        if code in places.gemeinden.index:
            return code, GEMEINDE
        if code in places.successors.index:
            succ = places.successors.loc[code]
            hint = T.IMP_GEM_BY_AREA if succ["basis"] == "dissolution" else ""
            raise InputFileError(T.IMP_GEM_MERGED.format(value=text, old_name=succ["old_name"],
                                                         successor=succ["successor_ags"],
                                                         successor_name=succ["successor_name"], hint=hint),
                                 file=shown, row=row, column=header)
        raise InputFileError(T.IMP_GEM_UNKNOWN.format(value=text), file=shown, row=row, column=header)
    ags = key.code
    if ags not in places.kreise.index:
        raise InputFileError(T.IMP_AGS_UNKNOWN.format(value=text), file=shown, row=row, column=header)
    return ags, KREIS


def _key_from_name(cell, row_cells, shown: str, row: int, header: str) -> str:
    """AGS of a Kreis given by its whole name (files without a key column)."""
    if is_blank(cell):
        total = is_total_row(row_cells)
        raise InputFileError(T.IMP_TOTAL_ROW.format(value=total) if total else T.IMP_AGS_EMPTY, file=shown,
                             row=row, column=header)
    text = str(cell).strip()
    if is_total_row([text]):
        raise InputFileError(T.IMP_TOTAL_ROW.format(value=text[:60]), file=shown, row=row, column=header)
    try:
        return find_kreis(text, exact=True)
    except SelectionError as exc:
        raise InputFileError(T.IMP_NAME_UNKNOWN.format(value=text[:60], detail=exc.detail), file=shown, row=row,
                             column=header) from None


def _name_tokens(text: str) -> set[str]:
    stop = {"stadt", "landkreis", "kreis", "kreisfreie", "landeshauptstadt", "hansestadt", "universitatsstadt",
            "freie", "und", "der", "die", "des", "region", "regionalverband", "stadtekreis", "stadteregion",
            "wissenschaftsstadt", "documenta", "klingenstadt", "kreisstadt", "grosse", "lk", "sk"}
    return {w for w in norm(text).replace(".", " ").split() if len(w) >= 3 and w not in stop}


def _bound(value) -> str:
    return fmt_number(value, 0 if float(value).is_integer() else 2)


def _convert(value: float, percent: bool, source: _Source, cell, shown: str, row: int,
             registry: dict[str, Column] = COLUMNS):
    """Apply the unit conversion and the registry checks to one parsed number."""
    col = registry[source.column]
    if source.kind == "per_100k":
        value = value / 10.0
    elif source.kind == "per_gp":
        if value <= 0:
            raise InputFileError(T.IMP_RANGE.format(value=cell, min=">0", max="", unit="Einwohner je Hausarzt"),
                                 file=shown, row=row, column=source.header)
        value = 10_000.0 / value
    if value < 0:
        raise InputFileError(T.IMP_NEGATIVE.format(value=cell, label=col.label_de), file=shown, row=row,
                             column=source.header)
    if col.share:
        if percent or source.kind == "percent":
            value = value / 100.0
        if value > 1.0 + 1e-12:
            raise InputFileError(T.IMP_SHARE_ABOVE.format(value=cell), file=shown, row=row, column=source.header)
        value = min(value, 1.0)
        if col.plausible is not None and not col.plausible[0] <= value <= col.plausible[1]:
            raise InputFileError(T.IMP_IMPLAUSIBLE.format(value=cell, label=col.label_de,
                                                          lo=fmt_percent(col.plausible[0], 0),
                                                          hi=fmt_percent(col.plausible[1], 0)),
                                 file=shown, row=row, column=source.header)
        return value
    if percent:
        raise InputFileError(T.IMP_PERCENT_IN_NONSHARE.format(value=cell), file=shown, row=row,
                             column=source.header)
    if col.dtype == "int":
        if not float(value).is_integer():
            raise InputFileError(T.IMP_NOT_INTEGER.format(value=cell), file=shown, row=row, column=source.header)
        value = int(value)
    if (col.min is not None and value < col.min) or (col.max is not None and value > col.max):
        raise InputFileError(T.IMP_RANGE.format(value=cell, min=_bound(col.min if col.min is not None else 0),
                                                max=_bound(col.max) if col.max is not None else "", unit=col.unit),
                             file=shown, row=row, column=source.header)
    return value


def read_import(path, *, mapping: dict[str, str] | None = None, sheet: str | None = None) -> ImportResult:
    """Read and check a file completely; raise InputFileError on the first problem. Writes nothing."""
    path = Path(path)
    shown = display(path)
    mapping = _check_mapping(mapping, shown)
    table = read_table(path, shown, sheet)
    rows = [(r, cells) for r, cells in table.rows if not all(is_blank(c) for c in cells)]
    if not rows:
        raise InputFileError(T.IMP_EMPTY, file=shown)
    start = _find_header(rows, mapping)
    skipped_title = [r for r, _ in rows[:start]]
    rows = rows[start:]
    header_row, headers = rows[0]
    merged = [text for lo, hi, text in table.merged if lo <= header_row + 1 and hi >= header_row]
    if merged:
        raise InputFileError(T.IMP_MERGED_HEADER.format(ranges=", ".join(sorted(merged))), file=shown,
                             row=header_row)
    heads_norm = [norm(h) if h is not None else "" for h in headers]
    inkar = heads_norm[:3] == ["kennziffer", "raumeinheit", "aggregat"]
    years = None
    data = rows[1:]
    fmt = table.format
    if inkar:
        fmt = f"INKAR-Export ({table.format})"
        if data and all(is_blank(c) for c in data[0][1][:3]):
            years = data[0][1]
            data = data[1:]
    key_index, sources, info, unused = _map_headers(headers, years, mapping, shown, header_row, inkar)
    name_index = next((i for i, h in enumerate(heads_norm) if h in NAME_HEADERS and i != key_index), None)
    if key_index is None and name_index is None:
        raise InputFileError(T.IMP_NO_KEY.format(headers=", ".join(str(h) for h in headers if not is_blank(h))),
                             file=shown, row=header_row)
    if not sources:
        raise InputFileError(T.IMP_NO_COLUMNS.format(known=", ".join(IMPORTABLE)), file=shown, row=header_row)
    if not data:
        raise InputFileError(T.IMP_NO_ROWS, file=shown, row=header_row)
    age_parts = {s.kind: s for s in sources if s.kind in INKAR_AGE_PARTS.values()}
    if age_parts:
        if len(age_parts) < 3:
            for s in age_parts.values():
                unused.append(f"{s.header} (Altersgruppen unvollständig)")
            sources = [s for s in sources if s.kind not in INKAR_AGE_PARTS.values()]
            age_parts = {}
        elif len({s.year for s in age_parts.values()}) > 1:
            years_text = ", ".join(f"{s.header}: {s.year}" for s in age_parts.values())
            raise InputFileError(T.IMP_INKAR_YEARS.format(years=years_text), file=shown, row=header_row,
                                 key="share_65plus")
    base = load_kreise(local=False).set_index(KEY)
    places = _Places(base)
    gemeinde_name_index = next((i for i, h in enumerate(heads_norm) if h in GEMEINDE_NAME_HEADERS
                                and i != key_index), None)
    kreis_name_index = next((i for i, h in enumerate(heads_norm) if h in KREIS_NAME_HEADERS and i != key_index),
                            None)
    level: str | None = None                  # of the first key; a row of the other level is refused
    first: tuple[int, str] = (0, "")          # that row and its key as written
    registry = COLUMNS
    header_index = key_index if key_index is not None else name_index
    assert header_index is not None  # a file without key and name column was refused above
    key_header = str(headers[header_index])
    aggregat_index = 2 if inkar else None
    seen_rows: dict[str, int] = {}
    results: dict[str, MappedColumn] = {}
    skipped = 0

    def cell_at(cells, i):
        return cells[i] if i < len(cells) else None

    for row, cells in data:
        if key_index is not None:
            ags, row_level = _parse_key(cell_at(cells, key_index), cells, places, shown, row, key_header)
        else:
            ags, row_level = _key_from_name(cell_at(cells, name_index), cells, shown, row, key_header), KREIS
        if level is None:
            level, first = row_level, (row, key_text(cell_at(cells, key_index)) if key_index is not None else ags)
            registry = GEMEINDE_IMPORT_COLUMNS if level == GEMEINDE else COLUMNS
        elif row_level != level:
            this, other = ((T.IMP_LEVEL_GEMEINDE, T.IMP_LEVEL_KREIS) if row_level == GEMEINDE
                           else (T.IMP_LEVEL_KREIS, T.IMP_LEVEL_GEMEINDE))
            raise InputFileError(T.IMP_MIXED_LEVELS.format(value=key_text(cell_at(cells, key_index)), this=this,
                                                           other=other, first=first[0], first_value=first[1]),
                                 file=shown, row=row, column=key_header)
        if ags in seen_rows:
            message = T.IMP_GEM_DUPLICATE if level == GEMEINDE else T.IMP_AGS_DUPLICATE
            raise InputFileError(message.format(ags=ags, other=seen_rows[ags]), file=shown, row=row,
                                 column=key_header)
        seen_rows[ags] = row
        if aggregat_index is not None:
            raw_agg = cell_at(cells, aggregat_index)
            agg = norm(raw_agg or "")
            if level == KREIS and agg.startswith("gem"):
                raise InputFileError(T.IMP_INKAR_GEMEINDEN.format(value=raw_agg), file=shown, row=row,
                                     column=str(headers[aggregat_index]))
            if level == GEMEINDE and agg and (not agg.startswith("gemeinde") or agg.startswith("gemeindeverb")):
                raise InputFileError(T.IMP_INKAR_NOT_GEMEINDEN.format(value=raw_agg), file=shown, row=row,
                                     column=str(headers[aggregat_index]))
        if key_index is not None:
            if level == GEMEINDE:
                checks = [(gemeinde_name_index, ags, GEMEINDE), (kreis_name_index, ags[:5], KREIS)]
            else:
                checks = [(name_index, ags, KREIS)]
            for index, code, kind in checks:
                given = cell_at(cells, index) if index is not None else None
                if index is None or not isinstance(given, str) or not given.strip():
                    continue
                official = places.name(code, kind)
                if not (_name_tokens(given) & _name_tokens(official)) and _name_tokens(given):
                    raise InputFileError(T.IMP_NAME_MISMATCH.format(given=given, ags=code, official=official),
                                         file=shown, row=row, column=str(headers[index]))
        age_sum, age_ok = 0.0, bool(age_parts)
        for s in sources:
            cell = cell_at(cells, s.index)
            if is_missing(cell):
                skipped += 1
                if s.kind in INKAR_AGE_PARTS.values():
                    age_ok = False
                continue
            if s.column == "settlement_type":
                text = key_text(cell) if isinstance(cell, (int, float)) else str(cell)
                value = SETTLEMENT_ALIASES.get(norm(text).replace("_", " "))
                if value is None:
                    raise InputFileError(T.IMP_CATEGORY.format(value=cell, allowed=", ".join(SETTLEMENT_TYPES)),
                                         file=shown, row=row, column=s.header)
                conversion = T.CONV_TYPE_CODE if text in ("1", "2", "3", "4") else ""
                entry = results.setdefault(s.column, MappedColumn(s.column, [s.header], conversion))
                entry.values[ags] = value
                continue
            parsed = parse_number(cell, table.german)
            if parsed is None:
                raise InputFileError(T.IMP_NOT_NUMBER.format(value=str(cell)[:40]), file=shown, row=row,
                                     column=s.header)
            number, percent = parsed
            if s.kind in INKAR_AGE_PARTS.values():
                if number < 0:
                    raise InputFileError(T.IMP_NEGATIVE.format(value=cell, label=s.header), file=shown, row=row,
                                         column=s.header)
                if number > 100:
                    raise InputFileError(T.IMP_SHARE_ABOVE.format(value=cell), file=shown, row=row,
                                         column=s.header)
                age_sum += number
                continue
            value = _convert(number, percent, s, cell, shown, row, registry)
            conversion = {"percent": T.CONV_PERCENT, "per_100k": T.CONV_PER_100K, "per_gp": T.CONV_PER_GP}.get(
                s.kind, T.CONV_PERCENT if percent and COLUMNS[s.column].share else "")
            entry = results.setdefault(s.column, MappedColumn(s.column, [s.header], conversion))
            if conversion and not entry.conversion:
                entry.conversion = conversion
            entry.values[ags] = value
        if age_parts and age_ok:
            part_sources = sorted(age_parts.values(), key=lambda s: s.index)
            fake = _Source(part_sources[0].index, part_sources[0].header, "share_65plus", "percent")
            value = _convert(age_sum, False, fake, f"{age_sum:g} %", shown, row, registry)
            entry = results.setdefault("share_65plus", MappedColumn("share_65plus",
                                                                    [s.header for s in part_sources],
                                                                    T.CONV_INKAR_SUM65))
            entry.values[ags] = value
    mapped = [results[c] for c in COLUMNS if c in results]
    if not mapped:
        raise InputFileError(T.IMP_NO_VALUES, file=shown)
    return ImportResult(file=shown, format=fmt, encoding=table.encoding, delimiter=table.delimiter,
                        rows=len(data), mapped=mapped, unused=unused,
                        informational=[h for h in info if not (key_index is None and h == key_header)],
                        skipped_empty=skipped, key=key_header, by_name=key_index is None,
                        title_rows=skipped_title, level=level or KREIS)


def _safe_cell(text: str) -> str:
    """A user-given text for a CSV cell: no control characters, no formula start (=, +, -, @)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))[:200]
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _format_value(column: str, value) -> str:
    col = COLUMNS[column]
    if col.dtype == "category":
        return str(value)
    if col.dtype == "int":
        return str(int(value))
    return repr(round(float(value), 10))


def import_file(path, *, mapping: dict[str, str] | None = None, sheet: str | None = None,
                dry_run: bool = False) -> ImportResult:
    """Check a file and, unless ``dry_run``, merge its values into the local overlay of its level
    (Kreise: ``overlay.csv``, Gemeinden: ``gemeinden_overlay.csv``), atomically.

    A later import replaces the cells it covers and keeps the others. Raises
    InputFileError (nothing changed) when the file is not clean.
    """
    result = read_import(path, mapping=mapping, sheet=sheet)
    result.dry_run = dry_run
    new = result.values()
    if dry_run:
        try:
            current = overlay.load_overlay(result.level)
        except DataError:
            current = pd.DataFrame(columns=overlay.OVERLAY_COLUMNS)
        result.replaced = len(overlay.overlap(current, new))
        return result
    headers = {m.column: _safe_cell("+".join(m.headers)) for m in result.mapped}
    new_rows = pd.DataFrame({
        "ags": new["ags"], "column": new["column"],
        "value": [_format_value(c, v) for c, v in zip(new["column"], new["value"])],
        "source_file": _safe_cell(Path(result.file).name),
        "source_column": [headers[c] for c in new["column"]],
        "imported_at": overlay.timestamp(),
    }, columns=overlay.OVERLAY_COLUMNS)
    # a corrupt overlay stops here (DataError), before anything is written
    result.written, result.replaced = overlay.merge(new_rows, result.level)
    return result


def _check_mapping(mapping, shown: str) -> dict[str, str]:
    """``mapping`` as a dict of text to text, or InputFileError (API callers may pass anything)."""
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping) or not all(isinstance(k, str) and isinstance(v, str)
                                                   for k, v in mapping.items()):
        raise InputFileError(T.IMP_MAP_TYPE.format(value=repr(mapping)[:60]), file=shown, key="mapping")
    return dict(mapping)


def parse_map(items) -> dict[str, str]:
    """['Header=column', ...] -> {header: column}; a header mapped twice is refused."""
    out: dict[str, str] = {}
    for item in items or []:
        header, sep, column = str(item).partition("=")
        if not sep or not header.strip() or not column.strip():
            raise InputFileError(T.IMP_MAP_SYNTAX.format(value=item))
        header, column = header.strip(), column.strip()
        if header in out and out[header] != column:
            raise InputFileError(T.IMP_MAP_TWICE.format(header=header, first=out[header], second=column),
                                 key=header)
        out[header] = column
    return out
