"""Chatbot: safety → classify → respond, with injected parts (call recording) and the real offline default."""
import logging
import re

import pytest

from chatbot import CRISIS_REPLY, Chatbot, Reply
from chatbot.engine import EMPTY_GENERATION_REPLY, find_full_checkpoints
from chatbot.text import EMPTY_MESSAGE_REPLY
from classifier.prediction import Prediction


class RecordingClassifier:
    labels = ["기쁨", "슬픔"]

    def __init__(self):
        self.calls = []

    def predict(self, text):
        self.calls.append(text)
        happy = 0.8 if "좋" in text else 0.3
        return Prediction.from_probabilities(self.labels, [happy, 1 - happy])


class RecordingResponder:
    def __init__(self, reply="그랬군요. 더 이야기해 주세요."):
        self.reply, self.calls = reply, []

    def generate(self, context, emotion=None, **options):
        self.calls.append((context, emotion, options))
        return self.reply

    def stream(self, context, emotion=None, **options):
        self.calls.append((context, emotion, options))
        yield from re.findall(r"\S+\s*", self.reply)  # word by word


@pytest.fixture
def parts():
    return RecordingClassifier(), RecordingResponder()


def test_reply_classifies_then_generates_with_the_emotion(parts):
    classifier, responder = parts
    bot = Chatbot(classifier, responder, "test")
    reply = bot.reply("오늘 기분 좋아", temperature=0.5, top_p=None)
    assert reply == Reply("그랬군요. 더 이야기해 주세요.", "기쁨", {"기쁨": 0.8, "슬픔": pytest.approx(0.2)}, False, "test", None)
    assert classifier.calls == ["오늘 기분 좋아"]
    assert responder.calls == [(["오늘 기분 좋아"], "기쁨", {"temperature": 0.5})]  # None options are dropped


def test_history_with_string_or_parts_content_reaches_the_responder(parts):
    classifier, responder = parts
    history = [{"role": "user", "content": [{"type": "text", "text": "안녕"}]},
               {"role": "assistant", "content": "반가워요"}]
    Chatbot(classifier, responder).reply("슬픈 일이 있었어", history)
    assert responder.calls[0][0] == ["안녕", "반가워요", "슬픈 일이 있었어"]
    assert responder.calls[0][1] == "슬픔"


def test_empty_message_gets_a_friendly_prompt_and_no_model_call(parts):
    classifier, responder = parts
    bot = Chatbot(classifier, responder)
    for message in ("", "   ", "\x00\n"):
        reply = bot.reply(message)
        assert reply.text == EMPTY_MESSAGE_REPLY and reply.emotion is None and not reply.safety
    assert classifier.calls == [] and responder.calls == []


def test_crisis_gets_the_fixed_reply_and_the_generator_is_never_called(parts):
    classifier, responder = parts
    bot = Chatbot(classifier, responder, "test")
    reply = bot.reply("요즘 그냥 죽고 싶어")
    assert reply.text == CRISIS_REPLY and reply.safety and reply.emotion in classifier.labels
    assert list(bot.stream("유서를 써 놨어"))[-1].safety
    assert responder.calls == []


def test_crisis_reply_goes_out_even_when_the_classifier_fails():
    class BrokenClassifier:
        def predict(self, text):
            raise RuntimeError("model not loaded")

    reply = Chatbot(BrokenClassifier(), RecordingResponder()).reply("사라지고 싶어")
    assert reply.safety and reply.text == CRISIS_REPLY and reply.emotion is None


def test_long_message_is_truncated_with_a_note(parts):
    classifier, responder = parts
    reply = Chatbot(classifier, responder, max_message_chars=20).reply("좋" * 50)
    assert classifier.calls == ["좋" * 20] and responder.calls[0][0] == ["좋" * 20]
    assert "20자" in reply.note


def test_stream_yields_increments_then_the_final_reply(parts):
    classifier, responder = parts
    items = list(Chatbot(classifier, responder).stream("좋은 하루"))
    *pieces, final = items
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)
    assert isinstance(final, Reply) and "".join(pieces) == final.text == responder.reply


def test_an_empty_generation_is_replaced_and_noted(parts):
    classifier, _ = parts
    reply = Chatbot(classifier, RecordingResponder(reply="  ")).reply("좋아")
    assert reply.text == EMPTY_GENERATION_REPLY and reply.note


def test_parts_without_the_api_are_rejected():
    with pytest.raises(TypeError, match="classifier must have a predict"):
        Chatbot(object(), RecordingResponder())


# ----------------------------------------------------------------------------------------- offline default
@pytest.fixture(scope="module")
def offline_bot(tmp_path_factory):
    return Chatbot.offline(checkpoints_dir=tmp_path_factory.mktemp("no_checkpoints"))


def test_offline_default_answers_the_demo_emotions(offline_bot):
    reply = offline_bot.reply("시험에 합격해서 정말 기뻐!")
    assert reply.engine == "offline" and reply.emotion == "기쁨" and reply.text and not reply.safety
    assert set(reply.scores) == {"일상", "기쁨", "분노", "불안", "슬픔", "우울"}
    assert sum(reply.scores.values()) == pytest.approx(1.0)


