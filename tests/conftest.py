"""Shared fixtures. `../shared` (real tokenizers and corpora) exists in development and CI but never on a
user's machine: every test that needs it goes through these fixtures and skips with a reason when absent."""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MAEUMCHAT_SHARED", REPO.parent / "shared"))


def shared_path(relative: str) -> Path:
    """Path of a file under ../shared, or skip the calling test with the reason."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is only available in development and CI)")
    return path


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    return shared_path("data")


@pytest.fixture(scope="session")
def kobert_tokenizer_dir() -> Path:
    return shared_path("tokenizers/kobert")


@pytest.fixture(scope="session")
def kogpt2_tokenizer_dir() -> Path:
    return shared_path("tokenizers/kogpt2")


@pytest.fixture(scope="session", autouse=True)
def offline_engine_cache(tmp_path_factory):
    """The offline engine caches what it builds (classifier, crisis detector) under $MAEUMCHAT_CACHE: tests build
    into a fresh directory of their own, never the user's ~/.cache."""
    path = tmp_path_factory.mktemp("maeumchat-cache")
    previous = os.environ.get("MAEUMCHAT_CACHE")
    os.environ["MAEUMCHAT_CACHE"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("MAEUMCHAT_CACHE", None)
    else:
        os.environ["MAEUMCHAT_CACHE"] = previous
