"""Typed records every loader returns: utterances, dialogue examples, a load report and the corpus holding them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

MAX_TEXT_CHARS = 500  # one sentence as the models see it, in chat and in training; KoBERT reads ≤512 tokens anyway


def summary_repr(obj: object, **fields: object) -> str:
    """`Type(name=value, …)` with each value as repr() writes it: how a large object prints (its sizes and
    settings, never its contents)."""
    return f"{type(obj).__name__}({', '.join(f'{name}={value!r}' for name, value in fields.items())})"


class DataError(ValueError):
    """Bad input. The message names the file (and row/column where known) and what was expected."""


@dataclass(frozen=True)
class Utterance:
    """One labelled sentence.

    `label` is the corpus's own label (None when the corpus has none for this row, e.g. KOTE's multi-label rows);
    `labels` holds every label of multi-label corpora (KOTE) or the (major, minor) pair of 감성대화.
    """

    text: str
    label: str | None
    source: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class DialogueExample:
    """One (context, message) → reply example.

    `context` = earlier turns, oldest first, alternating user/bot and ending with a bot turn (or empty);
    `message` = the user turn being answered; `reply` = the bot's answer; `label` = the emotion of `message`
    in the corpus's own label set. `labels` (default empty) keeps the (대분류, 소분류) pair of 감성대화 so the
    taxonomy can use the minor label.
    """

    context: tuple[str, ...]
    message: str
    reply: str
    label: str | None
    source: str
    labels: tuple[str, ...] = ()


@dataclass
class LoadReport:
    """What happened while reading one file.

    Counts are of source rows except `kept` (utterances kept) and `dialogues` (dialogue examples kept).
    `conflicting` maps a sentence to the set of labels it carries; such sentences are KEPT (once per label)
    and only reported here — never silently resolved.
    """

    rows_read: int = 0  # data rows in the file (header excluded), before any cleaning
    kept: int = 0  # utterances kept
    dialogues: int = 0  # dialogue examples kept
    dropped_empty: int = 0  # rows whose text is empty after whitespace-stripping
    dropped_duplicates: int = 0  # exact duplicate utterances (same text, label and labels)
    dropped_duplicate_dialogues: int = 0  # exact duplicate dialogue examples
    malformed: int = 0  # rows skipped because they could not be parsed (wrong field count, bad label, …)
    conflicting: dict[str, set[str]] = field(default_factory=dict)  # text → every label it appears with
    encoding: str | None = None  # text encoding detected (utf-8, utf-8-sig, cp949); None for xlsx
    extra: dict[str, int] = field(default_factory=dict)  # source-specific counts (e.g. wellness reply rows)
    warnings: list[str] = field(default_factory=list)  # human-readable notes, e.g. the first malformed rows

    def as_dict(self) -> dict:
        """JSON-friendly form (sets become sorted lists)."""
        return {
            "rows_read": self.rows_read,
            "kept": self.kept,
            "dialogues": self.dialogues,
            "dropped_empty": self.dropped_empty,
            "dropped_duplicates": self.dropped_duplicates,
            "dropped_duplicate_dialogues": self.dropped_duplicate_dialogues,
            "malformed": self.malformed,
            "encoding": self.encoding,
            "conflicting": {text: sorted(labels) for text, labels in self.conflicting.items()},
            "extra": dict(self.extra),
            "warnings": list(self.warnings),
        }


@dataclass
class Corpus:
    """Everything read from one file."""

    name: str  # source name, e.g. "wellness", "keti_single_turn"
    path: Path | None
    utterances: list[Utterance]
    dialogues: list[DialogueExample]
    report: LoadReport

    def label_counts(self) -> Counter:
        """Utterances per label (None included when present)."""
        return Counter(u.label for u in self.utterances)

    @property
    def labels(self) -> list[str]:
        """Sorted distinct non-empty utterance labels."""
        return sorted({u.label for u in self.utterances if u.label is not None})

    def with_records(self, utterances: list[Utterance], dialogues: list[DialogueExample]) -> Corpus:
        """A copy holding other records (same name, path and report values)."""
        return Corpus(self.name, self.path, list(utterances), list(dialogues), replace(self.report))

    def __repr__(self) -> str:
        return summary_repr(
            self, name=self.name, path=str(self.path), utterances=len(self.utterances), dialogues=len(self.dialogues)
        )
