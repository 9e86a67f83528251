"""Fixtures for the generator tests: the KoGPT2 tokenizer (real from ../shared, else a tiny BPE with the same
special tokens trained here), tiny GPT-2 models (vocab 51,200 like KoGPT2) and one model that has memorised
20 (message, emotion, reply) triples."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

# 10 messages × 2 emotions, [message, emotion, reply]: the same message gets a different reply under each tag, so the
# tag must be read. A data file, so test modules (which cannot import this conftest) read the same rows.
TRIPLES = [tuple(row) for row in json.loads((Path(__file__).parent / "memorised_triples.json").read_text("utf-8"))]
SPECIAL_TOKENS = ["<s>", "</s>", "<usr>", "<pad>", "<sys>", "<unk>", "<mask>", "<d>", "</d>"] + [
    f"<unused{i}>" for i in range(10)
]


def build_tiny_kogpt2_tokenizer(directory: Path) -> Path:
    """A small BPE with KoGPT2's special tokens at KoGPT2's ids (0–8, <unused0..9> 9–18) and its pre-tokenizer."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    corpus = [t for triple in TRIPLES for t in triple] + [
        "<usr> </s> <sys> <pad> <unused1> none 안녕하세요 반가워요 번째 이야기를 길게 하고 있어요 마지막 질문이에요",
        "가나다라마바사 끝부분 괜찮아요 힘내요 요즘 힘들어 배고파 알겠습니다 0123456789 abcdefghijklmnopqrstuvwxyz",
    ]
    tokenizer.train_from_iterator(corpus * 5, trainers.BpeTrainer(vocab_size=800, special_tokens=SPECIAL_TOKENS))
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(directory / "tokenizer.json"))
    return directory


@pytest.fixture(scope="session")
def gpt2_tokenizer_dir(request, tmp_path_factory) -> Path:
    """The real KoGPT2 tokenizer when ../shared is there, else the tiny stand-in (behaviour tests still run)."""
    try:
        return request.getfixturevalue("kogpt2_tokenizer_dir")
    except pytest.skip.Exception:
        return build_tiny_kogpt2_tokenizer(tmp_path_factory.mktemp("tiny_kogpt2_tokenizer"))


@pytest.fixture(scope="session")
def gpt2_tokenizer(gpt2_tokenizer_dir):
    from generator.tokenization import load_kogpt2_tokenizer

    return load_kogpt2_tokenizer(gpt2_tokenizer_dir)


@pytest.fixture(autouse=True)
def _tiny_models_on_one_thread(one_torch_thread):
    """Every generator test runs on one torch thread (`one_torch_thread`)."""


def tiny_gpt2(seed: int = 0, n_positions: int = 128):
    """Random GPT-2 with KoGPT2's vocab and special ids, 2 layers × 64 wide."""
    import torch
    from transformers import GPT2LMHeadModel

    from generator.tokenization import kogpt2_config

    torch.manual_seed(seed)
    return GPT2LMHeadModel(kogpt2_config(n_positions=n_positions, n_embd=64, n_layer=2, n_head=4))


@pytest.fixture(scope="session")
def tiny_model_factory():
    return tiny_gpt2


def memorise(model, tokenizer, triples, steps: int = 100, lr: float = 5e-3):
    """Full-batch AdamW on the reply tokens of `triples` until they are memorised; returns the final loss."""
    import torch

    from generator.dataset import collate
    from generator.formatting import TurnFormatter

    formatter = TurnFormatter(tokenizer)
    features = [vars(formatter.encode(m, e, r, max_seq_len=64)) for m, e, r in triples]
    batch = collate([{"input_ids": f["input_ids"], "labels": f["labels"]} for f in features], tokenizer.pad_token_id)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    model.train()
    for _ in range(steps):
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()
    return float(loss.detach())


