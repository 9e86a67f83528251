"""Loaders: each real Korean corpus file format → a `Corpus` of typed records.

Every loader takes a path and returns a `Corpus`. Common rules (see data/README.md):
- formats by suffix: .xlsx/.xlsm (openpyxl), .csv, .tsv/.txt (tab), .jsonl/.json (one object per line);
- encodings: UTF-8, UTF-8 with BOM and cp949 (AI Hub exports) are detected from the bytes;
- text is whitespace-stripped; empty rows and exact duplicates are dropped and counted;
- sentences with conflicting labels are kept (once per label) and listed in `report.conflicting`;
- a malformed row (wrong number of fields, unreadable label) is skipped, counted and warned about;
- any other bad input raises `DataError` naming the file (and row/column) and what was expected.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import stat
import warnings
from collections import Counter, defaultdict
from pathlib import Path

from data.records import Corpus, DataError, DialogueExample, LoadReport, Utterance

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DELIMITED_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": "\t"}  # NSMC ships as .txt, tab-separated
JSONL_SUFFIXES = (".jsonl", ".json")
KNOWN_SUFFIXES = EXCEL_SUFFIXES + tuple(DELIMITED_SUFFIXES) + JSONL_SUFFIXES
MAX_WARNED_ROWS = 5  # how many malformed rows a warning quotes
MAX_FILE_BYTES = 1 << 30  # 1 GiB: the largest corpus (감성대화 Training xlsx) is tens of MB; a read stops here
CSV_FIELD_LIMIT = 2**31 - 1  # csv's default 131,072 characters rejects long cells JSONL accepts; C long max on every OS
MISSING_LABELS = {"nan", "none", "null", "na", "n/a", "#n/a", "nil"}  # spreadsheet/pandas spellings of "no value"


# ----------------------------------------------------------------------------------------------- reading files
def _check_path(path) -> Path:
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
        raise DataError(f"{path}: unknown format {path.suffix or '(no suffix)'!r}; "
                        f"expected one of {', '.join(KNOWN_SUFFIXES)}")
    if info.st_size > MAX_FILE_BYTES:
        raise DataError(f"{path}: {info.st_size / 2**30:.1f} GiB is more than the {MAX_FILE_BYTES / 2**30:.0f} GiB "
                        f"a data file may hold; split it into smaller files")
    return path


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, never more than MAX_FILE_BYTES (a file that grows while being read is cut off with an error)."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise DataError(f"{path}: more than {MAX_FILE_BYTES / 2**30:.0f} GiB; split it into smaller files")
    return raw


def decode_bytes(raw: bytes, path) -> tuple[str, str]:
    """Decode a text file's bytes: UTF-8 with BOM, UTF-8, then cp949. Returns (text, encoding)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "cp949")
    first_error = None
    for encoding in encodings:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as error:
            first_error = first_error or error
    offset = first_error.start
    line = raw.count(b"\n", 0, offset) + 1
    raise DataError(f"{path}: line {line} (byte {offset}): undecodable byte "
                    f"{raw[offset:offset + 1]!r}; expected text encoded as UTF-8, UTF-8 with BOM or cp949")


def _read_text(path: Path) -> str:
    return decode_bytes(_read_bytes(path), path)[0]


def _read_text_and_encoding(path: Path) -> tuple[str, str]:
    return decode_bytes(_read_bytes(path), path)


class _Table:
    """Rows of a file as lists of strings, with the source row number of each (1-based, header = row 1)."""

    def __init__(self, path: Path, columns: list[str], rows: list[tuple[int, list[str]]], malformed: int,
                 malformed_notes: list[str], encoding: str | None = None):
        self.path, self.columns, self.rows, self.encoding = path, columns, rows, encoding
        self.malformed, self.malformed_notes = malformed, malformed_notes

    def require(self, *names: str) -> list[int]:
        """Column positions of `names`, or a DataError naming the missing column."""
        positions = []
        for name in names:
            if name not in self.columns:
                raise DataError(f"{self.path}: missing column {name!r}; expected columns "
                                f"{', '.join(names)}; found {', '.join(map(str, self.columns)) or 'none'}")
            positions.append(self.columns.index(name))
        return positions


