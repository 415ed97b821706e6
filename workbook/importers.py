"""Import a municipality's own figures (CSV, XLSX, INKAR export) into the local overlay.

    result = import_file("einwohner.csv", mapping={"EW 2019": "population_2019"}, dry_run=True)
    print("\\n".join(result.summary_lines()))

The file is read completely and checked before anything is written: the
overlay changes only when every row and value is clean, and then atomically
(temporary file + ``os.replace``). Every refusal is an ``InputFileError``
whose message names the file, the row as the user sees it (line of the CSV,
row of the sheet), the column header and what was expected.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pandas as pd

from . import ags as ags_rule
from .errors import DataError, InputFileError
from .fsutil import atomic_write_bytes
from .schema import COLUMNS, IMPORTABLE, KEY, SETTLEMENT_TYPES

MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_XLSX_UNPACKED = 400 * 1024 * 1024
MAX_XLSX_ROWS = 100_000
MAX_XLSX_COLUMNS = 2_000
MAX_TITLE_ROWS = 30

KEY_HEADERS = {"ags", "kennziffer", "kreisschlussel", "kreisschluessel", "kreisschlussel ags",
               "regionalschlussel", "regionalschluessel", "rs", "schlussel", "kreis ags", "ags kreis",
               "amtlicher gemeindeschlussel", "kreiskennziffer", "kreis id", "admunitid"}
INFO_HEADERS = {"name", "raumeinheit", "aggregat", "kreis", "kreisname", "land", "bundesland", "landkreis",
                "gebietseinheit", "kreis kreisfreie stadt", "kreisfreie stadt landkreis", "bezeichnung",
                "nr", "lfd nr", "objectid"}
NAME_HEADERS = {"name", "raumeinheit", "kreisname", "kreis", "gebietseinheit", "bezeichnung"}
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

# INKAR indicators the workbook knows: normalised header regex -> (target, kind)
INKAR_AGE_PARTS = {
    r"^einwohner von 65 bis unter 75 jahren\b": "65_75",
    r"^einwohner von 75 bis unter 85 jahren\b": "75_85",
    r"^einwohner 85 jahre und alter\b": "85plus",
}
INKAR_DIRECT = [
    (r"^einwohner 65 jahre und alter\b", "share_65plus", "percent"),
    (r"^hausarzte( je 100\.?000 einwohner)?$", "gp_per_10k", "per_100k"),
    (r"^einwohner je hausarzt$", "gp_per_10k", "per_gp"),
    (r"^breitbandversorgung.*1\.?000 ?mbit", "gigabit_share", "percent"),
    (r"gigabit", "gigabit_share", "percent"),
    # INKAR names of the columns added with the official data (issue 13)
    (r"^pendler mit arbeitsweg 50 km und mehr\b", "commuters_50km_share", "percent"),
    (r"^erreichbarkeit von oberzentren\b", "time_to_oberzentrum_min", "plain"),
    (r"^beschaftigte (am wohnort )?mit akademischem (berufs)?abschluss\b", "academic_share", "percent"),
    (r"^haushaltseinkommen$", "household_income_eur_month", "plain"),
]


def _t():
    from .texts import data as T

    return T


def _norm(text) -> str:
    """Casefold, strip accents/umlauts (ä -> a), ß -> ss, punctuation to spaces."""
    text = str(text).replace("ß", "ss").replace("\ufeff", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w%.+]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_PERCENT_SUFFIX = re.compile(r"\s*(\(\s*%\s*\)|\[\s*%\s*\]|\bin\s*%|%)\s*$", re.IGNORECASE)

LABELS = {}
for _name, _col in COLUMNS.items():
    LABELS[_norm(_name)] = _name
    LABELS[_norm(_col.label_de)] = _name


def _display(path) -> str:
    """The file name as shown in messages: control characters replaced."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(path))[:300]


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

    @property
    def kreise(self) -> list[str]:
        return sorted({a for m in self.mapped for a in m.values})

    def values(self) -> pd.DataFrame:
        """Long table ags, column, value of everything the import takes."""
        recs = [(a, m.column, v) for m in self.mapped for a, v in sorted(m.values.items())]
        return pd.DataFrame(recs, columns=["ags", "column", "value"])

    def summary_lines(self) -> list[str]:
        T = _t()
        delim = {";": ", Trennzeichen ;", ",": ", Trennzeichen ,", "\t": ", Trennzeichen Tab"}.get(
            self.delimiter or "", "")
        lines = [T.IMP_REPORT_TITLE.format(file=self.file, fmt=self.format,
                                           encoding=f", {self.encoding}" if self.encoding else "", delim=delim),
                 T.IMP_REPORT_ROWS.format(rows=self.rows, kreise=len(self.kreise)),
                 (T.IMP_REPORT_BY_NAME if self.by_name else T.IMP_REPORT_KEY).format(header=self.key)]
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


