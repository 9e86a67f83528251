"""Corpus parsers: each real Korean corpus file format → a `Corpus` of typed records.

Every loader takes a path and returns a `Corpus`. Each corpus format declares once, in `FORMATS`, the columns its
header must have: `detect_format` recognises a file by them and the loader finds its cells by them. Reading the
file (formats, encodings, size caps) is data/tables.py; the cleaning rules every loader applies (stripping,
duplicates, label spellings, conflicts, malformed rows) are data/cleaning.py. Bad input raises `DataError` naming
the file (and row/column) and what was expected. See data/README.md.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from data.cleaning import CorpusBuilder, cell
from data.records import Corpus, DataError
from data.tables import Table, check_path, first_line, read_header, read_table, read_text

TABLE_COLUMNS_FILE = Path(__file__).with_name("table_columns.json")
KOTE_LABELS_FILE = "labels.txt"  # beside the tsv: line i is the name of label index i
KOTE_LABEL_INDICES = re.compile(r"\d+(,\d+)*")  # KOTE's third column: comma-separated label indices
SYSTEM_COLUMN_PREFIXES = ("시스템문장", "시스템응답")  # 감성대화: Validation copies say 문장, Training xlsx 응답


@dataclass(frozen=True)
class CorpusFormat:
    """A corpus file format: the columns its header must have, and how its rows become records.

    `parse(builder, table, *positions)` gets the positions of `required_columns`, in their order.
    """

    name: str
    required_columns: tuple[str, ...]
    parse: Callable[..., Corpus]
    read_options: dict = field(default_factory=dict)  # read_table's delimiter / quoting where the suffix misleads

    def load(self, path) -> Corpus:
        table = read_table(path, **self.read_options)
        positions = table.require(*self.required_columns)
        return self.parse(CorpusBuilder(self.name, table), table, *positions)


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
        except Exception as error:  # a file we cannot read is bad input, whatever the reason (the cause is chained)
            message = " ".join(str(error).split())
            raise DataError(f"{path}: cannot read ({type(error).__name__}: {message})") from error

    return load


# ------------------------------------------------------------------------------------------- corpus parsers
def _parse_wellness(builder: CorpusBuilder, table: Table, category_at: int, user_at: int, bot_at: int) -> Corpus:
    """AI Hub 웰니스 대화 스크립트 (xlsx or csv; columns `구분`, `유저`, `챗봇`).

    Utterance per row (label = category such as `감정/우울감`). Replies sit only on the first rows of each
    category, so every utterance of a category is paired with each of that category's replies
    (context empty). Categories without replies give utterances but no pairs.
    """
    utterances_of: dict[str, list[str]] = defaultdict(list)
    replies_of: dict[str, list[str]] = defaultdict(list)
    reply_rows = 0
    for row, cells in table.rows:
        category = builder.label(cell(cells, category_at), "구분") or ""
        user, bot = cell(cells, user_at), cell(cells, bot_at)
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
    builder.report.extra.update(
        categories=len(categories),
        reply_rows=reply_rows,
        categories_with_replies=sum(1 for c in categories if replies_of.get(c)),
    )
    return builder.build()


def _turn_columns(table: Table) -> tuple[list[int], list[int | None]]:
    """Positions of 사람문장k and of its answer 시스템문장k / 시스템응답k (None where missing), k = 1, 2, …"""
    human_at: list[int] = []
    system_at: list[int | None] = []
    for k in range(1, len(table.columns) + 1):
        if f"사람문장{k}" not in table.columns:
            break
        human_at.append(table.columns.index(f"사람문장{k}"))
        names = [f"{prefix}{k}" for prefix in SYSTEM_COLUMN_PREFIXES if f"{prefix}{k}" in table.columns]
        system_at.append(table.columns.index(names[0]) if names else None)
    if system_at[0] is None:
        found = ", ".join(map(str, table.columns))
        raise DataError(
            f"{table.path}: missing column '시스템문장1' (or '시스템응답1'); expected columns "
            f"감정_대분류, 감정_소분류, 사람문장1.., 시스템문장1..; found {found}"
        )
    return human_at, system_at


def _parse_emotional_dialogue(
    builder: CorpusBuilder, table: Table, major_at: int, minor_at: int, _first_human_at: int
) -> Corpus:
    """AI Hub 감성대화말뭉치 (Training or Validation form, xlsx or csv).

    Columns `감정_대분류`, `감정_소분류`, `사람문장1..N` and `시스템문장1..N` (or `시스템응답1..N`, as in the
    Training xlsx). One label applies to the whole dialogue: label = `감정_대분류`, labels = (대분류, 소분류).
    Utterance per non-empty human sentence; DialogueExample per complete turn k (human k + system k) with
    context = the earlier turns. A dialogue ends at its first incomplete turn (empty human or system sentence),
    so contexts always alternate user/bot; a human sentence without a system answer is still an Utterance.
    """
    human_at, system_at = _turn_columns(table)
    dialogues = 0
    for row, cells in table.rows:
        major = builder.label(cell(cells, major_at), "감정_대분류") or ""
        minor = builder.label(cell(cells, minor_at), "감정_소분류") or ""
        humans = [cell(cells, at) for at in human_at]
        systems = [cell(cells, at) if at is not None else "" for at in system_at]
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
        for human, system in zip(humans, systems, strict=True):
            if not human or not system:
                break
            builder.add_dialogue(context, human, system, major, labels)
            context += (human, system)
    builder.report.extra["dialogues_read"] = dialogues
    return builder.build()


def _parse_keti_single_turn(builder: CorpusBuilder, table: Table, text_at: int, label_at: int) -> Corpus:
    """AI Hub 한국어 단발성 대화 (KETI; columns `Sentence`, `Emotion`, 7 emotions). Utterances only."""
    for row, cells in table.rows:
        text, label = cell(cells, text_at), builder.label(cell(cells, label_at), "Emotion")
        if text and not label:
            builder.malformed(row, "no emotion in column 'Emotion'")
            continue
        builder.add_utterance(text, label)
    return builder.build()


def _parse_keti_multi_turn(builder: CorpusBuilder, table: Table, start_at: int, text_at: int, label_at: int) -> Corpus:
    """AI Hub 한국어 연속적 대화 (KETI; columns `dialog #`, `발화`, `감정`).

    A dialogue starts at each row whose `dialog #` is 'S'. Utterance per labelled row (rows without a label
    stay in the dialogue but give no Utterance; counted as extra['unlabelled']). The speakers are not marked,
    so consecutive utterances are read as alternating turns: every consecutive pair (u_i → u_i+1) is a
    DialogueExample with context u_0..u_i-1 and the label of u_i — for context-aware evaluation.
    """
    dialogues: list[list[tuple[str, str | None]]] = []
    unlabelled = 0
    for _, cells in table.rows:
        marker, text, label = cell(cells, start_at), cell(cells, text_at), builder.label(cell(cells, label_at), "감정")
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
            builder.add_dialogue(
                tuple(text for text, _ in turns[:i]), turns[i][0], turns[i + 1][0], turns[i][1] or None
            )
    builder.report.extra.update(dialogues_read=sum(1 for turns in dialogues if turns), unlabelled=unlabelled)
    return builder.build()


def _parse_chatbot_data(
    builder: CorpusBuilder, table: Table, question_at: int, answer_at: int, label_at: int
) -> Corpus:
    """songys/Chatbot_data ChatbotData.csv (`Q`, `A`, `label` 0/1/2). Utterance per Q; DialogueExample Q → A."""
    for row, cells in table.rows:
        question, answer = cell(cells, question_at), cell(cells, answer_at)
        label = builder.label(cell(cells, label_at), "label")
        if question and not label:
            builder.malformed(row, "no label in column 'label'")
            continue
        builder.add_utterance(question, label)
        if question and answer:
            builder.add_dialogue((), question, answer, label)
    return builder.build()


def _parse_nsmc(builder: CorpusBuilder, table: Table, _id_at: int, text_at: int, label_at: int) -> Corpus:
    """NSMC (e9t/nsmc ratings_*.txt): tab-separated `id`, `document`, `label` (0 negative, 1 positive).

    Labels stay the corpus's own strings '0' and '1'.
    """
    for row, cells in table.rows:
        text, label = cell(cells, text_at), builder.label(cell(cells, label_at), "label")
        if text and label not in ("0", "1"):
            builder.malformed(row, f"label {label!r} in column 'label'; expected 0 or 1")
            continue
        builder.add_utterance(text, label)
    return builder.build()


FORMATS = {
    corpus.name: corpus
    for corpus in (  # in the order detect_format tries them
        CorpusFormat("wellness", ("구분", "유저", "챗봇"), _parse_wellness),
        CorpusFormat("emotional_dialogue", ("감정_대분류", "감정_소분류", "사람문장1"), _parse_emotional_dialogue),
        CorpusFormat("keti_multi_turn", ("dialog #", "발화", "감정"), _parse_keti_multi_turn),
        CorpusFormat("keti_single_turn", ("Sentence", "Emotion"), _parse_keti_single_turn),
        CorpusFormat("chatbot_data", ("Q", "A", "label"), _parse_chatbot_data),
        CorpusFormat(
            "nsmc", ("id", "document", "label"), _parse_nsmc, {"delimiter": "\t", "quoting": csv.QUOTE_NONE}
        ),  # NSMC's .txt is tab-separated, quotes are text
    )
}


# --------------------------------------------------------------------------------------------------- loaders
def _loader(name: str) -> Callable[..., Corpus]:
    """`load_<name>(path) -> Corpus` for one of FORMATS, documented by its parser; every error names the file."""
    corpus_format = FORMATS[name]

    def load(path) -> Corpus:
        return corpus_format.load(path)

    load.__name__ = load.__qualname__ = f"load_{name}"
    load.__doc__ = corpus_format.parse.__doc__
    return _names_the_file(load)


load_wellness = _loader("wellness")
load_emotional_dialogue = _loader("emotional_dialogue")
load_keti_single_turn = _loader("keti_single_turn")
load_keti_multi_turn = _loader("keti_multi_turn")
load_chatbot_data = _loader("chatbot_data")
load_nsmc = _loader("nsmc")


@_names_the_file
def load_kote(path, labels_path=None) -> Corpus:
    """KOTE (searle-j/KOTE) tsv: no header, `ID`, `text`, `labels` = comma-separated label indices.

    Read with csv.QUOTE_NONE (texts contain '"'). label = None (multi-label); labels = the label names
    (from `labels_path`, else labels.txt beside the file, else the index strings).
    """
    path = check_path(path)
    names = None
    labels_path = Path(labels_path) if labels_path is not None else path.with_name(KOTE_LABELS_FILE)
    if labels_path.exists():
        names = [line.strip() for line in read_text(labels_path).splitlines() if line.strip()]
    elif labels_path.name != KOTE_LABELS_FILE or labels_path.parent != path.parent:
        raise DataError(f"{labels_path}: file not found; expected the KOTE label names, one per line")
    table = read_table(path, header=False, delimiter="\t", quoting=csv.QUOTE_NONE, expected_fields=3)
    builder = CorpusBuilder("kote", table)
    for row, cells in table.rows:
        text, indices = cells[1].strip(), cells[2].strip()
        if not text:
            builder.report.dropped_empty += 1
            continue
        if not KOTE_LABEL_INDICES.fullmatch(indices):
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
def load_table(
    path, text_column: str, label_column: str | None = None, response_column: str | None = None, source: str = "table"
) -> Corpus:
    """The user's own CSV / TSV / JSONL / xlsx with named columns.

    Utterance per row (label from `label_column`, None without one); with `response_column`, a
    DialogueExample text → response (context empty) for every row that has one.
    """
    table = read_table(path)
    columns = [text_column] + [c for c in (label_column, response_column) if c is not None]
    positions = dict(zip(columns, table.require(*columns), strict=True))
    builder = CorpusBuilder(source, table)
    for _, cells in table.rows:
        text = cell(cells, positions[text_column])
        label = builder.label(cell(cells, positions[label_column]), label_column) if label_column else None
        builder.add_utterance(text, label)
        if response_column and text:
            response = cell(cells, positions[response_column])
            if response:
                builder.add_dialogue((), text, response, label)
    return builder.build()


# ----------------------------------------------------------------------------------------------- recognising
@lru_cache(maxsize=1)
def table_columns() -> dict[str, tuple[str, ...]]:
    """Column names `load_any` reads in a table of your own: "text", "label", "response" → names in the order
    tried (data/table_columns.json)."""
    document = json.loads(TABLE_COLUMNS_FILE.read_text(encoding="utf-8"))
    return {role: tuple(document[role]) for role in ("text", "label", "response")}


def _looks_like_kote(path: Path) -> bool:
    """KOTE's header-less layout: three tab-separated fields, the third comma-separated label indices."""
    if path.suffix.lower() not in (".tsv", ".txt"):
        return False
    fields = first_line(path).split("\t")
    return len(fields) == 3 and KOTE_LABEL_INDICES.fullmatch(fields[2].strip()) is not None