def _cell(value) -> str:
    """Excel/CSV cell → str ('' for empty); floats that are whole numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value)


def read_table(path, header: bool = True, delimiter: str | None = None, quoting: int = csv.QUOTE_MINIMAL,
               expected_fields: int | None = None) -> _Table:
    """Read .xlsx / .csv / .tsv / .txt / .jsonl into a `_Table`.

    Delimited rows with a different number of fields than the header (or `expected_fields`) are malformed:
    skipped and counted. Excel rows are never malformed (cells are cells), but trailing empty columns are cut.
    """
    path = _check_path(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, header)
    if suffix in JSONL_SUFFIXES:
        return _read_jsonl(path)
    text, encoding = _read_text_and_encoding(path)
    if csv.field_size_limit() < CSV_FIELD_LIMIT:  # only ever raised, so concurrent readers never see it lowered
        csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or DELIMITED_SUFFIXES[suffix],
                        quoting=quoting)
    columns: list[str] = []
    rows, notes, malformed = [], [], 0
    try:
        for line in reader:
            number = reader.line_num
            if header and not columns:
                columns = [name.strip() for name in line]
                if expected_fields is None:
                    expected_fields = len(columns)
                continue
            if not line or all(not field.strip() for field in line):
                rows.append((number, [""] * (expected_fields or 1)))  # blank line: an empty row, counted later
                continue
            if expected_fields is not None and len(line) != expected_fields:
                malformed += 1
                if len(notes) < MAX_WARNED_ROWS:
                    notes.append(f"line {number}: {len(line)} fields, expected {expected_fields}")
                continue
            rows.append((number, line))
    except csv.Error as error:
        raise DataError(f"{path}: line {reader.line_num}: cannot parse as delimited text ({error})") from None
    if header and not columns:
        raise DataError(f"{path}: file is empty; expected a header row")
    if not header:
        columns = list(range(expected_fields or 0))
    return _Table(path, columns, rows, malformed, notes, encoding)


def _open_workbook(path: Path):
    try:
        import openpyxl  # imported here: only xlsx users pay for it
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zip/xml errors of a broken or mis-named file
        raise DataError(f"{path}: cannot open as an Excel workbook ({type(error).__name__}: {error})") from None


def _read_excel(path: Path, header: bool) -> _Table:
    workbook = _open_workbook(path)
    try:
        return _excel_table(path, workbook, header)
    except DataError:
        raise
    except Exception as error:  # a cut or corrupt sheet: openpyxl parses the XML lazily, while rows are read
        raise DataError(f"{path}: the workbook is damaged and cannot be read ({type(error).__name__}: "
                        f"{' '.join(str(error).split())}); re-export it from Excel or save it as CSV") from None
    finally:
        workbook.close()


def _excel_table(path: Path, workbook, header: bool) -> _Table:
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)  # lazy: XML errors surface here, caught by _read_excel
    columns = []
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
    return _Table(path, columns, rows, 0, [])


def _read_jsonl(path: Path) -> _Table:
    text, encoding = _read_text_and_encoding(path)
    records, notes, malformed = [], [], 0
    stripped = text.lstrip()
    if stripped.startswith("["):  # a JSON array of objects is accepted too
        try:
            array = json.loads(text)
        except json.JSONDecodeError as error:
            raise DataError(f"{path}: line {error.lineno}: invalid JSON ({error.msg}); "
                            f"expected one JSON object per line or an array of objects") from None
        except RecursionError:
            raise DataError(f"{path}: JSON nested too deeply to read; expected an array of flat objects "
                            f"({{\"text\": …, \"label\": …}})") from None
        if not isinstance(array, list):
            raise DataError(f"{path}: expected one JSON object per line or an array of objects, "
                            f"got a JSON {type(array).__name__}")
        lines = [(index + 1, item) for index, item in enumerate(array)]
    else:
        lines = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                lines.append((number, json.loads(line)))
            except (json.JSONDecodeError, RecursionError) as error:
                malformed += 1
                if len(notes) < MAX_WARNED_ROWS:
                    why = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
                    notes.append(f"line {number}: invalid JSON ({why})")
    columns: list[str] = []
    for number, item in lines:
        if not isinstance(item, dict):
            malformed += 1
            if len(notes) < MAX_WARNED_ROWS:
                notes.append(f"line {number}: expected a JSON object, got {type(item).__name__}")
            continue
        records.append((number, item))
        columns.extend(key for key in item if key not in columns)
    rows = [(number, [_json_cell(item.get(name)) for name in columns]) for number, item in records]
    return _Table(path, columns, rows, malformed, notes, encoding)


def _json_cell(value) -> str:
    if not isinstance(value, (list, dict)):
        return _cell(value)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError):  # nested deeper than a cell can be written back: not text anyway
        return ""


def normalize_label(raw: str) -> tuple[str | None, str | None]:
    """(label, what was changed or is suspicious — None when nothing) for one label cell.

    Control characters (NUL…) are removed; missing-value spellings (NaN, null, N/A…) mean no label; numbers
    written differently (01, 1.0, +1) become one spelling (1); true/false become True/False; a date is kept but
    flagged (usually the wrong column).
    """
    label = "".join(c for c in raw if c.isprintable() or c == " ").strip()
    note = "had control characters (removed)" if label != raw.strip() else None
    if not label:
        return None, note
    if label.lower() in MISSING_LABELS:
        return None, "are missing-value markers such as NaN (read as no label)"
    if re.fullmatch(r"[+-]?\d+(\.0*)?", label):
        number = str(int(float(label)))
        return number, note if number == label else "are numbers written in another form (read as whole numbers: 01, 1.0 → 1)"
    if label.lower() in ("true", "false"):
        return label.capitalize(), "are true/false values (is this the label column?)"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", label):
        return re.sub(r"[ T]00:00(:00(\.0+)?)?$", "", label), "are dates (is this the label column?)"
    return label, note


# ------------------------------------------------------------------------------------------- building a corpus
class _Builder:
    """Collects records with the common cleaning rules and fills the LoadReport."""

    def __init__(self, name: str, table: _Table | None, path: Path | None = None):
        self.name = name
        self.path = table.path if table is not None else path
        self.report = LoadReport()
        self.utterances: list[Utterance] = []
        self.dialogues: list[DialogueExample] = []
        self._seen_utterances: set = set()
        self._seen_dialogues: set = set()
        self._labels_of: dict[str, set] = defaultdict(set)
        self._notes: list[str] = []
        self._label_notes: dict[tuple[str, str], list[str]] = defaultdict(list)  # (column, note) → raw values
        if table is not None:
            self.report.rows_read = len(table.rows) + table.malformed
            self.report.malformed = table.malformed
            self.report.encoding = table.encoding
            self._notes.extend(table.malformed_notes)

    def malformed(self, row: int, why: str) -> None:
        self.report.malformed += 1
        if len(self._notes) < MAX_WARNED_ROWS:
            self._notes.append(f"row {row}: {why}")

    def label(self, raw: str, column: str) -> str | None:
        """`normalize_label(raw)`; what it changed is reported once per file and column at build()."""
        label, note = normalize_label(raw)
        if note is not None:
            self._label_notes[(column, note)].append(raw)
        return label

    def add_utterance(self, text: str, label: str | None, labels: tuple[str, ...] = ()) -> bool:
        """Add a stripped, non-empty, not-yet-seen utterance. Returns whether it was kept."""
        text = text.strip()
        if not text:
            self.report.dropped_empty += 1
            return False
        key = (text, label, labels)
        if key in self._seen_utterances:
            self.report.dropped_duplicates += 1
            return False
        self._seen_utterances.add(key)
        if label is not None:
            self._labels_of[text].add(label)
        self.utterances.append(Utterance(text, label, self.name, labels))
        return True

    def add_dialogue(self, context: tuple[str, ...], message: str, reply: str, label: str | None,
                     labels: tuple[str, ...] = ()) -> bool:
        key = (context, message, reply, label, labels)
        if key in self._seen_dialogues:
            self.report.dropped_duplicate_dialogues += 1
            return False
        self._seen_dialogues.add(key)
        self.dialogues.append(DialogueExample(context, message, reply, label, self.name, labels))
        return True

    def build(self) -> Corpus:
        report = self.report
        report.kept, report.dialogues = len(self.utterances), len(self.dialogues)
        report.conflicting = {text: labels for text, labels in self._labels_of.items() if len(labels) > 1}
        if report.malformed:
            message = (f"{self.path}: skipped {report.malformed} malformed row(s) of {report.rows_read}"
                       + (f" — {'; '.join(self._notes)}" if self._notes else ""))
            report.warnings.append(message)
            warnings.warn(message, stacklevel=4)
        for (column, note), raws in self._label_notes.items():
            shown = ", ".join(repr(r) for r, _ in Counter(raws).most_common(3))
            message = f"{self.path}: column {column!r}: {len(raws)} label(s) {note}, e.g. {shown}"
            report.warnings.append(message)
            warnings.warn(message, stacklevel=4)
        if report.conflicting:
            report.warnings.append(f"{self.path}: {len(report.conflicting)} sentence(s) carry conflicting labels "
                                   f"(kept once per label; see report.conflicting)")
        return Corpus(self.name, self.path, self.utterances, self.dialogues, report)


def _get(cells: list[str], position: int) -> str:
    return cells[position].strip() if position < len(cells) else ""


# --------------------------------------------------------------------------------------------------- loaders
def _names_the_file(loader):
    """Whatever goes wrong inside a loader surfaces as a DataError that names the file (the cause is chained)."""

    @functools.wraps(loader)
    def load(path, *args, **kwargs):
        try:
            return loader(path, *args, **kwargs)
        except DataError:
            raise
        except RecursionError:
            raise DataError(f"{path}: nested too deeply to read; expected flat rows of text and labels") from None
        except MemoryError:
            raise DataError(f"{path}: too large to read into memory; split it into smaller files") from None
        except Exception as error:  # noqa: BLE001 — a file we cannot read is bad input, whatever the reason
            message = " ".join(str(error).split())
            raise DataError(f"{path}: cannot read ({type(error).__name__}: {message})") from error

    return load


@_names_the_file
def load_wellness(path) -> Corpus:
    """AI Hub 웰니스 대화 스크립트 (xlsx or csv; columns `구분`, `유저`, `챗봇`).

    Utterance per row (label = category such as `감정/우울감`). Replies sit only on the first rows of each
    category, so every utterance of a category is paired with each of that category's replies
    (context empty). Categories without replies give utterances but no pairs.
    """
    table = read_table(path)
    category_at, user_at, bot_at = table.require("구분", "유저", "챗봇")
    builder = _Builder("wellness", table)
    utterances_of: dict[str, list[str]] = defaultdict(list)
    replies_of: dict[str, list[str]] = defaultdict(list)
    reply_rows = 0
    for row, cells in table.rows:
        category, user, bot = builder.label(_get(cells, category_at), "구분") or "", _get(cells, user_at), _get(cells, bot_at)
        if bot:
            reply_rows += 1
            if category and bot not in replies_of[category]:
                replies_of[category].append(bot)
        if not category and user:
            builder.malformed(row, "utterance without a category (column '구분')")
            continue
        if builder.add_utterance(user, category or None):
            utterances_of[category].append(user)
    for category, utterances in utterances_of.items():
        for utterance in utterances:
            for reply in replies_of.get(category, ()):
                builder.add_dialogue((), utterance, reply, category)
    categories = set(utterances_of) | set(replies_of)
    builder.report.extra.update(categories=len(categories), reply_rows=reply_rows,
                                categories_with_replies=sum(1 for c in categories if replies_of.get(c)))
    return builder.build()


SYSTEM_COLUMN_PREFIXES = ("시스템문장", "시스템응답")  # Validation copies say 문장, the Training xlsx says 응답


@_names_the_file
def load_emotional_dialogue(path) -> Corpus:
    """AI Hub 감성대화말뭉치 (Training or Validation form, xlsx or csv).

    Columns `감정_대분류`, `감정_소분류`, `사람문장1..N` and `시스템문장1..N` (or `시스템응답1..N`, as in the
    Training xlsx, which has 4 turns). One label applies to the whole dialogue: label = `감정_대분류`,
    labels = (대분류, 소분류). Utterance per non-empty human sentence; DialogueExample per complete turn k
    (human k + system k) with context = the earlier turns. A dialogue ends at its first incomplete turn (empty
    human or system sentence), so contexts always alternate user/bot; a human sentence without a system answer
    is still an Utterance.
    """
    table = read_table(path)
    major_at, minor_at = table.require("감정_대분류", "감정_소분류")
    table.require("사람문장1")
    human_at, system_at = [], []
    for k in range(1, len(table.columns) + 1):
        if f"사람문장{k}" not in table.columns:
            break
        human_at.append(table.columns.index(f"사람문장{k}"))
        names = [f"{prefix}{k}" for prefix in SYSTEM_COLUMN_PREFIXES if f"{prefix}{k}" in table.columns]
        system_at.append(table.columns.index(names[0]) if names else None)
    if system_at[0] is None:
        raise DataError(f"{table.path}: missing column '시스템문장1' (or '시스템응답1'); expected columns "
                        f"감정_대분류, 감정_소분류, 사람문장1.., 시스템문장1..; found {', '.join(map(str, table.columns))}")
    builder = _Builder("emotional_dialogue", table)
    dialogues = 0
    for row, cells in table.rows:
        major = builder.label(_get(cells, major_at), "감정_대분류") or ""
        minor = builder.label(_get(cells, minor_at), "감정_소분류") or ""
        humans = [_get(cells, at) for at in human_at]
        systems = [_get(cells, at) if at is not None else "" for at in system_at]
        if not any(humans):
            builder.report.dropped_empty += 1
            continue
        if not major:
            builder.malformed(row, "no emotion in column '감정_대분류'")
            continue
        dialogues += 1
        labels = (major, minor) if minor else (major,)
        for human in humans:
            if human:
                builder.add_utterance(human, major, labels)
        context: tuple[str, ...] = ()
        for human, system in zip(humans, systems):
            if not human or not system:
                break
            builder.add_dialogue(context, human, system, major, labels)
            context += (human, system)
    builder.report.extra["dialogues_read"] = dialogues
    return builder.build()


@_names_the_file
def load_keti_single_turn(path) -> Corpus:
    """AI Hub 한국어 단발성 대화 (KETI; columns `Sentence`, `Emotion`, 7 emotions). Utterances only."""
    table = read_table(path)
    text_at, label_at = table.require("Sentence", "Emotion")
    builder = _Builder("keti_single_turn", table)
    for row, cells in table.rows:
        text, label = _get(cells, text_at), builder.label(_get(cells, label_at), "Emotion")
        if text and not label:
            builder.malformed(row, "no emotion in column 'Emotion'")
            continue
        builder.add_utterance(text, label)
    return builder.build()


@_names_the_file
def load_keti_multi_turn(path) -> Corpus:
    """AI Hub 한국어 연속적 대화 (KETI; columns `dialog #`, `발화`, `감정`).

    A dialogue starts at each row whose `dialog #` is 'S'. Utterance per labelled row (rows without a label
    stay in the dialogue but give no Utterance; counted as extra['unlabelled']). The speakers are not marked,
    so consecutive utterances are read as alternating turns: every consecutive pair (u_i → u_i+1) is a
    DialogueExample with context u_0..u_i-1 and the label of u_i — for context-aware evaluation.
    """
    table = read_table(path)
    start_at, text_at, label_at = table.require("dialog #", "발화", "감정")
    builder = _Builder("keti_multi_turn", table)
    dialogues: list[list[tuple[str, str]]] = []
    unlabelled = 0
    for row, cells in table.rows:
        marker, text, label = _get(cells, start_at), _get(cells, text_at), builder.label(_get(cells, label_at), "감정")
        if marker.upper() == "S" or not dialogues:
            dialogues.append([])
        if not text:
            builder.report.dropped_empty += 1
            continue
        dialogues[-1].append((text, label))
        if label:
            builder.add_utterance(text, label)
        else:
            unlabelled += 1
    for turns in dialogues:
        for i in range(len(turns) - 1):
            builder.add_dialogue(tuple(text for text, _ in turns[:i]), turns[i][0], turns[i + 1][0],
                                 turns[i][1] or None)
    builder.report.extra.update(dialogues_read=sum(1 for turns in dialogues if turns), unlabelled=unlabelled)
    return builder.build()


@_names_the_file
def load_chatbot_data(path) -> Corpus:
    """songys/Chatbot_data ChatbotData.csv (`Q`, `A`, `label` 0/1/2). Utterance per Q; DialogueExample Q → A."""
    table = read_table(path)
    question_at, answer_at, label_at = table.require("Q", "A", "label")
    builder = _Builder("chatbot_data", table)
    for row, cells in table.rows:
        question, answer = _get(cells, question_at), _get(cells, answer_at)
        label = builder.label(_get(cells, label_at), "label")
        if question and not label:
            builder.malformed(row, "no label in column 'label'")
            continue
        builder.add_utterance(question, label)
        if question and answer:
            builder.add_dialogue((), question, answer, label)
    return builder.build()


KOTE_LABELS_FILE = "labels.txt"  # beside the tsv: line i is the name of label index i


@_names_the_file
def load_kote(path, labels_path=None) -> Corpus:
    """KOTE (searle-j/KOTE) tsv: no header, `ID`, `text`, `labels` = comma-separated label indices.

    Read with csv.QUOTE_NONE (texts contain '"'). label = None (multi-label); labels = the label names
    (from `labels_path`, else labels.txt beside the file, else the index strings).
    """
    path = _check_path(path)
    names = None
    labels_path = Path(labels_path) if labels_path is not None else path.with_name(KOTE_LABELS_FILE)
    if labels_path.exists():
        names = [line.strip() for line in _read_text(labels_path).splitlines() if line.strip()]
    elif labels_path.name != KOTE_LABELS_FILE or labels_path.parent != path.parent:
        raise DataError(f"{labels_path}: file not found; expected the KOTE label names, one per line")
    table = read_table(path, header=False, delimiter="\t", quoting=csv.QUOTE_NONE, expected_fields=3)
    builder = _Builder("kote", table)
    for row, cells in table.rows:
        text, indices = cells[1].strip(), cells[2].strip()
        if not text:
            builder.report.dropped_empty += 1
            continue
        if not re.fullmatch(r"\d+(,\d+)*", indices):
            builder.malformed(row, f"labels {indices!r} are not comma-separated label indices")
            continue
        positions = sorted({int(index) for index in indices.split(",")})
        if names is not None and positions[-1] >= len(names):
            builder.malformed(row, f"label index {positions[-1]} out of range (0–{len(names) - 1})")
            continue
        labels = tuple(names[i] if names is not None else str(i) for i in positions)
        builder.add_utterance(text, None, labels)
    builder.report.extra["label_names"] = len(names) if names is not None else 0
    return builder.build()


@_names_the_file
def load_nsmc(path) -> Corpus:
    """NSMC (e9t/nsmc ratings_*.txt): tab-separated `id`, `document`, `label` (0 negative, 1 positive).

    Labels stay the corpus's own strings '0' and '1'.
    """
    table = read_table(path, delimiter="\t", quoting=csv.QUOTE_NONE)
    _, text_at, label_at = table.require("id", "document", "label")
    builder = _Builder("nsmc", table)
    for row, cells in table.rows:
        text, label = _get(cells, text_at), builder.label(_get(cells, label_at), "label")
        if text and label not in ("0", "1"):
            builder.malformed(row, f"label {label!r} in column 'label'; expected 0 or 1")
            continue
        builder.add_utterance(text, label)
    return builder.build()


@_names_the_file
def load_table(path, text_column: str, label_column: str | None = None, response_column: str | None = None,
               source: str = "table") -> Corpus:
    """The user's own CSV / TSV / JSONL / xlsx with named columns.

    Utterance per row (label from `label_column`, None without one); with `response_column`, a
    DialogueExample text → response (context empty) for every row that has one.
    """
    table = read_table(path)
    columns = [text_column] + [c for c in (label_column, response_column) if c is not None]
    positions = dict(zip(columns, table.require(*columns)))
    builder = _Builder(source, table)
    for row, cells in table.rows:
        text = _get(cells, positions[text_column])
        label = builder.label(_get(cells, positions[label_column]), label_column) if label_column else None
        builder.add_utterance(text, label)
        if response_column and text:
            response = _get(cells, positions[response_column])
            if response:
                builder.add_dialogue((), text, response, label)
    return builder.build()


# ----------------------------------------------------------------------------------------------- recognising
TEXT_COLUMNS = ("text", "sentence", "document", "utterance", "message", "문장", "발화", "Sentence", "Q")
LABEL_COLUMNS = ("label", "emotion", "감정", "Emotion", "labels")
RESPONSE_COLUMNS = ("response", "reply", "answer", "챗봇", "A")


def _header(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        workbook = _open_workbook(path)
        try:
            first = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        except Exception as error:  # a damaged sheet: XML parse errors while reading the first row
            raise DataError(f"{path}: the workbook is damaged and cannot be read ({type(error).__name__}); "
                            f"re-export it from Excel or save it as CSV") from None
        finally:
            workbook.close()
        return [_cell(value).strip() for value in first if _cell(value).strip()]
    if suffix in JSONL_SUFFIXES:
        return [str(c) for c in _read_jsonl(path).columns]
    text = _read_text(path)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    return [name.strip() for name in next(csv.reader([first_line], delimiter=DELIMITED_SUFFIXES[suffix]), [])]


@_names_the_file
def detect_format(path) -> str:
    """Name of the loader that reads `path`, recognised from its columns (or KOTE's header-less layout)."""
    path = _check_path(path)
    columns = set(_header(path))
    signatures = [
        ("wellness", {"구분", "유저", "챗봇"}),
        ("emotional_dialogue", {"감정_대분류", "사람문장1"}),
        ("keti_multi_turn", {"dialog #", "발화", "감정"}),
        ("keti_single_turn", {"Sentence", "Emotion"}),
        ("chatbot_data", {"Q", "A", "label"}),
        ("nsmc", {"id", "document", "label"}),
    ]
    for name, required in signatures:
        if required <= columns:
            return name
    if path.suffix.lower() in (".tsv", ".txt"):
        first_line = _read_text(path).split("\n", 1)[0].rstrip("\r").split("\t")
        if len(first_line) == 3 and re.fullmatch(r"\d+(,\d+)*", first_line[2].strip()):
            return "kote"
    if any(c in columns for c in TEXT_COLUMNS):
        return "table"
    raise DataError(f"{path}: unrecognised columns {sorted(columns)}; expected one of the known corpora "
                    f"(wellness 구분/유저/챗봇, 감성대화 감정_대분류/사람문장1.., KETI Sentence/Emotion or "
                    f"dialog #/발화/감정, ChatbotData Q/A/label, NSMC id/document/label, KOTE tsv) or a table "
                    f"with a text column named one of {', '.join(TEXT_COLUMNS)}")


@_names_the_file
def load_any(path) -> Corpus:
    """Load any supported file, recognising the format from its columns."""
    path = _check_path(path)
    kind = detect_format(path)
    if kind == "table":
        columns = _header(path)
        text = next(c for c in TEXT_COLUMNS if c in columns)
        label = next((c for c in LABEL_COLUMNS if c in columns and c != text), None)
        response = next((c for c in RESPONSE_COLUMNS if c in columns and c not in (text, label)), None)
        return load_table(path, text, label, response, source="table")
    return LOADERS[kind](path)


LOADERS = {
    "wellness": load_wellness, "emotional_dialogue": load_emotional_dialogue,
    "keti_single_turn": load_keti_single_turn, "keti_multi_turn": load_keti_multi_turn,
    "chatbot_data": load_chatbot_data, "kote": load_kote, "nsmc": load_nsmc,
}
