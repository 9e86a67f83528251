"""The full engine through Chatbot: tiny random-initialised KoBERT classifier + tiny KoGPT2 generator, built with
the other packages' public APIs and the real tokenizers, saved to tmp_path and loaded by `Chatbot.from_pretrained`
and `Chatbot.default`. Tests the wiring (not reply quality: the weights are random)."""

import pytest

from chatbot import CRISIS_REPLY, Chatbot, Reply

pytestmark = pytest.mark.slow  # builds and saves two models over the real tokenizers, then serves them
EMOTIONS = ["일상", "기쁨", "분노", "불안", "슬픔", "우울"]


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory, kobert_tokenizer_dir, kogpt2_tokenizer_dir):
    import torch
    from transformers import GPT2LMHeadModel

    from classifier import EmotionClassifier, load_kobert_tokenizer
    from classifier.tokenization import kobert_config
    from generator import GeneratorConfig, ResponseGenerator, load_kogpt2_tokenizer
    from generator.tokenization import kogpt2_config

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("checkpoints")
    bert = kobert_config(
        hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, max_position_embeddings=128
    )
    EmotionClassifier.from_config(
        bert, load_kobert_tokenizer(kobert_tokenizer_dir), EMOTIONS, device="cpu"
    ).save_pretrained(root / "classifier")
    ResponseGenerator(
        GPT2LMHeadModel(kogpt2_config(n_embd=32, n_layer=2, n_head=2, n_positions=128)),
        load_kogpt2_tokenizer(kogpt2_tokenizer_dir),
        GeneratorConfig(max_seq_len=96, max_new_tokens=8),
    ).save_pretrained(root / "generator")
    return root


@pytest.fixture(scope="module")
def full_bot(checkpoints):
    return Chatbot.from_pretrained(
        classifier=checkpoints / "classifier", responder=checkpoints / "generator", device="cpu"
    )


def test_from_pretrained_replies_with_all_emotion_scores(full_bot):
    history = [
        {"role": "user", "content": "안녕"},
        {"role": "assistant", "content": [{"type": "text", "text": "반가워요"}]},
    ]
    reply = full_bot.reply("오늘 회사에서 너무 힘들었어", history, max_new_tokens=6, seed=0)
    assert isinstance(reply, Reply) and reply.engine == "full" and not reply.safety
    assert reply.text.strip() and reply.emotion in EMOTIONS
    assert set(reply.scores) == set(EMOTIONS) and sum(reply.scores.values()) == pytest.approx(1.0, abs=1e-4)


def test_full_engine_streams_increments_that_join_to_the_reply(full_bot):
    *pieces, final = list(full_bot.stream("주말에 뭐 하지", max_new_tokens=8, seed=1))
    assert isinstance(final, Reply) and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == final.text or final.note  # an empty generation is replaced and noted


def test_the_full_engine_draws_no_second_round_of_samples(full_bot, checkpoints):
    assert full_bot.more_candidates == 0  # refused samples lead to an open question, not 16 more generations
    wider = Chatbot.from_pretrained(
        classifier=checkpoints / "classifier", responder=checkpoints / "generator", device="cpu", more_candidates=8
    )
    assert wider.more_candidates == 8  # still the caller's to choose


def test_full_engine_never_generates_a_crisis_reply(full_bot):
    reply = full_bot.reply("자해하고 싶어")
    assert reply.safety and reply.text == CRISIS_REPLY


def test_default_picks_the_full_engine_when_checkpoints_are_there(checkpoints):
    bot = Chatbot.default(checkpoints_dir=checkpoints, device="cpu")
    assert bot.engine == "full"
    assert bot.reply("안녕하세요", max_new_tokens=4).engine == "full"


def test_the_app_serves_the_full_engine_with_its_sampling_controls(full_bot, tmp_path):
    """The UI's temperature / top-p / max-new-tokens reach ResponseGenerator without an option error."""
    import os
    import socket

    from gradio_client import Client

    import app

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    blocks, local_url, _ = app.launch(app.parse_args(["--port", str(port)]), chatbot=full_bot)
    try:
        text, emotion, _ = Client(local_url, verbose=False).predict("오늘 좀 우울해", 0.7, 0.8, 8, api_name="/chat")
        assert text.strip() and set(emotion) == set(EMOTIONS)
        banner = next(c for c in blocks.config["components"] if c["props"].get("elem_id") == "engine-banner")
        assert "전체 엔진" in banner["props"]["value"]  # the banner names the engine
    finally:
        blocks.close()
