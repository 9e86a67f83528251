"""`python -m data summary FILE...` through main(argv) on fixture files."""

import json

import pytest

from data.__main__ import main


def test_summary_prints_counts_labels_and_mapping(write_file, wellness_rows, capsys):
    keti = write_file(
        "keti.csv",
        ["Sentence", "Emotion"],
        [["행복해", "행복"], ["행복해", "행복"], ["무서워", "공포"], ["무서워", "놀람"], ["", "중립"]],
    )
    wellness = write_file("wellness.xlsx", *wellness_rows)
    assert main(["summary", str(keti), str(wellness)]) == 0
    out = capsys.readouterr().out
    assert "format keti_single_turn | source keti_single_turn | encoding utf-8" in out
    assert "rows read 5 | utterances kept 3 | dialogue examples 0 | dropped empty 1 | dropped duplicates 1" in out
    assert "conflicting sentences 1" in out and "'무서워' → 공포, 놀람" in out
    assert "공포 1→불안" in out and "놀람 1→-" in out and "행복 1→기쁨" in out
    assert "mapped utterances: 일상 0 기쁨 1 분노 0 불안 1 슬픔 0 우울 0 | not mapped 1" in out
    assert "extra: categories 3, reply_rows 3, categories_with_replies 2" in out
    assert "utterances per emotion per file" in out


def test_summary_json_and_custom_taxonomy(tmp_path, write_file, capsys):
    taxonomy = tmp_path / "mine.json"
    taxonomy.write_text(
        json.dumps({"extends": "default", "sources": {"keti": {"map": {"놀람": "불안"}}}}), encoding="utf-8"
    )
    keti = write_file("keti.csv", ["Sentence", "Emotion"], [["깜짝이야", "놀람"]])
    assert main(["summary", str(keti), "--taxonomy", str(taxonomy), "--json"]) == 0
    [summary] = json.loads(capsys.readouterr().out)
    assert summary["labels"] == {"놀람": {"rows": 1, "maps_to": "불안"}}
    assert summary["mapped_utterances"] == {"불안": 1}


def test_summary_bad_file_exits_2_with_the_reason(tmp_path, capsys):
    assert main(["summary", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: file not found" in capsys.readouterr().err


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "summary" in capsys.readouterr().out


def test_summary_of_the_demo_set(capsys):
    assert main(["summary", "demo"]) == 0
    out = capsys.readouterr().out
    assert "format demo | source demo | encoding utf-8" in out
    assert "mapped utterances: 일상 " in out and "| not mapped 0" in out
