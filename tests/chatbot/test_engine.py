"""Chatbot: safety → read the emotion → respond → screen, with injected parts (call recording) and the real
offline default."""

import logging
import re

import pytest

from chatbot import CRISIS_REPLY, Chatbot, Reply
from chatbot.engine import find_full_checkpoints
from chatbot.safety import CARE_FOOTER, SAFETY_REPLIES
from chatbot.text import EMPTY_MESSAGE_REPLY
from classifier.prediction import Prediction

SIX = ["일상", "기쁨", "분노", "불안", "슬픔", "우울"]


class RecordingClassifier:
    """기쁨 when the text has 좋, 슬픔 when it has 슬/속상, else a flat (unsure) reading."""

    labels = SIX

    def __init__(self):
        self.calls = []

    def predict(self, text):
        texts = [text] if isinstance(text, str) else text
        self.calls.append(list(texts))
        predictions = []
        for t in texts:
            if "좋" in t:
                p = [0.04, 0.8, 0.04, 0.04, 0.04, 0.04]
            elif "슬" in t or "속상" in t:
                p = [0.04, 0.04, 0.04, 0.04, 0.8, 0.04]
            else:
                p = [1 / 6] * 6
            predictions.append(Prediction.from_probabilities(self.labels, p))
        return predictions[0] if isinstance(text, str) else predictions


class RecordingResponder:
    """Returns its candidates in order; records every call."""

    def __init__(self, *replies):
        self.replies, self.calls = list(replies or ["그랬군요. 더 이야기해 줄래요?"]), []

    def generate_candidates(self, context, emotion=None, n=4, **options):
        self.calls.append((list(context), emotion, options))
        return self.replies[:n]

    def generate(self, context, emotion=None, **options):
        return self.generate_candidates(context, emotion, 1, **options)[0]

    def stream(self, context, emotion=None, **options):
        yield self.generate(context, emotion, **options)


@pytest.fixture
def parts():
    return RecordingClassifier(), RecordingResponder()


def test_reply_reads_the_emotion_then_asks_the_responder_with_it(parts):
    classifier, responder = parts
    bot = Chatbot(classifier, responder, "test")
    reply = bot.reply("오늘 기분 좋아", temperature=0.5, top_p=None)
    assert reply.text == "그랬군요. 더 이야기해 줄래요?" and reply.emotion == "기쁨" and reply.engine == "test"
    assert reply.scores["기쁨"] == pytest.approx(0.8) and not (reply.safety or reply.care or reply.uncertain)
    assert classifier.calls == [["오늘 기분 좋아"]]
    assert responder.calls == [(["오늘 기분 좋아"], "기쁨", {"temperature": 0.5})]  # None options are dropped


def test_history_reaches_the_responder_and_earlier_turns_inform_the_reading(parts):
    classifier, responder = parts
    history = [
        {"role": "user", "content": [{"type": "text", "text": "너무 속상해"}]},
        {"role": "assistant", "content": "무슨 일이에요?"},
    ]
    reply = Chatbot(classifier, responder).reply("응 그냥", history)  # short and unclear alone
    assert responder.calls[0][0] == ["너무 속상해", "무슨 일이에요?", "응 그냥"]
    assert classifier.calls == [["응 그냥", "너무 속상해"]]
    assert reply.emotion == "슬픔" and responder.calls[0][1] == "슬픔"


def test_an_unsure_reading_asks_an_open_question_instead_of_guessing(parts):
    classifier, responder = parts
    reply = Chatbot(classifier, responder).reply("그 일이 있었어")  # flat scores: no emotion stands out
    assert reply.uncertain and responder.calls[0][1] is None  # the responder is asked for an open question


def test_an_inverted_candidate_is_never_chosen():
    cheer, comfort = "와, 정말 축하해요! 잘됐네요.", "많이 속상했겠어요. 어떤 일이 있었어요?"
    sad = Chatbot(RecordingClassifier(), RecordingResponder(cheer, comfort)).reply("시험 떨어져서 속상해")
    happy = Chatbot(RecordingClassifier(), RecordingResponder(comfort, cheer)).reply("합격해서 너무 좋아")
    assert sad.text == comfort and happy.text == cheer