# -- reading the file into rows ----------------------------------------------------------

@dataclass
class _Table:
    rows: list[tuple[int, list]]     # (row number as the user sees it, cells)
    format: str
    encoding: str | None
    delimiter: str | None
    german: bool                     # German number convention for text cells
    merged: list = field(default_factory=list)   # Excel: (min_row, max_row, "A1:C1")


def _read_table(path: Path, shown: str, sheet: str | None) -> _Table:
    T = _t()
    if not path.exists():
        raise InputFileError(T.IMP_NOT_FOUND, file=shown)
    if not path.is_file():
        raise InputFileError(T.IMP_NOT_A_FILE, file=shown)
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        from .texts import fmt_number

        raise InputFileError(T.IMP_TOO_LARGE.format(size=f"{fmt_number(size / 2**20, 1)} MB",
                                                    limit=f"{fmt_number(MAX_IMPORT_BYTES / 2**20, 0)} MB"),
                             file=shown)
    if size == 0:
        raise InputFileError(T.IMP_EMPTY, file=shown)
    with open(path, "rb") as fh:
        raw = fh.read(MAX_IMPORT_BYTES + 1)
    if raw[:4] == b"PK\x03\x04":
        return _read_xlsx(raw, shown, sheet)
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputFileError(T.IMP_XLS_OLD, file=shown)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputFileError(T.IMP_NOT_XLSX, file=shown)
    return _read_csv(raw, shown)


