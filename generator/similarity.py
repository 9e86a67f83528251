"""`MessageSimilarity`: how alike a user's message is to each known message, by characters and by meaning.

TF-IDF over character n-grams (robust to spacing and endings) and, with `semantic`, over Kiwi morphemes where a
word never seen before also brings its nearest known words in meaning (`classifier.semantic`). Earlier user turns
count too, at `context_weight` per turn of age, so a follow-up keeps its topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier import semantic as kiwi
from classifier.features import tfidf_rows

SUBJECT_TAGS = frozenset({"NNG", "NNP", "XR", "SL"})  # nouns, roots (불안, 피곤), Latin words: what a message is about


class MessageSimilarity:
    """Cosine similarity of a query to every one of `messages`; read-only after construction (thread-safe)."""

    def __init__(
        self,
        messages: Sequence[str],
        ngram_range: tuple[int, int] = (1, 3),
        semantic: bool = True,
        analysed: dict | None = None,
    ):
        """`analysed`: a saved `analysis()` of these messages, so Kiwi need not read them again (ignored unless it
        lists exactly `messages`)."""
        self.messages = list(messages)
        # one reply scores the same turns several times (emotion vote, topic, each candidate pass): keep the last few
        self._cached_scores = lru_cache(maxsize=32)(self._scores)
        self.char_vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(ngram_range), sublinear_tf=True, lowercase=True
        )
        self._char_columns = self.char_vectorizer.fit_transform(self.messages).tocsc()  # (messages, n-grams)
        self.expansion = self.morph_vectorizer = self._morph_columns = None
        self.message_morphemes: list[str] = []
        if semantic:
            if analysed and analysed.get("messages") == self.messages:
                self.expansion = kiwi.NeighbourExpansion.from_dict(analysed["expansion"])
                self.message_morphemes = list(analysed["morphemes"])
            else:
                tokenised = kiwi.tokens(self.messages)
                self.expansion = kiwi.NeighbourExpansion.from_tokens(tokenised)
                self.message_morphemes = [kiwi.morpheme_string(found, self.expansion) for found in tokenised]
            self.morph_vectorizer = TfidfVectorizer(
                analyzer="word", token_pattern=r"\S+", sublinear_tf=True, lowercase=False
            )
            self._morph_columns = self.morph_vectorizer.fit_transform(self.message_morphemes).tocsc()

    def subjects(self, text: str | int, ignored: frozenset[str] = frozenset()) -> frozenset[str]:
        """The nouns and roots a message (a known message's row, or any text) is about, but for `ignored` ones
        ("방법", "꿀팁": the words a request is made with); empty without `semantic`."""
        if self.expansion is None:
            return frozenset()
        morphemes = self.message_morphemes[text] if isinstance(text, int) else kiwi.analyse([text])[0]
        found = (part.rpartition("/") for part in morphemes.split())
        return frozenset(form for form, _, tag in found if tag in SUBJECT_TAGS and form not in ignored)

    def analysis(self) -> dict | None:
        """The messages' Kiwi analysis as JSON-ready data (None without `semantic`)."""
        if self.expansion is None:
            return None
        return {"messages": self.messages, "morphemes": self.message_morphemes, "expansion": self.expansion.to_dict()}

    def scores(self, turns: Sequence[str], context_weight: float):
        """(messages,) similarity of every message to the last of `turns`, with the earlier ones blended in.
        Read-only: the array is shared by later calls with the same turns."""
        return self._cached_scores(tuple(turns), float(context_weight))

    def _scores(self, turns: tuple[str, ...], context_weight: float):
        weights = np.array([context_weight**age for age in range(len(turns))][::-1])  # newest = 1

        def similarity(columns_of, vectorizer, texts):
            rows = tfidf_rows(vectorizer, texts)  # (turns, features) sparse
            query = np.asarray(rows.T @ weights).ravel() if len(texts) > 1 else rows.toarray().ravel()
            used = np.flatnonzero(query)  # the query's features: few, so only their columns are read
            if not len(used):
                return np.zeros(len(self.messages))
            values = query[used] / np.linalg.norm(query[used])
            return np.asarray(columns_of[:, used] @ values).ravel()  # (messages,) cosine

        scores = similarity(self._char_columns, self.char_vectorizer, list(turns))
        if self.morph_vectorizer is not None:
            morphs = kiwi.analyse(list(turns), self.expansion)
            scores = (scores + similarity(self._morph_columns, self.morph_vectorizer, morphs)) / 2
        scores.flags.writeable = False
        return scores
