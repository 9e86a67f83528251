"""generator.train: output directories that are not ours are left alone, and a killed run resumed with --resume
ends at exactly the weights of an uninterrupted run (the kill is a real SIGKILL of a child process)."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator import train
from training.files import OutputDirectoryError

REPO = Path(__file__).resolve().parents[2]


def foreign_folder(path: Path) -> Path:
    (path / "sub").mkdir(parents=True)
    (path / "thesis.txt").write_text("four years of work", encoding="utf-8")
    return path


def assert_same_weights(a: Path, b: Path) -> None:
    import torch
    from safetensors.torch import load_file

    first, second = load_file(str(a / "model.safetensors")), load_file(str(b / "model.safetensors"))
    assert first.keys() == second.keys()
    different = [name for name in first if not torch.equal(first[name], second[name])]
    assert not different, f"{len(different)} of {len(first)} tensors differ, e.g. {different[:3]}"


@pytest.mark.slow
def test_foreign_output_dir_is_refused_before_any_work_and_kept_with_overwrite(generator_train_argv, tmp_path):
    out = foreign_folder(tmp_path / "d")
    with pytest.raises(OutputDirectoryError, match="thesis.txt"):
        train.main([*generator_train_argv(out), "--num_train_epochs", "1"])
    assert sorted(p.name for p in out.iterdir()) == ["sub", "thesis.txt"]
    assert not (tmp_path / "d-resume").exists()
    train.main([*generator_train_argv(out), "--num_train_epochs", "1", "--overwrite_output_dir"])
    assert (out / "thesis.txt").read_text(encoding="utf-8") == "four years of work" and (out / "sub").is_dir()
    assert (out / "model.safetensors").is_file() and (tmp_path / "d-resume" / "trainer_state.json").is_file()


def test_a_missing_local_base_model_fails_at_once_without_the_hub(fixture_data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="--model_dir checkpoints/kogpt2: no such directory"):
        train.main(["--model_dir", "checkpoints/kogpt2", "--data_dir", str(fixture_data_dir)])
    assert not (tmp_path / "checkpoints").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault", ["train:epoch@1", "train:step@7"], ids=["killed-after-epoch-1", "killed-mid-epoch-2"]
)
def test_a_killed_and_resumed_run_ends_at_the_uninterrupted_weights(generator_train_argv, tmp_path, fault):
    epochs = ["--num_train_epochs", "3"]
    straight = train.train(generator_train_argv(tmp_path / "straight", *epochs))
    saved = json.loads((tmp_path / "straight-resume" / "trainer_state.json").read_text(encoding="utf-8"))
    steps_per_epoch = saved["scheduler"]["last_epoch"] // 3  # the scheduler counted every optimizer step
    assert fault.startswith("train:epoch") or steps_per_epoch < 7 < 2 * steps_per_epoch  # step 7 is inside epoch 2
    argv = generator_train_argv(tmp_path / "resumed", *epochs)
    env = {**os.environ, "MAEUMCHAT_FAULT": fault, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    child = subprocess.run(
        [sys.executable, "-m", "generator.train", *argv], cwd=REPO, env=env, capture_output=True, timeout=600
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-3000:]
    state = json.loads((tmp_path / "resumed-resume" / "trainer_state.json").read_text(encoding="utf-8"))
    assert state["epoch"] == 1
    resumed = train.train([*argv, "--resume"])
    assert resumed["history"] == straight["history"]
    assert_same_weights(tmp_path / "straight-resume", tmp_path / "resumed-resume")  # last epoch, every weight
    assert_same_weights(tmp_path / "straight", tmp_path / "resumed")  # best epoch