def _decode(raw: bytes, shown: str) -> tuple[str, str]:
    T = _t()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputFileError(T.IMP_UTF16, file=shown)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputFileError(T.IMP_BINARY.format(offset=nul), file=shown, row=raw.count(b"\n", 0, nul) + 1)
    sample = raw[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if controls > max(2, len(sample) // 100):
        first = next(i for i, b in enumerate(raw) if b < 32 and b not in (9, 10, 13))
        raise InputFileError(T.IMP_BINARY.format(offset=first), file=shown, row=raw.count(b"\n", 0, first) + 1)
    if raw[:3] == b"\xef\xbb\xbf":
        try:
            return raw[3:].decode("utf-8"), "UTF-8 mit BOM"
        except UnicodeDecodeError as exc:
            pos = exc.start + 3
            raise InputFileError(T.IMP_ENCODING.format(byte=raw[pos]), file=shown,
                                 row=raw.count(b"\n", 0, pos) + 1) from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Latin-1/Windows-1252"
    except UnicodeDecodeError as exc:
        raise InputFileError(T.IMP_ENCODING.format(byte=raw[exc.start]), file=shown,
                             row=raw.count(b"\n", 0, exc.start) + 1) from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into the same number of fields
    (title lines above the table are outvoted); ties prefer ';', then tab, then ','."""
    lines = [line for line in text.splitlines() if line.strip(" ;,\t\"'")][:MAX_TITLE_ROWS]
    best, best_score = ";", (0, 0)
    for d in (";", "\t", ","):
        counts = []
        for line in lines:
            in_quote, n = False, 0
            for ch in line:
                if ch == '"':
                    in_quote = not in_quote
                elif ch == d and not in_quote:
                    n += 1
            counts.append(n)
        nonzero = [c for c in counts if c]
        if not nonzero:
            continue
        mode = max(set(nonzero), key=lambda c: (nonzero.count(c), c))
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = d, score
    return best


def _read_csv(raw: bytes, shown: str) -> _Table:
    T = _t()
    text, encoding = _decode(raw, shown)
    delimiter = _sniff_delimiter(text)
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    try:
        for cells in reader:
            rows.append((reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise InputFileError(T.CSV_UNREADABLE.format(error=exc), file=shown, row=reader.line_num + 1) from None
    return _Table(rows, "CSV", encoding, delimiter, german=delimiter in (";", "\t"))


def _read_xlsx(raw: bytes, shown: str, sheet: str | None) -> _Table:
    T = _t()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputFileError(T.IMP_XLSX_BROKEN.format(error=exc), file=shown) from None
    if unpacked > MAX_XLSX_UNPACKED:
        from .texts import fmt_number

        raise InputFileError(T.IMP_TOO_LARGE.format(size=f"{fmt_number(unpacked / 2**20, 0)} MB (entpackt)",
                                                    limit=f"{fmt_number(MAX_XLSX_UNPACKED / 2**20, 0)} MB"),
                             file=shown)
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=False, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a broken workbook
        raise InputFileError(T.IMP_XLSX_BROKEN.format(error=str(exc).splitlines()[0] if str(exc) else
                                                      type(exc).__name__), file=shown) from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputFileError(T.IMP_SHEET_UNKNOWN.format(sheets=", ".join(wb.sheetnames)), file=shown,
                                 key=_display(sheet))
        if not hasattr(ws, "iter_rows"):
            raise InputFileError(T.IMP_SHEET_NOT_TABLE, file=shown, key=ws.title)
        if ws.max_row > MAX_XLSX_ROWS or ws.max_column > MAX_XLSX_COLUMNS:
            raise InputFileError(T.IMP_XLSX_DIMENSIONS.format(rows=ws.max_row, columns=ws.max_column,
                                                              max_rows=MAX_XLSX_ROWS, max_columns=MAX_XLSX_COLUMNS),
                                 file=shown, key=ws.title)
        rows = []
        for r, cells in enumerate(ws.iter_rows(), start=1):
            rows.append((r, [_xlsx_value(c) for c in cells]))
        merged = [(m.min_row, m.max_row, str(m)) for m in ws.merged_cells.ranges]
    finally:
        wb.close()
    name = f"XLSX, Blatt „{ws.title}“"
    return _Table(rows, name, None, None, german=True, merged=merged)


class _PercentCell(float):
    """A number that its Excel cell shows with a percent format ("18,2 %"): the stored value
    is already the fraction (0.182), whatever the column header says."""

    def __str__(self) -> str:
        return f"{float(self) * 100:g} %".replace(".", ",")


def _xlsx_value(cell):
    value = cell.value
    if isinstance(value, str):
        return value.strip()
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and "%" in str(getattr(cell, "number_format", "") or "")):
        return _PercentCell(value)
    return value


# -- cells ---------------------------------------------------------------------------

def _is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _is_missing(cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip().casefold() in MISSING_MARKERS)


_DE_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")
_DE_DECIMAL = re.compile(r"^[+-]?\d+(,\d+)?$")
_EN_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
_EN_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _parse_number(cell, german: bool) -> tuple[float, bool] | None:
    """(value, had a % sign) or None when the cell is not a number."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, _PercentCell):                 # 0.182 shown as 18,2 %: a percent figure of 18.2
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


def _key_text(cell) -> str:
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip().strip("'\"").replace(" ", "")


# -- header mapping -------------------------------------------------------------------

@dataclass
class _Source:
    index: int
    header: str
    column: str
    kind: str            # plain | percent | per_100k | per_gp | age part name
    year: int | None = None


def _inkar_match(base_norm: str):
    for pattern, part in INKAR_AGE_PARTS.items():
        if re.search(pattern, base_norm):
            return "share_65plus", part
    for pattern, column, kind in INKAR_DIRECT:
        if re.search(pattern, base_norm):
            return column, kind
    return None


def _map_headers(headers: list, years: list | None, mapping: dict[str, str], shown: str, header_row: int,
                 inkar: bool):
    """-> key index, sources, informational headers, unused headers."""
    T = _t()
    texts = ["" if h is None else str(h).strip() for h in headers]
    by_text: dict[str, int] = {}
    for i, h in enumerate(texts):
        if h:
            by_text.setdefault(h.casefold(), i)
    forced: dict[int, str] = {}
    for header, target in mapping.items():
        index = by_text.get(header.strip().casefold())
        if index is None:
            raise InputFileError(T.IMP_MAP_HEADER.format(headers=", ".join(h for h in texts if h)), file=shown,
                                 column=header)
        if target != KEY and target not in IMPORTABLE:
            raise InputFileError(T.IMP_MAP_COLUMN.format(allowed=", ".join((KEY,) + IMPORTABLE)), file=shown,
                                 column=header, key=target)
        forced[index] = target
    key_index = None
    sources: list[_Source] = []
    info, unused = [], []
    seen: dict[str, int] = {}
    for i, h in enumerate(texts):
        year = None
        if years is not None and i < len(years) and years[i] not in (None, ""):
            parsed = _parse_number(years[i], True)
            year = int(parsed[0]) if parsed and parsed[0].is_integer() else None
        label = f"{h} ({year})" if year else h
        if not h:
            continue
        if h.casefold() in seen and not inkar:
            raise InputFileError(T.IMP_DUP_HEADER.format(other=seen[h.casefold()] + 1), file=shown,
                                 row=header_row, column=h)
        seen.setdefault(h.casefold(), i)
        match = _PERCENT_SUFFIX.search(h)
        percent = bool(match)
        base = h[:match.start()] if match else h
        base_norm = _norm(base)
        column: str | None  # the schema column this header feeds, None: not imported
        if i in forced:
            column = forced[i]
        elif base_norm in KEY_HEADERS or _norm(h) in KEY_HEADERS:
            column = KEY
        elif _norm(h) in LABELS or base_norm in LABELS:
            column = LABELS.get(_norm(h)) or LABELS[base_norm]
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
        inkar_hit = _inkar_match(base_norm)
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

def _is_total_row(cells) -> str | None:
    """The text of a cell that marks a total, average or footnote row, if any."""
    for cell in cells:
        if isinstance(cell, str) and cell.strip():
            tokens = set(_norm(cell).replace(":", " ").replace(".", " ").split())
            if (tokens & set(TOTAL_WORDS) or cell.strip()[:1] in ("*", "©", "_")
                    or re.fullmatch(r"[-_=—–]{3,}", cell.strip())):
                return cell.strip()[:60]
    return None


def _find_header(rows, mapping: dict[str, str]) -> int:
    """Index of the header row: the first of the leading rows that names a key column
    (title lines above it, as in GENESIS or Landesamt exports, are skipped); else 0."""
    forced_keys = {_norm(h) for h, c in mapping.items() if c == KEY}
    for i, (_, cells) in enumerate(rows[:MAX_TITLE_ROWS]):
        norms = {_norm(_PERCENT_SUFFIX.sub("", c)) for c in cells if isinstance(c, str) and c.strip()}
        if norms & (KEY_HEADERS | forced_keys) or {"kennziffer", "raumeinheit"} <= norms:
            return i
    for i, (_, cells) in enumerate(rows[:MAX_TITLE_ROWS]):
        norms = {_norm(c) for c in cells if isinstance(c, str) and c.strip()}
        if norms & NAME_HEADERS and (norms - NAME_HEADERS) & (set(LABELS) | {_norm(h) for h in mapping}):
            return i
    return 0


def _parse_key(cell, row_cells, known: set[str], shown: str, row: int, header: str) -> str:
    T = _t()
    if _is_blank(cell):
        total = _is_total_row(row_cells)
        if total:
            raise InputFileError(T.IMP_TOTAL_ROW.format(value=total), file=shown, row=row, column=header)
        raise InputFileError(T.IMP_AGS_EMPTY, file=shown, row=row, column=header)
    text = _key_text(cell)
    key = ags_rule.parse(text)          # the one AGS rule: ASCII digits, level by length
    if key is None and not re.fullmatch(r"[0-9]+", text):
        total = _is_total_row([cell]) or _is_total_row(row_cells)
        if total:
            raise InputFileError(T.IMP_TOTAL_ROW.format(value=total), file=shown, row=row, column=header)
        raise InputFileError(T.IMP_AGS_FORMAT.format(value=text[:40]), file=shown, row=row, column=header)
    if key is not None and key.level == ags_rule.GEMEINDE:
        raise InputFileError(T.IMP_AGS_GEMEINDE.format(value=text, kreis=key.kreis), file=shown, row=row,
                             column=header)
    if key is not None and key.level == ags_rule.LAND:
        raise InputFileError(T.IMP_AGS_LAND.format(value=text), file=shown, row=row, column=header)
    if key is None:
        raise InputFileError(T.IMP_AGS_FORMAT.format(value=text), file=shown, row=row, column=header)
    ags = key.code
    if ags not in known:
        raise InputFileError(T.IMP_AGS_UNKNOWN.format(value=text), file=shown, row=row, column=header)
    return ags


def _key_from_name(cell, row_cells, shown: str, row: int, header: str) -> str:
    """AGS of a Kreis given by its whole name (files without a key column)."""
    from .datasets import find_kreis
    from .errors import SelectionError

    T = _t()
    if _is_blank(cell):
        total = _is_total_row(row_cells)
        raise InputFileError(T.IMP_TOTAL_ROW.format(value=total) if total else T.IMP_AGS_EMPTY, file=shown,
                             row=row, column=header)
    text = str(cell).strip()
    if _is_total_row([text]):
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
    return {w for w in _norm(text).replace(".", " ").split() if len(w) >= 3 and w not in stop}


def _convert(value: float, percent: bool, source: _Source, cell, shown: str, row: int):
    """Apply the unit conversion and the registry checks to one parsed number."""
    T = _t()
    col = COLUMNS[source.column]
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
            from .texts import fmt_percent

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
        from .texts import fmt_number

        raise InputFileError(T.IMP_RANGE.format(value=cell, min=fmt_number(col.min, 0), max=fmt_number(col.max, 0),
                                                unit=col.unit), file=shown, row=row, column=source.header)
    return value


def read_import(path, *, mapping: dict[str, str] | None = None, sheet: str | None = None) -> ImportResult:
    """Read and check a file completely; raise InputFileError on the first problem. Writes nothing."""
    from .datasets import load_kreise

    T = _t()
    path = Path(path)
    shown = _display(path)
    mapping = _check_mapping(mapping, shown)
    table = _read_table(path, shown, sheet)
    rows = [(r, cells) for r, cells in table.rows if not all(_is_blank(c) for c in cells)]
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
    heads_norm = [_norm(h) if h is not None else "" for h in headers]
    inkar = heads_norm[:3] == ["kennziffer", "raumeinheit", "aggregat"]
    years = None
    data = rows[1:]
    fmt = table.format
    if inkar:
        fmt = f"INKAR-Export ({table.format})"
        if data and all(_is_blank(c) for c in data[0][1][:3]):
            years = data[0][1]
            data = data[1:]
    key_index, sources, info, unused = _map_headers(headers, years, mapping, shown, header_row, inkar)
    name_index = next((i for i, h in enumerate(heads_norm) if h in NAME_HEADERS and i != key_index), None)
    if key_index is None and name_index is None:
        raise InputFileError(T.IMP_NO_KEY.format(headers=", ".join(str(h) for h in headers if not _is_blank(h))),
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
    known = set(base.index)
    key_column = key_index if key_index is not None else name_index
    assert key_column is not None  # a file with neither a key nor a name column was refused above
    key_header = str(headers[key_column])
    aggregat_index = 2 if inkar else None
    seen_rows: dict[str, int] = {}
    results: dict[str, MappedColumn] = {}
    skipped = 0

    def cell_at(cells, i):
        return cells[i] if i < len(cells) else None

    for row, cells in data:
        if key_index is not None:
            ags = _parse_key(cell_at(cells, key_index), cells, known, shown, row, key_header)
        else:
            ags = _key_from_name(cell_at(cells, name_index), cells, shown, row, key_header)
        if ags in seen_rows:
            raise InputFileError(T.IMP_AGS_DUPLICATE.format(ags=ags, other=seen_rows[ags]), file=shown, row=row,
                                 column=key_header)
        seen_rows[ags] = row
        if aggregat_index is not None:
            agg = _norm(cell_at(cells, aggregat_index) or "")
            if agg.startswith("gem") or agg.startswith("gemeinde"):
                raise InputFileError(T.IMP_INKAR_GEMEINDEN.format(value=cell_at(cells, aggregat_index)),
                                     file=shown, row=row, column=str(headers[aggregat_index]))
        if name_index is not None and key_index is not None:
            given = cell_at(cells, name_index)
            if isinstance(given, str) and given.strip():
                official = str(base.loc[ags, "name"])
                if not (_name_tokens(given) & _name_tokens(official)) and _name_tokens(given):
                    raise InputFileError(T.IMP_NAME_MISMATCH.format(given=given, ags=ags, official=official),
                                         file=shown, row=row, column=str(headers[name_index]))
        age_sum, age_ok = 0.0, bool(age_parts)
        for s in sources:
            cell = cell_at(cells, s.index)
            if _is_missing(cell):
                skipped += 1
                if s.kind in INKAR_AGE_PARTS.values():
                    age_ok = False
                continue
            if s.column == "settlement_type":
                text = _key_text(cell) if isinstance(cell, (int, float)) else str(cell)
                value = SETTLEMENT_ALIASES.get(_norm(text).replace("_", " "))
                if value is None:
                    raise InputFileError(T.IMP_CATEGORY.format(value=cell, allowed=", ".join(SETTLEMENT_TYPES)),
                                         file=shown, row=row, column=s.header)
                conversion = T.CONV_TYPE_CODE if text in ("1", "2", "3", "4") else ""
                entry = results.setdefault(s.column, MappedColumn(s.column, [s.header], conversion))
                entry.values[ags] = value
                continue
            parsed = _parse_number(cell, table.german)
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
            value = _convert(number, percent, s, cell, shown, row)
            conversion = {"percent": T.CONV_PERCENT, "per_100k": T.CONV_PER_100K, "per_gp": T.CONV_PER_GP}.get(
                s.kind, T.CONV_PERCENT if percent and COLUMNS[s.column].share else "")
            entry = results.setdefault(s.column, MappedColumn(s.column, [s.header], conversion))
            if conversion and not entry.conversion:
                entry.conversion = conversion
            entry.values[ags] = value
        if age_parts and age_ok:
            part_sources = sorted(age_parts.values(), key=lambda s: s.index)
            fake = _Source(part_sources[0].index, part_sources[0].header, "share_65plus", "percent")
            value = _convert(age_sum, False, fake, f"{age_sum:g} %", shown, row)
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
                        title_rows=skipped_title)


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
    """Check a file and, unless ``dry_run``, merge its values into the local overlay (atomically).

    A later import replaces the cells it covers and keeps the others. Raises
    InputFileError (nothing changed) when the file is not clean.
    """
    from . import datasets

    result = read_import(path, mapping=mapping, sheet=sheet)
    result.dry_run = dry_run
    if dry_run:
        try:
            current = datasets.load_overlay()
        except DataError:
            current = pd.DataFrame(columns=datasets.OVERLAY_COLUMNS)
        result.replaced = len(_overlap(current, result.values()))
        return result
    target = datasets.overlay_path()
    with _overlay_lock(target):
        datasets.clear_cache()
        current = datasets.load_overlay()          # a corrupt overlay stops here (DataError)
        new = result.values()
        stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
        headers = {m.column: _safe_cell("+".join(m.headers)) for m in result.mapped}
        new_rows = pd.DataFrame({
            "ags": new["ags"], "column": new["column"],
            "value": [_format_value(c, v) for c, v in zip(new["column"], new["value"])],
            "source_file": _safe_cell(Path(result.file).name),
            "source_column": [headers[c] for c in new["column"]],
            "imported_at": stamp,
        }, columns=datasets.OVERLAY_COLUMNS)
        overlap = _overlap(current, new)
        result.replaced = len(overlap)
        keep = [(a, c) not in overlap for a, c in zip(current["ags"], current["column"])]
        merged = pd.concat([current[keep], new_rows], ignore_index=True).sort_values(["ags", "column"],
                                                                                      kind="stable")
        _write_atomic(target, merged.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    datasets.clear_cache()
    result.written = target
    return result


def _overlap(current: pd.DataFrame, new: pd.DataFrame) -> set[tuple[str, str]]:
    keys_new = set(zip(new["ags"], new["column"]))
    return {(a, c) for a, c in zip(current["ags"], current["column"]) if (a, c) in keys_new}


class _overlay_lock:
    """An exclusive lock beside the overlay, so two imports never lose each other's values."""

    def __init__(self, target: Path):
        self.path = target.parent / ".overlay.lock"
        self.fh: IO[bytes] | None = None

    def __enter__(self):
        T = _t()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = self.fh = open(self.path, "a+b")  # held until __exit__
        except OSError as exc:
            raise DataError(T.OVERLAY_WRITE.format(error=exc.strerror or exc), file=str(self.path.parent)) from None
        try:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows: no advisory lock
            pass
        return self

    def __exit__(self, *exc):
        if self.fh is None:  # never entered
            return False
        try:
            import fcntl

            fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
        except ImportError:  # pragma: no cover
            pass
        self.fh.close()
        return False


def _write_atomic(target: Path, data: bytes) -> None:
    """Write via a temporary file and os.replace, flushed to disk; on any failure nothing changes."""
    T = _t()
    atomic_write_bytes(target, data, prefix=".overlay.", fsync=True, on_error=lambda exc: DataError(
        T.OVERLAY_WRITE.format(error=exc.strerror or exc), file=str(target)))


def reset_overlay() -> bool:
    """Remove the local overlay; True when there was one."""
    from . import datasets

    T = _t()
    target = datasets.overlay_path()
    existed = target.exists()
    if existed:
        try:
            os.remove(target)
        except OSError as exc:
            raise DataError(T.OVERLAY_WRITE.format(error=exc.strerror or exc), file=str(target)) from None
    datasets.clear_cache()
    return existed


def _check_mapping(mapping, shown: str) -> dict[str, str]:
    """``mapping`` as a dict of text to text, or InputFileError (API callers may pass anything)."""
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping) or not all(isinstance(k, str) and isinstance(v, str)
                                                   for k, v in mapping.items()):
        raise InputFileError(_t().IMP_MAP_TYPE.format(value=repr(mapping)[:60]), file=shown, key="mapping")
    return dict(mapping)


def parse_map(items) -> dict[str, str]:
    """['Header=column', ...] -> {header: column}; a header mapped twice is refused."""
    T = _t()
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


def cli_import(args) -> int:
    """``workbook import``: print what was taken and refused; exit 2 when refused."""
    from . import datasets

    T = _t()
    if args.reset:
        existed = reset_overlay()
        print((T.IMP_RESET_DONE if existed else T.IMP_RESET_NONE).format(path=datasets.overlay_path()))
        return 0
    if not args.file:
        raise InputFileError(T.IMP_NO_FILE)
    result = import_file(args.file, mapping=parse_map(args.map), sheet=args.sheet, dry_run=args.dry_run)
    for line in result.summary_lines():
        print(line)
    return 0
