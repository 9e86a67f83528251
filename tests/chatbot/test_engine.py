"""Chatbot: safety → read the emotion → respond → screen, with injected parts (call recording); the real offline
default is in test_offline_engine.py."""

import logging
import re

import pytest

from chatbot import CRISIS_REPLY, Chatbot, Reply
from chatbot.safety import CARE_FOOTER, SAFETY_REPLIES
from chatbot.text import EMPTY_MESSAGE_REPLY
from classifier.prediction import Prediction

SIX = ["일상", "기쁨", "분노", "불안", "슬픔", "우울"]


class RecordingClassifier:
    """기쁨 when the text has 좋, 슬픔 when it has 슬/속상, else a flat (unsure) reading; records what it was given."""

    labels = SIX
    rows = {  # the first word found in a text decides its probabilities (SIX order)
        "좋": [0.04, 0.8, 0.04, 0.04, 0.04, 0.04],
        "슬": [0.04, 0.04, 0.04, 0.04, 0.8, 0.04],
        "속상": [0.04, 0.04, 0.04, 0.04, 0.8, 0.04],
    }
    otherwise = [1 / 6] * 6  # a text with none of the words

    def __init__(self):
        self.calls = []

    def predict(self, text):
        texts = [text] if isinstance(text, str) else text
        self.calls.append(list(texts))
        found = [next((p for word, p in self.rows.items() if word in t), self.otherwise) for t in texts]
        predictions = [Prediction.from_probabilities(self.labels, p) for p in found]
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
    assert classifier.calls == [["그냥", "너무 속상해"]]  # the acknowledgement "응" is left out of what is read
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


class MixedClassifier(RecordingClassifier):
    """Sad words with good news beside them ("울다가 정규직 전환 소식 들었어"): 슬픔 first, 기쁨 close behind."""

    rows = {}
    otherwise = [0.02, 0.38, 0.02, 0.02, 0.54, 0.02]


def test_a_sad_reading_with_joy_close_behind_is_not_consoled():
    comfort, question = "많이 속상했겠어요. 어떤 일이 있었어요?", "그 이야기 조금 더 들려줄래요?"
    mixed = Chatbot(MixedClassifier(), RecordingResponder(comfort, question)).reply("울다가 정규직 전환 소식 들었어")
    assert mixed.emotion == "슬픔" and mixed.text == question  # consoling good news would be inverted
    plain = Chatbot(RecordingClassifier(), RecordingResponder(comfort, question)).reply("시험 떨어져서 속상해")
    assert plain.text == comfort  # joy far behind: consolation stays


def test_a_follow_up_whose_own_words_turn_negative_is_not_cheered_whatever_came_before():
    from chatbot.reading import ReadingPolicy

    cheer, question = "와, 정말 축하해요! 잘됐네요.", "그 이야기 조금 더 들려줄래요?"
    history = []
    for turn in ("합격해서 너무 좋아", "진짜 좋아 아직도 안 믿겨"):  # good news, twice
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": "축하해요!"}]
    bot = Chatbot(RecordingClassifier(), RecordingResponder(cheer, question))
    bot.reading_policy = ReadingPolicy(risky_share=0.4, short_sure_at=1.01)  # the blended sad share (a third)
    # alone would allow cheer
    reply = bot.reply("근데 속상해", history)  # short: the earlier joy outweighs it in the blended reading
    assert reply.emotion == "기쁨" and reply.text == question  # but its own words are sad: no cheer
    bot.reading_policy = ReadingPolicy(risky_share=0.4, short_sure_at=1.01, own_share=1.01)  # own reading left out
    assert bot.reply("근데 속상해", history).text == cheer


def test_a_short_follow_up_that_says_its_own_feeling_clearly_is_not_swamped_by_the_earlier_turn():
    from chatbot.reading import ReadingPolicy, read_emotion

    earlier = ["합격해서 너무 좋아"]
    assert read_emotion(RecordingClassifier(), "속상해", earlier).label == "슬픔"  # short, but clear on its own
    swamped = read_emotion(RecordingClassifier(), "속상해", earlier, ReadingPolicy(short_sure_at=1.01))
    assert swamped.label == "기쁨"  # what a short message's boost on the earlier turn did to it
    assert read_emotion(RecordingClassifier(), "응", earlier).label == "기쁨"  # "응" says little: the context leads