def test_offline_replies_vary_between_turns(offline_bot):
    history, replies = [], []
    for _ in range(4):
        reply = offline_bot.reply("요즘 너무 우울하고 무기력해", history)
        replies.append(reply.text)
        history += [{"role": "user", "content": "요즘 너무 우울하고 무기력해"}, {"role": "assistant", "content": reply.text}]
    assert len(set(replies)) == 4, replies


def test_offline_answers_any_unicode(offline_bot):
    for message in ("🙂🙂🙂", "心配です", "¿qué tal? 👋", "ㅋㅋㅋㅋ"):
        reply = offline_bot.reply(message)
        assert reply.text and reply.emotion is not None


def test_offline_uses_replies_from_data_files(tmp_path):
    data_file = tmp_path / "ChatbotData.csv"
    data_file.write_text("Q,A,label\n고양이가 밥을 안 먹어,고양이 전용 상담소에 가 보세요 야옹,0\n"
                         "비가 와서 우울해,빗소리를 들으며 따뜻한 차 한잔 어때요,1\n", encoding="utf-8")
    bot = Chatbot.offline(data_files=[data_file], checkpoints_dir=tmp_path / "none")
    assert bot.reply("고양이가 밥을 안 먹어요", seed=0, do_sample=False).text == "고양이 전용 상담소에 가 보세요 야옹"


def test_offline_loads_a_saved_light_classifier(tmp_path):
    from classifier import LightEmotionClassifier

    texts = ["맑음 좋아", "햇빛 최고", "맑은 날", "비가 와", "흐린 날씨", "비 오는 날"] * 3
    LightEmotionClassifier().fit(texts, ["맑음", "맑음", "맑음", "비", "비", "비"] * 3).save_pretrained(tmp_path / "light")
    bot = Chatbot.offline(checkpoints_dir=tmp_path)
    assert set(bot.reply("비가 와서 기분이 그래").scores) == {"맑음", "비"}


def test_default_picks_offline_without_checkpoints_and_says_why(tmp_path, caplog):
    (tmp_path / "classifier").mkdir()
    assert find_full_checkpoints(tmp_path) == (False, f"{tmp_path / 'classifier'}/ has no classifier_config.json or light_config.json")
    with caplog.at_level(logging.INFO, logger="chatbot.engine"):
        bot = Chatbot.default(checkpoints_dir=tmp_path)
    assert bot.engine == "offline"
    assert any("offline default" in record.getMessage() and "classifier" in record.getMessage()
               for record in caplog.records)


def test_offline_answers_from_the_real_wellness_file(shared_data_dir, tmp_path):
    import data

    wellness_file = shared_data_dir / "wellness" / "wellness_dialog_dataset.csv"
    wellness = data.load_any(wellness_file)
    bot = Chatbot.offline(data_files=[wellness_file], checkpoints_dir=tmp_path)
    example = next(d for d in wellness.dialogues if len(d.message) > 15)
    replies_to_it = {d.reply for d in wellness.dialogues if d.message == example.message}
    assert bot.reply(example.message, do_sample=False).text in replies_to_it


def test_from_pretrained_warns_when_classifier_labels_are_not_generator_tags(caplog):
    classifier, responder = RecordingClassifier(), RecordingResponder()
    responder.config = type("Config", (), {"emotions": ["기쁨", "분노", "none"]})()  # trained without 슬픔
    with caplog.at_level(logging.WARNING, logger="chatbot.engine"):
        Chatbot.from_pretrained(classifier=classifier, generator=responder)
    assert "['슬픔']" in caplog.text and "none" in caplog.text


def test_from_pretrained_names_the_engine_by_what_was_loaded(parts):
    bot = Chatbot.from_pretrained(classifier=parts[0], generator=parts[1])
    assert bot.engine == "custom" and "RecordingClassifier + RecordingResponder" in bot.description
    assert bot.reply("좋은 하루").engine == "custom"


def test_sampling_defaults_only_where_the_responder_samples():
    from chatbot import Chatbot
    from generator.retrieval import RetrievalResponder

    class Sampler:
        uses_sampling_options = True

        class config:  # noqa: N801 — stands in for GeneratorConfig
            temperature, top_p, max_new_tokens, top_k = 0.7, 0.9, 48, 50

        def generate(self, context, emotion=None, **options):
            return "네"

        def stream(self, context, emotion=None, **options):
            yield "네"

    class Labeller:
        labels = ["일상"]

        def predict(self, text):
            from classifier.prediction import Prediction
            return Prediction("일상", 1.0, {"일상": 1.0})

    assert Chatbot(Labeller(), Sampler()).sampling_defaults == {"temperature": 0.7, "top_p": 0.9, "max_new_tokens": 48}
    retrieval = RetrievalResponder([("안녕", "안녕하세요", "일상")])
    assert Chatbot(Labeller(), retrieval).sampling_defaults == {}
