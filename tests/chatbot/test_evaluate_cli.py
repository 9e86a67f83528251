"""`python -m chatbot.evaluate`: the engine flags are app.py's (chatbot/engine_flags.py), with the offline engine
as the default; the run writes its rows and figures as JSON. Conversations are written here, never read from
chatbot/eval_cases."""

import json

import pytest

from chatbot import evaluate


def test_contradicting_engine_flags_stop_with_the_app_message(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        evaluate.main([str(tmp_path / "x.jsonl"), "--offline", "--classifier", "somewhere"])
    assert exit_info.value.code == 2
    assert "--offline cannot be combined with --classifier/--generator" in capsys.readouterr().err


@pytest.mark.slow  # builds or loads a whole engine, or waits on a server
def test_without_checkpoint_flags_the_offline_engine_answers_even_with_full_checkpoints_around(
    tmp_path, capsys, monkeypatch
):
    cases = tmp_path / "cases.jsonl"
    turns = [
        {"text": "시험에 합격해서 너무 기뻐!", "emotion": "기쁨"},
        {"text": "고마워", "emotion": "일상", "also": ["기쁨"]},
    ]
    cases.write_text(json.dumps({"id": "c1", "topic": "exam", "turns": turns}, ensure_ascii=False) + "\n")
    # full checkpoints "found" (app.py would load them, and fail on these empty folders); evaluate stays offline
    monkeypatch.setattr("chatbot.engine.find_full_checkpoints", lambda checkpoints_dir: (True, ""))
    (tmp_path / "checkpoints" / "classifier").mkdir(parents=True)
    report = tmp_path / "report.json"
    argv = [str(cases), "--checkpoints_dir", str(tmp_path / "checkpoints"), "--json", str(report), "--table", "all"]
    assert evaluate.main(argv) == 0
    assert capsys.readouterr().out.startswith("engine: offline")
    rows = json.loads(report.read_text(encoding="utf-8"))["rows"]
    assert [(row["id"], row["turn"], row["gold"]) for row in rows] == [("c1", 1, "기쁨"), ("c1", 2, "일상")]
    assert all(row["reply"] for row in rows)


def test_a_check_in_is_counted_where_care_mode_begins_without_a_crisis_reply_and_nowhere_else():
    def row(conversation, turn, safety=False, care=False):
        return {"id": conversation, "turn": turn, "text": "…", "gold": "우울", "also": [], "emotion": "우울",
                "reply": f"{conversation}{turn}", "safety": safety, "care": care, "uncertain": False,
                "said_before": False}  # fmt: skip

    rows = [
        row("asked", 1, care=True),  # a warning sign: asked about safety
        row("asked", 2, care=True),  # care mode goes on: the same check-in, not a second one
        row("crisis", 1, safety=True, care=True),  # the crisis reply …
        row("crisis", 2, care=True),  # … and care mode after it: no check-in
        row("plain", 1),
    ]
    figures = evaluate.score(rows)
    assert [(r["id"], r["turn"]) for r in figures["check_ins"]] == [("asked", 1)]
    assert [(r["id"], r["turn"]) for r in figures["crisis_replies"]] == [("crisis", 1)]
