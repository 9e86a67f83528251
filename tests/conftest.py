"""Shared fixtures. `../shared` (real tokenizers and corpora) exists in development and CI but never on a
user's machine: every test that needs it goes through these fixtures and skips with a reason when absent."""

import os
from collections.abc import Iterator
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


@pytest.fixture
def one_torch_thread():
    """Torch on one thread for the test: tiny models gain nothing from threads (on a shared 2-core box OpenMP
    spinning makes them far slower), and bit-for-bit comparisons with child processes need one thread here as there
    (OMP_NUM_THREADS=1)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session", autouse=True)
def offline_engine_cache(tmp_path_factory):
    """The offline engine caches what it builds (classifier, crisis detector) under $MAEUMCHAT_CACHE: tests build
    into a directory of their own, never the user's ~/.cache. A fresh one per run, or $MAEUMCHAT_TEST_CACHE when set:
    `make test-fast` keeps one in the venv, so only its first run spends the build (entries are named by a hash of
    everything that went into them: a changed input makes a new entry, never a stale hit)."""
    kept = os.environ.get("MAEUMCHAT_TEST_CACHE")
    path = Path(kept) if kept else tmp_path_factory.mktemp("maeumchat-cache")
    previous = os.environ.get("MAEUMCHAT_CACHE")
    os.environ["MAEUMCHAT_CACHE"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("MAEUMCHAT_CACHE", None)
    else:
        os.environ["MAEUMCHAT_CACHE"] = previous


@pytest.fixture(scope="session")
def offline_chatbot(tmp_path_factory):
    """One offline default Chatbot (no checkpoints) for every test that only talks to it: building one loads the
    reply index and the Kiwi analyser, which is most of a second each time. Tests of how it is built make their own."""
    from chatbot import Chatbot

    return Chatbot.offline(checkpoints_dir=tmp_path_factory.mktemp("no_checkpoints"))


@pytest.fixture(scope="session")
def hub_home(tmp_path_factory, kobert_tokenizer_dir, kogpt2_tokenizer_dir) -> Path:
    """An HF_HOME whose cache holds skt/kobert-base-v1 and skt/kogpt2-base-v2 as the hub publishes them (the hub's
    layout and configs, pytorch_model.bin with the real key names, the real tokenizer files), at tiny widths."""
    from bench.hub_replica import build_hub_replica

    home = tmp_path_factory.mktemp("hf_home")
    build_hub_replica(home, kobert_tokenizer_dir.parent, size="tiny")
    return home


@pytest.fixture(scope="module")
def offline_hub(hub_home) -> Iterator[Path]:
    """`HF_HOME=<hub_home> HF_HUB_OFFLINE=1` for the tests of one module, as a user exports them. huggingface_hub
    reads both when it is first imported, so its module constants are set too; subprocesses get the variables."""
    import huggingface_hub.constants as constants

    with pytest.MonkeyPatch.context() as patch:
        for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE"):
            patch.delenv(name, raising=False)
        patch.setenv("HF_HOME", str(hub_home))
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        patch.setattr(constants, "HF_HOME", str(hub_home))
        patch.setattr(constants, "HF_HUB_CACHE", str(hub_home / "hub"))
        patch.setattr(constants, "HF_HUB_OFFLINE", True)
        yield hub_home


def emotional_dialogue_header(turns: int = 3, system: str = "시스템문장") -> list[str]:
    """The columns of an AI Hub 감성대화 (emotional dialogue) file: seven about the speaker and the emotion, then
    `turns` pairs of the person's line and the system's (`시스템문장k` in the validation file, `시스템응답k` in the
    training one)."""
    about = ["번호", "연령", "성별", "상황키워드", "신체질환", "감정_대분류", "감정_소분류"]
    return [*about, *(f"{speaker}{k}" for k in range(1, turns + 1) for speaker in ("사람문장", system))]


# Test modules and conftests below cannot import this one under --import-mode=importlib: helpers go out as fixtures.
@pytest.fixture(scope="session")
def make_emotional_dialogue_header():
    return emotional_dialogue_header


PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle")  # torch.save / pickle: loading one can run code


def _saved_file_names(directory: Path) -> set[str]:
    """The names of the files in a checkpoint directory we saved, after asserting that none is a pickle (house
    rule: safetensors and JSON only)."""
    names = {path.name for path in Path(directory).iterdir()}
    pickles = sorted(name for name in names if name.endswith(PICKLE_SUFFIXES))
    assert not pickles, f"{directory}: pickle files {pickles}"
    return names


@pytest.fixture(scope="session")
def saved_file_names():
    return _saved_file_names


@pytest.fixture(scope="session")
def sampled_corpora(tmp_path_factory, shared_data_dir) -> Path:
    """A few rows of each real corpus (wellness keeps whole categories), laid out like ../shared/data."""
    from chatbot.train_data import sample_file

    root = tmp_path_factory.mktemp("sampled_corpora")
    for relative, rows in (
        ("wellness/wellness_dialog_dataset.csv", 40),
        ("chatbot_data/ChatbotData.csv", 40),
        ("emotional_dialogue/emotional_dialogue_validation.csv", 40),
        ("keti_single_turn/keti_single_turn.csv", 160),
    ):
        sample_file(shared_data_dir / relative, root / relative, rows, seed=0)
    return root


# ------------------------------------------------------------------------------------------- markers
# `make test-fast` runs `-m "not slow and not browser"`. A file that is slow as a whole says so in its `pytestmark`,
# a slow test carries @pytest.mark.slow; a test that needs one of these fixtures is slow because the fixture trains a
# model before the first test that asks for it.
TRAINING_FIXTURES = {"trained_generator", "forced_generator"}  # tests/generator/conftest.py, test_screening.py


@pytest.hookimpl(tryfirst=True)  # before pytest's own hook deselects by -m
def pytest_collection_modifyitems(items):
    for item in items:
        if TRAINING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
