"""ResponseGenerator behaviour on a tiny GPT-2 that memorised 20 (message, emotion, reply) triples (conftest.py)."""

import json
from pathlib import Path

import pytest
import torch

from generator.loading import load_responder
from generator.model import CONFIG_NAME, GeneratorConfig, ResponseGenerator
from training.files import METRICS_FILE, TRAINING_ARGS_FILE

MEMORISED = json.loads((Path(__file__).parent / "memorised_triples.json").read_text("utf-8"))  # conftest.TRIPLES
TRIPLES = [tuple(MEMORISED[i]) for i in (0, 1, 8, 9)]  # spot checks: two messages, each under two emotions


def test_generates_the_memorised_reply_for_message_and_emotion(trained_generator, memorised_triples):
    ALL = memorised_triples

    replies = [trained_generator.generate(message, emotion, do_sample=False) for message, emotion, _ in ALL]
    assert replies == [reply for _, _, reply in ALL]
    # the tag matters: the same message gives different replies under different tags
    assert trained_generator.generate(ALL[0][0], ALL[0][1], do_sample=False) != trained_generator.generate(
        ALL[1][0], ALL[1][1], do_sample=False
    )


def test_batched_equals_single_under_greedy(trained_generator):
    contexts = (
        [["안녕", "반가워요.", m] for m, _, _ in TRIPLES[:2]]
        + [m for m, _, _ in TRIPLES[2:]]
        + ["처음 보는 아주 긴 문장 " * 3]
    )
    emotions = [e for _, e, _ in TRIPLES] + [None]
    single = [
        trained_generator.generate(c, e, do_sample=False, max_new_tokens=24)
        for c, e in zip(contexts, emotions, strict=True)
    ]
    batched = trained_generator.generate_batch(contexts, emotions, do_sample=False, max_new_tokens=24, batch_size=8)
    assert batched == single
    assert trained_generator.generate_batch([TRIPLES[2][0]] * 2, "일상", do_sample=False) == [TRIPLES[2][2]] * 2


def test_random_model_batched_equals_single(gpt2_tokenizer, tiny_model_factory):
    generator = ResponseGenerator(tiny_model_factory(seed=3), gpt2_tokenizer).to_inference("cpu")
    contexts = ["짧아", "조금 더 긴 문장으로 물어볼게요 괜찮을까요", ["첫 턴", "대답", "둘째 턴"]]
    single = [generator.generate(c, "기쁨", do_sample=False, max_new_tokens=12) for c in contexts]
    assert generator.generate_batch(contexts, "기쁨", do_sample=False, max_new_tokens=12) == single


@pytest.mark.parametrize("options", [{"do_sample": False}, {"seed": 7, "temperature": 1.3, "top_p": 1.0, "top_k": 0}])
def test_stream_increments_join_to_the_reply(trained_generator, options):
    for message, emotion, _ in TRIPLES:
        pieces = list(trained_generator.stream(message, emotion, **options))
        assert "".join(pieces) == trained_generator.generate(message, emotion, **options)
    pieces = list(trained_generator.stream(TRIPLES[0][0], TRIPLES[0][1], do_sample=False))
    assert pieces == ["정말 축하해요!", " 노력한 보람이 있네요."]  # streamed sentence by sentence


def test_stream_on_untrained_model_joins_even_when_cut_off(gpt2_tokenizer, tiny_model_factory):
    generator = ResponseGenerator(tiny_model_factory(seed=5), gpt2_tokenizer).to_inference("cpu")
    for seed in range(4):
        options = {"seed": seed, "max_new_tokens": 15, "temperature": 1.5}
        assert "".join(generator.stream("아무 말", None, **options)) == generator.generate("아무 말", None, **options)


def favouring(model, ids, boost: float = 100.0):
    """`model` with `ids` pushed to the top of every step's logits (a forward hook on its head)."""
    model.lm_head.register_forward_hook(
        lambda module, inputs, output: output.index_add(
            -1, torch.tensor(ids), torch.full((*output.shape[:-1], len(ids)), boost)
        )
    )
    return model


def generated_ids(generator, *args, **options) -> list[int]:
    """The reply ids `generator.generate(*args, **options)` produced (its `model.generate` output, prompt cut)."""
    outputs = []
    generate = generator.model.generate

    def recording_generate(**kwargs):
        outputs.append((kwargs["input_ids"].shape[1], generate(**kwargs)))
        return outputs[-1][1]

    generator.model.generate = recording_generate
    try:
        generator.generate(*args, **options)
    finally:
        del generator.model.generate
    width, output = outputs[0]
    return output[0, width:].tolist()


