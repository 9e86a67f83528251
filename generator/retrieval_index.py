"""`RetrievalIndex`: what the retrieval responder knows about its entries, worked out once and read by every reply.

Per entry: the known message it answers, its prior (bank bonus, curt penalty), its bank topic (−1 for a corpus
entry) and what kind of reply it is (an open question, a "general" reply, one about the bot or the chat itself, an
answer to a request); per emotion and per valence group, its entries; per bank message, the topic and emotion it
was written for; per advice group, the subject words of its messages. On top of these, the votes of the most
similar bank messages that say which topic (or emotion) a message is about, and which request answers fit it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from data.taxonomy import VALENCE
from generator.entries import (
    BANK_SOURCE,
    ResponseEntry,
    asks_plainly,
    asks_the_bot,
    is_curt,
    marked_cues,
    marked_intents,
    request_cues,
    request_subjects,
)
from generator.similarity import MessageSimilarity

if TYPE_CHECKING:  # the config lives with the responder, which imports this module
    from generator.retrieval import RetrievalConfig

GENERAL_TOPIC = "general"  # the bank's replies for messages of no particular topic


def message_rows(entries: list[ResponseEntry]) -> tuple[list[str], np.ndarray]:
    """Each distinct message once, in order of first use, and (entries,) the row of each entry's message."""
    messages: list[str] = []
    position: dict[str, int] = {}
    for entry in entries:
        position.setdefault(entry.message, len(messages))
        if len(position) > len(messages):
            messages.append(entry.message)
    return messages, np.array([position[e.message] for e in entries])


