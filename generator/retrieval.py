"""Retrieval responder: answer with a reply written for the most similar known message — no neural model, no download.

The offline default engine's "generator". It keeps (message, reply, emotion, topic) entries: the built-in reply
bank (`data/replybank/`, replies written for this project and keyed by topic and emotion) and, when the user
points it at them, the wellness / 감성대화 / ChatbotData dialogues.

How a reply is found for the last user message of a conversation:
1. **Match by meaning.** Known messages are compared with it by TF-IDF over character n-grams (robust to spacing
   and endings) and over Kiwi morphemes, where a word never seen before also brings its nearest known words in
   meaning (`classifier.semantic`). The previous user turn counts too (`context_weight`), so "응 진짜 열심히
   했는데" after "시험에 떨어졌어" is still about the exam.
2. **Filter by emotion.** With a detected emotion, only entries of the same group (positive 기쁨, neutral 일상,
   negative 분노·불안·슬픔·우울) are candidates, and entries of the very same emotion get a bonus; corpus entries
   whose label maps to no emotion stay in (the engine reads their tone before it shows one). Replies written for a
   request pass the filter when the message asks something, and a plain question gives those of its topic
   `question_bonus`: what was asked is answered before how the earlier turns felt. With no emotion (the engine is
   unsure), the reply is one of the bank's open questions for the best-matching topic (greeting, bot, goodbye and
   gratitude only with half of the votes).
3. **Prefer care.** Bank replies get a bonus over corpus replies of the same match; curt, imperative one-liners
   ("신고하세요.") get a penalty. A bank message brings every reply of its group, so equal matches take turns.
4. **No repeats.** Replies the bot already gave in this conversation are skipped while others remain; one reply
   is drawn from the best few (`top_k`, `temperature`; `seed` makes it reproducible).

A `generator.Responder` like `ResponseGenerator`. Of the `GenerationOptions` it acts on `top_k` (0 = no cap),
`temperature` (0 = always the best match), `do_sample=False` and `seed`; the others are accepted and ignored.
Saved as `responder_config.json` + `entries.jsonl` (+ `morphemes.json`, the messages' Kiwi analysis); the TF-IDF
index is rebuilt at load. What every reply reads about the entries (topics, kinds of reply, emotion masks, topic
and emotion votes) is worked out once, in `generator.retrieval_index`.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from data.records import summary_repr
from data.taxonomy import VALENCE
from generator.entries import (
    ResponseEntry,
    asks_something,
    bank_entries,
    dialogue_entries,
    distinct_replies,
    read_entries,
    reply_emotions,
    split_context,
    unique_entries,
    write_entries,
)
from generator.responder import Context, GenerationOptions
from generator.retrieval_index import RetrievalIndex, message_rows
from generator.similarity import MessageSimilarity
from training.files import atomic_directory, write_json, write_training_record

BACKEND = "retrieval"
CONFIG_NAME = "responder_config.json"
ENTRIES_NAME = "entries.jsonl"
MORPHEMES_NAME = "morphemes.json"  # optional: the messages' Kiwi analysis, so loading does not analyse again
FAR_CORPUS_PENALTY = 1.0  # a corpus reply to a message unlike this one is about something else
FALLBACK_REPLY = "그렇군요. 조금 더 자세히 이야기해 줄래요?"  # only when there is no entry at all to answer with


@dataclass
class RetrievalConfig:
    """How candidates are scored and drawn. Saved beside the entries."""

    emotion_bonus: float = 0.3  # the very same emotion, on top of the same valence group: 불안 gets 불안 replies
    bank_bonus: float = 0.1  # replies written for this project beat a corpus reply of the same match
    curt_penalty: float = 0.3  # short imperative replies ("신고하세요.") lose to caring ones
    question_bonus: float = 0.3  # replies written for a request, to a plain question: what was asked is answered
    # before how the earlier turns felt (as much as the same-emotion bonus)
    marked_bonus: float = 0.6  # replies of the kind a question asks for by its words ("나만 그럼?": that it is
    # common) beat the replies to the situation alone, even when a bank message names that situation word for word
    question_min_similarity: float = 0.3  # …when the request it was written for is this close to the message
    context_weight: float = 1.0  # the previous user turn weighs as much as the message: follow-ups keep their topic
    own_topic_share: float = 0.75  # …unless the message alone gives one topic this share of the votes (a question
    # to the bot, a new subject): then it is matched on its own
    own_question_similarity: float = 0.55  # …or when it asks plainly, names a subject, and a request a reply was
    # written for is this close ("정신과 가보는게 나을까? 좀 겁나" after panic symptoms is answered as asked, not
    # matched to the symptoms; "좋은 방법 있어?" names nothing and needs the earlier turns)
    topic_weight: float = (
        1.0  # how much the topic vote adds to an entry's own similarity (chosen on the development set)
    )
    topic_votes: int = 15  # most similar bank messages that vote for the topic (similarity² each)
    general_floor: float = 0.5  # "general" bank replies (no intent) score at least this: they beat a weak match
    addressed_topics: tuple[str, ...] = ("bot", "greeting", "goodbye", "gratitude")  # replies that answer the
    # person about the bot or the chat itself: odd anywhere else ("답답하게 해서 미안해요" to a complaint about a boss)
    addressed_min_share: float = 0.5  # …so they need half of the topic votes
    corpus_min_similarity: float = 0.45  # a corpus reply is about its own message: only close matches may use it
    semantic: bool = True  # morphemes + nearest known words in meaning beside characters
    top_k: int = 5  # replies drawn from: enough variety between turns, still on topic
    temperature: float = 1.0  # sampling weight ∝ exp(score / (temperature · score_scale)); higher = flatter
    score_scale: float = 0.1  # typical similarity gap between a good and a fair match
    ngram_range: tuple[int, int] = (1, 3)  # character n-grams: syllables, pairs and triples of Hangul
    max_candidates: int = 64  # known messages looked at after scoring
    extra: dict = field(default_factory=dict)  # free-form provenance (sources, counts)


class RetrievalResponder:
    """Nearest-message responder over the reply bank and corpora. Thread-safe: read-only after construction."""

    def __init__(
        self,
        entries: Iterable[ResponseEntry | tuple | dict],
        config: RetrievalConfig | None = None,
        analysed: dict | None = None,
    ):
        """`analysed`: the morpheme index a `save_pretrained` directory holds (`morphemes.json`), so loading skips
        Kiwi; ignored unless it lists exactly this responder's messages."""
        self.config = config or RetrievalConfig()
        self.entries: list[ResponseEntry] = unique_entries(entries)
        if not self.entries:
            raise ValueError("RetrievalResponder needs at least one entry with a non-empty message and reply")
        self.messages, entry_message = message_rows(self.entries)  # each distinct message once
        self.similarity = MessageSimilarity(self.messages, self.config.ngram_range, self.config.semantic, analysed)
        self.index = RetrievalIndex(self.entries, entry_message, self.similarity, self.config)
        self.reply_emotions = reply_emotions(self.entries)  # bank reply → the emotion it was written for
        self.vote_index = self  # emotion_votes reads the bank only: a bank-only index when corpora are mixed in
        if self.index.is_bank.any() and not self.index.is_bank.all():
            bank = [e for e in self.entries if e.topic is not None]
            self.vote_index = RetrievalResponder(bank, self.config, (analysed or {}).get("bank"))

    @property
    def topics(self) -> list[str]:
        """The reply bank's topics, in the order of `index.topic_shares`."""
        return self.index.topics

    # ------------------------------------------------------------------------------------------------ building
    @classmethod
    def from_dialogues(cls, dialogues: Iterable, taxonomy=None, config: RetrievalConfig | None = None):
        """From `data.DialogueExample`s. With a `data.Taxonomy`, corpus labels are mapped to its emotions
        (unmapped ones keep the entry with emotion None: used only when no emotion filter applies)."""
        return cls(dialogue_entries(dialogues, taxonomy), config)

    @classmethod
    def from_reply_bank(
        cls, groups: Iterable, dialogues: Iterable = (), taxonomy=None, config: RetrievalConfig | None = None
    ):
        """From the reply bank's groups (`data.replybank.load_reply_bank()`), plus corpus dialogues if given.
        Every message of a group is paired with every reply of it; an open group's replies are kept under its
        topic for unsure turns."""
        groups = list(groups)
        responder = cls(bank_entries(groups) + dialogue_entries(dialogues, taxonomy), config)
        responder.config.extra = {**responder.config.extra, "bank_groups": len(groups)}
        return responder

    @classmethod
    def from_corpora(cls, corpora: Iterable, taxonomy=None, config: RetrievalConfig | None = None):
        """From `data.Corpus` objects (their `dialogues`), e.g. `[data.load_any(path)]`."""
        corpora = list(corpora)
        responder = cls.from_dialogues((d for corpus in corpora for d in corpus.dialogues), taxonomy, config)
        responder.config.extra = {
            **responder.config.extra,
            "sources": {corpus.name: len(corpus.dialogues) for corpus in corpora},
        }
        return responder

    # ------------------------------------------------------------------------------------------------ matching
    def _message_scores(self, turns: Sequence[str]):
        """(messages,) similarity of every known message to the last turn, with earlier user turns blended in."""
        return self.similarity.scores(turns, self.config.context_weight)

    def candidates(
        self,
        message: str | Sequence[str],
        emotion: str | None = None,
        k: int | None = None,
        exclude: Sequence[str] = (),
        rng: random.Random | None = None,
    ) -> list[tuple[float, ResponseEntry]]:
        """The best `k` entries with distinct replies, as (score, entry), best first.

        `message` is the user's message, or their recent turns oldest first (the last one is answered).
        score = similarity of the entry's message + `topic_weight` × its topic's share of the votes of the
        `topic_votes` most similar bank messages (a close corpus match counts as on the winning topic) + bonuses
        (same emotion, reply bank) − penalties (curt); the bank's "general" replies never score below
        `general_floor`, so a weak match to a specific topic loses to them, and corpus replies below
        `corpus_min_similarity` come last. With `emotion`, only entries of its valence group; with None, the open
        questions of the best-voted bank topic when there are any. Replies written for a request (a menu idea, "I
        cannot look that up") only when the message asks something (`asks_something`). Replies in `exclude` are
        skipped while others remain. `k` None = the config's `top_k`, 0 = no cap (up to `max_candidates`).
        Exact ties are broken at random (by `rng`) so equal matches take turns.
        """
        k = self.config.top_k if k is None else int(k)
        if k < 0:
            raise ValueError(f"top_k={k}: expected 0 (no cap) or more")
        k = k or self.config.max_candidates
        turns = [message] if isinstance(message, str) else list(message)
        entry_similarity, share, topic_score, scores = self._match(turns)
        allowed, scores = self._filter(turns[-1], emotion, entry_similarity, share, topic_score, scores)
        if rng is not None:
            scores = scores + np.random.default_rng(rng.getrandbits(64)).random(len(scores)) * 1e-6  # tie-break only
        scores = np.where(allowed, scores, -np.inf)
        limit = min(int(allowed.sum()), max(self.config.max_candidates, 4 * k) * 8)
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        return distinct_replies(self.entries, top, scores, k, exclude)

    def _match(self, turns: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """How well every entry fits the last of `turns`, before any filter: (entries,) its message's similarity,
        (topics,) the topic votes, (entries,) its topic's share and (entries,) the score (see `candidates`)."""
        c, index = self.config, self.index
        similarity = self._message_scores(turns[-1:])  # (messages,)
        follow_up = len(turns) > 1 and index.topic_shares(similarity).max(initial=0.0) < c.own_topic_share
        if follow_up and not index.asks_as_written(turns[-1], similarity[index.entry_message]):
            similarity = self._message_scores(turns)  # a follow-up: earlier turns say what it is about
        entry_similarity = similarity[index.entry_message]  # (entries,)
        share = index.topic_shares(similarity)  # (topics,) share of the votes
        topic_score = (
            np.where(index.entry_topic >= 0, share[np.maximum(index.entry_topic, 0)], 0.0)
            if len(share)
            else np.zeros(len(self.entries))
        )  # (entries,)
        close_corpus = ~index.is_bank & (entry_similarity >= c.corpus_min_similarity)  # about what the message is
        topic_score = np.where(close_corpus, share.max() if len(share) else 0.0, topic_score)  # about: its topic
        scores = entry_similarity + c.topic_weight * topic_score + index.prior
        scores = np.where(index.has_floor, np.maximum(scores, c.general_floor + index.prior), scores)
        return entry_similarity, share, topic_score, scores

    def _filter(
        self, message: str, emotion: str | None, entry_similarity, share, topic_score, scores
    ) -> tuple[np.ndarray, np.ndarray]:
        """(entries,) which entries may answer `message` read as `emotion` (None: unsure), and the scores with the
        bonuses that go with it (same emotion, an answer to a plain question)."""
        c, index = self.config, self.index
        weakly_addressed = index.is_addressed & (topic_score < c.addressed_min_share)  # (entries,)
        asks = asks_something(message)
        marked = index.marked(message)  # (entries,)
        scores = scores + c.marked_bonus * marked
        if emotion is None and index.open_topics:
            voted = np.where(index.addressed_topics & (share < c.addressed_min_share), 0.0, share)  # a third of the
            # votes for greeting is not enough to greet ("방금 면접 보고 나옴" → "어서 와요")
            best = int(np.argmax(voted)) if voted.any() else -1
            allowed = index.is_open & (index.entry_topic == best)
            if not allowed.any():
                allowed = index.is_open & index.is_general
            answers = index.answers_to_question(message, best, entry_similarity)  # a plain question is answered
            allowed = allowed | answers | marked  # when a reply was written for one this close on the same topic
            scores = scores + c.question_bonus * answers
        else:
            same_valence = ~index.is_open
            if emotion is not None:  # corpus entries of unmapped labels may answer any emotion; the engine reads
                # their tone before showing them
                same_valence = same_valence & (
                    index.valence_masks.get(VALENCE.get(emotion, emotion), False) | index.unlabelled_corpus
                )
                scores = scores + c.emotion_bonus * index.emotion_masks.get(emotion, 0)
            if asks:  # an answer to what was asked carries no feeling of its own: any emotion may get it
                same_valence = same_valence | index.answers_request
                best = int(np.argmax(share)) if len(share) else -1  # …of what the message is about: its best topic
                scores = scores + c.question_bonus * index.answers_to_question(message, best, entry_similarity)
            allowed = same_valence & ~weakly_addressed
            far = ~index.is_bank & (entry_similarity < c.corpus_min_similarity)
            scores = scores - FAR_CORPUS_PENALTY * far  # behind every bank reply; still better than nothing
        allowed = allowed & (marked | ~index.answers_marked)  # "나만 그런 거 아니에요" only to "나만 그럼?"
        if not asks:  # a reply written for a request answers only someone who asks
            allowed = allowed & ~index.answers_request
        else:  # …about what it was written for: sleep advice to "잠 잘 오는 방법 있어?", not advice on regret
            allowed = allowed & ~index.off_subject(message, allowed)
        if not allowed.any():  # nothing of that emotion known at all: any answer is better than none
            allowed = ~index.is_open if (~index.is_open).any() else np.ones(len(scores), dtype=bool)
        return allowed, scores

    def emotion_votes(self, message: str, k: int = 10) -> dict[str, float]:
        """Each emotion's share of Σ similarity² over the `k` bank messages most similar to `message` (a second,
        nearest-neighbour reading of the emotion, by the same meaning-aware similarity as the replies)."""
        if self.vote_index is not self:  # the bank alone: the user's corpora must not change how emotions are read
            return self.vote_index.emotion_votes(message, k)
        if not len(self.index.bank_message_rows):
            return {}
        return self.index.emotion_shares(self._message_scores([message]), k)

    # ------------------------------------------------------------------------------------------------ answering
    @property
    def generation_defaults(self) -> GenerationOptions:
        """None set: it writes no text, it picks written replies (how it draws is `config.top_k`/`temperature`,
        which `top_k`, `temperature`, `do_sample` and `seed` override per call)."""
        return GenerationOptions()

    def generate_candidates(self, context: Context, emotion: str | None = None, n: int = 4, **options) -> list[str]:
        """Up to `n` distinct replies for the last user message of `context`, in the order they were drawn (the
        first is what `generate` would say with the same options). They are drawn from the best `top_k`; when `n`
        asks for more than that, the next-best within `score_scale` of the best follow in score order (what a
        caller tries once every drawn reply was refused: "아빠 수술 잘 끝났대" is nearest to a pet's surgery, then to
        a father's)."""
        user_turns, previous_replies = split_context(context)
        opts = GenerationOptions.of(options).over(
            GenerationOptions(top_k=self.config.top_k, temperature=self.config.temperature, do_sample=True)
        )
        rng = random.Random(opts.seed)  # per call: thread-safe, seedable
        top_k = opts.top_k or 0
        found = self.candidates(user_turns, emotion, max(top_k, n) if top_k else 0, exclude=previous_replies, rng=rng)
        if not found:
            return [FALLBACK_REPLY]
        intent = found[0][1].intent
        if intent is not None:  # a question of a known kind ("추천해 줘") gets that kind of answer
            found = [(score, entry) for score, entry in found if entry.intent == intent]
        drawn, beyond = (found[:top_k], found[top_k:]) if top_k else (found, [])
        beyond = [(score, entry) for score, entry in beyond if score >= found[0][0] - self.config.score_scale]
        temperature = self.config.temperature if opts.temperature is None else opts.temperature  # set over it
        if not opts.do_sample or temperature <= 0 or len(drawn) == 1:
            return [entry.reply for _, entry in (drawn + beyond)[:n]]
        best = drawn[0][0]
        weights = [math.exp((score - best) / (temperature * self.config.score_scale)) for score, _ in drawn]
        order: list[int] = []
        pool = list(range(len(drawn)))
        while pool and len(order) < n:  # draw without replacement, weighted
            pick = rng.choices(pool, weights=[weights[i] for i in pool], k=1)[0]
            order.append(pick)
            pool.remove(pick)
        return [drawn[i][1].reply for i in order] + [entry.reply for _, entry in beyond][: n - len(order)]

    def generate(self, context: Context, emotion: str | None = None, **options) -> str:
        """One reply to the last user message of `context` (see module docstring)."""
        return self.generate_candidates(context, emotion, n=1, **options)[0]

    def stream(self, context: Context, emotion: str | None = None, **options) -> Iterator[str]:
        """The reply of `generate` in word-sized increments that join to it exactly."""
        yield from re.findall(r"\s*\S+\s*", self.generate(context, emotion, **options))

    # ------------------------------------------------------------------------------------------------ saving
    def save_pretrained(
        self, directory: str | os.PathLike, *, training_args: dict | None = None, metrics: dict | None = None
    ) -> Path:
        """Config + entries (+ the Kiwi analysis, `training_args.json` and `metrics.json` when there are any),
        written to a temporary sibling and swapped into place (`training.files.atomic_directory`)."""

        def write(staging: Path) -> None:
            config = asdict(self.config)
            config["ngram_range"] = list(config["ngram_range"])
            write_json(staging / CONFIG_NAME, {"backend": BACKEND, **config})
            write_entries(staging / ENTRIES_NAME, self.entries)
            analysis = self._analysis()
            if analysis is not None:  # so that loading need not run Kiwi again
                (staging / MORPHEMES_NAME).write_text(json.dumps(analysis, ensure_ascii=False), encoding="utf-8")
            write_training_record(staging, training_args, metrics)

        return atomic_directory(directory, write)

    def _analysis(self) -> dict | None:
        """The messages' Kiwi analysis (and the bank-only vote index's), as `morphemes.json` holds it."""
        document = self.similarity.analysis()
        if document is not None and self.vote_index is not self:
            bank = self.vote_index._analysis()
            if bank is not None:
                document["bank"] = bank
        return document

    @classmethod
    def from_pretrained(cls, directory, **_ignored) -> RetrievalResponder:
        """Load what `save_pretrained` wrote. Extra keyword arguments (`device`, `quantize`) are ignored."""
        directory = Path(directory)
        config_path = directory / CONFIG_NAME
        if not config_path.is_file():
            raise FileNotFoundError(
                f"{directory}: no {CONFIG_NAME} (expected a directory saved by RetrievalResponder)"
            )
        document = json.loads(config_path.read_text(encoding="utf-8"))
        document.pop("backend", None)
        document["ngram_range"] = tuple(document.get("ngram_range", (1, 3)))
        known = set(RetrievalConfig.__dataclass_fields__)
        config = RetrievalConfig(**{key: value for key, value in document.items() if key in known})
        entries = read_entries(directory / ENTRIES_NAME)
        analysed = None
        if (directory / MORPHEMES_NAME).is_file():
            analysed = json.loads((directory / MORPHEMES_NAME).read_text(encoding="utf-8"))
        return cls(entries, config, analysed)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return summary_repr(self, entries=len(self.entries), messages=len(self.messages), top_k=self.config.top_k)