def test_never_emits_structural_or_out_of_vocab_ids(gpt2_tokenizer, tiny_model_factory):
    favoured = [0, 2, 3, 4, 5, 10, 51199]  # <s> <usr> <pad> <sys> <unk> <unused1>, and the last id
    generator = ResponseGenerator(favouring(tiny_model_factory(seed=1), favoured), gpt2_tokenizer).to_inference("cpu")
    new = generated_ids(generator, "안녕", "기쁨", do_sample=False, max_new_tokens=10, min_new_tokens=10)
    assert len(new) == 10 and not set(new) & set(favoured[:-1])
    assert max(new) < len(gpt2_tokenizer) and 50256 not in new


def test_min_new_tokens_holds_off_the_end_of_the_reply(gpt2_tokenizer, tiny_model_factory):
    generator = ResponseGenerator(favouring(tiny_model_factory(seed=2), [1]), gpt2_tokenizer).to_inference("cpu")
    default = generated_ids(generator, "안녕", None, do_sample=False)
    assert len(default) == 2 and default[1] == 1  # </s> as soon as it may: after one token
    held = generated_ids(generator, "안녕", None, do_sample=False, max_new_tokens=12, min_new_tokens=7)
    assert len(held) == 8 and 1 not in held[:7] and held[7] == 1  # </s> right after the seventh token
    with pytest.raises(ValueError, match="min_new_tokens=13"):
        generator.generate("안녕", max_new_tokens=12, min_new_tokens=13)


def test_save_load_same_logits_and_ids(trained_generator, tmp_path, saved_file_names):
    trained_generator.save_pretrained(tmp_path / "gen")
    files = saved_file_names(tmp_path / "gen")  # none of them a pickle
    assert {"model.safetensors", "config.json", "generation_config.json", "tokenizer.json", CONFIG_NAME} <= files
    assert not {TRAINING_ARGS_FILE, METRICS_FILE} & files  # written only when given
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # staging dir renamed away
    generation = json.loads((tmp_path / "gen" / "generation_config.json").read_text())
    assert (generation["bos_token_id"], generation["eos_token_id"], generation["pad_token_id"]) == (1, 1, 3)
    loaded = load_responder(tmp_path / "gen", device="cpu")
    assert loaded.config == trained_generator.config
    prompt = loaded.prompt_ids(TRIPLES[0][0], TRIPLES[0][1], 8)
    assert prompt == trained_generator.prompt_ids(TRIPLES[0][0], TRIPLES[0][1], 8)
    ids = torch.tensor([prompt])
    with torch.inference_mode():
        assert torch.allclose(loaded.model(ids).logits, trained_generator.model(ids).logits, atol=1e-5)
    assert loaded.generate(TRIPLES[0][0], TRIPLES[0][1], do_sample=False) == TRIPLES[0][2]
    # saving again over the same directory replaces it atomically
    loaded.save_pretrained(tmp_path / "gen")
    assert (
        load_responder(tmp_path / "gen", device="cpu").generate(TRIPLES[1][0], TRIPLES[1][1], do_sample=False)
        == TRIPLES[1][2]
    )


def test_int8_loads_generates_and_keeps_quality(trained_generator, memorised_triples, tmp_path):
    from transformers.pytorch_utils import Conv1D

    trained_generator.save_pretrained(tmp_path / "gen")
    int8 = load_responder(tmp_path / "gen", device="cpu", quantize=True)
    modules = list(int8.model.modules())
    assert not any(isinstance(m, Conv1D) for m in modules)
    assert (
        sum(m._get_name() in ("DynamicQuantizedLinear", "_Int8WeightOnlyLinear") for m in modules) == 2 * 4 + 1
    )  # 4 projections × 2 layers + head
    ALL = memorised_triples
    fp32_loss = sum(trained_generator.loss(m, e, r) for m, e, r in ALL) / len(ALL)
    int8_loss = sum(int8.loss(m, e, r) for m, e, r in ALL) / len(ALL)
    assert int8_loss < fp32_loss + 0.1  # tiny quality loss (exact figure: bench and README)
    matches = sum(int8.generate(m, e, do_sample=False) == r for m, e, r in ALL)
    assert matches >= 18
    with pytest.raises(ValueError, match="int8"):
        int8.save_pretrained(tmp_path / "again")


