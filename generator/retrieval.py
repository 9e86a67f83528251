"""Retrieval responder: answer with the reply of the most similar known utterance — no neural model, no download.

The offline default engine's "generator". It keeps (message, reply, emotion) entries from the built-in demo set
and, when the user points it at them, the wellness / 감성대화 / ChatbotData dialogues. A new message is compared
with every known message by TF-IDF over character n-grams (robust to Korean spacing and endings without a
morpheme analyser); entries labelled with the detected emotion get a bonus; one reply is drawn at random from
the best few, skipping replies the bot already gave in this conversation, so the bot does not repeat itself.

Same API as `ResponseGenerator`: `generate(context, emotion=None, **options) -> str` and
`stream(...) -> Iterator[str]`. Options: `top_k` (replies drawn from; 0 = no cap, up to `max_candidates`),
`temperature` (flatter draw when higher; 0 = always the best match), `do_sample=False` (always the best match),
`seed`; options given as None take the config's value; `top_p`, `max_new_tokens`, `repetition_penalty` and
`no_repeat_ngram_size` are accepted and ignored so the two backends are interchangeable; any other name is an error. Saved as a Hugging Face-style directory: `responder_config.json` + the entries as
`entries.jsonl` (the TF-IDF index is rebuilt at load: it is deterministic and takes well under a second).
"""
from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

CONFIG_NAME = "responder_config.json"
ENTRIES_NAME = "entries.jsonl"
KNOWN_OPTIONS = frozenset({"temperature", "top_p", "top_k", "max_new_tokens", "repetition_penalty",
                           "no_repeat_ngram_size", "do_sample", "seed"})
MIN_CONTAINED_REPLY = 10  # replies this long count as said when found inside an earlier bot turn; shorter ones
                          # ("네") only when equal, or every turn containing "네" would ban them
FALLBACK_REPLY = "그렇군요. 조금 더 자세히 이야기해 줄래요?"  # only when there is no entry at all to answer with


@dataclass(frozen=True)
class ResponseEntry:
    """One known exchange: a user `message`, the `reply` given to it, the message's emotion (or None), its source."""

    message: str
    reply: str
    emotion: str | None = None
    source: str = ""


@dataclass
class RetrievalConfig:
    """How candidates are scored and drawn. Saved beside the entries."""

    emotion_bonus: float = 0.15      # added to the cosine similarity of entries of the detected emotion: prefer them
    top_k: int = 5                   # replies drawn from: enough variety between turns, still on topic
    temperature: float = 1.0         # sampling weight ∝ exp(similarity / (temperature · score_scale)); higher = flatter
    score_scale: float = 0.1         # typical similarity gap between a good and a fair match
    ngram_range: tuple[int, int] = (1, 3)  # character n-grams: syllables, pairs and triples of Hangul
    max_candidates: int = 64         # entries looked at after scoring (before removing repeats and duplicates)
    extra: dict = field(default_factory=dict)  # free-form provenance (sources, counts)


