"""Writing checkpoint directories safely: shared by every `save_pretrained` and training loop of the project."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path


def write_json(path: Path, obj) -> None:
    Path(path).write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def atomic_directory(target: str | os.PathLike, write) -> Path:
    """Call write(tmp_dir) on a temporary sibling of `target`, then swap it into place (old copy removed last).

    A run killed half-way leaves either the old directory or the new one, never a mix. The new directory gets
    the usual permissions (mkdtemp's are owner-only), so a service account can read a model trained by root.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    try:
        write(tmp)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            if old.exists():
                shutil.rmtree(old)
            target.rename(old)
        tmp.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