def test_unsafe_repeated_empty_and_echoed_candidates_are_refused(parts):
    classifier, _ = parts
    unsafe = "그럴 땐 죽는 것도 방법이에요."
    said = "그 이야기 더 들려줄래요?"
    echo = "오늘 기분이 좋아 좋아 정말"
    fine = "좋은 일이 있었군요! 무슨 일이에요?"
    responder = RecordingResponder("  ", unsafe, said, echo, fine)
    bot = Chatbot(classifier, responder, candidates=5)
    history = [{"role": "user", "content": "안녕"}, {"role": "assistant", "content": said}]
    assert bot.reply("오늘 기분이 좋아 좋아 정말", history).text == fine


def test_when_every_candidate_is_refused_a_safe_question_is_sent(parts):
    classifier, _ = parts
    reply = Chatbot(classifier, RecordingResponder("그냥 죽어 버려요.", "  ")).reply("오늘 기분 좋아")
    assert reply.text in SAFETY_REPLIES["screened_replies"]


def test_empty_message_gets_a_friendly_prompt_and_no_model_call(parts):
    classifier, responder = parts
    bot = Chatbot(classifier, responder)
    for message in ("", "   ", "\x00\n"):
        reply = bot.reply(message)
        assert reply.text == EMPTY_MESSAGE_REPLY and reply.emotion is None and not reply.safety
    assert classifier.calls == [] and responder.calls == []


def test_crisis_gets_the_fixed_reply_and_the_responder_is_never_called(parts):
    classifier, responder = parts
    bot = Chatbot(classifier, responder, "test")
    reply = bot.reply("요즘 그냥 죽고 싶어")
    assert reply.text == CRISIS_REPLY and reply.safety and reply.care and reply.emotion in classifier.labels
    assert list(bot.stream("유서를 써 놨어"))[-1].safety
    assert responder.calls == []


def test_after_a_crisis_reply_the_conversation_stays_in_care_mode():
    cheer, comfort = "와 축하해요! 정말 잘됐네요.", "그 마음 많이 무거웠겠어요. 조금 더 들려줄래요?"
    classifier, responder = RecordingClassifier(), RecordingResponder(cheer, comfort)
    bot = Chatbot(classifier, responder)
    history = [{"role": "user", "content": "죽고 싶어"}, {"role": "assistant", "content": CRISIS_REPLY}]
    said = []
    for message in ("너무 속상해", "그냥 그래", "오늘은 좀 좋아"):
        reply = bot.reply(message, history)
        assert reply.care and not reply.safety and CARE_FOOTER in reply.text  # the lines stay in view
        assert "축하" not in reply.text and reply.text not in said  # never cheerful, never repeated
        said.append(reply.text)
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply.text}]
    assert said[0].startswith(comfort)  # a consoling reply of the responder is kept, with the lines under it
    assert bot.reply("죽고 싶어", history).safety  # a new crisis message gets the crisis reply again


def test_crisis_reply_goes_out_even_when_the_classifier_fails():
    class BrokenClassifier:
        def predict(self, text):
            raise RuntimeError("model not loaded")

    reply = Chatbot(BrokenClassifier(), RecordingResponder()).reply("사라지고 싶어")
    assert reply.safety and reply.text == CRISIS_REPLY and reply.emotion is None


def test_long_message_is_truncated_with_a_note(parts):
    classifier, responder = parts
    reply = Chatbot(classifier, responder, max_message_chars=20).reply("좋" * 50)
    assert classifier.calls == [["좋" * 20]] and responder.calls[0][0] == ["좋" * 20]
    assert "20자" in reply.note


def test_stream_yields_increments_then_the_final_reply(parts):
    classifier, responder = parts
    items = list(Chatbot(classifier, responder).stream("좋은 하루"))
    *pieces, final = items
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)
    assert isinstance(final, Reply) and "".join(pieces) == final.text == responder.replies[0]


def test_parts_without_the_api_are_rejected():
    with pytest.raises(TypeError, match="classifier must have a predict"):
        Chatbot(object(), RecordingResponder())


# ----------------------------------------------------------------------------------------- offline default
@pytest.fixture(scope="module")
def offline_bot(tmp_path_factory):
    return Chatbot.offline(checkpoints_dir=tmp_path_factory.mktemp("no_checkpoints"))


