"""The cleaning rules every corpus loader applies while it turns rows into records (see data/README.md):

- text is whitespace-stripped; empty rows and exact duplicates are dropped and counted;
- label cells that mean the same are read the same (`normalize_label`), and what was changed is warned about
  once per file and column;
- sentences with conflicting labels are kept (once per label) and listed in `report.conflicting`;
- a malformed row is skipped, counted and quoted in one warning.
"""

from __future__ import annotations

import json
import os
import re
import sys
import warnings
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from types import FrameType

from data.records import Corpus, DialogueExample, LoadReport, Utterance
from data.tables import MAX_WARNED_ROWS, Table

LABEL_SPELLINGS_FILE = Path(__file__).with_name("label_spellings.json")
PACKAGE_DIR = str(Path(__file__).parent) + os.sep  # warnings name the first caller outside it
WHOLE_NUMBER = re.compile(r"[+-]?\d+(\.0*)?")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
MIDNIGHT = re.compile(r"[ T]00:00(:00(\.0+)?)?$")  # a date cell read as a datetime: the time part says nothing


@lru_cache(maxsize=1)
def missing_label_spellings() -> frozenset[str]:
    """Lower-case spellings of "no value" (NaN, null, N/A, …) from data/label_spellings.json."""
    return frozenset(json.loads(LABEL_SPELLINGS_FILE.read_text(encoding="utf-8"))["missing"])


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
    if label.lower() in missing_label_spellings():
        return None, "are missing-value markers such as NaN (read as no label)"
    if WHOLE_NUMBER.fullmatch(label):
        number = str(int(float(label)))
        if number == label:
            return number, note
        return number, "are numbers written in another form (read as whole numbers: 01, 1.0 → 1)"
    if label.lower() in ("true", "false"):
        return label.capitalize(), "are true/false values (is this the label column?)"
    if DATE.fullmatch(label):
        return MIDNIGHT.sub("", label), "are dates (is this the label column?)"
    return label, note


def cell(cells: list[str], position: int) -> str:
    """The stripped cell at `position`, '' past the end of a short row."""
    return cells[position].strip() if position < len(cells) else ""


class CorpusBuilder:
    """Collects records with the common cleaning rules and fills the LoadReport."""

    def __init__(self, name: str, table: Table):
        self.name = name
        self.path = table.path
        self.report = LoadReport(
            rows_read=len(table.rows) + table.malformed, malformed=table.malformed, encoding=table.encoding
        )
        self.utterances: list[Utterance] = []
        self.dialogues: list[DialogueExample] = []
        self._seen_utterances: set = set()
        self._seen_dialogues: set = set()
        self._labels_of: dict[str, set] = defaultdict(set)
        self._notes: list[str] = list(table.malformed_notes)
        self._label_notes: dict[tuple[str, str], list[str]] = defaultdict(list)  # (column, note) → raw values

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

    def add_dialogue(
        self, context: tuple[str, ...], message: str, reply: str, label: str | None, labels: tuple[str, ...] = ()
    ) -> bool:
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
            _warn(
                f"{self.path}: skipped {report.malformed} malformed row(s) of {report.rows_read}"
                + (f" — {'; '.join(self._notes)}" if self._notes else ""),
                report,
            )
        for (column, note), raws in self._label_notes.items():
            shown = ", ".join(repr(r) for r, _ in Counter(raws).most_common(3))
            _warn(f"{self.path}: column {column!r}: {len(raws)} label(s) {note}, e.g. {shown}", report)
        if report.conflicting:
            report.warnings.append(
                f"{self.path}: {len(report.conflicting)} sentence(s) carry conflicting labels "
                f"(kept once per label; see report.conflicting)"
            )
        return Corpus(self.name, self.path, self.utterances, self.dialogues, report)


def _warn(message: str, report: LoadReport) -> None:
    """Record `message` in the report and warn it, naming the first caller outside data/ (the line that asked to
    load the file)."""
    report.warnings.append(message)
    frame: FrameType | None = sys._getframe(1)
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, stacklevel=level)
