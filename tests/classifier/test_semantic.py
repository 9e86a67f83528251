"""`classifier.semantic.shared_analysis`: builds that read the same texts ask Kiwi once, and get what they would have
got alone."""

import numpy as np
import pytest

from classifier import semantic
from classifier.light import LightConfig, LightEmotionClassifier

SUBJECTS = ("시험", "회사", "강아지", "고양이", "친구", "엄마", "월급", "이사", "연애", "잠", "날씨")
FEELINGS = ("너무 슬퍼", "화가 나", "신나", "불안해", "외로워", "좋아", "짜증나")
# 77 distinct texts: more than 64, so `tokens` reads them as one training batch
TEXTS = [f"{subject} 때문에 {feeling}" for subject in SUBJECTS for feeling in FEELINGS]


class CountingKiwi:
    """Kiwi, counting the texts it analyses and the morphemes it searches neighbours for."""

    def __init__(self, kiwi):
        self.kiwi, self.analysed, self.searched = kiwi, [], []

    def tokenize(self, texts):
        self.analysed.extend([texts] if isinstance(texts, str) else texts)
        return self.kiwi.tokenize(texts)

    def most_similar_morphemes(self, morpheme_id, top_n):
        self.searched.append(morpheme_id)
        return self.kiwi.most_similar_morphemes(morpheme_id, top_n=top_n)


@pytest.fixture
def counting_kiwi(monkeypatch) -> CountingKiwi:
    counting = CountingKiwi(semantic.kiwi())
    monkeypatch.setattr(semantic, "kiwi", lambda: counting)
    return counting


def described(tokenised: list[list]) -> list[list[tuple]]:
    return [[(t.form, t.tag, t.id, t.start, t.len) for t in found] for found in tokenised]


def test_inside_the_block_each_text_is_analysed_once_and_reads_as_when_analysed_alone(counting_kiwi):
    alone = described(semantic.tokens(TEXTS))
    with semantic.shared_analysis() as shared:
        first = semantic.tokens(TEXTS)
        again = semantic.tokens(TEXTS[::-1] + TEXTS[:5] + ["새로 온 문장"])  # the same texts, a repeat and a new one
        assert len(shared.tokens) == len(TEXTS) + 1
    assert counting_kiwi.analysed == TEXTS + TEXTS + ["새로 온 문장"]  # alone, then once each inside the block
    assert described(first) == alone
    assert described(again) == alone[::-1] + alone[:5] + described(semantic.tokens(["새로 온 문장"]))
    first[0].clear()  # each caller gets lists of its own
    assert described(semantic.tokens(TEXTS[:1])) == alone[:1]


def test_neighbour_searches_are_shared_between_expansions_inside_the_block_only(counting_kiwi):
    tokenised = semantic.tokens(TEXTS)
    unknown = next(t for found in semantic.tokens(["토끼가 떠났어"]) for t in found if t.form == "토끼")

    def expansion() -> semantic.NeighbourExpansion:
        return semantic.NeighbourExpansion.from_tokens(tokenised)

    alone = expansion().neighbours(unknown)
    assert alone and counting_kiwi.searched == [unknown.id]
    with semantic.shared_analysis() as shared:
        with semantic.shared_analysis():  # blocks nest: the outermost one decides when to forget
            assert expansion().neighbours(unknown) == alone
        assert expansion().neighbours(unknown) == alone and unknown.id in shared.similar
    assert counting_kiwi.searched == [unknown.id, unknown.id]  # once alone, once for both expansions in the block
    assert not shared.similar and not shared.tokens and shared.depth == 0  # forgotten when the block ends


def test_a_classifier_fitted_inside_the_block_is_the_one_fitted_alone():
    labels = [["슬픔", "분노", "기쁨", "불안", "슬픔", "기쁨", "분노"][i % 7] for i in range(len(TEXTS))]
    config = LightConfig(char_min_df=1, calibration_folds=2)
    alone = LightEmotionClassifier(config).fit(TEXTS, labels)
    with semantic.shared_analysis():
        semantic.tokens(TEXTS[::2] + TEXTS[:40])  # an earlier build that read some of the texts
        shared = LightEmotionClassifier(LightConfig(char_min_df=1, calibration_folds=2)).fit(TEXTS, labels)
    assert alone.morph_vectorizer.vocabulary_ == shared.morph_vectorizer.vocabulary_
    assert np.array_equal(alone.coef, shared.coef) and alone.config.temperature == shared.config.temperature
    assert np.array_equal(alone.predict_proba(TEXTS), shared.predict_proba(TEXTS))
