"""`generate_candidates` (several sampled replies in one batched call) and the emotion-control measurement of
`generator.emotion_control`, on tiny GPT-2 models (tests/generator/conftest.py)."""

import pytest

from classifier.prediction import Prediction
from generator import emotion_control
from generator.model import GeneratorConfig, ResponseGenerator

SAMPLING = {"temperature": 1.5, "top_p": 1.0, "top_k": 0, "max_new_tokens": 10}  # wide: a random model's draws differ


@pytest.fixture(scope="module")
def random_generator(gpt2_tokenizer, tiny_model_factory):
    return ResponseGenerator(tiny_model_factory(seed=11), gpt2_tokenizer).to_inference("cpu")


def test_candidates_come_from_one_batched_generate_call(random_generator, monkeypatch):
    calls = []
    real = random_generator.model.generate

    def counting(**kwargs):
        calls.append(kwargs["input_ids"].shape)
        return real(**kwargs)

    monkeypatch.setattr(random_generator.model, "generate", counting)
    candidates = random_generator.generate_candidates("오늘 너무 힘들었어", "슬픔", n=4, seed=3, **SAMPLING)
    assert len(candidates) == 4 and all(isinstance(c, str) for c in candidates)
    assert len(calls) == 1 and calls[0][0] == 4


def test_seeded_candidates_are_reproducible_and_different_draws(random_generator):
    first = random_generator.generate_candidates(
        ["안녕", "반가워요.", "요즘 잠을 못 자"], "불안", n=4, seed=5, **SAMPLING
    )
    assert (
        random_generator.generate_candidates(["안녕", "반가워요.", "요즘 잠을 못 자"], "불안", n=4, seed=5, **SAMPLING)
        == first
    )
    assert len(set(first)) > 1  # each candidate is its own draw
    assert random_generator.generate_candidates(
        "요즘 잠을 못 자", "불안", n=4, seed=6, **SAMPLING
    ) != random_generator.generate_candidates("요즘 잠을 못 자", "불안", n=4, seed=5, **SAMPLING)
    # n=1 is the seeded generate(); greedy gives n copies of the greedy reply
    assert random_generator.generate_candidates("요즘 잠을 못 자", "불안", n=1, seed=5, **SAMPLING) == [
        random_generator.generate("요즘 잠을 못 자", "불안", seed=5, **SAMPLING)
    ]
    greedy = random_generator.generate("요즘 잠을 못 자", "불안", do_sample=False, max_new_tokens=10)
    assert (
        random_generator.generate_candidates("요즘 잠을 못 자", "불안", n=3, do_sample=False, max_new_tokens=10)
        == [greedy] * 3
    )


def test_a_trained_model_puts_its_learnt_reply_among_the_candidates(trained_generator, memorised_triples):
    message, emotion, reply = memorised_triples[0]
    assert reply in trained_generator.generate_candidates(message, emotion, n=4, seed=0)


def test_candidate_options_are_checked(random_generator):
    with pytest.raises(ValueError, match="n=0"):
        random_generator.generate_candidates("안녕", n=0)
    with pytest.raises(TypeError, match="unknown generation option"):
        random_generator.generate_candidates("안녕", n=2, beams=3)


# ----------------------------------------------------------------------------------------------- emotion control
def test_read_back_lift_is_zero_without_control_and_one_with_full_control():
    tags = ["기쁨", "슬픔", "분노"]
    emotions = [t for _ in range(4) for t in tags]
    perfect = emotion_control.read_back(tags, emotions, emotions)
    assert (perfect["accuracy"], perfect["lift"], perfect["chance"]) == (1.0, 1.0, pytest.approx(1 / 3))
    assert perfect["per_tag"] == dict.fromkeys(tags, 1.0) and perfect["confusion"] == {t: {t: 4} for t in tags}
    always_joy = emotion_control.read_back(tags, emotions, ["기쁨"] * len(emotions))  # a biased reader, no control
    assert always_joy["lift"] == 0.0 and always_joy["accuracy"] == pytest.approx(1 / 3)


class LookupReader:
    """Reads a reply's emotion from a table (unknown replies: 일상) — a reader whose readings we know."""

    def __init__(self, table: dict[str, str], labels: list[str]):
        self.table, self.labels = table, labels

    def predict(self, texts):
        return [Prediction(self.table.get(t, "일상"), 1.0, {}) for t in texts]


def test_emotion_control_shows_control_on_a_model_that_learnt_the_tags(trained_generator, memorised_triples):
    """The memorised model answers each message differently under its two trained tags; a reader that knows
    those replies reads the tag back, so the lift is clearly above 0."""
    pairs = {}
    for message, emotion, reply in memorised_triples:
        pairs.setdefault(message, []).append((emotion, reply))
    messages = list(pairs)[:6]
    table = {reply: emotion for message in messages for emotion, reply in pairs[message]}
    original = trained_generator.config
    trained_generator.config = GeneratorConfig(emotions=["기쁨", "슬픔", "분노", "불안", "우울", "일상", "none"])
    try:
        control = emotion_control.emotion_control(
            trained_generator,
            {"lookup": LookupReader(table, sorted(set(table.values()) | {"일상"}))},
            messages,
            batch_size=16,
            max_new_tokens=24,
        )
    finally:
        trained_generator.config = original
    assert control["tags"] == ["기쁨", "슬픔", "분노", "불안", "우울", "일상"] and control["decoding"] == "greedy"
    assert control["changed_share"] > 0.3 and control["distinct_replies_per_message"] >= 2
    assert control["readers"]["lookup"]["lift"] > 0.1 and control["lift"] == control["readers"]["lookup"]["lift"]
    assert control["examples"][0]["message"] == messages[0] and "read_by_lookup" in control["examples"][0]


class TagBlindGenerator:
    """Answers every tag the same way: what a generator without emotion control does."""

    config = GeneratorConfig(emotions=["기쁨", "슬픔", "분노", "none"])

    def generate_batch(self, contexts, emotions, batch_size=16, **options):
        return [f"그랬군요. {context}" for context in contexts]


def test_emotion_control_reads_zero_for_a_tag_blind_generator():
    reader = LookupReader({}, ["기쁨", "슬픔", "분노", "일상"])
    control = emotion_control.emotion_control(
        TagBlindGenerator(), {"lookup": reader}, ["안녕", "배고파"], batch_size=8
    )
    assert control["changed_share"] == 0.0 and control["distinct_replies_per_message"] == 1.0
    assert control["lift"] == 0.0 and control["readers"]["lookup"]["accuracy"] == pytest.approx(0.0)


@pytest.mark.slow
def test_the_light_reader_is_independent_and_reads_six_emotions():
    reader = emotion_control.light_reader()
    assert set(reader.labels) == {"일상", "기쁨", "분노", "불안", "슬픔", "우울"}
    assert emotion_control.light_reader() is reader  # fitted once per process