class RetrievalResponder:
    """TF-IDF nearest-utterance responder. Thread-safe: the index is read-only after construction."""

    uses_sampling_options = False  # it picks known replies: top_p and max_new_tokens mean nothing to it

    def __init__(self, entries: Iterable[ResponseEntry | tuple | dict], config: RetrievalConfig | None = None):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.config = config or RetrievalConfig()
        self.entries: list[ResponseEntry] = []
        seen = set()
        for index, item in enumerate(entries):
            entry = _as_entry(item, index)
            if not entry.message.strip() or not entry.reply.strip():
                continue
            key = (entry.message, entry.reply, entry.emotion)
            if key not in seen:
                seen.add(key)
                self.entries.append(entry)
        if not self.entries:
            raise ValueError("RetrievalResponder needs at least one entry with a non-empty message and reply")
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.config.ngram_range),
                                          sublinear_tf=True, lowercase=True)
        self.matrix = self.vectorizer.fit_transform([entry.message for entry in self.entries])  # (entries, ngrams), rows L2-normalised
        # emotion → (entries,) bool mask of the entries with it: built once, read by every reply
        self._emotion_masks = {emotion: np.array([entry.emotion == emotion for entry in self.entries], dtype=bool)
                               for emotion in {entry.emotion for entry in self.entries} if emotion is not None}

    # ------------------------------------------------------------------------------------------------ building
    @classmethod
    def from_dialogues(cls, dialogues: Iterable, taxonomy=None, config: RetrievalConfig | None = None):
        """From `data.DialogueExample`s. With a `data.Taxonomy`, corpus labels are mapped to its emotions
        (unmapped ones keep the entry with emotion None: the reply is still useful, just not preferred)."""
        entries = []
        for dialogue in dialogues:
            emotion = taxonomy.map_record(dialogue) if taxonomy is not None else dialogue.label
            entries.append(ResponseEntry(dialogue.message, dialogue.reply, emotion, dialogue.source))
        return cls(entries, config)

    @classmethod
    def from_corpora(cls, corpora: Iterable, taxonomy=None, config: RetrievalConfig | None = None):
        """From `data.Corpus` objects (their `dialogues`), e.g. `[data.load_demo(), data.load_any(path)]`."""
        corpora = list(corpora)
        responder = cls.from_dialogues((d for corpus in corpora for d in corpus.dialogues), taxonomy, config)
        responder.config.extra = {**responder.config.extra,
                                  "sources": {corpus.name: len(corpus.dialogues) for corpus in corpora}}
        return responder

    # ------------------------------------------------------------------------------------------------ answering
    def candidates(self, message: str, emotion: str | None = None, k: int | None = None,
                   exclude: Sequence[str] = (), rng: random.Random | None = None) -> list[tuple[float, ResponseEntry]]:
        """The best `k` entries with distinct replies for `message`, as (score, entry), best first.

        score = cosine similarity + `emotion_bonus` when the entry has `emotion`. Replies in `exclude` are
        skipped while others remain (a reply counts as said when equal after whitespace normalisation, or, from
        10 characters on, contained in a turn — a note may have been added around it). `k` None = the config's
        `top_k`, 0 = no cap (up to `max_candidates`). Exact ties are broken at random (by `rng`) so equal matches
        take turns.
        """
        import numpy as np

        k = self.config.top_k if k is None else int(k)
        if k < 0:
            raise ValueError(f"top_k={k}: expected 0 (no cap) or more")
        k = k or self.config.max_candidates
        query = self.vectorizer.transform([message])  # (1, ngrams)
        scores = (self.matrix @ query.T).toarray().ravel()  # (entries,) cosine similarity
        mask = self._emotion_masks.get(emotion) if emotion is not None else None
        if mask is not None:
            scores = scores + self.config.emotion_bonus * mask
        if rng is not None:
            scores = scores + np.random.default_rng(rng.getrandbits(64)).random(len(scores)) * 1e-9  # tie-break only
        limit = min(len(scores), max(self.config.max_candidates, 4 * k))
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        excluded = {_norm(text) for text in exclude}
        chosen, skipped, seen_replies = [], [], set()
        for index in top:
            entry = self.entries[index]
            reply_key = _norm(entry.reply)
            if reply_key in seen_replies:
                continue
            seen_replies.add(reply_key)
            said_before = reply_key in excluded or (
                len(reply_key) >= MIN_CONTAINED_REPLY and any(reply_key in text for text in excluded))
            (skipped if said_before else chosen).append((float(scores[index]), entry))
            if len(chosen) >= k:
                break
        return chosen or skipped[:k]

    def generate(self, context: str | list[str], emotion: str | None = None, **options) -> str:
        """One reply to the last user message of `context` (see module docstring)."""
        message, previous_replies = _split_context(context)
        _check_options(options)
        rng = random.Random(options.get("seed"))  # per call: thread-safe, seedable
        found = self.candidates(message, emotion, _given(options, "top_k", self.config.top_k),
                                exclude=previous_replies, rng=rng)
        if not found:
            return FALLBACK_REPLY
        if options.get("do_sample", True) is False or len(found) == 1:
            return found[0][1].reply
        temperature = float(_given(options, "temperature", self.config.temperature))
        if temperature <= 0:
            return found[0][1].reply
        best = found[0][0]
        weights = [math.exp((score - best) / (temperature * self.config.score_scale)) for score, _ in found]
        return rng.choices([entry.reply for _, entry in found], weights=weights, k=1)[0]

    def stream(self, context: str | list[str], emotion: str | None = None, **options) -> Iterator[str]:
        """The reply of `generate` in word-sized increments that join to it exactly."""
        yield from re.findall(r"\s*\S+\s*", self.generate(context, emotion, **options))

    # ------------------------------------------------------------------------------------------------ saving
    def save_pretrained(self, directory) -> None:
        """Write config + entries to `directory` atomically (`data.files.atomic_directory`)."""
        from data.files import atomic_directory, write_json

        def write(staging: Path) -> None:
            config = asdict(self.config)
            config["ngram_range"] = list(config["ngram_range"])
            write_json(staging / CONFIG_NAME, {"backend": "retrieval", **config})
            with open(staging / ENTRIES_NAME, "w", encoding="utf-8") as handle:
                for entry in self.entries:
                    handle.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")

        atomic_directory(directory, write)

    @classmethod
    def from_pretrained(cls, directory, **_ignored) -> "RetrievalResponder":
        """Load what `save_pretrained` wrote. Extra keyword arguments (`device`, `quantize`) are accepted and ignored."""
        directory = Path(directory)
        config_path = directory / CONFIG_NAME
        if not config_path.is_file():
            raise FileNotFoundError(f"{directory}: no {CONFIG_NAME} (expected a directory saved by RetrievalResponder)")
        document = json.loads(config_path.read_text(encoding="utf-8"))
        document.pop("backend", None)
        document["ngram_range"] = tuple(document.get("ngram_range", (1, 3)))
        known = set(RetrievalConfig.__dataclass_fields__)
        config = RetrievalConfig(**{key: value for key, value in document.items() if key in known})
        entries = []
        with open(directory / ENTRIES_NAME, encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, 1):
                if line.strip():
                    try:
                        entries.append(ResponseEntry(**json.loads(line)))
                    except (json.JSONDecodeError, TypeError) as error:
                        raise ValueError(f"{directory / ENTRIES_NAME}, line {line_number}: {error}; "
                                         f"expected a JSON object with message, reply, emotion, source") from None
        return cls(entries, config)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"RetrievalResponder(entries={len(self.entries)}, top_k={self.config.top_k})"


