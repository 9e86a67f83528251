"""Korean morphemes and their meaning, from Kiwi (kiwipiepy ships its models in the wheel; no download).

Two things the light models need from Kiwi:

- `analyse(texts)`: each text as `form/TAG` morpheme strings ("시험/NNG 에/JKB 떨어지/VV 었/EP 어/EF"): endings and
  negation carry emotion, and morphemes are robust to Korean spacing.
- `NeighbourExpansion`: meaning for words the model never saw. Kiwi's CoNg model embeds morphemes, and
  `Kiwi.morpheme_similarity` compares two of them in about a microsecond. A content morpheme outside the model's
  vocabulary ("햄스터") is followed by the vocabulary morphemes nearest to it in meaning ("강아지/NNG",
  "고양이/NNG"), so the weights learned for those apply to it. Morphemes inside the vocabulary are left alone:
  they have weights of their own.

Kiwi is loaded once per process (about a second) and shared: its analysis and similarity calls only read the model.
Inside `shared_analysis()` the analysis of training batches and the nearest-morpheme searches are shared by content
too, so builds that read the same texts (the offline engine's classifier, reply index and crisis detector all read
the reply bank) ask Kiwi once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import kiwipiepy_model  # kiwipiepy's model files: a dependency of kiwipiepy
from kiwipiepy import Kiwi

from data.records import summary_repr

CONTENT_TAGS = frozenset(
    {  # morphemes that carry meaning (nouns, verbs, adjectives, adverbs, roots, interjections)
        "NNG",
        "NNP",
        "VV",
        "VA",
        "XR",
        "MAG",
        "IC",
        "VV-R",
        "VA-R",
        "VV-I",
        "VA-I",
    }
)
DEFAULT_NEIGHBOURS = (
    3  # nearest vocabulary morphemes added for an unknown one: enough to vote, few enough to stay on topic
)
DEFAULT_MIN_SIMILARITY = 0.5  # CoNg cosine below this is a different field (사랑/알고리즘 0.17, 햄스터/강아지 0.65)
MAX_CACHED_NEIGHBOURS = 200_000  # unknown morphemes remembered per process (each entry is a few small ints)
SEARCHED_NEIGHBOURS = 100  # Kiwi's nearest morphemes searched for vocabulary ones (most vocabularies meet a few)
CACHED_ANALYSES = 8192  # recent chat texts whose Kiwi analysis is remembered (a few KB each)

_lock = threading.Lock()
_kiwi = None


def kiwi():
    """The process-wide Kiwi analyser (CoNg model), loaded on first use."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                _kiwi = Kiwi()
    return _kiwi


def model_version() -> str:
    """Version of the Kiwi model files: morpheme ids saved by one version are only valid for that version."""
    return str(kiwipiepy_model.__version__)


@dataclass
class SharedAnalysis:
    """What Kiwi said about texts and morphemes while a `shared_analysis()` block is open (it only reads its model,
    so an answer is the same however often it is asked)."""

    tokens: dict[str, tuple] = field(default_factory=dict)  # text → its Kiwi tokens
    similar: dict[int, tuple[tuple[int, float], ...]] = field(default_factory=dict)  # id → `similar_morphemes`
    depth: int = 0  # open `shared_analysis()` blocks (nested or in other threads)


_shared = SharedAnalysis()


@contextmanager
def shared_analysis() -> Iterator[SharedAnalysis]:
    """Within the block, every batch analysis (`tokens` of more than 64 texts) and nearest-morpheme search is
    remembered by its text or morpheme id and reused: builds that read the same texts ask Kiwi once. Forgotten when
    the outermost block ends (the offline engine's 54k training texts take about 120 MB). Nests; thread-safe."""
    with _lock:
        _shared.depth += 1
    try:
        yield _shared
    finally:
        with _lock:
            _shared.depth -= 1
            if _shared.depth == 0:
                _shared.tokens.clear()
                _shared.similar.clear()


def tokens(texts: Sequence[str]) -> list[list]:
    """Kiwi tokens of each text. Short texts are remembered (a chat reply analyses the same message for the
    classifier, the crisis detector and retrieval, and earlier turns again at every turn); batches only inside
    `shared_analysis()`."""
    texts = list(texts)
    if len(texts) <= 64:
        return [list(_tokens_of(text)) for text in texts]
    if not _shared.depth:  # training data: one batched call, nothing remembered
        return [list(found) for found in kiwi().tokenize(texts)]
    found = {text: analysed for text in texts if (analysed := _shared.tokens.get(text)) is not None}
    missing = [text for text in dict.fromkeys(texts) if text not in found]  # each distinct one once
    if missing:  # one batched call for the texts this block has not seen
        fresh = dict(zip(missing, (tuple(analysed) for analysed in kiwi().tokenize(missing)), strict=True))
        found.update(fresh)
        _shared.tokens.update(fresh)
    return [list(found[text]) for text in texts]


@lru_cache(maxsize=CACHED_ANALYSES)
def _tokens_of(text: str) -> tuple:
    return tuple(kiwi().tokenize(text))


def morpheme_string(found: Iterable, expansion: NeighbourExpansion | None = None) -> str:
    """`form/TAG` strings joined by spaces; with an expansion, unknown content morphemes are followed by their
    nearest known ones."""
    parts = []
    for token in found:
        parts.append(f"{token.form}/{token.tag}")
        if expansion is not None:
            parts.extend(expansion.neighbours(token))
    return " ".join(parts)


