"""The built-in demo set: six emotions, enough utterances and replies, and a tiny classifier learns from it."""
import json
from collections import Counter

import pytest

from data import EMOTIONS, DataError, load_demo, split_dataset
from data.demo import DEMO_FILE


def test_demo_sizes_and_labels():
    demo = load_demo()
    counts = Counter(u.label for u in demo.utterances)
    assert set(counts) == set(EMOTIONS) and min(counts.values()) >= 25
    replies = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["replies"]  # the file itself, not the loader
    assert set(replies) == set(EMOTIONS) and min(len(r) for r in replies.values()) >= 6
    assert len(demo.dialogues) == len(demo.utterances)
    assert all(d.reply in replies[d.label] for d in demo.dialogues)
    assert {d.reply for d in demo.dialogues} == {r for rs in replies.values() for r in rs}  # every reply used


def test_demo_texts_are_unique_korean_and_stripped():
    demo = load_demo()
    texts = [u.text for u in demo.utterances]
    assert len(set(texts)) == len(texts)
    assert all(t == t.strip() and any("가" <= ch <= "힣" for ch in t) for t in texts)


def test_a_tfidf_classifier_learns_the_demo_set():
    """The offline engine's premise: a light character n-gram classifier separates the six emotions."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    demo = load_demo()
    train, _, test = split_dataset(demo.utterances, seed=0, validation=0.0, test=0.2)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
    model = LogisticRegression(max_iter=2000, C=10).fit(vectorizer.fit_transform([u.text for u in train]),
                                                          [u.label for u in train])
    predicted = model.predict(vectorizer.transform([u.text for u in test]))
    accuracy = sum(p == u.label for p, u in zip(predicted, test)) / len(test)
    assert accuracy > 1 / len(EMOTIONS) * 2  # well above chance (1/6) on unseen demo sentences


def test_bad_demo_file(tmp_path):
    path = tmp_path / "demo.json"
    path.write_text(json.dumps({"utterances": {"기쁨": ["좋아"]}}), encoding="utf-8")
    with pytest.raises(DataError, match="demo.json: expected a JSON object with 'utterances' and 'replies'"):
        load_demo(path)
    assert DEMO_FILE.exists()