def _as_entry(item, index: int) -> ResponseEntry:
    if isinstance(item, ResponseEntry):
        return item
    if isinstance(item, dict):
        try:
            return ResponseEntry(**item)
        except TypeError:
            raise ValueError(f"entry {index}: {item!r:.80} — expected keys message, reply, emotion, source") from None
    if isinstance(item, (tuple, list)) and 2 <= len(item) <= 4 and all(isinstance(x, (str, type(None))) for x in item):
        return ResponseEntry(*item)
    raise ValueError(f"entry {index}: {item!r:.80} — expected ResponseEntry, dict or (message, reply[, emotion[, source]])")


def _split_context(context) -> tuple[str, list[str]]:
    """(the last user message, the bot turns before it). Context alternates user/bot and ends with the user."""
    if isinstance(context, str):
        return context, []
    if not isinstance(context, (list, tuple)) or not context or not all(isinstance(t, str) for t in context):
        raise TypeError("context must be a str or a non-empty list of str (oldest first, ending with the user message)")
    turns = list(context)
    return turns[-1], turns[-2::-2]


def _given(options: dict, name: str, default):
    """`options[name]` unless missing or None — 0 is a real value (temperature=0: the best match)."""
    value = options.get(name)
    return default if value is None else value


def _check_options(options: dict) -> None:
    unknown = set(options) - KNOWN_OPTIONS
    if unknown:
        raise TypeError(f"unknown generation option(s) {sorted(unknown)}; expected some of {sorted(KNOWN_OPTIONS)}")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