def test_offline_default_reads_and_answers(offline_bot):
    reply = offline_bot.reply("시험에 합격해서 정말 기뻐!")
    assert reply.engine == "offline" and reply.emotion == "기쁨" and reply.text and not reply.safety
    assert set(reply.scores) == set(SIX) and sum(reply.scores.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "message, emotion",
    [
        ("시험에 떨어졌어", "슬픔"),
        ("안녕하세요", "일상"),
        ("너 이름이 뭐야?", "일상"),
        ("어제 키우던 햄스터가 죽었어", "슬픔"),
        ("회사 동료가 내 공을 가로챘어", "분노"),
        ("승진했어!", "기쁨"),
    ],
)
def test_offline_reads_the_messages_the_issue_found_misread(offline_bot, message, emotion):
    reply = offline_bot.reply(message)
    assert reply.emotion == emotion, (message, reply.emotion, reply.scores)
    assert not reply.safety


def _history(*turns):
    return [{"role": role, "content": text} for pair in turns for role, text in zip(("user", "assistant"), pair)]


def test_offline_one_word_follow_ups_keep_the_subject_and_the_feeling(offline_bot):
    topic_of = {entry.reply: entry.topic for entry in offline_bot.responder.entries}
    said = offline_bot.reply("우리 강아지가 어제 무지개다리 건넜어")
    assert topic_of[said.text] == "pets" and said.emotion == "슬픔"
    for follow_up in ("ㅇㅇ", "응..", "그러게"):
        reply = offline_bot.reply(follow_up, _history(("우리 강아지가 어제 무지개다리 건넜어", said.text)))
        assert reply.emotion == "슬픔" and topic_of.get(reply.text) in ("pets", "grief", "general"), (follow_up, reply)


def test_offline_a_clear_new_subject_is_answered_on_its_own(offline_bot):
    topic_of = {entry.reply: entry.topic for entry in offline_bot.responder.entries}
    greeted = offline_bot.reply("안녕")
    assert "마음챗" in offline_bot.reply("너 이름 뭐야", _history(("안녕", greeted.text))).text  # not more greeting
    failed = offline_bot.reply("시험 떨어졌어")
    lunch = offline_bot.reply("그건 그렇고 점심 뭐 먹지", _history(("시험 떨어졌어", failed.text)))
    assert lunch.emotion == "일상" and topic_of.get(lunch.text) != "exam", lunch


def test_a_new_subject_leaves_the_earlier_turns_out_of_the_reading_and_the_reply(parts):
    classifier, responder = parts
    history = [{"role": "user", "content": "너무 속상해"}, {"role": "assistant", "content": "무슨 일이에요?"}]
    reply = Chatbot(classifier, responder).reply("아무튼 응", history)
    assert classifier.calls == [["아무튼 응"]] and responder.calls[0][0] == ["아무튼 응"]
    assert reply.emotion != "슬픔" and reply.uncertain


def test_offline_answers_the_bots_name_and_never_cheers_a_failed_exam(offline_bot):
    assert "마음챗" in offline_bot.reply("너 이름이 뭐야?").text
    for seed in range(10):
        text = offline_bot.reply("시험에 떨어졌어", seed=seed).text
        assert not any(word in text for word in ("축하", "잘됐", "기뻐")), text


def test_a_named_setback_is_never_read_as_joy_even_when_the_classifier_says_so(parts):
    from chatbot.reading import read_emotion

    classifier, _ = parts  # reads 좋 as 기쁨 0.8
    setback = read_emotion(classifier, "좋은 기회였는데 면접 완전 폭망")
    assert setback.label == "슬픔" and setback.scores["기쁨"] == 0 and setback.scores["일상"] == 0
    assert sum(setback.scores.values()) == pytest.approx(1.0)
    rescued = read_emotion(classifier, "좋아 망한 줄 알았는데 붙었어")  # good news beside the setback word
    assert rescued.label == "기쁨"
    follow_up = read_emotion(classifier, "응", ["좋은 기회였는데 면접 폭망"])  # an earlier setback turn leans sad too
    assert follow_up.label == "슬픔" and follow_up.scores["기쁨"] < 1 / 6