def test_options_are_checked(trained_generator):
    with pytest.raises(TypeError, match="temprature"):
        trained_generator.generate("안녕", temprature=0.5)
    with pytest.raises(ValueError, match="one emotion per context"):
        trained_generator.generate_batch(["a", "b"], ["기쁨"])
    with pytest.raises(ValueError, match="max_new_tokens"):
        trained_generator.generate("안녕", max_new_tokens=0)
    with pytest.raises(ValueError, match="context is empty"):
        trained_generator.generate([])
    reply = trained_generator.generate("처음 보는 말", "기쁨", do_sample=False, max_new_tokens=3)
    assert len(trained_generator.formatter.text_ids(reply)) <= 3


def test_config_json_round_trip_and_unknown_keys(tmp_path):
    config = GeneratorConfig(max_seq_len=64, emotions=["기쁨", "none"], temperature=0.5)
    config.to_json_file(tmp_path / "c.json")
    assert GeneratorConfig.from_json_file(tmp_path / "c.json") == config
    (tmp_path / "bad.json").write_text('{"temperatur": 1}')
    with pytest.raises(ValueError, match="temperatur"):
        GeneratorConfig.from_json_file(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError, match="config.json"):
        load_responder(tmp_path, device="cpu")


def test_unknown_emotion_tag_is_given_as_none_with_one_warning(trained_generator, memorised_triples, caplog):
    # a tag the model never trained on (a KETI classifier's '행복') must not be fed in as plain words
    generator = ResponseGenerator(trained_generator.model, trained_generator.tokenizer, GeneratorConfig())
    message = memorised_triples[0][0]
    with caplog.at_level("WARNING", logger="generator.model"):
        assert generator.prompt_ids(message, "행복", 16) == generator.prompt_ids(message, "none", 16)
        assert generator.generate(message, "행복", do_sample=False) == generator.generate(
            message, None, do_sample=False
        )
        list(generator.stream(message, "행복", do_sample=False))
    warnings = [r for r in caplog.records if "행복" in r.getMessage()]
    assert len(warnings) == 1  # once per tag, not per call
    # known tags are untouched; with no recorded emotions every tag passes through
    assert generator.prompt_ids(message, "기쁨", 16) != generator.prompt_ids(message, "none", 16)
    open_config = ResponseGenerator(trained_generator.model, trained_generator.tokenizer, GeneratorConfig(emotions=[]))
    assert open_config.prompt_ids(message, "행복", 16) != open_config.prompt_ids(message, "none", 16)


@pytest.mark.slow
def test_seeded_replies_are_reproducible_under_parallel_calls(gpt2_tokenizer, tiny_model_factory):
    from concurrent.futures import ThreadPoolExecutor

    generator = ResponseGenerator(tiny_model_factory(seed=5), gpt2_tokenizer).to_inference("cpu")
    options = {"max_new_tokens": 12, "temperature": 1.5}
    expected = {seed: generator.generate("아무 말", None, seed=seed, **options) for seed in range(6)}
    assert len(set(expected.values())) > 1  # really sampled

    def call(job):
        seed = job % 7
        if seed == 6:  # unseeded requests run beside the seeded ones
            return None, generator.generate("다른 말", None, **options)
        return seed, generator.generate("아무 말", None, seed=seed, **options)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(56)))
    assert [reply for seed, reply in results if seed is not None] == [
        expected[seed] for seed, _ in results if seed is not None
    ]
    # a seeded call leaves the process-global RNG alone (other requests are not reseeded)
    state = torch.get_rng_state()
    generator.generate("아무 말", None, seed=3, **options)
    assert torch.equal(torch.get_rng_state(), state)


def test_seeded_sampling_applies_top_k(trained_generator):
    for message, emotion, _ in TRIPLES:
        greedy = trained_generator.generate(message, emotion, do_sample=False)
        assert trained_generator.generate(message, emotion, seed=1, temperature=2.0, top_k=1) == greedy


def test_cuda_dtype_falls_back_when_bf16_is_unsupported(monkeypatch):
    from training.device import compute_dtype

    cuda, cpu = torch.device("cuda"), torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert compute_dtype(cuda) == torch.float32
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert compute_dtype(cuda) == torch.bfloat16
    assert compute_dtype(cpu) == torch.float32 and compute_dtype(cpu, cpu=True) == torch.bfloat16