class AcknowledgementClassifier(RecordingClassifier):
    """Reads any text with "ㅇㅇ" as small talk, as the light classifier learnt from one-word replies; 수당: anger."""

    rows = {"ㅇㅇ": [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], "수당": [0.04, 0.04, 0.8, 0.04, 0.04, 0.04]}


@pytest.mark.parametrize(
    "message, read",
    [
        ("ㅇㅇ 수당도 안나와", "수당도 안나와"),
        ("그니까.. 이번이 세번째야", "이번이 세번째야"),
        ("응 근데 ㅇㅇ 무서워", "무서워"),  # several acknowledgements in a row
        ("ㅇㅇ", "ㅇㅇ"),  # nothing else said: read as it is
        ("응 그래", "그래"),
        ("어제 야근함", "어제 야근함"),  # a word that only starts like one (어)
        ("아 진짜 짜증나", "아 진짜 짜증나"),  # an exclamation carries a tone: kept
        ("ㅇㅇ수당도 안나와", "ㅇㅇ수당도 안나와"),  # whole words only
    ],
)
def test_opening_acknowledgements_are_left_out_of_what_is_read(message, read):
    from chatbot.quality import without_backchannel

    assert without_backchannel(message) == read


def test_an_acknowledgement_before_a_complaint_does_not_read_it_as_small_talk():
    from chatbot.reading import read_emotion

    classifier = AcknowledgementClassifier()
    reading = read_emotion(classifier, "ㅇㅇ 수당도 안나와", ["ㅇㅇ 이번 주 내내 야근"])
    assert reading.label == "분노" and reading.own["분노"] > 0.5
    assert classifier.calls[-1] == ["수당도 안나와", "이번 주 내내 야근"]  # earlier turns are read the same way


class GreetingClassifier(RecordingClassifier):
    """안녕 reads as small talk, 외로워 as low mood (not surely), anything else flat."""

    rows = {"안녕": [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], "외로워": [0.15, 0.02, 0.02, 0.02, 0.04, 0.75]}


def test_a_greeting_before_a_feeling_lends_it_no_small_talk():
    from chatbot.reading import ReadingPolicy, read_emotion

    assert read_emotion(GreetingClassifier(), "좀 외로워", ["안녕"]).label == "우울"
    before = ReadingPolicy(context_neutral_share=1.0, short_sure_at=1.01)
    assert read_emotion(GreetingClassifier(), "좀 외로워", ["안녕"], before).label == "일상"  # the greeting's full
    # small-talk share, boosted because the message is short, outweighed the feeling
    assert read_emotion(GreetingClassifier(), "응", ["안녕"]).label == "일상"  # a bare "응" still follows the greeting


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


def test_a_reply_about_someone_the_person_never_mentioned_is_refused(parts):
    classifier, _ = parts
    friend = "친구 관계에 관한 얘기군요. 요즘 그 친구와는 어떻게 지내고 있어요?"
    open_question = "그 이야기를 조금 더 들려줄래요?"
    bot = Chatbot(classifier, RecordingResponder(friend, open_question), candidates=2)
    history = [{"role": "user", "content": "아빠랑 저녁에 말다툼했어"}, {"role": "assistant", "content": "그랬군요."}]
    assert bot.reply("내가 먼저 연락해 볼까", history).text == open_question  # the father, not a friend
    pet = "반려동물은 가족 같은 존재죠. 무슨 일이 있었는지 들려줄래요?"
    pets = Chatbot(classifier, RecordingResponder(pet, open_question), candidates=2)
    assert pets.reply("엄마가 나를 못 알아볼까봐 무서워").text == open_question  # the mother, not a pet
    assert pets.reply("엄마가 강아지 데려왔어").text == pet
    mentioned = [
        {"role": "user", "content": "아빠랑 친구 일로 말다툼했어"},
        {"role": "assistant", "content": "그랬군요."},
    ]
    assert bot.reply("내가 먼저 연락해 볼까", mentioned).text == friend  # the friend was named after all
    assert bot.reply("내가 먼저 연락해 볼까").text == friend  # nobody named: asking about a friend is fair


