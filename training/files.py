"""Writing checkpoint directories safely: shared by every `save_pretrained` and training loop of the project.

Rules (house rules: nothing lost, ever):
- `atomic_directory` writes a directory into a hidden sibling (`.NAME.tmp-PID-…`), renames it `.NAME.new-…` once
  it is complete, and swaps it into place. A run killed at any moment leaves a loadable copy: the target, a
  complete `.NAME.new-*`, or the previous `.NAME.old-*`. `recover` (run by the next save and by
  `check_output_dir`) puts the surviving copy back and removes the rest; `surviving_copy` lets a loader use it
  without writing anything.
- A save replaces only the files it writes: anything else in the directory (the user's notes, an eval/ folder)
  is carried over into the new copy.
- A directory is ours when it holds one of the config files our writers put in every checkpoint (`MARKERS`). A
  non-empty directory that is not ours is refused unless the caller says overwrite (`--overwrite_output_dir`);
  even then only the files we write are replaced.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import signal
from collections import Counter
from pathlib import Path

logger = logging.getLogger(__name__)

FAULT_ENV = "MAEUMCHAT_FAULT"  # fault-injection tests only: "POINT" or "POINT@N" kills the process there (SIGKILL)
MARKERS = (
    "classifier_config.json",
    "light_config.json",
    "generator_config.json",  # every checkpoint we save has one
    "responder_config.json",
    "trainer_state.json",
    "crisis_config.json",
    "cache_entry.json",
)
_DEBRIS = re.compile(  # .NAME.{tmp,new,old}-PID-HEX; also the older .NAME.old-PID and mkdtemp's .NAME.tmp-XXXXXXXX
    r"^\.(?P<name>.+)\.(?P<kind>tmp|new|old)-(?:(?P<pid>\d+)-[0-9a-f]+|(?P<bare_pid>\d+)|[A-Za-z0-9_]+)$"
)
_fault_counts: Counter = Counter()
_approved: set[str] = set()  # foreign directories the user allowed us to write into (--overwrite_output_dir)


class OutputDirectoryError(FileExistsError):
    """An output directory that holds files we did not write."""


# ------------------------------------------------------------------------------------------------- small files
def write_json(path: Path, obj) -> None:
    Path(path).write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def write_json_atomic(path: Path, obj) -> None:
    """`write_json` to a hidden sibling, then `os.replace`: readers see the old file or the new one, never half."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        write_json(partial, obj)
        os.chmod(partial, 0o666 & ~_umask())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


TRAINING_ARGS_FILE = "training_args.json"  # the arguments a model was trained with (evaluations rebuild its splits)
METRICS_FILE = "metrics.json"


def write_training_record(directory: Path, training_args: dict | None = None, metrics: dict | None = None) -> None:
    """training_args.json and metrics.json in a checkpoint being written, each when given (`save_pretrained`'s
    keywords, the same for every model)."""
    if training_args is not None:
        write_json(Path(directory) / TRAINING_ARGS_FILE, training_args)
    if metrics is not None:
        write_json(Path(directory) / METRICS_FILE, metrics)


