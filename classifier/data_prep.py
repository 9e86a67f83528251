"""Labelled sentences for the classifier CLIs, read only through the `data` package (no corpus parsers here).

files/dir → data.load_any → (optional) data.Taxonomy six-emotion mapping → de-duplication → data.split_dataset.
Texts are cut at data.records.MAX_TEXT_CHARS, as chat cuts messages: the models never see more at inference,
and one huge cell must not make a fit take minutes.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from data import EMOTIONS, Taxonomy, load_any, split_dataset
from data.records import MAX_TEXT_CHARS
from data.text import dedupe_key

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".xlsx", ".xls")
LABEL_SETS = {  # --label_set → what it trains on
    "six": "the chatbot's emotions through data/taxonomy.json",
    "original": "the corpus's own labels",
}


@dataclass
class LabelledData:
    """Sentences with one label each, plus what was dropped on the way (for the JSON report)."""

    texts: list[str]
    labels: list[str]
    sources: dict[str, int] = field(default_factory=dict)  # file → utterances kept from it
    dropped: dict[str, int] = field(default_factory=dict)  # reason → count

    def __len__(self) -> int:
        return len(self.texts)

    def label_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.labels).items()))


def check_data_paths(files_by_option: dict[str, list], data_dir=None) -> None:
    """Fail at once, naming the option, when an input path is missing (before any slow loading starts).

    `files_by_option` maps an option name (`--train_file`) to the paths given with it (None entries are skipped).
    """
    for option, paths in files_by_option.items():
        for path in (Path(p) for p in paths if p):
            if not path.exists():
                raise FileNotFoundError(f"{option} {path}: file not found")
            if not path.is_file():
                raise FileNotFoundError(f"{option} {path}: not a regular file; give a data file")
    if data_dir is not None and not Path(data_dir).is_dir():
        raise FileNotFoundError(f"--data_dir {data_dir}: not a directory")


def files_in(data_dir: str | Path) -> list[Path]:
    """Every table file under `data_dir`, preferring the .csv when an .xlsx of the same name sits beside it."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"--data_dir {data_dir}: not a directory")
    found = sorted(p for p in data_dir.rglob("*") if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)
    stems = {p.with_suffix("") for p in found if p.suffix.lower() != ".xlsx"}
    files = [p for p in found if not (p.suffix.lower() in (".xlsx", ".xls") and p.with_suffix("") in stems)]
    if not files:
        raise FileNotFoundError(f"--data_dir {data_dir}: no {'/'.join(TABLE_SUFFIXES)} files inside")
    return files


def load_labelled(
    files: Sequence[str | Path] = (),
    data_dir: str | Path | None = None,
    label_set: str = "six",
    taxonomy_file: str | Path | None = None,
    progress: bool = False,
    max_chars: int = MAX_TEXT_CHARS,
) -> LabelledData:
    """Read every file with `data.load_any`, map labels (six) or keep them (original), de-duplicate.

    De-duplication works on `data.text.dedupe_key`: repeated sentences are kept once, and a sentence
    that carries two different labels is dropped entirely (it would teach the model both answers). Texts
    longer than `max_chars` are cut (with one warning). `progress` shows a bar over the files.
    """
    if label_set not in LABEL_SETS:
        raise ValueError(f"--label_set {label_set!r}: expected one of {tuple(LABEL_SETS)}")
    paths = [Path(f) for f in files] + (files_in(data_dir) if data_dir else [])
    if not paths:
        raise ValueError("no data: give --train_file FILE... and/or --data_dir DIR")
    taxonomy = None
    if label_set == "six":
        taxonomy = Taxonomy.from_json(taxonomy_file) if taxonomy_file else Taxonomy.default()
    by_key: dict[str, tuple[str, set[str]]] = {}
    order: list[str] = []
    sources: dict[str, int] = {}
    dropped: Counter[str] = Counter()
    shortened = 0

    for path in tqdm(paths, desc="reading data", unit="file", disable=not (progress and len(paths) > 1)):
        corpus = load_any(path)
        if taxonomy is not None:
            mapped = taxonomy.map_corpus(corpus)
            dropped["not_in_taxonomy"] += len(corpus.utterances) - len(mapped.utterances)
            corpus = mapped
        kept = 0
        for utterance in corpus.utterances:
            text = utterance.text.strip()
            if len(text) > max_chars:
                text = text[:max_chars].rstrip()
                shortened += 1
            if not text:
                dropped["empty"] += 1
                continue
            if utterance.label is None:
                dropped["unlabelled"] += 1
                continue
            key = dedupe_key(text)
            if key not in by_key:
                by_key[key] = (text, set())
                order.append(key)
            else:
                dropped["duplicate"] += 1
            by_key[key][1].add(str(utterance.label))
            kept += 1
        sources[str(path)] = kept
    if shortened:
        warnings.warn(
            f"{', '.join(map(str, paths))}: {shortened} text(s) longer than {max_chars} characters were cut "
            f"to {max_chars} (chat reads no more of a message)",
            stacklevel=2,
        )
    texts, labels = _one_label_each([by_key[key] for key in order], dropped)
    if len(set(labels)) < 2:
        raise ValueError(
            f"{', '.join(map(str, paths))}: need at least two labels after loading, got "
            f"{sorted(set(labels))} (label_set={label_set!r})"
        )
    return LabelledData(texts, labels, sources, dict(dropped))


def _one_label_each(seen: list[tuple[str, set[str]]], dropped: Counter[str]) -> tuple[list[str], list[str]]:
    """(texts, labels) of the texts read with one label; a text read with two is dropped, and counted in `dropped`."""
    texts, labels = [], []
    for text, labels_of_text in seen:
        if len(labels_of_text) > 1:
            dropped["conflicting_labels"] += 1
            continue
        texts.append(text)
        labels.append(next(iter(labels_of_text)))
    return texts, labels


def split_labelled(
    data: LabelledData, seed: int = 42, validation: float = 0.1, test: float = 0.1
) -> tuple[LabelledData, LabelledData, LabelledData]:
    """Stratified, deterministic train/validation/test through `data.split_dataset`."""
    pairs = list(zip(data.texts, data.labels, strict=True))
    splits = split_dataset(
        pairs, seed=seed, validation=validation, test=test, label=lambda pair: pair[1], text=lambda pair: pair[0]
    )

    def labelled(part) -> LabelledData:
        return LabelledData([t for t, _ in part], [label for _, label in part], data.sources, data.dropped)

    return labelled(splits.train), labelled(splits.validation), labelled(splits.test)


def label_order(labels: list[str], label_set: str) -> list[str]:
    """Six-emotion order for `six` (only those present), sorted names otherwise — stable across runs."""
    present = set(labels)
    if label_set == "six":
        ordered = [e for e in EMOTIONS if e in present]
        return ordered + sorted(present - set(ordered))
    return sorted(present)
