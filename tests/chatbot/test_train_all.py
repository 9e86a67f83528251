"""`python -m chatbot.train_all` end to end on a sample of the real corpora, from the base models by hub id (the hub
replica of tests/conftest.py, tiny widths): estimate first, interrupted after the generator's first epoch, then the
same command again finishes the run — finished stages skipped, the generator resumed — and the full engine answers."""

import json

import pytest

EMOTIONS = {"일상", "기쁨", "분노", "불안", "슬픔", "우울"}
pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tiny models, one thread


def command(shared_data_dir, output_dir) -> list[str]:
    return [
        "--data_dir",
        str(shared_data_dir),
        "--output_dir",
        str(output_dir),
        "--sample",
        "60",
        "--classifier_epochs",
        "2",
        "--generator_epochs",
        "2",
        "--estimate_steps",
        "1",
        "--no_progress",
        "--classifier_args",
        "--max_seq_len 32 --train_batch_size 16 --learning_rate 2e-3",
        "--generator_args",
        "--max_seq_len 48 --train_batch_size 8 --max_train_examples 32",
        "--generator_eval_args",
        "--max_examples 6 --control_messages 3 --max_new_tokens 8 --control_readers classifier",
    ]


@pytest.mark.slow
def test_interrupted_then_resumed_to_a_full_engine(offline_hub, shared_data_dir, tmp_path, monkeypatch, capsys):
    import training.files
    from chatbot import Chatbot, train_all
    from classifier import train as classifier_train
    from generator import train as generator_train

    out = tmp_path / "checkpoints"
    argv = command(shared_data_dir, out)
    # --estimate_only: timed steps, a figure, nothing trained
    estimate = train_all.train(argv + ["--estimate_only"])["estimate"]
    assert estimate["total_seconds"] > 0 and estimate["classifier"]["steps"] > 0 and estimate["generator"]["steps"] > 0
    assert not (out / "classifier").exists() and not (out / train_all.STATE_FILE).exists()

    # first run: Ctrl-C right after the generator saved its first epoch's --resume state
    real_atomic = training.files.atomic_directory

    def interrupted_after_first_epoch(target, write):
        result = real_atomic(target, write)
        if str(target).endswith("generator-resume"):
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(training.files, "atomic_directory", interrupted_after_first_epoch)
    assert train_all.main(argv) == 130  # the shell's code for Ctrl-C, and a line that says how to continue
    captured = capsys.readouterr()
    assert "interrupted: run the same command again to continue" in captured.err
    output = captured.out
    assert output.index("estimate on cpu: about") < output.index("== [1/5] classifier")  # told before it starts
    state = json.loads((out / train_all.STATE_FILE).read_text())
    assert list(state["done"]) == ["classifier", "classifier_eval"]
    assert json.loads((out / "generator-resume" / "trainer_state.json").read_text())["epoch"] == 1
    classifier_weights = (out / "classifier" / "model.safetensors").stat().st_mtime_ns

    # second run, same command: the classifier is not trained again, the generator continues with --resume
    monkeypatch.setattr(training.files, "atomic_directory", real_atomic)
    calls = []
    real_generator_main = generator_train.main
    monkeypatch.setattr(classifier_train, "main", lambda argv: pytest.fail("finished classifier stage ran again"))
    monkeypatch.setattr(generator_train, "main", lambda argv: calls.append(argv) or real_generator_main(argv))
    state = train_all.train(argv)
    assert list(state["done"]) == list(train_all.STAGES)
    assert len(calls) == 1 and "--resume" in calls[0]
    assert "continuing" in capsys.readouterr().out
    assert (out / "classifier" / "model.safetensors").stat().st_mtime_ns == classifier_weights
    history = json.loads((out / "generator" / "metrics.json").read_text())["history"]
    assert [row["epoch"] for row in history] == [1, 2]

    # the outputs: evaluations, report, model cards, and a running full engine
    assert json.loads((out / "classifier" / "eval" / "report.json").read_text())["examples"] > 0
    assert "emotion_control" in json.loads((out / "generator" / "eval_report.json").read_text())
    report = (out / "report" / "report.md").read_text(encoding="utf-8")
    for needle in (
        "macro-F1",
        "perplexity",
        "![confusion matrix](confusion_matrix.png)",
        "Sample replies per emotion",
        "CC-BY-NC-SA-4.0",
        "AI Hub",
    ):
        assert needle in report, needle
    assert (out / "report" / "confusion_matrix.png").stat().st_size > 0
    assert (out / "report" / "training_curves.png").stat().st_size > 0
    generator_card = (out / "generator" / "README.md").read_text(encoding="utf-8")
    assert "license: cc-by-nc-sa-4.0" in generator_card and "AI Hub 웰니스" in generator_card
    assert "license: apache-2.0" in (out / "classifier" / "README.md").read_text(encoding="utf-8")
    bot = Chatbot.default(checkpoints_dir=out, device="cpu")
    reply = bot.reply("요즘 너무 외로워", max_new_tokens=8, seed=0)
    assert reply.engine == "full" and reply.text.strip() and reply.emotion in EMOTIONS

    # a third run has nothing left to do; other settings in the same directory are refused
    monkeypatch.setattr(generator_train, "main", lambda argv: pytest.fail("finished generator stage ran again"))
    train_all.main(argv)
    assert "all stages already done" in capsys.readouterr().out
    with pytest.raises(ValueError, match="other settings.*seed"):
        train_all.main(argv + ["--seed", "7"])


def test_data_are_found_by_their_columns_and_sampled_whole_categories(shared_data_dir, tmp_path):
    from chatbot.train_data import find_corpora, sample_file
    from data import load_any

    by_format, skipped = find_corpora(shared_data_dir)
    assert {"wellness", "emotional_dialogue", "keti_single_turn", "chatbot_data"} <= set(by_format)
    assert not any(str(p).endswith(".xlsx") for paths in by_format.values() for p in paths)  # csv preferred
    assert any("kote" in why for why in skipped.values())
    wellness = sample_file(by_format["wellness"][0], tmp_path / "w.csv", 50, seed=0)
    sampled, full = load_any(wellness), load_any(by_format["wellness"][0])
    categories = {u.label for u in sampled.utterances}
    assert 50 <= len(sampled.utterances) < 120 and sampled.dialogues  # whole categories keep their replies
    assert all(
        sum(u.label == c for u in sampled.utterances) == sum(u.label == c for u in full.utterances) for c in categories
    )
    assert sample_file(by_format["wellness"][0], tmp_path / "w.csv", 10, seed=1) == wellness  # kept, not redrawn
    assert len(load_any(wellness).utterances) == len(sampled.utterances)


def test_help_and_clear_errors(tmp_path, capsys):
    from chatbot import train_all

    with pytest.raises(SystemExit):
        train_all.main(["--help"])
    assert "--tiny" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        train_all.main(["--data_dir", str(tmp_path / "missing")])
    assert "not a directory" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="no corpus for the classifier"):
        train_all.main(["--data_dir", str(tmp_path / "empty"), "--output_dir", str(tmp_path / "out")])
    (tmp_path / "mine" / "generator").mkdir(parents=True)  # someone's earlier checkpoint: never resumed nor replaced
    with pytest.raises(FileExistsError, match="generator already there and not started by train_all"):
        train_all.main(["--data_dir", str(tmp_path / "empty"), "--output_dir", str(tmp_path / "mine")])
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["generator"]
