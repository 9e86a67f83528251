"""An on-disk cache for what the offline engine builds from data (the light classifier, the crisis detector), so
that a start after the first one loads them in a fraction of a second instead of training again.

Each entry is a directory named by a hash of everything that went into it (file contents, settings, the build
recipe's version), written atomically; a changed input simply makes a new entry. Location: `$MAEUMCHAT_CACHE`,
else `$XDG_CACHE_HOME/maeumchat`, else `~/.cache/maeumchat`. Deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from data.cli import add_choice, make_parser
from training.files import atomic_directory, write_json

try:
    import fcntl  # POSIX: one process builds an entry while the others wait for it
except ImportError:  # Windows: each process builds what it misses (entries are still written atomically)
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

COMPLETE_MARK = "cache_entry.json"  # written last inside an entry: an entry without it is never read


def cache_root() -> Path:
    if os.environ.get("MAEUMCHAT_CACHE"):
        return Path(os.environ["MAEUMCHAT_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "maeumchat"


def file_fingerprint(path) -> dict:
    """What identifies a file's content: its name, size and SHA-256."""
    path = Path(path)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"name": path.name, "size": path.stat().st_size, "sha256": digest.hexdigest()}


def _entry(kind: str, key: dict) -> Path:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]
    return cache_root() / kind / digest


def is_cached(kind: str, key: dict) -> bool:
    """Whether the entry for `key` is complete (`cached_directory` would only read it)."""
    return (_entry(kind, key) / COMPLETE_MARK).is_file()


def waits_for_other_builders() -> bool:
    """Whether a process that needs an entry another process is building waits for it (POSIX file locks) rather
    than building it again beside it."""
    return fcntl is not None


def cached_directory(kind: str, key: dict, build: Callable[[Path], None], what: str = "") -> Path:
    """The directory holding what `build(directory)` wrote for `key`, built first when missing. `build` is given
    a directory that does not exist yet (it may create it atomically, as `save_pretrained` does)."""
    directory = _entry(kind, key)
    if (directory / COMPLETE_MARK).is_file():
        return directory / "content"
    with _building(directory):
        if (directory / COMPLETE_MARK).is_file():  # another process built it while this one waited
            return directory / "content"
        _build(directory, kind, key, build, what)
    return directory / "content"


@contextmanager
def _building(directory: Path) -> Iterator[None]:
    """Held while `directory` is built: a second process that needs the same entry (two servers started at once,
    `python -m chatbot.cache build` beside a first chat) waits for the first instead of building it again."""
    if fcntl is None:
        yield
        return
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / f"{directory.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(directory: Path, kind: str, key: dict, build: Callable[[Path], None], what: str) -> None:
    started = time.perf_counter()
    logger.info("building %s once (cached in %s)", what or kind, directory)

    def write(staging: Path) -> None:
        build(staging / "content")
        write_json(staging / COMPLETE_MARK, {"kind": kind, "key": key})

    atomic_directory(directory, write)
    logger.info("built %s in %.1f s", what or kind, time.perf_counter() - started)


def main(argv=None) -> int:
    """`python -m chatbot.cache build|where|clear`."""
    parser = make_parser(
        "python -m chatbot.cache",
        "The offline engine's build cache: build it ahead of the first "
        "chat (make install does), show where it is, or clear it.",
    )
    actions = {
        "build": "train/analyse what the offline default engine needs (once, about a minute)",
        "where": "print the cache folder",
        "clear": "delete it (it is rebuilt when needed)",
    }
    add_choice(parser, "action", actions)
    args = parser.parse_args(argv)
    root = cache_root()
    if args.action == "where":
        print(root)
    elif args.action == "clear":
        if root.exists():
            shutil.rmtree(root)
        print(f"cleared {root}")
    else:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
        started = time.perf_counter()
        from chatbot import Chatbot  # why: import cycle (engine → offline → cache)

        Chatbot.offline()
        print(f"offline engine ready in {root} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