def test_a_reply_about_a_loss_the_person_never_told_is_refused(parts):
    classifier, _ = parts
    loss = "소중한 분과의 이별에 마음이 얼마나 아플지 다 헤아릴 수가 없어요."
    open_question = "많이 걱정되겠어요. 지금은 좀 어때요?"
    bot = Chatbot(classifier, RecordingResponder(loss, open_question), candidates=2)
    assert bot.reply("할아버지 입원하셨어").text == open_question  # in hospital, not gone
    assert bot.reply("할아버지 돌아가셨어").text == loss
    history = [{"role": "user", "content": "키우던 강아지를 보냈어"}, {"role": "assistant", "content": "그랬군요."}]
    assert bot.reply("자꾸 생각나", history).text == loss  # told in an earlier turn


def test_a_reply_set_in_the_army_needs_the_person_to_be_there(parts):
    classifier, _ = parts
    army = "군대 일로 그런 대접을 받으면 정말 억울하죠. 어떤 순간이 제일 힘들었어요?"
    open_question = "그런 일이 계속되면 지치죠. 그 이야기 더 들려줄래요?"
    bot = Chatbot(classifier, RecordingResponder(army, open_question), candidates=2)
    assert bot.reply("팀장이 오늘도 나만 갈굼").text == open_question  # the slang is shared, the place is not
    assert bot.reply("선임이 오늘도 나만 갈굼").text == army


def test_a_reply_about_the_family_needs_the_person_to_have_spoken_of_someone_at_home(parts):
    classifier, _ = parts
    family = "가족 일이라 마음이 더 쓰이겠어요. 제일 걱정되는 부분이 뭐예요?"
    open_question = "아직 몰라서 더 걱정되죠. 그 이야기 더 들려줄래요?"
    bot = Chatbot(classifier, RecordingResponder(family, open_question), candidates=2)
    assert bot.reply("건강검진 재검 나옴 별거 아니겠지").text == open_question  # their own check-up
    assert bot.reply("엄마가 건강검진 재검 나옴 별거 아니겠지").text == family
    assert bot.reply("우리 고양이가 이틀째 밥을 안 먹어").text == family  # a pet is family too


@pytest.mark.parametrize(
    "assumes, message, licensed",
    [
        ("그 사람과 함께 있으면 어떤 기분이 들어요?", "금연 100일 달성!!", "남친이랑 200일 됐어"),  # someone
        (
            "아끼는 생명이 함부로 대해지면 정말 화가 나죠.",
            "조카가 레고를 다 부숴놨어",
            "옆집 개가 우리 고양이를 물었어",
        ),
        ("애쓴 게 결과로 나왔네요.", "기말 끝났다 이제 놀 수 있음", "기말 성적 올랐다"),  # a result
        ("다이어트나 관리 이야기인 것 같아요.", "앞머리를 너무 짧게 잘랐어", "요즘 살이 너무 쪘어"),  # a diet
        ("매일 일하느라 마음이 많이 닳았겠어요.", "그냥 텅 빈 느낌이야", "회사 가기 싫고 텅 빈 느낌이야"),  # work
        ("학교 생각만 해도 몸까지 긴장되나 봐요.", "단톡방에서 나만 빼고 약속 잡은 듯", "반애들이 나만 빼고 약속"),
        ("그런 계획이 있었군요. 누구랑 가요?", "주말에 부모님이랑 외식하고 옴", "주말에 부모님이랑 외식하려고"),
        ("새 환경에서 지내는 요즘, 어떤 하루를 보내요?", "회사 앞에 빵집 생김", "지난주에 새집으로 이사함"),
        ("한순간에 많은 게 흔들린 기분이겠어요.", "회사에서 나만 점심 따로 먹는 듯", "오늘 권고사직 통보 받음"),
        ("아이가 힘들어하는 모습을 보는 마음도 아프죠.", "공무원 시험 또 떨어짐", "딸이 공무원 시험 또 떨어짐"),
        ("잠을 잘 자는 날은 하루가 다르죠.", "운동 시작했는데 몸이 가벼워짐", "어제 푹 자서 몸이 가벼워짐"),
        ("잠 이야기네요. 요즘 몇 시쯤 잠자리에 드는 편이에요?", "회사 그만둘까 고민중", "오늘 일찍 잘까 고민중"),
        ("고마운 사람이 곁에 있군요. 그때 어떤 마음이었어요?", "그래도 들어줘서 ㄱㅅ", "친구가 밥 사줌 ㄱㅅ"),
    ],
)
def test_a_reply_that_assumes_what_was_not_told_is_refused(parts, assumes, message, licensed):
    classifier, _ = parts
    open_question = "그 이야기를 조금 더 들려줄래요?"
    bot = Chatbot(classifier, RecordingResponder(assumes, open_question), candidates=2)
    assert bot.reply(message).text == open_question
    assert bot.reply(licensed).text == assumes