@_names_the_file
def detect_format(path) -> str:
    """Name of the loader that reads `path`, recognised from its columns (or KOTE's header-less layout)."""
    path = check_path(path)
    columns = set(read_header(path))
    for corpus in FORMATS.values():
        if columns.issuperset(corpus.required_columns):
            return corpus.name
    if _looks_like_kote(path):
        return "kote"
    text_columns = table_columns()["text"]
    if any(c in columns for c in text_columns):
        return "table"
    known = "; ".join(f"{corpus.name} {'/'.join(corpus.required_columns)}" for corpus in FORMATS.values())
    raise DataError(
        f"{path}: unrecognised columns {sorted(columns)}; expected one of the known corpora "
        f"({known}; KOTE tsv) or a table with a text column named one of {', '.join(text_columns)}"
    )


@_names_the_file
def load_any(path) -> Corpus:
    """Load any supported file, recognising the format from its columns."""
    path = check_path(path)
    kind = detect_format(path)
    if kind == "kote":
        return load_kote(path)
    if kind in FORMATS:
        return FORMATS[kind].load(path)
    columns, names = read_header(path), table_columns()
    text = next(c for c in names["text"] if c in columns)
    label = next((c for c in names["label"] if c in columns and c != text), None)
    response = next((c for c in names["response"] if c in columns and c not in (text, label)), None)
    return load_table(path, text, label, response, source="table")
