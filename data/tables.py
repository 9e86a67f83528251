"""Reading table files: .xlsx / .csv / .tsv / .txt / .jsonl into rows of strings, whatever corpus they hold.

- formats by suffix: .xlsx/.xlsm (openpyxl), .csv, .tsv/.txt (tab), .jsonl/.json (one object per line, or an array);
- encodings: UTF-8, UTF-8 with BOM and cp949 (AI Hub exports) are detected from the bytes;
- only regular files of bounded size are read: never a FIFO, a device or a file that keeps growing;
- a row with the wrong number of fields is skipped and counted (`Table.malformed`); any other bad input raises
  `DataError` naming the file (and line) and what was expected.

What the rows mean is the corpus parsers' business (data/loaders.py).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from data.records import DataError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DELIMITED_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": "\t"}  # NSMC ships as .txt, tab-separated
JSONL_SUFFIXES = (".jsonl", ".json")
KNOWN_SUFFIXES = EXCEL_SUFFIXES + tuple(DELIMITED_SUFFIXES) + JSONL_SUFFIXES
MAX_WARNED_ROWS = 5  # how many malformed rows a warning quotes
MAX_FILE_BYTES = 1 << 30  # 1 GiB: far above any corpus we read; a read stops here instead of filling memory
Quoting = Literal[0, 1, 2, 3]  # csv.QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC, QUOTE_NONE
CSV_FIELD_LIMIT = 2**31 - 1  # csv's default limit rejects long cells that JSONL accepts; C long max on every OS


@dataclass
class Table:
    """Rows of a file as lists of strings, with the source row number of each (1-based, header = row 1)."""

    path: Path
    columns: list  # header names (str), or positions (int) for a file without a header
    rows: list[tuple[int, list[str]]]
    malformed: int = 0  # rows skipped because their field count was wrong (or, in JSONL, not an object)
    malformed_notes: list[str] = field(default_factory=list)  # the first MAX_WARNED_ROWS of them, by line
    encoding: str | None = None  # None for xlsx

    def require(self, *names: str) -> list[int]:
        """Column positions of `names`, or a DataError naming the missing column."""
        positions = []
        for name in names:
            if name not in self.columns:
                raise DataError(
                    f"{self.path}: missing column {name!r}; expected columns "
                    f"{', '.join(names)}; found {', '.join(map(str, self.columns)) or 'none'}"
                )
            positions.append(self.columns.index(name))
        return positions


def check_path(path) -> Path:
    """The path, if it is a regular file of a known format and bounded size: never block on a FIFO or read a device."""
    path = Path(path)
    try:
        info = os.stat(path)  # follows symlinks: a link to /dev/zero is a device
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror or error})") from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"{path}: is a directory; expected a data file ({', '.join(KNOWN_SUFFIXES)})")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
        raise DataError(f"{path}: is {kind}, not a regular file; save the data to a file and give its path")
    if path.suffix.lower() not in KNOWN_SUFFIXES:
        raise DataError(
            f"{path}: unknown format {path.suffix or '(no suffix)'!r}; expected one of {', '.join(KNOWN_SUFFIXES)}"
        )
    if info.st_size > MAX_FILE_BYTES:
        raise DataError(
            f"{path}: {info.st_size / 2**30:.1f} GiB is more than the {MAX_FILE_BYTES / 2**30:.0f} GiB "
            f"a data file may hold; split it into smaller files"
        )
    return path


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, never more than MAX_FILE_BYTES (a file that grows while it is read stops with an error)."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise DataError(f"{path}: more than {MAX_FILE_BYTES / 2**30:.0f} GiB; split it into smaller files")
    return raw


def decode_bytes(raw: bytes, path) -> tuple[str, str]:
    """Decode a text file's bytes: UTF-8 with BOM, UTF-8, then cp949. Returns (text, encoding)."""
    encodings = ("utf-8-sig",) if raw.startswith(b"\xef\xbb\xbf") else ("utf-8", "cp949")
    first_error = None
    for encoding in encodings:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as error:
            first_error = first_error or error
    assert first_error is not None
    offset = first_error.start
    line = raw.count(b"\n", 0, offset) + 1
    raise DataError(
        f"{path}: line {line} (byte {offset}): undecodable byte "
        f"{raw[offset : offset + 1]!r}; expected text encoded as UTF-8, UTF-8 with BOM or cp949"
    )


