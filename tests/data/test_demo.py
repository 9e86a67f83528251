"""The reply bank (data/replybank) and the demo corpus built from it: sizes the issue asks for, every topic and
emotion, clean texts, errors that name the file and line, and a classifier learns from it."""

import json
from collections import Counter

import pytest

from data import EMOTIONS, DataError, load_demo, split_dataset
from data.replybank import REPLYBANK_DIR, load_reply_bank

GUIDE_TOPICS = {
    "sleep",
    "work",
    "exam",
    "job_search",
    "school",
    "friends",
    "romance",
    "marriage",
    "parenting",
    "family",
    "money",
    "health",
    "pets",
    "grief",
    "loneliness",
    "self_worth",
    "appearance",
    "anxiety",
    "stress",
    "future",
    "study",
    "daily_annoyance",
    "moving",
    "military",
    "hobby",
    "food",
    "weather",
    "good_news",
    "gratitude",
    "greeting",
    "goodbye",
    "bot",
    "small_talk",
    "regret",
}


@pytest.fixture(scope="module")
def bank():
    return load_reply_bank()


def test_bank_is_as_large_as_the_issue_asks(bank):
    messages = sum(len(group.messages) for group in bank)
    replies = {reply for group in bank for reply in group.replies}
    assert messages >= 2000 and len(replies) >= 600
    assert GUIDE_TOPICS | {"general"} == {group.topic for group in bank}
    counts = Counter(group.emotion for group in bank for _ in group.messages)
    assert set(counts) == set(EMOTIONS) and min(counts.values()) >= 300


def test_every_topic_has_open_questions_and_replies_fit_the_rules(bank):
    open_topics = {group.topic for group in bank if group.emotion is None and group.replies}
    assert open_topics == {group.topic for group in bank}
    for group in bank:
        for reply in group.replies:
            assert 10 <= len(reply) <= 120 and reply == reply.strip(), reply
            assert not any(word in reply for word in ("죽", "자살", "자해")), reply


@pytest.mark.slow  # builds or loads a whole engine, or waits on a server
def test_messages_are_unique_stripped_korean_and_one_emotion_each(bank):
    emotion_of = {}
    for group in bank:
        for text in group.messages:
            assert text == text.strip() and text, text
            key = text.replace(" ", "")
            assert emotion_of.setdefault(key, group.emotion) == group.emotion, text
    demo = load_demo()
    assert len(demo.utterances) == len({(u.text, u.label) for u in demo.utterances})
    assert all(d.reply in {r for g in bank for r in g.replies} for d in demo.dialogues)


@pytest.mark.slow
def test_a_tfidf_classifier_learns_the_bank():
    """The offline engine's premise: even a plain character n-gram classifier separates the six emotions."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    demo = load_demo()
    train, _, test = split_dataset(demo.utterances, seed=0, validation=0.0, test=0.2)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
    model = LogisticRegression(max_iter=2000, C=10).fit(
        vectorizer.fit_transform([u.text for u in train]), [u.label for u in train]
    )
    predicted = model.predict(vectorizer.transform([u.text for u in test]))
    accuracy = sum(p == u.label for p, u in zip(predicted, test, strict=True)) / len(test)
    assert accuracy > 0.6  # chance is 1/6


def test_groups_with_the_same_key_merge(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        json.dumps(
            {"topic": "exam", "emotion": "슬픔", "messages": ["떨어졌어"], "replies": ["속상하겠어요."]},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"topic": "exam", "emotion": "슬픔", "messages": ["불합격ㅠ"], "replies": []}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    [group] = load_reply_bank(tmp_path)
    assert group.messages == ("떨어졌어", "불합격ㅠ") and group.replies == ("속상하겠어요.",)


@pytest.mark.parametrize(
    "line, message",
    [
        ("{", "not a JSON object"),
        ('{"topic": "Exam!", "emotion": "슬픔", "messages": ["a"], "replies": []}', "is not a topic id"),
        ('{"topic": "exam", "emotion": "sad", "messages": ["a"], "replies": []}', "emotion 'sad' is not one of"),
        ('{"topic": "exam", "emotion": "슬픔", "messages": [3], "replies": []}', "messages must be a list"),
        ('{"topic": "exam", "emotion": null, "messages": ["a"], "replies": ["b"]}', "open group"),
    ],
)
def test_bad_bank_lines_name_the_file_and_line(tmp_path, line, message):
    (tmp_path / "bad.jsonl").write_text(
        '{"topic": "exam", "emotion": "슬픔", "messages": ["ok"], "replies": []}\n' + line + "\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=rf"bad.jsonl, line 2: .*{message}"):
        load_reply_bank(tmp_path)


def test_an_empty_bank_directory_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="no \\*.jsonl reply bank files"):
        load_reply_bank(tmp_path)
    assert any(REPLYBANK_DIR.glob("*.jsonl"))