def test_a_reply_asking_what_happened_after_it_was_told_is_refused(parts):
    classifier, _ = parts
    asks = "많이 속상했겠어요. 어떤 일이 있었는지 천천히 들려줄래요?"
    stays = "부담이 크게 느껴지겠어요. 지금 마음은 어때요?"
    bot = Chatbot(classifier, RecordingResponder(asks, stays), candidates=2)
    history = [
        {"role": "user", "content": "수능 한 달 남았는데 모의고사 점수가 또 떨어졌어"},
        {"role": "assistant", "content": "그랬군요."},
    ]
    assert bot.reply("엄마 아빠 기대하는 거 아니까 더 부담돼", history).text == stays
    assert bot.reply("속상한 일 있었어").text == asks  # nothing told yet: asking is listening
    why = Chatbot(classifier, RecordingResponder("무엇 때문인지 제가 들어 볼게요.", stays), candidates=2)
    assert why.reply("폭염 실화냐 밖에 나가자마자 녹음 에어컨까지 고장나서 하루종일 땀범벅").text == stays


@pytest.mark.parametrize(
    "message, alone",
    [
        ("걍 실핀 꽂고 가볼게", False),  # a plan for the day, not leaving the chat: the earlier turns still count
        ("이제 가볼게 담에 봐", True),  # leaving
        ("그래도 들어줘서 ㄱㅅ", True),  # thanks, however short
        ("오늘은 여기까지 ㄳ", True),
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


class ContextResponder(RecordingResponder):
    """Greets whenever the earlier turns are in the context; answers the message alone with a question."""

    def generate_candidates(self, context, emotion=None, n=4, **options):
        self.calls.append((list(context), emotion, options))
        return ["안녕하세요! 반가워요."] if len(context) > 1 else ["심심할 땐 주로 뭐 해요?"]


def test_when_every_candidate_for_the_conversation_is_refused_the_message_is_answered_on_its_own(parts):
    classifier, _ = parts
    responder = ContextResponder()
    history = [{"role": "user", "content": "ㅎㅇ"}, {"role": "assistant", "content": "안녕하세요, 여기 있어요!"}]
    reply = Chatbot(classifier, responder).reply("그냥 심심해서 와봄", history)
    assert reply.text == "심심할 땐 주로 뭐 해요?"  # a second greeting is refused; the message alone is answered
    assert [call[0] for call in responder.calls][-1] == ["그냥 심심해서 와봄"]


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


# ----------------------------------------------------------------------------- reading with injected parts
@pytest.mark.parametrize(
    "message, read", [("아무튼 응", "아무튼 응"), ("응 이제 자러 갈게", "이제 자러 갈게")]
)  # a new subject, a goodbye
def test_a_new_subject_leaves_the_earlier_turns_out_of_the_reading_and_the_reply(parts, message, read):
    classifier, responder = parts
    history = [{"role": "user", "content": "너무 속상해"}, {"role": "assistant", "content": "무슨 일이에요?"}]
    reply = Chatbot(classifier, responder).reply(message, history)
    assert classifier.calls == [[read]] and responder.calls[0][0] == [message]
    assert reply.emotion != "슬픔" and reply.uncertain


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
    assert reading.label == "기쁨" and reading.scores["기쁨"] >= 0.8 - 1e-9  # not moved to sadness (relief may add)


@pytest.mark.parametrize("message", ["속상했는데 수술은 안 해도 된대", "슬펐는데 요즘은 덜 외로워졌어"])
def test_relief_moves_part_of_the_sad_share_to_joy(parts, message):
    from chatbot.reading import ReadingPolicy, read_emotion

    classifier, _ = parts  # reads 슬/속상 as 슬픔 0.8: the worry words beside the relief
    reading = read_emotion(classifier, message, policy=ReadingPolicy(relief_share=0.5))
    assert reading.label == "기쁨" and reading.scores["기쁨"] == pytest.approx(
        0.04 + 0.5 * (0.8 + 3 * 0.04)
    )  # 분노 불안 슬픔 우울 are negative
    assert sum(reading.scores.values()) == pytest.approx(1.0)
    unchanged = read_emotion(classifier, message, policy=ReadingPolicy(relief_share=0.0))
    assert unchanged.label == "슬픔"
    setback = read_emotion(classifier, "속상해 시험 떨어졌는데 걱정했는데 역시나")  # a setback beside it: no relief
    assert setback.label == "슬픔"


@pytest.mark.parametrize("message", ["후 이제 좀 가라앉았어", "아까보단 진정됐어", "말하고 나니까 맘이 편해졌다"])
def test_calm_after_a_worry_is_relief_not_more_worry(parts, message):
    from chatbot.reading import read_emotion

    classifier, _ = parts  # reads 속상 as 슬픔 0.8: the earlier worry would pull the calm turn back to it
    assert read_emotion(classifier, message, ["속상해 아까 심장이 막 뛰었어"]).label == "기쁨"


def test_a_short_follow_up_to_relief_leans_toward_joy(parts):
    from chatbot.reading import read_emotion

    classifier, _ = parts  # reads 속상 as 슬픔 0.8, "응" as flat
    follow_up = read_emotion(classifier, "응", ["속상했는데 수술은 안 해도 된대"])
    assert follow_up.label == "기쁨"


def test_relief_after_a_sad_turn_is_read_on_its_own(parts):
    from chatbot.reading import read_emotion

    classifier, _ = parts  # reads 속상 as 슬픔 0.8: the earlier worry would outweigh the relief if blended in
    relief = read_emotion(classifier, "속상했는데 수술은 안 해도 된대", ["속상해 디스크래"])
    assert relief.label == "기쁨"
    blended = read_emotion(classifier, "속상해 다음 달로 수술 날짜 잡았어", ["좋은 병원 찾았어"])  # no relief: blended
    assert blended.label == "슬픔" and blended.scores["기쁨"] > 0.2


class NewsClassifier(RecordingClassifier):
    """Reads laughter and 나아 as joy; ㅠㅠ and ㄱㅅ as joy with enough sadness or worry beside it to forbid cheering;
    합격, 정상 and 취업 surely as 기쁨; 떨려 as 불안."""

    rows = {
        "ㅋㅋ": [0.1, 0.8, 0.04, 0.02, 0.02, 0.02],
        "ㅠㅠ": [0.02, 0.7, 0.02, 0.02, 0.22, 0.02],
        "나아": [0.1, 0.8, 0.04, 0.02, 0.02, 0.02],
        "ㄱㅅ": [0.02, 0.7, 0.02, 0.2, 0.04, 0.02],
        "합격": [0.01, 0.95, 0.01, 0.01, 0.01, 0.01],
        "정상": [0.01, 0.95, 0.01, 0.01, 0.01, 0.01],
        "취업": [0.01, 0.95, 0.01, 0.01, 0.01, 0.01],
        "떨려": [0.04, 0.04, 0.04, 0.8, 0.04, 0.04],
    }


def test_good_news_read_surely_after_a_worry_is_read_on_its_own():
    from chatbot.reading import ReadingPolicy, forbidden_tones, read_emotion

    classifier, worry = NewsClassifier(), ["결과 오늘 나온대 떨려"]
    news = read_emotion(classifier, "헐 합격 문자 왔어!!", worry)  # names good news (합격), alone reads 기쁨 0.95
    assert news.label == "기쁨" and news.scores["불안"] == pytest.approx(0.01)
    assert "positive" not in forbidden_tones(news)  # so it may be congratulated
    blended = read_emotion(classifier, "헐 합격 문자 왔어!!", worry, ReadingPolicy(news_sure_at=1.01))
    assert blended.scores["불안"] > 0.2 and blended.glad_words  # blended with the worry, but news in its own words:
    assert "positive" not in forbidden_tones(blended)  # it may still be congratulated
    assert read_emotion(classifier, "헐 다 정상이래!!", ["검진 결과 나온대 떨려"]).label == "기쁨"  # a check-up
    waiting = ["동생 면접 결과 기다리는 중 떨려"]
    assert read_emotion(classifier, "동생 취업했대!!", waiting).scores["불안"] == pytest.approx(0.01)  # a job: news
    assert read_emotion(classifier, "동생 취업 준비 중", waiting).scores["불안"] > 0.2  # no news: the worry carries
    hoped = read_emotion(classifier, "합격했으면 좋겠다", worry)  # a hope, not news: still blended
    assert hoped.scores["불안"] > 0.5


def test_glad_words_read_surely_alone_are_answered_though_earlier_turns_blur_them_but_thanks_after_worry_is_not():
    from chatbot.reading import ReadingPolicy, read_emotion

    classifier, policy = NewsClassifier(), ReadingPolicy()
    glad = read_emotion(classifier, "결국 치킨 시킴ㅋㅋ", ["야식 먹을까", "뭐 먹지"])  # two flat turns blur the joy
    assert glad.label == "기쁨" and glad.scores["기쁨"] < policy.positive_sure_at and glad.sure
    worry = ["결과 나온대 떨려"]
    thanks = read_emotion(classifier, "ㅠㅠ 고마워", worry)  # thanks carries no joy of its own after a worry
    assert thanks.label == "기쁨" and thanks.own["기쁨"] >= policy.positive_sure_at and not thanks.sure
    assert read_emotion(classifier, "ㅠㅠ 고마워").sure  # alone, it is plain thanks
    assert read_emotion(classifier, "ㅠㅠ 고마워 내일 해볼게", worry).sure  # thanks with a plan: glad in its own words


@pytest.mark.parametrize(
    "message, thanks",
    [
        ("아하 고마워 그럼 심화로 봐야겠다", True),  # opens the message after an acknowledgement
        ("알겠어 해볼게 고마워ㅎㅎ", True),  # closes it, nobody else named
        ("엄마한테 너무 고마워", False),  # someone else is thanked
        ("고마워서 전화드렸어", False),  # not the word itself
        ("감사 인사 드리러 갔어", False),
    ],
)
def test_thanks_in_words_is_thanks_to_whoever_the_person_talks_to(message, thanks):
    from chatbot.quality import thanks_in_words

    assert thanks_in_words(message) is thanks


def test_relief_reported_from_others_is_not_relief():
    from chatbot.quality import names_relief

    assert names_relief("발표 괜찮았다 휴")
    assert not names_relief("아니 다들 괜찮았다고는 하는데 내가 아는데")  # "<list>_not" words are removed first


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


@pytest.mark.parametrize(
    "message", ["좋은 소식 합격했으면 좋겠다 제발", "좋겠다 검사 결과 아무 일 없었으면", "좋게 끝났는데 재발할까봐"]
)
def test_a_hope_not_met_yet_is_read_as_worry_never_joy(parts, message):
    from chatbot.reading import read_emotion

    classifier, _ = parts  # reads 좋 as 기쁨 0.8: the outcome word, not what happened
    reading = read_emotion(classifier, message)
    assert reading.label == "불안" and reading.scores["기쁨"] == 0
    assert reading.scores["불안"] == pytest.approx(0.8 + 0.04)
    assert sum(reading.scores.values()) == pytest.approx(1.0)
    told = read_emotion(classifier, "좋은 소식 합격했어")  # the outcome itself, not a hope: joy stays
    assert told.label == "기쁨"


@pytest.mark.parametrize(
    "message, label",
    [
        ("맛집이라길래 1시간 줄섰는데 개노맛ㅋㅋ", "분노"),  # annoyed, whatever the laughter says
        ("팀장 또 주말에 카톡함 킹받네ㅋㅋ", "분노"),
        ("우리 햄찌 귀여워 미치겠음ㅋㅋ", "기쁨"),  # 미치겠다 is left out: it is joy here
        ("응.. 좀 울고 나니까 조금 나아", "슬픔"),  # feeling a little better after crying is still sadness
    ],
)
def test_words_that_say_annoyance_or_tears_outweigh_laughter(message, label):
    from chatbot.reading import read_emotion

    assert read_emotion(NewsClassifier(), message).label == label


def test_good_news_told_with_tears_may_be_cheered_but_tears_alone_may_not():
    from chatbot.reading import forbidden_tones, read_emotion

    news = read_emotion(NewsClassifier(), "동생이 취업함ㅠㅠㅠ")
    assert news.label == "기쁨" and news.glad_words and "positive" not in forbidden_tones(news)
    tears = read_emotion(NewsClassifier(), "동생이 면접 보고 옴ㅠㅠㅠ")
    assert tears.label == "기쁨" and not tears.glad_words and "positive" in forbidden_tones(tears)
    thanks = read_emotion(NewsClassifier(), "ㅇㅋ 담부턴 두번 확인할게 ㄱㅅ")  # thanks is not a loss either
    assert thanks.glad_words and thanks.group_score("negative") >= 0.2 and "positive" not in forbidden_tones(thanks)


def test_the_bot_does_not_greet_again_once_it_has_spoken(parts):
    classifier, _ = parts
    greeting, question = "안녕하세요, 반가워요! 저는 마음챗이에요.", "그 이야기를 조금 더 들려줄래요?"
    bot = Chatbot(classifier, RecordingResponder(greeting, question), candidates=2)
    assert bot.reply("안녕").text == greeting
    history = [{"role": "user", "content": "안녕"}, {"role": "assistant", "content": "안녕! 반가워요."}]
    assert bot.reply("그냥 심심해서 와봄", history).text == question


def test_an_acknowledgement_alone_carries_the_earlier_feeling_not_its_own():
    from chatbot.reading import read_emotion

    class AgreeingIsAngry(RecordingClassifier):
        rows = {**RecordingClassifier.rows, "그니까": [0.04, 0.04, 0.8, 0.04, 0.04, 0.04]}

    classifier = AgreeingIsAngry()
    assert read_emotion(classifier, "그니까").label == "분노"  # alone, nothing to lean on: read as it is
    after_sadness = read_emotion(classifier, "그니까ㅠ", ["너무 속상해"])
    assert after_sadness.label == "슬픔" and after_sadness.scores["분노"] < 0.2
    assert read_emotion(classifier, "그니까 진짜 속상해", ["오늘 좋아"]).label == "슬픔"  # words of its own count


@pytest.mark.parametrize(
    ("message", "relief"),
    [
        ("결국 환불해준대 다행", True),  # 다행 closing the message
        ("병원 갔는데 그냥 스트레스래 다행ㅠ", True),
        ("결국 붙음ㅋㅋ", True),
        ("방금 재니까 열이 떨어졌어", True),  # a fever going down is not a failed exam (setback 떨어졌)
        ("다행인지 불행인지 모르겠다", False),
        ("이번 시험 떨어졌어", False),
    ],
)
def test_relief_words(message, relief):
    from chatbot.quality import names_relief, names_setback

    assert names_relief(message) is relief
    assert not (relief and names_setback(message))


def test_pet_wording_needs_a_pet():
    from chatbot.quality import names_stranger

    reply = "가족 같은 아이라 걱정이 큰 게 당연해요. 지금 어떤 마음인지 들려줄래요?"
    assert names_stranger(reply, ["우리 애가 밥을 너무 안먹어"])  # a child, not a pet
    assert not names_stranger(reply, ["우리 강아지가 밥을 너무 안먹어"])
