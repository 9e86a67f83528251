"""training.files: atomic checkpoint directories that never lose a file.

Kills are real: a child process runs `atomic_directory` with $MAEUMCHAT_FAULT set and is SIGKILLed at the named
point (no clean-up handler runs), then this process checks what a loader finds and what the next save recovers.
"""

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from training.files import (
    OutputDirectoryError,
    atomic_directory,
    check_output_dir,
    is_ours,
    looks_local,
    recover,
    surviving_copy,
)

REPO = Path(__file__).resolve().parents[2]


def write_version(version: str):
    """write(tmp) callback: a tiny 'checkpoint' whose files say which version they are."""

    def write(tmp: Path) -> None:
        (tmp / "config.json").write_text(json.dumps({"version": version}), encoding="utf-8")
        (tmp / "trainer_state.json").write_text("{}", encoding="utf-8")  # what marks a directory as ours
        (tmp / "weights.bin").write_bytes(version.encode() * 1000)

    return write


def version_of(directory: Path) -> str:
    return json.loads((directory / "config.json").read_text(encoding="utf-8"))["version"]


def debris(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def save_in_child(target: Path, version: str, fault: str) -> subprocess.CompletedProcess:
    """atomic_directory(target, write_version(version)) in a child process killed (SIGKILL) at `fault`."""
    code = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from training.files import atomic_directory
        def write(tmp):
            (tmp / "config.json").write_text(json.dumps({{"version": {version!r}}}), encoding="utf-8")
            (tmp / "trainer_state.json").write_text("{{}}", encoding="utf-8")
            (tmp / "weights.bin").write_bytes({version!r}.encode() * 1000)
        atomic_directory(Path({str(target)!r}), write)
    """)
    env = {**os.environ, "MAEUMCHAT_FAULT": fault}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, timeout=60)


# ----------------------------------------------------------------------------------------------- ownership
def test_a_folder_with_foreign_files_is_refused_and_left_intact(tmp_path):
    target = tmp_path / "d"
    (target / "sub").mkdir(parents=True)
    (target / "thesis.txt").write_text("four years of work", encoding="utf-8")
    (target / "sub" / "data.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(OutputDirectoryError, match=r"not written by MaeumChat.*thesis\.txt.*--overwrite_output_dir"):
        atomic_directory(target, write_version("v1"))
    with pytest.raises(OutputDirectoryError, match="--output_dir"):
        check_output_dir(target)
    assert sorted(p.name for p in target.iterdir()) == ["sub", "thesis.txt"]
    assert (target / "thesis.txt").read_text(encoding="utf-8") == "four years of work"
    assert not debris(tmp_path)


def test_overwrite_adds_our_files_and_keeps_theirs(tmp_path):
    target = tmp_path / "d"
    (target / "sub").mkdir(parents=True)
    (target / "thesis.txt").write_text("four years of work", encoding="utf-8")
    check_output_dir(target, overwrite=True)  # --overwrite_output_dir
    atomic_directory(target, write_version("v1"))
    atomic_directory(target, write_version("v2"))  # now ours: replaced again without asking
    assert version_of(target) == "v2" and is_ours(target)
    assert (target / "thesis.txt").read_text(encoding="utf-8") == "four years of work" and (target / "sub").is_dir()
    assert not debris(tmp_path)


def test_a_save_replaces_only_what_it_writes(tmp_path):
    target = tmp_path / "ckpt"
    atomic_directory(target, write_version("v1"))
    (target / "notes.md").write_text("my notes", encoding="utf-8")  # the user's files inside our directory
    (target / "eval").mkdir()
    (target / "eval" / "report.json").write_text("{}", encoding="utf-8")
    atomic_directory(target, write_version("v2"))
    assert version_of(target) == "v2" and (target / "weights.bin").read_bytes() == b"v2" * 1000
    assert sorted(p.name for p in target.iterdir()) == [
        "config.json",
        "eval",
        "notes.md",
        "trainer_state.json",
        "weights.bin",
    ]
    assert (target / "notes.md").read_text(encoding="utf-8") == "my notes" and (
        target / "eval" / "report.json"
    ).is_file()


def test_empty_missing_and_legacy_directories_are_fine(tmp_path):
    (tmp_path / "empty").mkdir()
    check_output_dir(tmp_path / "empty")
    check_output_dir(tmp_path / "missing")
    legacy = tmp_path / "legacy"  # written before the manifest existed: recognised by its config
    legacy.mkdir()
    (legacy / "classifier_config.json").write_text("{}", encoding="utf-8")
    check_output_dir(legacy)
    atomic_directory(legacy, write_version("v2"))
    assert version_of(legacy) == "v2"
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputDirectoryError, match="is a file"):
        check_output_dir(tmp_path / "file")


def test_saved_files_have_the_same_permissions_as_other_files(tmp_path):
    import numpy as np
    from safetensors.numpy import save_file

    def write(tmp):
        save_file({"w": np.zeros(3, dtype=np.float32)}, str(tmp / "model.safetensors"))  # safetensors writes 0600
        (tmp / "config.json").write_text("{}", encoding="utf-8")
        (tmp / "sub").mkdir()

    old = os.umask(0o022)
    try:
        target = atomic_directory(tmp_path / "ckpt", write)
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in target.iterdir()}
    assert modes["model.safetensors"] == modes["config.json"] == 0o644
    assert modes["sub"] == stat.S_IMODE(target.stat().st_mode) == 0o755


# ----------------------------------------------------------------------------------------------- kills
def test_kill_between_the_two_renames_leaves_a_loadable_checkpoint(tmp_path):
    target = tmp_path / "ckpt"
    atomic_directory(target, write_version("v1"))
    (target / "notes.md").write_text("mine", encoding="utf-8")
    result = save_in_child(target, "v2", "atomic:between_renames")
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()[-2000:]
    assert not target.exists()  # the gap: the old copy moved away, the new one not yet in place
    survivor = surviving_copy(target)
    assert survivor != target and version_of(survivor) == "v2"  # a loader finds the complete new copy
    recover(target)  # what the next save or training run does first
    assert version_of(target) == "v2" and (target / "notes.md").read_text(encoding="utf-8") == "mine"
    assert not debris(tmp_path)


def test_a_report_written_into_the_gap_does_not_cost_the_checkpoint(tmp_path):
    target = tmp_path / "ckpt"
    atomic_directory(target, write_version("v1"))
    assert save_in_child(target, "v2", "atomic:between_renames").returncode == -signal.SIGKILL
    (target / "eval").mkdir(parents=True)  # e.g. classifier.evaluate's default <model_dir>/eval, written meanwhile
    (target / "eval" / "report.json").write_text("{}", encoding="utf-8")
    assert version_of(surviving_copy(target)) == "v2"
    recover(target)
    assert version_of(target) == "v2" and (target / "eval" / "report.json").is_file() and not debris(tmp_path)


def test_kill_while_writing_keeps_the_old_checkpoint_and_the_next_save_cleans_up(tmp_path):
    target = tmp_path / "ckpt"
    atomic_directory(target, write_version("v1"))
    result = save_in_child(target, "v2", "atomic:written")  # files written, copy not yet marked complete
    assert result.returncode == -signal.SIGKILL
    assert version_of(target) == "v1" and len(debris(tmp_path)) == 1  # a full-size .ckpt.tmp-* left behind
    assert surviving_copy(target) == target
    atomic_directory(target, write_version("v3"))
    assert version_of(target) == "v3" and not debris(tmp_path)


def test_kill_after_the_swap_keeps_the_new_checkpoint_and_the_users_files(tmp_path):
    target = tmp_path / "ckpt"
    atomic_directory(target, write_version("v1"))
    (target / "notes.md").write_text("mine", encoding="utf-8")
    result = save_in_child(target, "v2", "atomic:swapped")  # before the user's files were carried over
    assert result.returncode == -signal.SIGKILL
    assert version_of(target) == "v2" and not (target / "notes.md").exists()
    check_output_dir(target)  # a training run starting on this directory recovers first
    assert (target / "notes.md").read_text(encoding="utf-8") == "mine" and not debris(tmp_path)


def test_kill_before_the_first_save_finished_leaves_nothing_half_written(tmp_path):
    target = tmp_path / "ckpt"
    result = save_in_child(target, "v1", "atomic:written")
    assert result.returncode == -signal.SIGKILL
    assert not target.exists() and surviving_copy(target) == target  # an incomplete copy is never loaded
    recover(target)
    assert not target.exists() and not debris(tmp_path)


def test_debris_of_older_versions_and_live_writers(tmp_path):
    target = tmp_path / "ckpt"
    atomic_directory(target, write_version("v1"))
    (tmp_path / ".ckpt.tmp-k3j9x2ab").mkdir()  # mkdtemp naming of earlier versions, writer long gone
    (tmp_path / ".ckpt.tmp-k3j9x2ab" / "model.safetensors").write_bytes(b"0" * 100)
    live = tmp_path / f".ckpt.tmp-{os.getppid()}-abcd1234"  # a save in progress in a live process: left alone
    live.mkdir()
    recover(target)
    assert debris(tmp_path) == [live.name]


# ----------------------------------------------------------------------------------------------- model names
@pytest.mark.parametrize(
    "name, local",
    [
        ("skt/kobert-base-v1", True),  # the parent folder 'skt' exists in the test below
        ("owner/model-name", False),
        ("checkpoints/generator", True),
        ("runs/keti7", True),
        ("./model", True),
        ("../model", True),
        ("/abs/model", True),
        ("~/model", True),
        ("a/b/c", True),
        ("model", True),
        ("a\\b", True),
    ],
)
def test_local_paths_are_never_hub_ids(tmp_path, monkeypatch, name, local):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "skt").mkdir()
    assert looks_local(name) is local
