"""classifier.train: output directories that are not ours are left alone, and a killed run resumed with --resume
ends at exactly the weights of an uninterrupted run (the kill is a real SIGKILL of a child process)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from classifier import train
from training.files import OutputDirectoryError

REPO = Path(__file__).resolve().parents[2]
STEPS_PER_EPOCH = 15  # 240 training sentences of toy.csv (300 less 10% validation, 10% test) / batch 16


def foreign_folder(path: Path) -> Path:
    (path / "sub").mkdir(parents=True)
    (path / "thesis.txt").write_text("four years of work", encoding="utf-8")
    (path / "sub" / "data.csv").write_text("a,b\n", encoding="utf-8")
    return path


def assert_intact(path: Path) -> None:
    assert (path / "thesis.txt").read_text(encoding="utf-8") == "four years of work"
    assert (path / "sub" / "data.csv").read_text(encoding="utf-8") == "a,b\n"


def weights(directory: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(directory / "model.safetensors"))


def assert_same_weights(a: Path, b: Path) -> None:
    import torch

    first, second = weights(a), weights(b)
    assert first.keys() == second.keys()
    different = [name for name in first if not torch.equal(first[name], second[name])]
    assert not different, f"{len(different)} of {len(first)} tensors differ, e.g. {different[:3]}"


def killed_run(argv: list[str], fault: str) -> None:
    """`python -m classifier.train argv` in a child process, SIGKILLed at the fault point."""
    env = {**os.environ, "MAEUMCHAT_FAULT": fault, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    result = subprocess.run(
        [sys.executable, "-m", "classifier.train", *argv], cwd=REPO, env=env, capture_output=True, timeout=600
    )
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()[-3000:]


# ------------------------------------------------------------------------------------------------ output dirs
def test_light_refuses_a_folder_of_foreign_files_and_keeps_them_with_overwrite(toy_csv, tmp_path):
    out = foreign_folder(tmp_path / "d")
    common = ["--backend", "light", "--train_file", str(toy_csv), "--label_set", "original", "--output_dir", str(out)]
    with pytest.raises(OutputDirectoryError, match="thesis.txt"):
        train.main(common)
    assert sorted(p.name for p in out.iterdir()) == ["sub", "thesis.txt"]
    train.main([*common, "--overwrite_output_dir"])
    assert_intact(out)
    assert (out / "light_config.json").is_file()
    train.main(common)  # ours now: retraining needs no flag, and still keeps the user's files
    assert_intact(out)
    from classifier import load_classifier

    assert load_classifier(out).predict("진짜 열받아").label == "분노"


def test_kobert_checks_the_output_dir_before_reading_data(tiny_base_dir, kobert_train_argv, tmp_path):
    out = foreign_folder(tmp_path / "d")
    never_read = tiny_base_dir / "spiece.model"  # not a data file: reading it would fail, but it is never read
    with pytest.raises(OutputDirectoryError, match="--overwrite_output_dir"):
        train.main(kobert_train_argv(never_read, out))
    assert sorted(p.name for p in out.iterdir()) == ["sub", "thesis.txt"]
    resume_dir = foreign_folder(tmp_path / "e-resume")  # the resume state's folder is guarded too
    with pytest.raises(OutputDirectoryError, match="e-resume"):
        train.main(kobert_train_argv(never_read, tmp_path / "e"))
    assert sorted(p.name for p in resume_dir.iterdir()) == ["sub", "thesis.txt"]


@pytest.mark.slow
def test_kobert_overwrite_keeps_foreign_files(kobert_train_argv, toy_csv, tmp_path):
    out = foreign_folder(tmp_path / "d")
    train.main(kobert_train_argv(toy_csv, out, "--num_train_epochs", "1", "--overwrite_output_dir"))
    assert_intact(out)
    assert (out / "model.safetensors").is_file() and (tmp_path / "d-resume" / "trainer_state.json").is_file()


# ------------------------------------------------------------------------------------------------ resume
@pytest.mark.slow
@pytest.mark.parametrize(
    "fault", ["train:epoch@1", f"train:step@{STEPS_PER_EPOCH + 4}"], ids=["killed-after-epoch-1", "killed-mid-epoch-2"]
)
def test_a_killed_and_resumed_run_ends_at_the_uninterrupted_weights(
    kobert_train_argv, toy_csv, tmp_path, fault, one_torch_thread
):
    def argv(out):
        return kobert_train_argv(
            toy_csv,
            out,
            "--num_train_epochs",
            "3",
            "--early_stopping_patience",
            "5",
            "--gradient_accumulation_steps",
            "2",
        )

    straight = train.train(argv(tmp_path / "straight"))
    killed_run(argv(tmp_path / "resumed"), fault)
    state = (tmp_path / "resumed-resume" / "trainer_state.json").read_text(encoding="utf-8")
    assert '"epoch": 1' in state  # the kill came after epoch 1's state was saved, before epoch 2's
    resumed = train.train([*argv(tmp_path / "resumed"), "--resume"])
    assert resumed["history"] == straight["history"]  # same losses and validation scores, epoch by epoch
    assert_same_weights(tmp_path / "straight-resume", tmp_path / "resumed-resume")  # last epoch, every weight
    assert_same_weights(tmp_path / "straight", tmp_path / "resumed")  # best epoch
