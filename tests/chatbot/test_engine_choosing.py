"""Which of the responder's candidates the engine sends: never one inverted against the reading, unsafe, repeated,
echoed or assuming what the person never told (someone, a loss, a place, a second greeting), and what it sends when
every candidate is refused. Injected parts that record their calls."""

import pytest

from chatbot import Chatbot
from chatbot.quality import names_stranger
from chatbot.reading import ReadingPolicy
from chatbot.safety import SAFETY_REPLIES
from tests.chatbot.recording import RecordingClassifier, RecordingResponder


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
    assert bot.reply("아 속상해", history).text == cheer  # (no 근데: after a cheer, that alone holds cheer back)


def test_the_other_side_after_a_cheer_gets_no_second_cheer():
    """ "근데 …" after the bot cheered good news turns to its other side: a second cheer would not listen."""
    cheer, question = "와, 정말 축하해요! 잘됐네요.", "그 이야기 조금 더 들려줄래요?"
    history = [{"role": "user", "content": "승진했어 좋아"}, {"role": "assistant", "content": "축하해요! 기쁘네요."}]
    bot = Chatbot(RecordingClassifier(), RecordingResponder(cheer, question))
    assert bot.reply("근데 일은 더 많아지겠지 좋아", history).text == question
    assert bot.reply("그리고 연봉도 올라서 좋아", history).text == cheer  # more of the news: cheered
    calm = [{"role": "user", "content": "승진했어 좋아"}, {"role": "assistant", "content": "그랬군요."}]
    assert bot.reply("근데 일은 더 많아지겠지 좋아", calm).text == cheer  # no cheer before it: nothing repeated


class VotingResponder(RecordingResponder):
    """A responder whose nearest written examples vote as the classifier reads: both readers see the same joy."""

    def emotion_votes(self, message):
        probabilities = next((p for word, p in RecordingClassifier.rows.items() if word in message), None)
        return dict(zip(RecordingClassifier.labels, probabilities or RecordingClassifier.otherwise, strict=True))


def test_a_glad_question_after_a_cheer_may_be_cheered_but_the_other_side_still_is_not():
    """ "근데 뭐부터 해야되지" after a pass asks about the news, gladly: a 행복한 고민 reply fits; a downside not."""
    cheer, question = "행복한 고민이네요! 날짜가 정해진 일부터 하나씩 해 봐요.", "그 이야기 조금 더 들려줄래요?"
    history = [{"role": "user", "content": "합격했어 좋아"}, {"role": "assistant", "content": "축하해요! 기쁘네요."}]
    bot = Chatbot(RecordingClassifier(), VotingResponder(cheer, question))
    assert bot.reply("근데 뭐부터 하지 좋아", history).text == cheer  # asks what, and both readers see joy
    assert bot.reply("근데 일은 더 많아지겠지 좋아", history).text == question  # tells, not asks: the other side
    unsure = Chatbot(RecordingClassifier(), RecordingResponder(cheer, question))  # no examples' vote: not agreed
    assert unsure.reply("근데 뭐부터 하지 좋아", history).text == question


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


def test_a_spouse_is_never_guessed_though_a_friend_may_be():
    from chatbot.quality import names_stranger

    spouse, friend = "그렇군요. 배우자와는 보통 어떻게 시간을 보내요?", "그렇군요. 그 친구와는 요즘 어때요?"
    assert names_stranger(spouse, ["나 진로 바꾸기로 했어", "디자인 쪽으로"])  # nobody named, still no spouse
    assert not names_stranger(friend, ["나 진로 바꾸기로 했어", "디자인 쪽으로"])  # a friend is a fair guess
    assert not names_stranger(spouse, ["남편이랑 또 싸웠어"])


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
    news = Chatbot(classifier, RecordingResponder("그럼요, 얼른 들려줘요! 무슨 좋은 일이에요?", stays), candidates=2)
    assert news.reply("언니가 어제 출산했어 나 이모 됨 애기도 건강하대").text == stays  # the news was just told
    assert news.reply("나 자랑할거 있음").text.endswith("무슨 좋은 일이에요?")  # …not yet: ask
    result = Chatbot(
        classifier, RecordingResponder("시험 이야기네요. 결과가 어땠는지 들려줄래요?", stays), candidates=2
    )
    told = [{"role": "user", "content": "자격증 결과 오늘 뜸 헐 붙음"}, {"role": "assistant", "content": "축하해요!"}]
    assert result.reply("근데 이제 뭐부터 해야되지", told).text == stays  # the result was told


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


