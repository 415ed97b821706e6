"""Reading a user's import file into rows: CSV (encoding, delimiter) or XLSX, within size limits.

``read_table(path, shown, sheet) -> Table`` refuses (``InputFileError``) a missing,
empty, binary, UTF-16, too large or broken file and an old ``.xls``; the rows keep
the numbers the user sees (line of the CSV, row of the sheet).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError
from ..texts import data as T
from ..texts import fmt_number
from .cells import xlsx_value

MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_XLSX_UNPACKED = 400 * 1024 * 1024
MAX_XLSX_ROWS = 100_000
MAX_XLSX_COLUMNS = 2_000
MAX_TITLE_ROWS = 30


def display(path) -> str:
    """The file name as shown in messages: control characters replaced."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(path))[:300]


@dataclass
class Table:
    rows: list[tuple[int, list]]     # (row number as the user sees it, cells)
    format: str
    encoding: str | None
    delimiter: str | None
    german: bool                     # German number convention for text cells
    merged: list = field(default_factory=list)   # Excel: (min_row, max_row, "A1:C1")


def read_table(path: Path, shown: str, sheet: str | None) -> Table:
    if not path.exists():
        raise InputFileError(T.IMP_NOT_FOUND, file=shown)
    if not path.is_file():
        raise InputFileError(T.IMP_NOT_A_FILE, file=shown)
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
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


def _read_csv(raw: bytes, shown: str) -> Table:
    text, encoding = _decode(raw, shown)
    delimiter = _sniff_delimiter(text)
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    try:
        for cells in reader:
            rows.append((reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise InputFileError(T.CSV_UNREADABLE.format(error=exc), file=shown, row=reader.line_num + 1) from None
    return Table(rows, "CSV", encoding, delimiter, german=delimiter in (";", "\t"))


def _read_xlsx(raw: bytes, shown: str, sheet: str | None) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputFileError(T.IMP_XLSX_BROKEN.format(error=exc), file=shown) from None
    if unpacked > MAX_XLSX_UNPACKED:
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
                                 key=display(sheet))
        if not hasattr(ws, "iter_rows"):
            raise InputFileError(T.IMP_SHEET_NOT_TABLE, file=shown, key=ws.title)
        if ws.max_row > MAX_XLSX_ROWS or ws.max_column > MAX_XLSX_COLUMNS:
            raise InputFileError(T.IMP_XLSX_DIMENSIONS.format(rows=ws.max_row, columns=ws.max_column,
                                                              max_rows=MAX_XLSX_ROWS, max_columns=MAX_XLSX_COLUMNS),
                                 file=shown, key=ws.title)
        rows = []
        for r, cells in enumerate(ws.iter_rows(), start=1):
            rows.append((r, [xlsx_value(c) for c in cells]))
        merged = [(m.min_row, m.max_row, str(m)) for m in ws.merged_cells.ranges]
    finally:
        wb.close()
    name = f"XLSX, Blatt „{ws.title}“"
    return Table(rows, name, None, None, german=True, merged=merged)
