"""The responder contract: both backends are `Responder`s, take the same `GenerationOptions`, save with one
signature and load through `load_responder`, which reads the saved `backend` key."""

import json

import pytest
import torch

from generator import GenerationOptions, Responder, RetrievalResponder, load_responder
from generator.loading import checkpoint_problem, saved_backend
from generator.model import GeneratorConfig, ResponseGenerator


@pytest.fixture(scope="module")
def retrieval(memorised_triples):
    """A reply bank of the same (message, emotion, reply) triples the KoGPT2 fixture has learnt."""
    return RetrievalResponder([(message, reply, emotion) for message, emotion, reply in memorised_triples])


@pytest.fixture()
def kogpt2(gpt2_tokenizer, tiny_model_factory):
    return ResponseGenerator(
        tiny_model_factory(seed=7), gpt2_tokenizer, GeneratorConfig(max_new_tokens=8)
    ).to_inference("cpu")


def test_both_backends_are_responders(kogpt2, retrieval):
    assert isinstance(kogpt2, Responder) and isinstance(retrieval, Responder)
    assert not isinstance(object(), Responder)
    assert kogpt2.generation_defaults.given() == {
        "temperature": 0.7,
        "top_p": 0.9,
        "top_k": 50,
        "max_new_tokens": 8,
        "min_new_tokens": 1,
        "repetition_penalty": 1.2,
        "no_repeat_ngram_size": 3,
        "do_sample": True,
    }
    assert retrieval.generation_defaults.given() == {}  # it picks written replies: no text options


def test_options_drop_none_normalise_values_and_name_an_unknown_option():
    options = GenerationOptions.of({"temperature": None, "top_p": 1, "max_new_tokens": 48.0, "seed": 3})
    assert options.given() == {"top_p": 1.0, "max_new_tokens": 48, "seed": 3}
    assert isinstance(options.given()["max_new_tokens"], int) and isinstance(options.given()["top_p"], float)
    assert GenerationOptions(top_k=5).over(GenerationOptions(top_k=50, temperature=0.7)) == GenerationOptions(
        top_k=5, temperature=0.7
    )
    with pytest.raises(
        TypeError, match=r"^unknown generation option 'temprature'; expected some of temperature, "
    ) as raised:
        GenerationOptions.of({"temprature": 0.5, "top_p": 0.9})
    assert "\n" not in str(raised.value)
    for bad, message in (
        ({"max_new_tokens": 4.5}, "max_new_tokens=4.5: expected a whole number"),
        ({"do_sample": 1}, "do_sample=1: expected True or False"),
        ({"temperature": "hot"}, "temperature='hot': expected a number"),
    ):
        with pytest.raises(TypeError, match=message):
            GenerationOptions.of(bad)


@pytest.mark.parametrize("backend", ["kogpt2", "retrieval"])
def test_both_backends_reject_an_unknown_option_and_accept_every_known_one(backend, kogpt2, retrieval):
    responder = kogpt2 if backend == "kogpt2" else retrieval
    with pytest.raises(TypeError, match="unknown generation option 'beam_width'"):
        responder.generate("오늘 시험에 떨어졌어", "슬픔", beam_width=4)
    every = {
        "temperature": 0.9,
        "top_p": 0.95,
        "top_k": 3,
        "max_new_tokens": 6,
        "min_new_tokens": 2,
        "repetition_penalty": 1.1,
        "no_repeat_ngram_size": 2,
        "do_sample": True,
        "seed": 1,
    }
    assert isinstance(responder.generate("오늘 시험에 떨어졌어", "슬픔", **every), str)


# kogpt2 is slow (a second of sampling): test_candidates.py covers seeded draws on a tiny GPT-2 in less time
@pytest.mark.parametrize("backend", [pytest.param("kogpt2", marks=pytest.mark.slow), "retrieval"])
def test_a_seed_makes_replies_reproducible(backend, kogpt2, retrieval):
    responder = kogpt2 if backend == "kogpt2" else retrieval
    # kogpt2 samples the whole vocabulary (top_p 1.0 skips the nucleus sort of 51,200 logits): the seed is the subject
    options = (
        {"temperature": 1.5, "top_k": 0, "top_p": 1.0} if backend == "kogpt2" else {"temperature": 5.0, "top_k": 0}
    )
    replies = {
        seed: responder.generate_candidates("오늘 시험에 떨어졌어", "슬픔", n=3, seed=seed, **options)
        for seed in range(6)
    }
    assert len({tuple(r) for r in replies.values()}) > 1  # really drawn at random
    for seed, expected in replies.items():
        assert responder.generate_candidates("오늘 시험에 떨어졌어", "슬픔", n=3, seed=seed, **options) == expected
        assert responder.generate("오늘 시험에 떨어졌어", "슬픔", seed=seed, **options) == responder.generate(
            "오늘 시험에 떨어졌어", "슬픔", seed=seed, **options
        )