@pytest.fixture(scope="session")
def trained_generator(gpt2_tokenizer):
    """A ResponseGenerator whose tiny model has memorised TRIPLES (loss < 0.05)."""
    import torch

    from generator.model import ResponseGenerator

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    model = tiny_gpt2(seed=0)
    final_loss = memorise(model, gpt2_tokenizer, TRIPLES)
    torch.set_num_threads(threads)
    assert final_loss < 0.05, f"tiny model did not memorise the triples (loss {final_loss:.3f})"
    return ResponseGenerator(model, gpt2_tokenizer).to_inference("cpu")


@pytest.fixture(scope="session")
def memorised_triples():
    """The 20 (message, emotion, reply) triples `trained_generator` has learnt."""
    return list(TRIPLES)


def write_fixture_corpora(root: Path, emotional_header: list[str]) -> Path:
    """Small files in the three corpus formats, laid out like ../shared/data
    (wellness/, emotional_dialogue/, chatbot_data/)."""
    import csv

    def write(relative, header, rows):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    wellness = []
    for category, topic in (("감정/우울감", "우울해"), ("감정/외로움", "외로워")):
        for i in range(6):
            wellness.append([category, f"요즘 너무 {topic} {i}번째 말이에요", ""])
        wellness[-6][2] = f"{topic}서 힘드시군요. 제가 들어 드릴게요."
        wellness[-5][2] = f"{topic}는 마음 충분히 이해해요."
    write("wellness/wellness_dialog_dataset.csv", ["구분", "유저", "챗봇"], wellness)
    emotional = []
    for i, (major, minor) in enumerate([("불안", "두려운"), ("기쁨", "신이 난"), ("분노", "툴툴대는")] * 4):
        emotional.append(
            [
                i + 1,
                "청년",
                "여성",
                "진로",
                "해당없음",
                major,
                minor,
                f"{i}번 이야기: 오늘 회사에서 일이 있었어.",
                f"{i}번 답: 무슨 일이 있었나요?",
                f"{i}번 이야기: 상사가 나를 불렀어.",
                f"{i}번 답: 그래서 어떻게 하셨어요?",
                "",
                "",
            ]
        )
    write("emotional_dialogue/emotional_dialogue_validation.csv", emotional_header, emotional)
    chatbot = [[f"질문 {i} 오늘 뭐 할까", f"대답 {i} 산책 어때요.", str(i % 3)] for i in range(30)]
    write("chatbot_data/ChatbotData.csv", ["Q", "A", "label"], chatbot)
    return root


@pytest.fixture(scope="session")
def fixture_data_dir(tmp_path_factory, make_emotional_dialogue_header) -> Path:
    return write_fixture_corpora(tmp_path_factory.mktemp("corpora"), make_emotional_dialogue_header())


@pytest.fixture
def tiny_base_dir(tmp_path, gpt2_tokenizer) -> Path:
    """A 'pretrained' tiny KoGPT2-like directory (random weights + the tokenizer) to fine-tune from."""
    from generator.model import GeneratorConfig, ResponseGenerator

    directory = tmp_path / "tiny-kogpt2"
    ResponseGenerator(tiny_gpt2(seed=0), gpt2_tokenizer, GeneratorConfig()).save_pretrained(directory)
    return directory


@pytest.fixture
def generator_train_argv(tiny_base_dir, fixture_data_dir) -> Callable[..., list[str]]:
    """generator_train_argv(output_dir, *extra) → `generator.train` argv fine-tuning `tiny_base_dir` on the fixture
    corpora (64-token turns, batches of 8, 15% validation, 15% test, seed 1), plus `extra` (epochs, --resume …)."""

    def argv(output_dir: Path, *extra: str) -> list[str]:
        return [
            "--model_dir",
            str(tiny_base_dir),
            "--data_dir",
            str(fixture_data_dir),
            "--output_dir",
            str(output_dir),
            "--max_seq_len",
            "64",
            "--train_batch_size",
            "8",
            "--validation_split",
            "0.15",
            "--test_split",
            "0.15",
            "--seed",
            "1",
            *extra,
        ]

    return argv


@pytest.fixture(scope="session")
def memoriser():
    """`memorise(model, tokenizer, triples, steps, lr)`: teach a tiny model exact replies."""
    return memorise
