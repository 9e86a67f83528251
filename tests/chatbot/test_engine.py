"""Chatbot: safety → read the emotion → respond → screen, with injected parts that record their calls (what reaches
the classifier and the responder, crisis and care mode, streaming, building one); how the emotion is read is in
test_engine_reading.py, which candidate goes out in test_engine_choosing.py, the real offline default in
test_offline_engine.py."""

import logging
import re

import pytest

from chatbot import CRISIS_REPLY, Chatbot, Reply
from chatbot.safety import CARE_FOOTER, CRISIS_REPLY_AGAIN, TAKEN_LEAD, care_reply
from chatbot.text import EMPTY_MESSAGE_REPLY
from tests.chatbot.recording import SIX, RecordingClassifier, RecordingResponder


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
    assert classifier.calls == [["그냥", "너무 속상해"]]  # the acknowledgement "응" is left out of what is read
    assert reply.emotion == "슬픔" and responder.calls[0][1] == "슬픔"


def test_an_unsure_reading_asks_an_open_question_instead_of_guessing(parts):
    classifier, responder = parts
    reply = Chatbot(classifier, responder).reply("그 일이 있었어")  # flat scores: no emotion stands out
    assert reply.uncertain and responder.calls[0][1] is None  # the responder is asked for an open question


@pytest.mark.parametrize(
    "message, alone",
    [
        ("걍 실핀 꽂고 가볼게", False),  # a plan for the day, not leaving the chat: the earlier turns still count
        ("이제 가볼게 담에 봐", True),  # leaving
        ("그래도 들어줘서 ㄱㅅ", True),  # thanks, however short
        ("오늘은 여기까지 ㄳ", True),
        ("ㅇㅋ 고마워", True),  # only thanks, after the bot's advice: not the advice again
        ("아 진짜 고마워ㅠㅠ", True),
        ("고마워 근데 아직 모르겠어", False),  # thanks and more: the story goes on
    ],
)
def test_leaving_and_thanks_are_answered_on_their_own_but_a_plan_to_go_somewhere_is_not(parts, message, alone):
    classifier, responder = parts
    history = [{"role": "user", "content": "내일 소개팅이야"}, {"role": "assistant", "content": "그랬군요."}]
    Chatbot(classifier, responder).reply(message, history)
    context = responder.calls[-1][0]
    assert (context == [message]) is alone, context


def test_a_small_plan_after_a_sad_turn_is_answered_for_the_plan_in_the_earlier_feeling(parts):
    classifier, responder = parts
    bot = Chatbot(classifier, responder)
    history = [{"role": "user", "content": "엄마랑 싸워서 너무 속상해"}, {"role": "assistant", "content": "그랬군요."}]
    bot.reply("ㅇㅋ 저녁에 얘기해볼게", history)
    context, emotion, _ = responder.calls[-1]
    assert context == ["ㅇㅋ 저녁에 얘기해볼게"] and emotion == "슬픔"  # the plan, in the feeling of the earlier turn
    bot.reply("먼저 연락해볼까?", history)
    assert len(responder.calls[-1][0]) == 3  # a question, not a plan: asked about the earlier story
    bot.reply("응 아직도 좀 그래", history)
    assert responder.calls[-1][0] == ["엄마랑 싸워서 너무 속상해", "그랬군요.", "응 아직도 좀 그래"]  # no plan
    glad = [{"role": "user", "content": "오늘 기분 좋아"}, {"role": "assistant", "content": "그랬군요."}]
    bot.reply("저녁엔 치킨 먹을거", glad)
    assert len(responder.calls[-1][0]) == 3  # after a glad turn the earlier story still helps choose the reply
    bot.reply("고마워 저녁엔 치킨 먹을거", glad)
    assert responder.calls[-1][0] == ["고마워 저녁엔 치킨 먹을거"]  # thanks with a plan: answered for both


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
    again = bot.reply("죽고 싶어", history)
    assert again.safety and again.text == CRISIS_REPLY_AGAIN  # a new crisis message: the same steps, other words
    history += [{"role": "user", "content": "죽고 싶어"}, {"role": "assistant", "content": again.text}]
    assert bot.reply("진짜 죽고 싶어", history).text == CRISIS_REPLY  # and the two take turns, never twice alike


def test_a_goodbye_in_care_mode_asks_them_to_call_rather_than_waving_them_off():
    farewell = "잘 가요. 또 와요."
    bot = Chatbot(RecordingClassifier(), RecordingResponder(farewell))
    history = [{"role": "user", "content": "나 같은 건 없어도 돼"}, {"role": "assistant", "content": CRISIS_REPLY}]
    reply = bot.reply("잘 있어", history)
    assert reply.care and not reply.safety and CARE_FOOTER in reply.text
    own_words = reply.text.replace(CARE_FOOTER, "")
    assert farewell not in reply.text and ("연락" in own_words or "전화" in own_words)  # asks them to reach out
    assert care_reply("goodbye") == reply.text
    history += [{"role": "user", "content": "잘 있어"}, {"role": "assistant", "content": reply.text}]
    later = bot.reply("이만 갈게", history)
    assert later.text != reply.text and CARE_FOOTER in later.text  # a second goodbye is not the same words


def test_after_pills_swallowed_every_reply_puts_119_first_until_care_mode_ends():
    # round 27's miss, now caught at its first turn: 119 first, then the same on every later turn, a goodbye included
    bot = Chatbot(RecordingClassifier(), RecordingResponder("푹 자요. 내일 또 얘기해요.", "잘 자요!"))
    history, said = [], []
    for message in ("약 먹고 누웠는데 평소보다 많이 먹었어", "한 스무알?", "졸리다 이제 잘게", "ㅇㅇ"):
        reply = bot.reply(message, history)
        assert reply.care and "119" in reply.text and "잘 자요" not in reply.text and reply.text not in said
        said.append(reply.text)
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply.text}]
    assert said[0].startswith(TAKEN_LEAD) and said[0].endswith(CRISIS_REPLY)
    assert said[1:] == [care_reply("taken", said[:n]) for n in (1, 2, 3)]
    plain = bot.reply("죽고 싶어")  # a crisis with nothing swallowed keeps the plain crisis reply and care replies
    after = bot.reply(
        "너무 힘들어", [{"role": "user", "content": "죽고 싶어"}, {"role": "assistant", "content": plain.text}]
    )
    assert plain.text == CRISIS_REPLY and after.care and "119에" not in after.text


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


@pytest.mark.parametrize(
    "message, read", [("아무튼 응", "아무튼 응"), ("응 이제 자러 갈게", "이제 자러 갈게")]
)  # a new subject, a goodbye
def test_a_new_subject_leaves_the_earlier_turns_out_of_the_reading_and_the_reply(parts, message, read):
    classifier, responder = parts
    history = [{"role": "user", "content": "너무 속상해"}, {"role": "assistant", "content": "무슨 일이에요?"}]
    reply = Chatbot(classifier, responder).reply(message, history)
    assert classifier.calls == [[read]] and responder.calls[0][0] == [message]
    assert reply.emotion != "슬픔" and reply.uncertain


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