def read_text_and_encoding(path: Path) -> tuple[str, str]:
    """A text file's contents and the encoding they were in (bounded read, encoding detected)."""
    return decode_bytes(_read_bytes(path), path)


def read_text(path: Path) -> str:
    return read_text_and_encoding(path)[0]


def read_table(
    path,
    header: bool = True,
    delimiter: str | None = None,
    quoting: Quoting = csv.QUOTE_MINIMAL,
    expected_fields: int | None = None,
) -> Table:
    """Read .xlsx / .csv / .tsv / .txt / .jsonl into a `Table`.

    Delimited rows with a different number of fields than the header (or `expected_fields`) are malformed:
    skipped and counted. Excel rows are never malformed (cells are cells), but trailing empty columns are cut.
    """
    path = check_path(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, header)
    if suffix in JSONL_SUFFIXES:
        return _read_jsonl(path)
    return _read_delimited(path, header, delimiter or DELIMITED_SUFFIXES[suffix], quoting, expected_fields)


def read_header(path: Path) -> list[str]:
    """The column names of a file's header (for xlsx and delimited files, without reading the rest)."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        workbook = _open_workbook(path)
        try:
            first = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        except Exception as error:  # noqa: BLE001 — a damaged sheet: XML parse errors while reading the first row
            raise DataError(
                f"{path}: the workbook is damaged and cannot be read ({type(error).__name__}); "
                f"re-export it from Excel or save it as CSV"
            ) from None
        finally:
            workbook.close()
        return [_cell(value).strip() for value in first if _cell(value).strip()]
    if suffix in JSONL_SUFFIXES:
        return [str(c) for c in _read_jsonl(path).columns]
    return [name.strip() for name in next(csv.reader([first_line(path)], delimiter=DELIMITED_SUFFIXES[suffix]), [])]


def first_line(path: Path) -> str:
    """The first line of a text file, without its line end."""
    return read_text(path).split("\n", 1)[0].rstrip("\r")


def _cell(value) -> str:
    """Excel/CSV cell → str ('' for empty); floats that are whole numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value)


# --------------------------------------------------------------------------------------------- delimited text
def _read_delimited(path: Path, header: bool, delimiter: str, quoting: Quoting, expected_fields: int | None) -> Table:
    text, encoding = read_text_and_encoding(path)
    if csv.field_size_limit() < CSV_FIELD_LIMIT:  # only ever raised, so concurrent readers never see it lowered
        csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    table = Table(path, [], [], encoding=encoding)
    try:
        for line in reader:
            number = reader.line_num
            if header and not table.columns:
                table.columns = [name.strip() for name in line]
                if expected_fields is None:
                    expected_fields = len(table.columns)
                continue
            if not line or all(not field.strip() for field in line):
                table.rows.append((number, [""] * (expected_fields or 1)))  # blank line: an empty row, counted later
                continue
            if expected_fields is not None and len(line) != expected_fields:
                _skip(table, f"line {number}: {len(line)} fields, expected {expected_fields}")
                continue
            table.rows.append((number, line))
    except csv.Error as error:
        raise DataError(f"{path}: line {reader.line_num}: cannot parse as delimited text ({error})") from None
    if header and not table.columns:
        raise DataError(f"{path}: file is empty; expected a header row")
    if not header:
        table.columns = list(range(expected_fields or 0))
    return table