def test_the_bot_does_not_greet_again_once_it_has_spoken(parts):
    classifier, _ = parts
    greeting, question = "안녕하세요, 반가워요! 저는 마음챗이에요.", "그 이야기를 조금 더 들려줄래요?"
    bot = Chatbot(classifier, RecordingResponder(greeting, question), candidates=2)
    assert bot.reply("안녕").text == greeting
    history = [{"role": "user", "content": "안녕"}, {"role": "assistant", "content": "안녕! 반가워요."}]
    assert bot.reply("그냥 심심해서 와봄", history).text == question
    assert bot.reply("잘래 안녕").text in SAFETY_REPLIES["screened_goodbyes"]  # a goodnight is not a hello


def test_pet_wording_needs_a_pet():
    reply = "가족 같은 아이라 걱정이 큰 게 당연해요. 지금 어떤 마음인지 들려줄래요?"
    assert names_stranger(reply, ["우리 애가 밥을 너무 안먹어"])  # a child, not a pet
    assert not names_stranger(reply, ["우리 강아지가 밥을 너무 안먹어"])


def test_someone_who_is_leaving_is_seen_off_not_asked_more(parts):
    classifier, _ = parts
    question, farewell = "오늘 이야기 나눈 것 중 뭐가 제일 도움이 됐어요?", "저도 고마워요. 편히 쉬어요."
    bot = Chatbot(classifier, RecordingResponder(question, farewell), candidates=2)
    assert bot.reply("들어줘서 고마워 내일 또 올게").text == farewell
    assert bot.reply("들어줘서 고마워").text == question  # thanks alone may be asked about
    only_questions = Chatbot(classifier, RecordingResponder(question, "그 이야기 조금 더 들려줄래요?"), candidates=2)
    assert only_questions.reply("이제 잘게").text in SAFETY_REPLIES["screened_goodbyes"]
    kind_words = "그렇게 말해 주니 힘이 나요."  # no question, but no goodbye either: it leaves them at the door
    no_farewell = Chatbot(classifier, RecordingResponder(kind_words, farewell), candidates=2)
    assert no_farewell.reply("고마워 자볼게").text == farewell
    assert no_farewell.reply("요즘 잠을 잘 자").text == kind_words  # sleeping well is no goodnight


def test_a_corpus_reply_is_judged_by_its_words_not_by_the_label_of_its_message():
    from generator.retrieval import RetrievalResponder

    cheerful = "저는 당신이 있어 행복한데 그런 당신도 행복했으면 좋겠어요."  # a wellness reply to a 무기력 message
    comfort = "많이 지치고 속상했겠어요. 요즘 어떻게 지내요?"
    corpus = RetrievalResponder(
        [("너무 슬프고 살 맛이 안 나", cheerful, "슬픔"), ("슬프고 기운이 없어", comfort, "슬픔")]
    )
    assert corpus.reply_emotions == {}  # only the reply bank's replies carry the emotion they were written for
    reply = Chatbot(RecordingClassifier(), corpus, candidates=2).reply("너무 슬프고 살 맛이 안 나")
    assert reply.emotion == "슬픔" and reply.text == comfort


def test_when_every_first_candidate_is_refused_more_are_asked_for_before_an_open_question(parts):
    classifier, _ = parts
    pet = "반려동물 이야기에 저도 미소가 지어져요! 그 아이는 지금 어때요?"
    father = "아버지 수술이 잘 끝났다니 정말 다행이에요!"
    responder = RecordingResponder(pet, pet + " ", father)  # the pet replies come first, the father's third
    bot = Chatbot(classifier, responder, candidates=2)  # two drawn; more_candidates asks for up to 16
    assert bot.reply("아빠 수술 잘 끝났대 너무 좋아").text == father
    fewer = Chatbot(classifier, RecordingResponder(pet, pet + " ", father), candidates=2, more_candidates=0)
    assert fewer.reply("아빠 수술 잘 끝났대 너무 좋아").text != father  # no second round: an open question
    with pytest.raises(ValueError, match="more_candidates"):
        Chatbot(classifier, responder, more_candidates=-1)
