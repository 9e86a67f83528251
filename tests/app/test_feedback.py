"""Ratings on replies in a local SQLite file, and their export as training data that data.load_any reads."""

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from chatbot import feedback

SCORES = {"기쁨": 0.9, "슬픔": 0.1}


def rate(store, turn, rating, conversation="c1", reply=None):
    store.rate(conversation, turn, f"메시지 {turn}", reply or f"답 {turn}", "기쁨", SCORES, "offline", rating)


def test_rating_again_replaces_the_vote_and_withdrawing_removes_it(tmp_path):
    store = feedback.FeedbackStore(tmp_path / "ratings.db")
    rate(store, 0, "like")
    rate(store, 1, "dislike")
    rate(store, 0, "dislike")  # changed their mind
    rate(store, 1, None)  # took the vote back
    rate(store, 1, "like", reply="다시 시도한 답 1")  # a retried reply is a reply of its own
    rows = store.rows()
    assert [(r["turn"], r["reply"], r["rating"]) for r in rows] == [
        (0, "답 0", "dislike"),
        (1, "다시 시도한 답 1", "like"),
    ]
    assert json.loads(rows[0]["scores"]) == SCORES and rows[0]["engine"] == "offline" and rows[0]["emotion"] == "기쁨"
    with pytest.raises(ValueError, match="rating must be one of"):
        rate(store, 2, "meh")


def test_concurrent_ratings_all_land(tmp_path):
    store = feedback.FeedbackStore(tmp_path / "ratings.db")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda turn: rate(store, turn, "like", conversation=f"c{turn % 4}"), range(40)))
    assert len(store.rows("like")) == 40


def test_a_missing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        feedback.FeedbackStore(tmp_path / "no" / "ratings.db")


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_export_is_training_data_that_load_any_reads(tmp_path, suffix):
    from data import load_any

    store = feedback.FeedbackStore(tmp_path / "ratings.db")
    rate(store, 0, "like")
    rate(store, 1, "dislike")
    rate(store, 2, "like")
    out = tmp_path / f"liked{suffix}"
    assert feedback.main(["export", "--db", str(store.path), "--out", str(out)]) == 0
    corpus = load_any(out)
    assert [(d.message, d.reply, d.label) for d in corpus.dialogues] == [
        ("메시지 0", "답 0", "기쁨"),
        ("메시지 2", "답 2", "기쁨"),
    ]
    everything = tmp_path / f"all{suffix}"
    assert feedback.export(store.path, everything, rating="all") == 3
    assert [d.reply for d in load_any(everything).dialogues] == ["답 0", "답 1", "답 2"]


def test_export_errors_are_one_line_and_exit_2(tmp_path, capsys):
    assert feedback.main(["export", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "x.jsonl")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "none.db" in err and "--feedback_db" in err
    feedback.FeedbackStore(tmp_path / "r.db")
    assert feedback.main(["export", "--db", str(tmp_path / "r.db"), "--out", str(tmp_path / "x.txt")]) == 2
    assert ".jsonl or .csv" in capsys.readouterr().err
    assert not (tmp_path / "x.txt").exists()


def test_export_help_reads_as_app_py_advertises_it_with_the_shared_layout(capsys):
    with pytest.raises(SystemExit):
        feedback.main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "export [-h] --db PATH --out FILE" in text  # as `python app.py --help` shows it (--feedback_db)
    assert "all = every rated reply (default: like)" in text  # each choice explained; default from HelpFormatter


def test_the_database_is_plain_sqlite(tmp_path):
    store = feedback.FeedbackStore(tmp_path / "ratings.db")
    rate(store, 0, "like")
    with sqlite3.connect(store.path) as connection:
        assert connection.execute("SELECT message, reply, rating FROM feedback").fetchall() == [
            ("메시지 0", "답 0", "like")
        ]