class RetrievalIndex:
    """Arrays over the entries (and over the known messages) that scoring reads; read-only after construction."""

    def __init__(
        self,
        entries: list[ResponseEntry],
        entry_message: np.ndarray,
        similarity: MessageSimilarity,
        config: RetrievalConfig,
    ):
        """`entry_message` and `similarity`'s messages as `message_rows` gives them for `entries`."""
        self.entries = entries
        self.entry_message = entry_message  # (entries,) message row
        self.similarity = similarity
        self.config = config
        self.prior = np.array(
            [
                (config.bank_bonus if e.source == BANK_SOURCE else 0.0)
                - (config.curt_penalty if is_curt(e.reply) else 0.0)
                for e in entries
            ],
            dtype=np.float32,
        )  # (entries,)
        self.topics = sorted({e.topic for e in entries if e.topic is not None})  # the reply bank's
        topic_id: dict[str | None, int] = {topic: i for i, topic in enumerate(self.topics)}
        self.entry_topic = np.array([topic_id.get(e.topic, -1) for e in entries])  # (entries,) −1 = corpus
        self.is_bank = self.entry_topic >= 0
        self.is_open = np.array([e.topic is not None and e.emotion is None for e in entries])
        self.is_general = np.array([e.topic == GENERAL_TOPIC for e in entries])
        # the floor is for replies that fit any message; a reply to one kind of question ("추천해 줘") must match it
        self.has_floor = self.is_general & np.array([e.intent is None for e in entries])
        self.unlabelled_corpus = np.array([e.topic is None and e.emotion is None for e in entries])
        self.is_addressed = np.array([e.topic in config.addressed_topics for e in entries])
        self.addressed_topics = np.array([topic in config.addressed_topics for topic in self.topics], dtype=bool)
        self.answers_request = np.array([e.intent in request_cues()[0] for e in entries])  # (entries,)
        self.marked_masks = {  # intent a question may mark ("나만 그럼?" → only_me) → (entries,) its replies
            intent: np.array([e.intent == intent for e in entries]) for intent in marked_cues()
        }
        self.answers_marked = np.logical_or.reduce([*self.marked_masks.values(), np.zeros(len(entries), dtype=bool)])
        # (entries,) replies that answer only a message marked for their intent
        self.open_topics = {e.topic for e in entries if e.topic is not None and e.emotion is None}
        self.advice_groups = self._advice_groups()
        self.message_topic_id = np.full(len(similarity.messages), -1)  # (messages,) the bank topic it was written for
        self.message_emotion: dict[int, str] = {}  # bank message row → the emotion it was written for
        for index, entry in enumerate(entries):
            if entry.topic is not None and entry.emotion is not None:
                self.message_topic_id[entry_message[index]] = topic_id[entry.topic]
                self.message_emotion[int(entry_message[index])] = entry.emotion
        self.bank_message_rows = np.flatnonzero(self.message_topic_id >= 0)
        emotions = {e.emotion for e in entries if e.emotion is not None}
        self.emotion_masks = {emotion: np.array([e.emotion == emotion for e in entries]) for emotion in emotions}
        self.valence_masks: dict[str, np.ndarray] = {}  # valence group → its entries
        for emotion, mask in self.emotion_masks.items():
            valence = VALENCE.get(emotion, emotion)
            self.valence_masks[valence] = self.valence_masks.get(valence, np.zeros(len(mask), dtype=bool)) | mask

    def _advice_groups(self) -> list[tuple[frozenset[str], np.ndarray]]:
        """Advice on one subject (sleep, memorising words): the subject words of its group's messages, and the
        group's entries."""
        advice, request_words = request_subjects()
        subjects: dict[tuple, set[str]] = {}
        members: dict[tuple, list[int]] = {}
        for row in np.flatnonzero([e.intent in advice for e in self.entries]).tolist():
            group = self.entries[row].group
            subjects.setdefault(group, set()).update(
                self.similarity.subjects(int(self.entry_message[row]), request_words)
            )
            members.setdefault(group, []).append(row)
        return [(frozenset(subjects[g]), np.array(members[g])) for g in subjects]

    def topic_shares(self, similarity: np.ndarray) -> np.ndarray:
        """(topics,) each bank topic's share of Σ similarity² over the `topic_votes` most similar bank messages."""
        votes = np.zeros(len(self.topics))
        if not len(self.bank_message_rows):
            return votes
        rows = self.bank_message_rows
        best = rows[np.argsort(-similarity[rows])[: self.config.topic_votes]]
        np.add.at(votes, self.message_topic_id[best], similarity[best] ** 2)
        total = votes.sum()
        return votes / total if total > 0 else votes

    def emotion_shares(self, similarity: np.ndarray, k: int) -> dict[str, float]:
        """Each emotion's share of Σ similarity² over the `k` bank messages most similar by `similarity`."""
        rows = self.bank_message_rows
        best = rows[np.argsort(-similarity[rows])[:k]]
        votes: dict[str, float] = {}
        for row in best:
            emotion = self.message_emotion[row]
            votes[emotion] = votes.get(emotion, 0.0) + float(similarity[row]) ** 2
        total = sum(votes.values())
        return {emotion: vote / total for emotion, vote in votes.items()} if total > 0 else {}

    def answers_to_question(self, message: str, topic: int, entry_similarity: np.ndarray) -> np.ndarray:
        """(entries,) True for the replies written for a request on `topic` whose message is at least
        `question_min_similarity` close to `message`, when the message is a plain question (`asks_plainly`)."""
        if topic < 0 or not asks_plainly(message):
            return np.zeros(len(self.entries), dtype=bool)
        return (
            self.answers_request
            & (self.entry_topic == topic)
            & (entry_similarity >= self.config.question_min_similarity)
        )

    def marked(self, message: str) -> np.ndarray:
        """(entries,) True for the replies of the kind the message asks for by its words (`marked_intents`: "나만
        그럼?" wants to hear it is common), on any topic."""
        mask = np.zeros(len(self.entries), dtype=bool)
        for intent in marked_intents(message):
            mask |= self.marked_masks[intent]
        return mask

    def asked_subjects(self, message: str) -> frozenset[str]:
        """The subject words of a request, the words it is made with aside ("정신과 가보는게 나을까?" → 정신과)."""
        return self.similarity.subjects(message, request_subjects()[1])

    def asks_as_written(self, message: str, entry_similarity: np.ndarray) -> bool:
        """Whether the message asks what the bot would do in the person's place (`asks_the_bot`), or is a plain
        question that names its subject and is `own_question_similarity` close to a request a reply was written for:
        it says what it is about without the earlier turns."""
        if asks_the_bot(message):
            return True
        return (
            asks_plainly(message)
            and bool((self.answers_request & (entry_similarity >= self.config.own_question_similarity)).any())
            and bool(self.asked_subjects(message))
        )

    def off_subject(self, message: str, answering: np.ndarray) -> np.ndarray:
        """(entries,) True for the `answering` entries whose group's messages share no subject word with `message`
        (the words a request is made with aside). Nothing is off subject when the message names none."""
        off = np.zeros(len(self.entries), dtype=bool)
        if not self.advice_groups or not answering.any():
            return off
        asked = self.asked_subjects(message)
        if not asked:
            return off
        for subjects, members in self.advice_groups:
            if not subjects & asked:
                off[members] = True
        return off & answering