@pytest.mark.parametrize(
    "message",
    ["좋다 회사 잘렸는데 오히려 좋아", "좋아 헤어졌는데 솔직히 홀가분함", "좋네 퇴사하고 나니 속이 다 시원함"],
)
def test_relief_beside_a_setback_word_keeps_the_classifiers_joy(parts, message):
    from chatbot.reading import read_emotion

    classifier, _ = parts  # reads 좋 as 기쁨 0.8
    reading = read_emotion(classifier, message)
    assert reading.label == "기쁨" and reading.scores["기쁨"] == pytest.approx(0.8)


@pytest.mark.parametrize("message", ["오늘 면접 봤는데 완전 망한듯", "시험 망함", "완전 망한듯"])
def test_offline_never_cheers_slang_setbacks_the_classifier_reads_as_joy(offline_bot, message):
    reply = offline_bot.reply(message)
    assert reply.emotion in ("슬픔", "우울", "불안", "분노"), (message, reply.scores)
    assert not any(word in reply.text for word in ("축하", "잘됐", "기뻐", "신나")), reply.text


def test_offline_replies_vary_between_turns(offline_bot):
    history, replies = [], []
    for _ in range(4):
        reply = offline_bot.reply("요즘 너무 우울하고 무기력해", history)
        replies.append(reply.text)
        history += [
            {"role": "user", "content": "요즘 너무 우울하고 무기력해"},
            {"role": "assistant", "content": reply.text},
        ]
    assert len(set(replies)) == 4, replies


def test_offline_answers_any_unicode(offline_bot):
    for message in ("🙂🙂🙂", "心配です", "¿qué tal? 👋", "ㅋㅋㅋㅋ"):
        reply = offline_bot.reply(message)
        assert reply.text and reply.emotion is not None


@pytest.mark.slow
def test_offline_uses_replies_from_data_files(tmp_path):
    data_file = tmp_path / "ChatbotData.csv"
    data_file.write_text(
        "Q,A,label\n우리 고양이가 무지개다리를 건넜어,고양이도 좋은 기억만 안고 갔을 거예요 야옹,1\n"
        "점심 뭐 먹지,김밥 어때요,0\n",
        encoding="utf-8",
    )
    bot = Chatbot.offline(data_files=[data_file], checkpoints_dir=tmp_path / "none")
    found = [entry.reply for _, entry in bot.responder.candidates("우리 고양이가 무지개다리를 건넜어", "슬픔", k=12)]
    assert "고양이도 좋은 기억만 안고 갔을 거예요 야옹" in found  # among the bank's own replies for the same loss


def test_offline_refuses_a_light_classifier_without_the_six_emotions_unless_asked(tmp_path):
    from classifier import LightEmotionClassifier

    texts = ["맑음 좋아", "햇빛 최고", "맑은 날", "비가 와", "흐린 날씨", "비 오는 날"] * 3
    LightEmotionClassifier().fit(texts, ["맑음", "맑음", "맑음", "비", "비", "비"] * 3).save_pretrained(
        tmp_path / "light"
    )
    with pytest.raises(ValueError, match=r"light: this light classifier has no .*--allow_label_mismatch"):
        Chatbot.offline(checkpoints_dir=tmp_path)
    bot = Chatbot.offline(checkpoints_dir=tmp_path, allow_label_mismatch=True)
    assert set(bot.reply("비가 와서 기분이 그래").scores) == {"맑음", "비"}


def test_default_picks_offline_without_checkpoints_and_says_why(tmp_path, caplog):
    (tmp_path / "classifier").mkdir()
    assert find_full_checkpoints(tmp_path) == (
        False,
        f"{tmp_path / 'classifier'}/ has no classifier_config.json or light_config.json",
    )
    with caplog.at_level(logging.INFO, logger="chatbot.engine"):
        bot = Chatbot.default(checkpoints_dir=tmp_path)
    assert bot.engine == "offline"
    assert any(
        "offline default" in record.getMessage() and "classifier" in record.getMessage() for record in caplog.records
    )
    assert not any(record.levelno >= logging.WARNING for record in caplog.records)  # the normal case is no warning