def _skip(table: Table, note: str) -> None:
    table.malformed += 1
    if len(table.malformed_notes) < MAX_WARNED_ROWS:
        table.malformed_notes.append(note)


# --------------------------------------------------------------------------------------------------- Excel
def _open_workbook(path: Path):
    try:
        import openpyxl  # imported here: only xlsx users pay for it

        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 — zip/xml errors of a broken or mis-named file
        raise DataError(f"{path}: cannot open as an Excel workbook ({type(error).__name__}: {error})") from None


def _read_excel(path: Path, header: bool) -> Table:
    workbook = _open_workbook(path)
    try:
        return _excel_table(path, workbook, header)
    except DataError:
        raise
    except Exception as error:  # noqa: BLE001 — a cut or corrupt sheet: openpyxl parses the XML lazily
        raise DataError(
            f"{path}: the workbook is damaged and cannot be read ({type(error).__name__}: "
            f"{' '.join(str(error).split())}); re-export it from Excel or save it as CSV"
        ) from None
    finally:
        workbook.close()


def _excel_table(path: Path, workbook, header: bool) -> Table:
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)  # lazy: XML errors surface here, caught by _read_excel
    columns: list = []
    if header:
        first = next(rows_iter, None)
        if first is None:
            raise DataError(f"{path}: first sheet is empty; expected a header row")
        columns = [_cell(value).strip() for value in first]
        while columns and not columns[-1]:
            columns.pop()  # trailing empty header cells
    rows = []
    for number, values in enumerate(rows_iter, start=2 if header else 1):
        cells = [_cell(value) for value in values]
        width = len(columns) if header else len(cells)
        rows.append((number, (cells + [""] * width)[:width]))
    if not header:
        columns = list(range(max((len(cells) for _, cells in rows), default=0)))
    while rows and not any(cell.strip() for cell in rows[-1][1]):
        rows.pop()  # openpyxl reports formatted-but-empty trailing rows
    return Table(path, columns, rows)


# ---------------------------------------------------------------------------------------------------- JSON
def _read_jsonl(path: Path) -> Table:
    text, encoding = read_text_and_encoding(path)
    table = Table(path, [], [], encoding=encoding)
    lines = _json_array(path, text) if text.lstrip().startswith("[") else _json_lines(table, text)
    records = []
    for number, item in lines:
        if not isinstance(item, dict):
            _skip(table, f"line {number}: expected a JSON object, got {type(item).__name__}")
            continue
        records.append((number, item))
        table.columns.extend(key for key in item if key not in table.columns)
    table.rows = [(number, [_json_cell(item.get(name)) for name in table.columns]) for number, item in records]
    return table


def _json_array(path: Path, text: str) -> list[tuple[int, object]]:
    """The items of a file holding one JSON array (of objects, as the caller checks), numbered from 1."""
    try:
        array = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(
            f"{path}: line {error.lineno}: invalid JSON ({error.msg}); "
            f"expected one JSON object per line or an array of objects"
        ) from None
    except RecursionError:
        raise DataError(
            f'{path}: JSON nested too deeply to read; expected an array of flat objects ({{"text": …, "label": …}})'
        ) from None
    if not isinstance(array, list):
        raise DataError(
            f"{path}: expected one JSON object per line or an array of objects, got a JSON {type(array).__name__}"
        )
    return [(index + 1, item) for index, item in enumerate(array)]


def _json_lines(table: Table, text: str) -> list[tuple[int, object]]:
    """The values of a JSON-lines file by line number; a line that is not JSON is skipped and counted in `table`."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            lines.append((number, json.loads(line)))
        except (json.JSONDecodeError, RecursionError) as error:
            why = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
            _skip(table, f"line {number}: invalid JSON ({why})")
    return lines


def _json_cell(value) -> str:
    if not isinstance(value, (list, dict)):
        return _cell(value)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError):  # nested deeper than a cell can be written back: not text anyway
        return ""
