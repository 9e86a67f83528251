"""Fixtures for classifier tests: a tiny sentencepiece model trained here (so nothing needs ../shared),
a tiny random BERT config, and a separable toy emotion task written as CSV."""

import csv
import random
from collections.abc import Callable
from pathlib import Path

import pytest

TOY_WORDS = {  # each label owns its words: a separable task
    "기쁨": ["행복해", "좋아", "기뻐", "신나", "즐거워"],
    "분노": ["화나", "짜증나", "열받아", "싫어", "억울해"],
    "슬픔": ["슬퍼", "눈물나", "우울해", "외로워", "서러워"],
}
FILLERS = ["오늘", "정말", "너무", "진짜", "그냥", "요즘", "아까", "계속"]


def toy_rows(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = rng.choice(sorted(TOY_WORDS))
        words = [rng.choice(FILLERS), rng.choice(FILLERS), rng.choice(TOY_WORDS[label])]
        rng.shuffle(words)
        rows.append((" ".join(words) + f" {i}", label))
    return rows


@pytest.fixture(scope="session")
def toy_spm_dir(tmp_path_factory) -> Path:
    """A KoBERT-layout sentencepiece model (ids 0–4 = [UNK] [PAD] [CLS] [SEP] [MASK]) trained on toy text."""
    import sentencepiece as spm

    directory = tmp_path_factory.mktemp("toy_spm")
    corpus = directory / "corpus.txt"
    lines = [text for text, _ in toy_rows(400, seed=1)]
    lines += ["한국어 모델을 공유합니다.", "Hello world 안녕하세요", "감정을 읽는 챗봇입니다"] * 5
    corpus.write_text("\n".join(lines), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(directory / "spiece"),
        vocab_size=150,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        unk_id=0,
        pad_id=1,
        bos_id=-1,
        eos_id=-1,
        unk_piece="[UNK]",
        pad_piece="[PAD]",
        control_symbols=["[CLS]", "[SEP]", "[MASK]"],
        minloglevel=2,
    )
    return directory


@pytest.fixture(scope="session")
def toy_tokenizer(toy_spm_dir):
    from classifier.tokenization import load_kobert_tokenizer

    return load_kobert_tokenizer(toy_spm_dir)


def tiny_bert_config(vocab_size: int, positions: int = 128):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=positions,
        pad_token_id=1,
    )


@pytest.fixture()
def tiny_base_dir(tmp_path, toy_spm_dir) -> Path:
    """A base-model directory like the hub's, without weights: config.json + spiece.model."""
    import shutil

    from classifier.tokenization import load_kobert_tokenizer

    directory = tmp_path / "tiny_base"
    directory.mkdir()
    shutil.copy(toy_spm_dir / "spiece.model", directory / "spiece.model")
    tiny_bert_config(len(load_kobert_tokenizer(directory))).save_pretrained(directory)
    return directory


# Hyper-parameters under which the tiny BERT learns the toy task in a few epochs of a few seconds each.
TINY_TRAINING = [
    "--train_batch_size",
    "16",
    "--learning_rate",
    "3e-3",
    "--max_seq_len",
    "32",
    "--no_progress",
    "--label_set",
    "original",
    "--seed",
    "0",
]


@pytest.fixture()
def kobert_train_argv(tiny_base_dir) -> Callable[..., list[str]]:
    """kobert_train_argv(train_file, output_dir, *extra) → `classifier.train` argv: the tiny base model from scratch
    with TINY_TRAINING, plus `extra` (epochs, patience, --resume …)."""

    def argv(train_file: Path, output_dir: Path, *extra: str) -> list[str]:
        return [
            "--model_dir",
            str(tiny_base_dir),
            "--from_scratch",
            "--train_file",
            str(train_file),
            "--output_dir",
            str(output_dir),
            *extra,
            *TINY_TRAINING,
        ]

    return argv


@pytest.fixture()
def toy_csv(tmp_path) -> Path:
    path = tmp_path / "toy.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["text", "label"])
        writer.writerows(toy_rows(300))
    return path


# Test modules cannot import conftest under --import-mode=importlib: helpers are handed out as fixtures.
@pytest.fixture(scope="session")
def make_toy_rows():
    return toy_rows


@pytest.fixture(scope="session")
def make_tiny_bert_config():
    return tiny_bert_config


@pytest.fixture(scope="session")
def toy_labels() -> list[str]:
    return sorted(TOY_WORDS)
