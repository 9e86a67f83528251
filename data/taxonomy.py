"""One emotion taxonomy: map each corpus's own labels onto six emotions, kept as data (data/taxonomy.json).

The mapping is optional: every loader returns the corpus's own labels, and the rest of the pipeline works with
any label set (KETI's 7, NSMC's 2, …). Use `Taxonomy.map_corpus` only when you want the six emotions.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from data.records import Corpus, DataError, DialogueExample, Utterance, summary_repr

EMOTIONS = ("일상", "기쁨", "분노", "불안", "슬픔", "우울")  # the six of the original KoBERT emotion notebook
VALENCE = {  # the six emotions in three groups: what a reply must not contradict (no cheer to a loss …)
    "기쁨": "positive",
    "일상": "neutral",
    "분노": "negative",
    "불안": "negative",
    "슬픔": "negative",
    "우울": "negative",
}
DEFAULT_TAXONOMY_FILE = Path(__file__).with_name("taxonomy.json")
HIERARCHY_SEPARATOR = "/"  # wellness categories: 감정/우울감/눈물
BUILTIN_ALIASES = {"keti_single_turn": "keti", "keti_multi_turn": "keti"}  # both KETI sets share one label set


class Taxonomy:
    """Label mapping per source.

    `sources[source]` holds `map` (label → emotion or None), optional `pairs` ((major → minor → emotion)
    overrides for two-level labels such as 감성대화's (대분류, 소분류)) and optional `hierarchical` (a label
    such as `감정/우울감/눈물` falls back to its longest listed prefix). `aliases` name sources that share a
    mapping (keti_single_turn → keti, built in). A source without an entry keeps labels that are already one of
    `labels`.
    """

    def __init__(
        self, labels=EMOTIONS, sources: dict | None = None, aliases: dict | None = None, origin: str = "(in memory)"
    ):
        self.labels = list(labels)
        self.sources = sources or {}
        self.aliases = {**BUILTIN_ALIASES, **(aliases or {})}
        self.origin = origin
        self._validate()

    # ---------------------------------------------------------------------------------------------- building
    @classmethod
    def default(cls) -> Taxonomy:
        """The documented six-emotion mapping shipped in data/taxonomy.json."""
        return cls.from_json(DEFAULT_TAXONOMY_FILE)

    @classmethod
    def from_json(cls, path) -> Taxonomy:
        """Read a mapping file. With `"extends": "default"` the file only lists changes to the default."""
        path = Path(path)
        if not path.exists():
            raise DataError(f"{path}: file not found; expected a taxonomy JSON file")
        try:
            document = json.loads(path.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise DataError(f"{path}: not valid UTF-8 JSON ({error}); expected a taxonomy JSON object") from None
        if not isinstance(document, dict):
            raise DataError(f"{path}: expected a JSON object with 'labels' and 'sources'")
        if document.get("extends") == "default":
            base = cls.default()
            labels = document.get("labels", base.labels)
            sources = {name: dict(spec) for name, spec in base.sources.items()}
            for name, spec in document.get("sources", {}).items():
                merged = dict(sources.get(name, {}))
                merged["map"] = {**merged.get("map", {}), **spec.get("map", {})}
                pairs = {major: dict(minors) for major, minors in merged.get("pairs", {}).items()}
                for major, minors in spec.get("pairs", {}).items():
                    pairs.setdefault(major, {}).update(minors)
                merged["pairs"] = pairs
                merged.update({k: v for k, v in spec.items() if k not in ("map", "pairs")})
                sources[name] = merged
            aliases = {**base.aliases, **document.get("aliases", {})}
        elif document.get("extends") is not None:
            raise DataError(f"{path}: 'extends' is {document['extends']!r}; expected \"default\" or no 'extends'")
        else:
            if "labels" not in document or "sources" not in document:
                raise DataError(
                    f"{path}: missing key {'labels' if 'labels' not in document else 'sources'!r}; "
                    f"expected a JSON object with 'labels' and 'sources'"
                )
            labels, sources, aliases = document["labels"], document["sources"], document.get("aliases", {})
        return cls(labels, sources, aliases, origin=str(path))

    def to_json(self, path) -> None:
        """Write this mapping (the same format `from_json` reads)."""
        document = {"labels": self.labels, "aliases": self.aliases, "sources": self.sources}
        Path(path).write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def _validate(self) -> None:
        if not self.labels or len(set(self.labels)) != len(self.labels):
            raise DataError(f"{self.origin}: 'labels' must be a non-empty list of distinct names, got {self.labels}")
        if not isinstance(self.sources, dict):
            raise DataError(f"{self.origin}: 'sources' must be an object of source name → mapping")
        allowed = set(self.labels)
        for source, spec in self.sources.items():
            if not isinstance(spec, dict) or not isinstance(spec.get("map", {}), dict):
                raise DataError(f"{self.origin}: sources.{source} must be an object with a 'map' object")
            targets = [(f"sources.{source}.map.{label}", target) for label, target in spec.get("map", {}).items()]
            for major, minors in spec.get("pairs", {}).items():
                targets += [(f"sources.{source}.pairs.{major}.{minor}", target) for minor, target in minors.items()]
            for where, target in targets:
                if target is not None and target not in allowed:
                    raise DataError(
                        f"{self.origin}: {where} maps to {target!r}; expected one of {', '.join(self.labels)} or null"
                    )

    # ----------------------------------------------------------------------------------------------- mapping
    def spec(self, source: str) -> dict | None:
        """The mapping entry for `source`: its own entry if listed, else its alias's (keti_single_turn → keti)."""
        if source in self.sources:
            return self.sources[source]
        return self.sources.get(self.aliases.get(source))

    def map(self, source: str, label) -> str | None:
        """Emotion for a corpus label, or None (not mapped: drop the example).

        `label` is a string, or a (major, minor) tuple for two-level labels (감성대화's (대분류, 소분류)).
        """
        if label is None:
            return None
        pair = tuple(label) if isinstance(label, (tuple, list)) else (label,)
        if not pair:
            return None
        spec = self.spec(source)
        if spec is None:
            return pair[0] if pair[0] in self.labels else None
        if len(pair) >= 2:
            minors = spec.get("pairs", {}).get(pair[0], {})
            if pair[1] in minors:
                return minors[pair[1]]
        table = spec.get("map", {})
        key = pair[0]
        if spec.get("hierarchical"):
            parts = key.split(HIERARCHY_SEPARATOR)
            for end in range(len(parts), 0, -1):
                prefix = HIERARCHY_SEPARATOR.join(parts[:end])
                if prefix in table:
                    return table[prefix]
            return None
        if key in table:
            return table[key]
        return key if key in self.labels else None

    def _key(self, record) -> object:
        return record.labels if len(record.labels) == 2 and record.label == record.labels[0] else record.label

    def map_record(self, record) -> str | None:
        """Emotion of one Utterance or DialogueExample, using 감성대화's (대분류, 소분류) pair when it has one."""
        return self.map(record.source, self._key(record))

    def map_corpus(self, corpus: Corpus) -> Corpus:
        """A copy of `corpus` with every label mapped; records that map to None are dropped.

        The original label stays in `labels` ((label,) when it had none), so nothing is lost. Utterances that
        become exact duplicates after mapping are merged; conflicts are recomputed on the mapped labels.
        """
        utterances, seen, unmapped, merged = [], set(), 0, 0
        labels_of = defaultdict(set)
        for utterance in corpus.utterances:
            emotion = self.map_record(utterance)
            if emotion is None:
                unmapped += 1
                continue
            original = _original_labels(utterance)
            if (utterance.text, emotion) in seen:
                merged += 1
                continue
            seen.add((utterance.text, emotion))
            labels_of[utterance.text].add(emotion)
            utterances.append(Utterance(utterance.text, emotion, utterance.source, original))
        dialogues, unmapped_dialogues = [], 0
        for dialogue in corpus.dialogues:
            emotion = self.map_record(dialogue)
            if emotion is None:
                unmapped_dialogues += 1
                continue
            dialogues.append(replace(dialogue, label=emotion, labels=_original_labels(dialogue)))
        mapped = corpus.with_records(utterances, dialogues)
        report = mapped.report
        report.kept, report.dialogues = len(utterances), len(dialogues)
        report.conflicting = {text: labels for text, labels in labels_of.items() if len(labels) > 1}
        report.extra = {
            **report.extra,
            "unmapped_utterances": unmapped,
            "unmapped_dialogues": unmapped_dialogues,
            "merged_after_mapping": merged,
        }
        return mapped

    def counts(self, corpus: Corpus) -> Counter:
        """Mapped utterances per emotion (labels in taxonomy order, None = not mapped)."""
        return Counter(self.map_record(u) for u in corpus.utterances)

    def __repr__(self) -> str:
        return summary_repr(self, labels=self.labels, sources=sorted(self.sources), origin=self.origin)


def _original_labels(record: Utterance | DialogueExample) -> tuple[str, ...]:
    """What a mapped record keeps of its corpus labels: its `labels`, else (its label,)."""
    return record.labels or ((record.label,) if record.label is not None else ())