def fault_point(name: str) -> None:
    """Fault injection for tests: kill this process (SIGKILL, no clean-up runs) when $MAEUMCHAT_FAULT names
    this point ("POINT" = the first time it is reached, "POINT@N" = the N-th time). A no-op otherwise."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    point, _, nth = spec.partition("@")
    if point != name:
        return
    _fault_counts[name] += 1
    if _fault_counts[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _normal_permissions(root: Path) -> None:
    """Files 0666 & ~umask, folders 0777 & ~umask (safetensors and mkdtemp make them owner-only)."""
    umask = _umask()
    os.chmod(root, 0o777 & ~umask)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o777 & ~umask)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o666 & ~umask)


# ------------------------------------------------------------------------------------------------- ownership
def is_ours(directory: str | os.PathLike) -> bool:
    """True when `directory` holds a checkpoint we wrote (one of the MARKERS config files)."""
    directory = Path(directory)
    return any((directory / marker).is_file() for marker in MARKERS)


def allow_overwrite(directory: str | os.PathLike) -> None:
    """Let `atomic_directory` write into this non-empty directory that is not ours (only our files are replaced)."""
    _approved.add(os.path.realpath(directory))


def check_output_dir(directory: str | os.PathLike, overwrite: bool = False, option: str = "--output_dir") -> Path:
    """Before any slow work: recover debris of an interrupted save, then refuse a directory we must not write to.

    Empty, missing or ours: fine. A file, or a non-empty folder of someone else's files: an error that says what
    to do, unless `overwrite` (then our files go in beside theirs and nothing of theirs is removed).
    """
    directory = Path(directory)
    recover(directory)
    if directory.exists() and not directory.is_dir():
        raise OutputDirectoryError(f"{option} {directory}: is a file, not a directory; give a directory path")
    if directory.is_dir() and not is_ours(directory) and any(directory.iterdir()):
        if not overwrite:
            raise _refusal(directory, f"{option} ")
        allow_overwrite(directory)
    return directory


def _refusal(directory: Path, option: str = "") -> OutputDirectoryError:
    entries = sorted(p.name + ("/" if p.is_dir() else "") for p in directory.iterdir())
    shown = ", ".join(entries[:3]) + (f", … ({len(entries)} entries)" if len(entries) > 3 else "")
    return OutputDirectoryError(
        f"{option}{directory}: not empty and not written by MaeumChat (holds {shown}); choose a new or empty "
        f"directory, or add --overwrite_output_dir to write the model files into it (your other files are kept)"
    )


# ------------------------------------------------------------------------------------------------- debris
def _pid_alive(pid: int | None) -> bool:
    if pid is None or pid == os.getpid():
        return False  # no pid (older naming) or ours: the writer is not running any more
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    try:  # a killed child not yet reaped is a zombie: dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _debris(target: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """(complete new copies, incomplete tmp copies, old copies) left beside `target` by dead writers, newest first."""
    complete: list[Path] = []
    incomplete: list[Path] = []
    old: list[Path] = []
    if not target.parent.is_dir():
        return complete, incomplete, old
    for path in target.parent.iterdir():
        match = _DEBRIS.match(path.name)
        if not match or match["name"] != target.name or not path.is_dir() or path.is_symlink():
            continue
        pid = match["pid"] or match["bare_pid"]
        if _pid_alive(int(pid) if pid else None):
            continue  # a save in progress in another process: not debris
        {"old": old, "new": complete, "tmp": incomplete}[match["kind"]].append(path)
    newest = lambda p: p.stat().st_mtime  # noqa: E731
    return sorted(complete, key=newest, reverse=True), incomplete, sorted(old, key=newest, reverse=True)


def surviving_copy(target: str | os.PathLike) -> Path:
    """`target` itself, or — when a save was killed between its two renames — the complete copy it left.

    Writes nothing (loaders call it; a reader may not own the folder); `recover` puts the copy back.
    """
    target = Path(target)
    if target.exists() and (is_ours(target) or not target.is_dir()):
        return target
    complete, _, old = _debris(target)
    for copy in complete + old:  # the target is missing, or holds only what was written into the gap
        logger.warning(
            "%s is missing; loading %s, left by an interrupted save (the next save or training run "
            "puts it back in place)",
            target,
            copy,
        )
        return copy
    return target


def recover(target: str | os.PathLike) -> None:
    """Finish or undo a save that was killed: put the surviving copy at `target`, carry other people's files
    over, and remove the hidden `.NAME.tmp-*` / `.NAME.old-*` copies (only files we wrote are deleted)."""
    target = Path(target)
    complete, incomplete, old = _debris(target)
    if not (complete or incomplete or old):
        return
    try:
        if (complete or old) and target.is_dir() and not target.is_symlink() and not is_ours(target):
            # something wrote into the gap (an eval report, say): keep it, inside the checkpoint that comes back
            _carry_foreign(target, (complete or old)[0])
            target.rmdir()
        if not target.exists() and not target.is_symlink():
            if complete:  # killed between the renames: the new copy is whole
                complete.pop(0).rename(target)
            elif old:  # killed before the new copy was whole: the previous one comes back
                old.pop(0).rename(target)
            logger.warning("%s: recovered from an interrupted save", target)
        for path in complete + incomplete:  # only what write() put there: other files are never moved into these
            shutil.rmtree(path, ignore_errors=True)
        for path in old:
            _carry_foreign(path, target)
            shutil.rmtree(path, ignore_errors=True)
    except FileNotFoundError:  # another process (a second training rank) recovered it first
        pass


def _carry_foreign(old: Path, new: Path) -> None:
    """Move every entry of `old` that the new copy did not write into `new`: the user's files survive a save.
    Entries the new copy has are ours (replaced), as are the hidden partial files of write_json_atomic."""
    for entry in old.iterdir():
        if _DEBRIS.match(entry.name) or (new / entry.name).exists() or (new / entry.name).is_symlink():
            continue
        entry.rename(new / entry.name)


# ------------------------------------------------------------------------------------------------- saving
def atomic_directory(target: str | os.PathLike, write, overwrite: bool = False) -> Path:
    """Call write(tmp_dir) on a hidden sibling of `target`, then swap it into place; return `target`.

    A run killed at any point leaves a loadable copy (see the module notes). Files in `target` that we did not
    write are kept. A non-empty `target` that is not ours is refused (OutputDirectoryError) unless `overwrite`
    or `allow_overwrite(target)`. New files get the usual permissions (0666/0777 less the umask).
    """
    target = Path(target)
    if target.is_symlink():  # a link to where the user keeps models: write there, keep the link
        target = Path(os.path.realpath(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    if target.exists():
        if not target.is_dir():
            raise OutputDirectoryError(f"{target}: is a file, not a directory; give a directory path")
        if not (overwrite or is_ours(target) or os.path.realpath(target) in _approved) and any(target.iterdir()):
            raise _refusal(target)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    tmp, new, old = (target.with_name(f".{target.name}.{kind}-{token}") for kind in ("tmp", "new", "old"))
    tmp.mkdir()
    try:
        write(tmp)
        _normal_permissions(tmp)
        fault_point("atomic:written")
        tmp.rename(new)  # the copy is complete
        if target.exists():
            target.rename(old)
            fault_point("atomic:between_renames")
            new.rename(target)
            fault_point("atomic:swapped")
            _carry_foreign(old, target)
            shutil.rmtree(old)
        else:
            new.rename(target)
    except BaseException:
        if old.exists() and not target.exists():  # failed between the renames: put the previous copy back
            old.rename(target)
        for path in (tmp, new):
            shutil.rmtree(path, ignore_errors=True)
        raise
    return target


# ------------------------------------------------------------------------------------------------- model paths
HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
LOCAL_FOLDERS = ("checkpoints", "runs", "outputs")  # the project's own output folders: never hub owners


def looks_local(name: str | os.PathLike) -> bool:
    """Whether a model name means a path on this machine rather than a hub id (`owner/name`).

    Local: anything that exists; starts with ./ ../ / or ~; has a backslash or more than one slash; names an
    existing folder as its parent; or starts with one of our output folders (checkpoints/, runs/, outputs/).
    Only the plain `owner/name` shape is left for the hub.
    """
    text = os.fspath(name)
    path = Path(text).expanduser()
    if path.exists() or text.startswith(("./", "../", "/", "~", ".\\")) or text in (".", ".."):
        return True
    if "\\" in text or text.count("/") != 1 or not HUB_ID.match(text):
        return True
    return path.parent.is_dir() or text.split("/", 1)[0] in LOCAL_FOLDERS