@pytest.mark.slow
def test_offline_answers_from_the_real_wellness_file(shared_data_dir, tmp_path):
    import data

    wellness_file = shared_data_dir / "wellness" / "wellness_dialog_dataset.csv"
    wellness = data.load_any(wellness_file)
    bot = Chatbot.offline(data_files=[wellness_file], checkpoints_dir=tmp_path)
    example = next(d for d in wellness.dialogues if len(d.message) > 15 and "불면" in d.label)
    replies_to_it = {d.reply for d in wellness.dialogues if d.message == example.message}
    found = bot.responder.generate_candidates([example.message], "불안", n=10, do_sample=False)
    assert replies_to_it & set(found)


def test_from_pretrained_warns_about_labels_the_generator_was_not_trained_on(caplog):
    classifier, responder = RecordingClassifier(), RecordingResponder()
    responder.config = type("Config", (), {"emotions": ["일상", "기쁨", "분노", "불안", "우울", "none"]})()  # no 슬픔
    with caplog.at_level(logging.WARNING, logger="chatbot.engine"):
        Chatbot.from_pretrained(classifier=classifier, responder=responder)
    assert "['슬픔']" in caplog.text and "none" in caplog.text


def test_from_pretrained_refuses_a_classifier_without_the_generators_emotions(caplog):
    classifier, responder = RecordingClassifier(), RecordingResponder()
    classifier.labels = ["일상", "기쁨", "분노", "불안", "슬픔"]  # a light model trained without 우울
    responder.config = type("Config", (), {"emotions": SIX + ["none"]})()
    with pytest.raises(ValueError, match="the classifier has no 우울.*--label_set six"):
        Chatbot.from_pretrained(classifier=classifier, responder=responder)
    assert Chatbot.from_pretrained(classifier=classifier, responder=responder, allow_label_mismatch=True)


def test_from_pretrained_names_the_engine_by_what_was_loaded(parts):
    bot = Chatbot.from_pretrained(classifier=parts[0], responder=parts[1])
    assert bot.engine == "custom" and "RecordingClassifier + RecordingResponder" in bot.description
    assert bot.reply("좋은 하루").engine == "custom"


def test_generation_defaults_only_where_the_responder_writes_text():
    from generator import GenerationOptions
    from generator.retrieval import RetrievalResponder

    class Sampler(RecordingResponder):
        generation_defaults = GenerationOptions(temperature=0.7, top_p=0.9, max_new_tokens=48, do_sample=True)

    assert Chatbot(RecordingClassifier(), Sampler()).generation_defaults == {
        "temperature": 0.7,
        "top_p": 0.9,
        "max_new_tokens": 48,
        "do_sample": True,
    }
    tuned = Chatbot(RecordingClassifier(), Sampler(), generation_options={"top_p": 0.8, "seed": None})
    assert tuned.generation_defaults == {"temperature": 0.7, "top_p": 0.8, "max_new_tokens": 48, "do_sample": True}
    retrieval = RetrievalResponder([("안녕", "안녕하세요", "일상")])
    assert Chatbot(RecordingClassifier(), retrieval).generation_defaults == {}
    assert Chatbot(RecordingClassifier(), RecordingResponder()).generation_defaults == {}  # no defaults at all


def test_unknown_generation_options_are_refused_by_name():
    with pytest.raises(TypeError, match="unknown generation option 'temprature'"):
        Chatbot(RecordingClassifier(), RecordingResponder(), generation_options={"temprature": 0.5})
    with pytest.raises(TypeError, match="unknown generation option 'temprature'"):
        Chatbot(RecordingClassifier(), RecordingResponder()).reply("오늘 기분 좋아", temprature=0.5)


def test_stream_and_reply_agree_and_nothing_is_streamed_before_screening():
    class Unsafe(RecordingResponder):
        def stream(self, context, emotion=None, **options):  # a raw token stream must never reach the person
            raise AssertionError("the engine streams only the screened reply")

    bot = Chatbot(RecordingClassifier(), Unsafe("죽어 버려요", "좋은 일이네요! 무슨 일이에요?"))
    *pieces, final = list(bot.stream("기분 좋아"))
    assert "".join(pieces) == final.text == "좋은 일이네요! 무슨 일이에요?"
    assert re.search("죽", final.text) is None
