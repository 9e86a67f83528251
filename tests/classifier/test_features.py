"""tfidf_rows (the reply path's TF-IDF) equals scikit-learn's TfidfVectorizer.transform."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.features import tfidf_rows

TRAIN = ["시험에 떨어져서 속상해", "오늘 점심 맛있었다 ㅋㅋ", "Hello 세상", "시험 시험 시험 합격!!"]
TEXTS = ["시험에 합격했어", "", "처음 보는 글자 뿐 🙂", "ㅋㅋㅋㅋ 시험", "HELLO hello"]


@pytest.mark.parametrize(
    "settings",
    [
        {"analyzer": "char_wb", "ngram_range": (1, 4), "sublinear_tf": True},
        {"analyzer": "char", "ngram_range": (1, 3), "sublinear_tf": False},
        {"analyzer": "word", "token_pattern": r"\S+", "ngram_range": (1, 2), "lowercase": False, "sublinear_tf": True},
        {"analyzer": "char_wb", "ngram_range": (1, 2), "norm": None},
    ],
)
def test_rows_equal_sklearn_transform(settings):
    vectorizer = TfidfVectorizer(dtype=np.float32, **settings).fit(TRAIN)
    ours, theirs = tfidf_rows(vectorizer, TEXTS), vectorizer.transform(TEXTS)
    assert ours.shape == theirs.shape
    assert np.allclose(ours.toarray(), theirs.toarray(), atol=1e-6)
