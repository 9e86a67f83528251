"""`python -m generator.train` / `generator.evaluate` smoke tests through `main(argv)` on fixture corpora."""

import json
import math

import pytest

from generator import evaluate, train
from generator.loading import load_responder
from generator.model import CONFIG_NAME, GeneratorConfig
from training.files import METRICS_FILE, TRAINING_ARGS_FILE


@pytest.mark.slow
def test_train_resume_and_evaluate(generator_train_argv, tmp_path, capsys, saved_file_names):
    output_dir = tmp_path / "generator"
    common = generator_train_argv(output_dir, "--learning_rate", "3e-3", "--gradient_accumulation_steps", "2")
    result = train.train(common + ["--num_train_epochs", "2"])
    assert [r["epoch"] for r in result["history"]] == [1, 2]
    assert result["history"][1]["validation_loss"] < result["history"][0]["validation_loss"] < math.log(51200)
    names = saved_file_names(output_dir)  # none of them a pickle
    assert {"model.safetensors", "generation_config.json", "tokenizer.json", CONFIG_NAME} <= names
    assert {TRAINING_ARGS_FILE, METRICS_FILE} <= names
    metrics = json.loads((output_dir / "metrics.json").read_text())
    assert metrics["best_validation_perplexity"] == pytest.approx(math.exp(result["best_validation_loss"]))
    assert json.loads((output_dir / "training_args.json").read_text())["max_seq_len"] == 64
    config = GeneratorConfig.from_json_file(output_dir / "generator_config.json")
    assert {"일상", "우울", "불안", "none"} <= set(config.emotions)

    resumed = train.train(common + ["--num_train_epochs", "3", "--resume"])
    assert [r["epoch"] for r in resumed["history"]] == [1, 2, 3]
    assert resumed["history"][:2] == result["history"]

    generator = load_responder(output_dir, device="cpu")
    assert isinstance(generator.generate("요즘 너무 우울해", "우울", max_new_tokens=8, seed=0), str)

    report_file = tmp_path / "report.json"
    report = evaluate.evaluate(
        [
            "--model_dir",
            str(output_dir),
            "--output_file",
            str(report_file),
            "--max_examples",
            "6",
            "--max_new_tokens",
            "8",
            "--grid",
            "--grid_min_tokens",
            "6",
        ]
    )
    assert json.loads(report_file.read_text()) == json.loads(json.dumps(report, ensure_ascii=False))
    assert report["test"]["perplexity"] > 1 and report["test"]["examples"] == report["test_examples"] > 0
    assert set(report["generation"]) >= {"distinct_1", "distinct_2", "mean_reply_tokens", "repeated_3gram_rate"}
    assert len(report["grid"]) == 16 + 4
    assert "perplexity" in capsys.readouterr().out


@pytest.mark.slow
def test_train_with_classifier_tags_and_emotion_control(generator_train_argv, tmp_path):
    from classifier.light import LightEmotionClassifier

    texts = [
        "오늘 회사에서 일이 있었어",
        "상사가 나를 불렀어",
        "요즘 너무 우울해",
        "외로워",
        "질문 오늘 뭐 할까",
        "산책 어때요",
    ]
    classifier = LightEmotionClassifier().fit(texts * 3, ["불안", "불안", "우울", "우울", "일상", "일상"] * 3)
    classifier.save_pretrained(tmp_path / "classifier")
    output_dir = tmp_path / "generator"
    train.main(
        generator_train_argv(
            output_dir, "--classifier", str(tmp_path / "classifier"), "--num_train_epochs", "1", "--none_fraction", "0"
        )
    )
    assert set(GeneratorConfig.from_json_file(output_dir / "generator_config.json").emotions) <= {
        "불안",
        "우울",
        "일상",
        "none",
    }
    report = evaluate.evaluate(
        ["--model_dir", str(output_dir), "--max_examples", "4", "--max_new_tokens", "6", "--control_messages", "3"]
    )
    control = report["emotion_control"]
    assert set(control["tags"]) <= {"불안", "우울", "일상"} and control["messages"] == 3
    assert sum(sum(row.values()) for row in control["confusion"].values()) == 3 * len(control["tags"])
    assert 0 <= control["accuracy"] <= 1 and (output_dir / "eval_report.json").is_file()


def test_cli_errors_are_clear(tmp_path, fixture_data_dir, capsys):
    with pytest.raises(SystemExit):
        train.main(["--output_dir", str(tmp_path / "x")])
    assert "--data_dir" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError, match="-resume"):
        train.main(
            [
                "--data_dir",
                str(fixture_data_dir),
                "--model_dir",
                str(tmp_path),
                "--output_dir",
                str(tmp_path / "g"),
                "--resume",
            ]
        )
    with pytest.raises(SystemExit):
        train.main(["--help"])
    assert "--max_seq_len" in capsys.readouterr().out


def test_metric_definitions():
    assert evaluate.distinct_n(["a b a b"], 1) == 0.5 and evaluate.distinct_n(["a b", "a c"], 2) == 1.0
    assert evaluate.repeated_ngram_rate([[1, 2, 3, 1, 2, 3]], 3) == pytest.approx(1 / 4)
    assert evaluate.repeated_ngram_rate([[1, 2, 3, 4]], 3) == 0.0


@pytest.mark.slow
def test_checkpoint_and_resume_state_are_complete_before_the_swap(generator_train_argv, tmp_path, monkeypatch) -> None:
    """training_args.json + metrics.json are inside the best checkpoint's staging dir, and the --resume state is
    written into a staging dir too: no moment where a swapped-in directory lacks a file or the state is gone."""
    import training.files

    real = training.files.atomic_directory
    staged: dict[str, list[set[str]]] = {}

    def recording(target, write):
        def write_and_record(tmp):
            write(tmp)
            staged.setdefault(str(target), []).append({p.name for p in tmp.iterdir()})

        return real(target, write_and_record)

    monkeypatch.setattr(training.files, "atomic_directory", recording)
    output_dir = tmp_path / "generator"
    train.main(generator_train_argv(output_dir, "--num_train_epochs", "2"))
    checkpoints, states = staged.get(str(output_dir), []), staged.get(str(output_dir) + "-resume", [])
    assert checkpoints and all(
        {"training_args.json", "metrics.json", "model.safetensors"} <= names for names in checkpoints
    )
    assert len(states) == 2 and all(
        {"trainer_state.json", "optimizer.safetensors", "model.safetensors"} <= names for names in states
    )
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging or .old left behind