def analyse(texts: Sequence[str], expansion: NeighbourExpansion | None = None) -> list[str]:
    """Each text as space-joined `form/TAG` morphemes (see `morpheme_string`)."""
    return [morpheme_string(found, expansion) for found in tokens(texts)]


class NeighbourExpansion:
    """For a content morpheme outside `vocabulary`, its nearest vocabulary morphemes in meaning (Kiwi CoNg).

    `vocabulary`: (form, tag, kiwi id) triples, the morphemes that carry weights. Ids are Kiwi's own and only valid
    for the Kiwi model version they were read with; `from_dict` re-reads them when the version differs.
    Thread-safe: the cache is a dict written under a lock.
    """

    def __init__(
        self,
        vocabulary: Sequence[tuple[str, str, int]],
        neighbours: int = DEFAULT_NEIGHBOURS,
        min_similarity: float = DEFAULT_MIN_SIMILARITY,
    ):
        if neighbours < 1:
            raise ValueError(f"neighbours={neighbours}: expected at least 1")
        self.vocabulary = [(str(form), str(tag), int(index)) for form, tag, index in vocabulary]
        self.neighbours_per_morpheme = neighbours
        self.min_similarity = float(min_similarity)
        self._name_of = {index: f"{form}/{tag}" for form, tag, index in self.vocabulary}  # kiwi id → feature name
        self._known = {(form, tag) for form, tag, _ in self.vocabulary}
        self._cache: dict[int, tuple[str, ...]] = {}
        self._cache_lock = threading.Lock()

    @classmethod
    def from_tokens(cls, tokenised: Iterable[Iterable], min_count: int = 2, **kwargs) -> NeighbourExpansion:
        """Vocabulary = content morphemes seen at least `min_count` times in `tokenised` (lists of Kiwi tokens)."""
        counts: dict[tuple[str, str], list] = {}
        for found in tokenised:
            for token in found:
                if token.tag in CONTENT_TAGS:
                    entry = counts.setdefault((token.form, token.tag), [0, token.id])
                    entry[0] += 1
        vocabulary = sorted((form, tag, index) for (form, tag), (count, index) in counts.items() if count >= min_count)
        return cls(vocabulary, **kwargs)

    def neighbours(self, token) -> tuple[str, ...]:
        """`form/TAG` of the nearest vocabulary morphemes for an unknown content token; () for anything else."""
        if token.tag not in CONTENT_TAGS or (token.form, token.tag) in self._known or not self._name_of:
            return ()
        found = self._cache.get(token.id)
        if found is None:
            found = self._nearest(token.id)
            with self._cache_lock:
                if len(self._cache) >= MAX_CACHED_NEIGHBOURS:
                    self._cache.clear()
                self._cache[token.id] = found
        return found

    def _nearest(self, morpheme_id: int) -> tuple[str, ...]:
        """Among Kiwi's `SEARCHED_NEIGHBOURS` nearest morphemes (its own vectorised search), the vocabulary ones."""
        found = similar_morphemes(morpheme_id)
        names = [
            self._name_of[index] for index, score in found if index in self._name_of and score >= self.min_similarity
        ]
        return tuple(names[: self.neighbours_per_morpheme])

    # ------------------------------------------------------------------------------------------ saving
    def to_dict(self) -> dict:
        return {
            "kiwi_model": model_version(),
            "neighbours": self.neighbours_per_morpheme,
            "min_similarity": self.min_similarity,
            "vocabulary": [[form, tag, index] for form, tag, index in self.vocabulary],
        }

    @classmethod
    def from_dict(cls, document: dict) -> NeighbourExpansion:
        vocabulary = [tuple(item) for item in document["vocabulary"]]
        if document.get("kiwi_model") != model_version():  # ids moved: look each (form, tag) up again
            vocabulary = _relookup(vocabulary)
        return cls(
            vocabulary, neighbours=int(document["neighbours"]), min_similarity=float(document["min_similarity"])
        )

    def __len__(self) -> int:
        return len(self.vocabulary)

    def __repr__(self) -> str:
        return summary_repr(
            self, vocabulary=len(self), neighbours=self.neighbours_per_morpheme, min_similarity=self.min_similarity
        )


def similar_morphemes(morpheme_id: int) -> tuple[tuple[int, float], ...]:
    """(id, cosine) of Kiwi's `SEARCHED_NEIGHBOURS` morphemes nearest to `morpheme_id`, nearest first; () for a
    morpheme without a CoNg vector. Remembered inside `shared_analysis()` (every expansion searches from scratch)."""
    found = _shared.similar.get(morpheme_id) if _shared.depth else None
    if found is not None:
        return found
    try:
        found = tuple(
            (m.id, m.score) for m in kiwi().most_similar_morphemes(int(morpheme_id), top_n=SEARCHED_NEIGHBOURS)
        )
    except (ValueError, RuntimeError):  # a morpheme without a CoNg vector
        found = ()
    if _shared.depth:
        _shared.similar[morpheme_id] = found
    return found


def _relookup(vocabulary: Sequence[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """(form, tag) → the current Kiwi model's id, by analysing each form alone (morphemes it no longer has drop)."""
    found = []
    for (form, tag, _), analysed in zip(vocabulary, tokens([form for form, _, _ in vocabulary]), strict=True):
        match = next((token for token in analysed if token.form == form and token.tag == tag), None)
        if match is not None:
            found.append((form, tag, match.id))
    return found
