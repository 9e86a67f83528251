"""CLIs end to end through main(argv) on fixture files written into tmp_path; load_classifier picks the backend."""

import json

import pytest

from classifier import evaluate, predict, train
from classifier.loading import load_classifier


@pytest.mark.slow
def test_train_evaluate_predict_kobert(kobert_train_argv, toy_csv, tmp_path, capsys):
    out = tmp_path / "clf"
    metrics = train.train(kobert_train_argv(toy_csv, out, "--num_train_epochs", "8", "--early_stopping_patience", "8"))
    assert metrics["test"]["examples"] == 30 and metrics["test"]["accuracy"] >= 0.8  # chance = 1/3
    assert len(metrics["history"]) == 8 and metrics["best_epoch"] is not None
    saved = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert saved["best_epoch"] == metrics["best_epoch"] and "test" in saved and "validation" in saved
    args = json.loads((out / "training_args.json").read_text(encoding="utf-8"))
    assert args["learning_rate"] == 3e-3 and args["max_seq_len"] == 32
    assert (tmp_path / "clf-resume" / "trainer_state.json").is_file()

    report = evaluate.evaluate(
        [
            "--model_dir",
            str(out),
            "--test_file",
            str(toy_csv),
            "--label_set",
            "original",
            "--split",
            "all",
            "--output_dir",
            str(tmp_path / "eval"),
        ]
    )
    assert report["examples"] == 300 and report["accuracy"] >= 0.8
    assert set(report["per_class"]) == {"기쁨", "분노", "슬픔"}
    assert sum(map(sum, report["confusion_matrix"])) == 300
    png = (tmp_path / "eval" / "confusion_matrix.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        json.loads((tmp_path / "eval" / "report.json").read_text(encoding="utf-8"))["macro_f1"] == report["macro_f1"]
    )

    capsys.readouterr()
    sentences = tmp_path / "sentences.txt"
    sentences.write_text("오늘 너무 슬퍼\n\n정말 짜증나\n", encoding="utf-8")
    predictions = predict.predict(["--model_dir", str(out), "오늘 정말 행복해", "--file", str(sentences), "--json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [line["text"] for line in lines] == ["오늘 정말 행복해", "오늘 너무 슬퍼", "정말 짜증나"]
    assert [p.label for p in predictions] == ["기쁨", "슬픔", "분노"]


@pytest.mark.slow
def test_resume_continues_from_last_epoch(kobert_train_argv, toy_csv, tmp_path):
    common = kobert_train_argv(toy_csv, tmp_path / "clf", "--early_stopping_patience", "5")
    first = train.train([*common, "--num_train_epochs", "1"])
    assert [h["epoch"] for h in first["history"]] == [1]
    resumed = train.train([*common, "--num_train_epochs", "2", "--resume"])
    assert [h["epoch"] for h in resumed["history"]] == [1, 2]  # epoch 1 restored, only epoch 2 trained
    assert resumed["history"][0] == first["history"][0]
    state = json.loads((tmp_path / "clf-resume" / "trainer_state.json").read_text(encoding="utf-8"))
    assert state["epoch"] == 2 and state["step"] == 2 * state["history"][0]["step"]


def test_train_light_backend_and_load_classifier(toy_csv, tmp_path):
    out = tmp_path / "light"
    metrics = train.train(
        ["--backend", "light", "--train_file", str(toy_csv), "--label_set", "original", "--output_dir", str(out)]
    )
    assert metrics["test"]["accuracy"] >= 0.9 and metrics["validation"]["examples"] == 30
    classifier = load_classifier(out)
    assert type(classifier).__name__ == "LightEmotionClassifier"
    assert classifier.predict("진짜 열받아").label == "분노"
    report = evaluate.evaluate(["--model_dir", str(out), "--test_file", str(toy_csv), "--label_set", "original"])
    assert report["examples"] == 30 and (out / "eval" / "report.json").is_file()


def test_six_label_set_maps_through_taxonomy(tmp_path):
    """KETI-style labels: 행복→기쁨, 혐오→분노, 놀람 dropped (data/taxonomy.json)."""
    path = tmp_path / "keti.csv"
    rows = (
        ["Sentence,Emotion"]
        + [f"좋은 일이 있었어 {i},행복" for i in range(20)]
        + [f"너무 역겹다 {i},혐오" for i in range(20)]
        + [f"깜짝이야 {i},놀람" for i in range(20)]
    )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    metrics = train.train(
        ["--backend", "light", "--train_file", str(path), "--label_set", "six", "--output_dir", str(tmp_path / "six")]
    )
    assert load_classifier(tmp_path / "six").labels == ["기쁨", "분노"]
    assert metrics["train_examples"] == 32


def test_cli_errors(tmp_path, toy_csv, capsys):
    with pytest.raises(SystemExit):
        train.main(["--output_dir", str(tmp_path / "x")])  # no data
    assert "--train_file" in capsys.readouterr().err
    with pytest.raises(Exception, match="missing.csv"):
        train.main(["--backend", "light", "--train_file", str(tmp_path / "missing.csv")])
    with pytest.raises(FileNotFoundError, match="neither classifier_config.json"):
        load_classifier(tmp_path)
    with pytest.raises(FileNotFoundError, match="trainer_state.json"):
        train.main(
            [
                "--train_file",
                str(toy_csv),
                "--output_dir",
                str(tmp_path / "none"),
                "--resume",
                "--label_set",
                "original",
            ]
        )
    with pytest.raises(SystemExit):
        predict.main([])
    assert toy_csv.read_text(encoding="utf-8").startswith("text,label")  # inputs never touched