def test_the_constructor_leaves_the_model_alone(gpt2_tokenizer, tiny_model_factory):
    model = tiny_model_factory(seed=0).train().to(torch.float64)
    generator = ResponseGenerator(model, gpt2_tokenizer)
    assert generator.model is model and model.training and next(model.parameters()).dtype == torch.float64
    assert generator.to_inference("cpu") is generator
    assert not model.training and next(model.parameters()).dtype == torch.float64  # fp32/fp64 stay on CPU


def test_kogpt2_save_load_round_trip_with_training_args_and_metrics(kogpt2, tmp_path):
    kogpt2.save_pretrained(tmp_path / "gen", training_args={"learning_rate": 5e-5}, metrics={"loss": 1.5})
    assert json.loads((tmp_path / "gen" / "training_args.json").read_text()) == {"learning_rate": 5e-5}
    assert json.loads((tmp_path / "gen" / "metrics.json").read_text()) == {"loss": 1.5}
    assert saved_backend(tmp_path / "gen") == "kogpt2" and checkpoint_problem(tmp_path / "gen") is None
    loaded = load_responder(tmp_path / "gen", device="cpu")
    assert type(loaded) is ResponseGenerator and loaded.config == kogpt2.config
    ids = torch.tensor([kogpt2.prompt_ids("안녕", "기쁨")])
    with torch.inference_mode():
        assert torch.allclose(loaded.model(ids).logits, kogpt2.model(ids).logits, atol=1e-5)
    assert loaded.generate("안녕", "기쁨", seed=4) == kogpt2.generate("안녕", "기쁨", seed=4)


def test_retrieval_save_load_round_trip_with_training_args(retrieval, tmp_path):
    retrieval.save_pretrained(tmp_path / "bank", training_args={"data_files": ["a.csv"]})
    assert json.loads((tmp_path / "bank" / "training_args.json").read_text()) == {"data_files": ["a.csv"]}
    assert not (tmp_path / "bank" / "metrics.json").exists()
    assert saved_backend(tmp_path / "bank") == "retrieval" and checkpoint_problem(tmp_path / "bank") is None
    loaded = load_responder(tmp_path / "bank", device="cpu", quantize=True)  # KoGPT2 options: ignored here
    assert type(loaded) is RetrievalResponder and loaded.entries == retrieval.entries
    for seed in range(3):
        assert loaded.generate_candidates("시험에 떨어졌어", "슬픔", n=2, seed=seed) == retrieval.generate_candidates(
            "시험에 떨어졌어", "슬픔", n=2, seed=seed
        )


def test_the_saved_backend_key_decides_and_a_bad_one_is_named(retrieval, tmp_path):
    retrieval.save_pretrained(tmp_path / "bank")
    config = tmp_path / "bank" / "responder_config.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "backend": "seq2seq"}))
    with pytest.raises(ValueError, match=r"config.json: backend 'seq2seq'; expected one of kogpt2, retrieval"):
        load_responder(tmp_path / "bank")


def test_checkpoint_problem_says_what_is_missing(tmp_path):
    assert (
        checkpoint_problem(tmp_path / "gen")
        == f"no {tmp_path / 'gen'}/ — train with `python -m generator.train --output_dir {tmp_path / 'gen'}`"
    )
    (tmp_path / "gen").mkdir()
    assert (
        checkpoint_problem(tmp_path / "gen")
        == f"{tmp_path / 'gen'}/ has no generator_config.json or responder_config.json"
    )
    GeneratorConfig().to_json_file(tmp_path / "gen" / "generator_config.json")
    assert checkpoint_problem(tmp_path / "gen") == f"{tmp_path / 'gen'}/ has no *.safetensors weights"
