"""How the engine reads the emotion of a message (`chatbot.reading`, and the cue words of `chatbot.cues` it
uses), with injected classifiers whose readings are known: context, acknowledgements, greetings, setbacks, relief,
good news, hopes, thanks."""

import pytest

from chatbot.cues import names_relief, names_setback, opens_a_story, thanks_in_words, without_backchannel
from chatbot.reading import ReadingPolicy, forbidden_tones, read_emotion
from tests.chatbot.recording import RecordingClassifier


def test_a_short_follow_up_that_says_its_own_feeling_clearly_is_not_swamped_by_the_earlier_turn():
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
    assert without_backchannel(message) == read


def test_an_acknowledgement_before_a_complaint_does_not_read_it_as_small_talk():
    classifier = AcknowledgementClassifier()
    reading = read_emotion(classifier, "ㅇㅇ 수당도 안나와", ["ㅇㅇ 이번 주 내내 야근"])
    assert reading.label == "분노" and reading.own["분노"] > 0.5
    assert classifier.calls[-1] == ["수당도 안나와", "이번 주 내내 야근"]  # earlier turns are read the same way


class GreetingClassifier(RecordingClassifier):
    """안녕 reads as small talk, 외로워 as low mood (not surely), anything else flat."""

    rows = {"안녕": [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], "외로워": [0.15, 0.02, 0.02, 0.02, 0.04, 0.75]}


def test_a_greeting_before_a_feeling_lends_it_no_small_talk():
    assert read_emotion(GreetingClassifier(), "좀 외로워", ["안녕"]).label == "우울"
    before = ReadingPolicy(context_neutral_share=1.0, short_sure_at=1.01)
    assert read_emotion(GreetingClassifier(), "좀 외로워", ["안녕"], before).label == "일상"  # the greeting's full
    # small-talk share, boosted because the message is short, outweighed the feeling
    assert read_emotion(GreetingClassifier(), "응", ["안녕"]).label == "일상"  # a bare "응" still follows the greeting


def test_a_named_setback_is_never_read_as_joy_even_when_the_classifier_says_so(parts):
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
    classifier, _ = parts  # reads 좋 as 기쁨 0.8
    reading = read_emotion(classifier, message)
    assert reading.label == "기쁨" and reading.scores["기쁨"] >= 0.8 - 1e-9  # not moved to sadness (relief may add)


@pytest.mark.parametrize("message", ["속상했는데 수술은 안 해도 된대", "슬펐는데 요즘은 덜 외로워졌어"])
def test_relief_moves_part_of_the_sad_share_to_joy(parts, message):
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
    classifier, _ = parts  # reads 속상 as 슬픔 0.8: the earlier worry would pull the calm turn back to it
    assert read_emotion(classifier, message, ["속상해 아까 심장이 막 뛰었어"]).label == "기쁨"


def test_a_short_follow_up_to_relief_leans_toward_joy(parts):
    classifier, _ = parts  # reads 속상 as 슬픔 0.8, "응" as flat
    follow_up = read_emotion(classifier, "응", ["속상했는데 수술은 안 해도 된대"])
    assert follow_up.label == "기쁨"


def test_relief_after_a_sad_turn_is_read_on_its_own(parts):
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
    assert thanks_in_words(message) is thanks


def test_relief_reported_from_others_is_not_relief():
    assert names_relief("발표 괜찮았다 휴")
    assert not names_relief("아니 다들 괜찮았다고는 하는데 내가 아는데")  # "<list>_not" words are removed first


@pytest.mark.parametrize(
    "message", ["좋은 소식 합격했으면 좋겠다 제발", "좋겠다 검사 결과 아무 일 없었으면", "좋게 끝났는데 재발할까봐"]
)
def test_a_hope_not_met_yet_is_read_as_worry_never_joy(parts, message):
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
        ("카드 놓고 와서 왕복 20분 ㅋㅋㅋ 하 나새끼", "분노"),  # annoyed at oneself, laughing
        ("엄마랑 또 한판함", "분노"),  # a fight at home, not small talk
        ("우리 햄찌 귀여워 미치겠음ㅋㅋ", "기쁨"),  # 미치겠다 is left out: it is joy here
        ("응.. 좀 울고 나니까 조금 나아", "슬픔"),  # feeling a little better after crying is still sadness
    ],
)
def test_words_that_say_annoyance_or_tears_outweigh_laughter(message, label):
    assert read_emotion(NewsClassifier(), message).label == label


def test_good_news_told_with_tears_may_be_cheered_but_tears_alone_may_not():
    news = read_emotion(NewsClassifier(), "동생이 취업함ㅠㅠㅠ")
    assert news.label == "기쁨" and news.glad_words and "positive" not in forbidden_tones(news)
    doubtful = ReadingPolicy(cheer_sure_at=0.75)  # P(기쁨) 0.7 is not sure enough to cheer through the tears
    tears = read_emotion(NewsClassifier(), "동생이 면접 보고 옴ㅠㅠㅠ", policy=doubtful)
    assert tears.label == "기쁨" and not tears.glad_words and "positive" in forbidden_tones(tears, doubtful)
    at_the_bar = ReadingPolicy(cheer_sure_at=0.7)
    examples_glad = {"기쁨": 0.9}
    agreed = read_emotion(
        NewsClassifier(), "동생이 면접 보고 옴ㅠㅠㅠ", policy=at_the_bar, neighbours=lambda m: examples_glad
    )
    assert "positive" not in forbidden_tones(agreed, at_the_bar)  # at the bar, with the examples agreeing, it is
    assert "positive" in forbidden_tones(tears, at_the_bar)  # …but one reader alone does not cheer tears
    thanks = read_emotion(NewsClassifier(), "ㅇㅋ 담부턴 두번 확인할게 ㄱㅅ")  # thanks is not a loss either
    assert thanks.glad_words and thanks.group_score("negative") >= 0.2 and "positive" not in forbidden_tones(thanks)


def test_tears_with_no_good_news_in_words_are_not_cheered_unless_the_joy_is_sure():
    class TearsReadGlad(RecordingClassifier):  # the light classifier reads a bare loss with ㅠㅠ as faint joy
        rows = {"ㅠㅠ": [0.24, 0.62, 0.02, 0.04, 0.06, 0.02], "합격": [0.02, 0.9, 0.02, 0.02, 0.02, 0.02]}

    def votes(joy):  # the nearest written examples' reading
        return lambda message: {"기쁨": joy, "슬픔": 1 - joy}

    undone = read_emotion(TearsReadGlad(), "한참 뜬 조끼 코 빠져서 다 풀었어ㅠㅠ", neighbours=votes(0.3))
    assert undone.label == "기쁨" and undone.tearful and "positive" in forbidden_tones(undone)
    both = read_emotion(TearsReadGlad(), "한참 뜬 조끼 코 빠져서 다 풀었어ㅠㅠ", neighbours=votes(0.9))
    assert both.tearful and "positive" not in forbidden_tones(both)  # both readers see joy: tears of joy
    dry = read_emotion(TearsReadGlad(), "한참 뜬 조끼 코 빠져서 다 풀었어ㅠㅠ".replace("ㅠ", ""))
    assert not dry.tearful
    news = read_emotion(TearsReadGlad(), "합격했대ㅠㅠ")  # good news in words: tears of joy, cheered
    assert not news.tearful and "positive" not in forbidden_tones(news)


class BittersweetClassifier(RecordingClassifier):
    """Reads 시원 surely as joy, as the light classifier reads "속 시원하다"."""

    rows = {"시원": [0.05, 0.85, 0.02, 0.04, 0.02, 0.02]}


@pytest.mark.parametrize("message", ["졸업하니까 시원섭섭하네", "처음 혼자 살아 시원하면서도 설렘반 걱정반"])
def test_joy_and_sorrow_named_at_once_are_never_cheered(message):
    mixed = read_emotion(BittersweetClassifier(), message)
    assert mixed.bittersweet and {"positive", "negative"} <= forbidden_tones(mixed)  # neither cheered nor consoled
    plain = read_emotion(BittersweetClassifier(), "졸업하니까 속이 다 시원하네")
    assert plain.label == "기쁨" and not plain.bittersweet and "positive" not in forbidden_tones(plain)


def test_an_acknowledgement_alone_carries_the_earlier_feeling_not_its_own():
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
        ("해열제 먹고 떨어졌어 휴", True),  # …nor is one the medicine brought down
        ("노트북에 커피 쏟을뻔했는데 안쏟음 ㅋㅋ", True),  # a near miss that did not happen
        ("지각할 뻔했는데 겨우 세이프", True),
        ("이번달 카드값 보고 기절할뻔", False),  # a near miss that is the whole story: the shock stays
        ("다행인지 불행인지 모르겠다", False),
        ("이번 시험 떨어졌어", False),
    ],
)
def test_relief_words(message, relief):
    assert names_relief(message) is relief
    assert not (relief and names_setback(message))


class LossClassifier(RecordingClassifier):
    """Reads 역전당함 as anger and 전환 ㅠㅠ as joy with tears: what the nearest written examples then say decides."""

    rows = {
        "역전": [0.01, 0.07, 0.84, 0.0, 0.08, 0.0],
        "전환": [0.02, 0.45, 0.02, 0.02, 0.47, 0.02],
    }


def test_consolation_is_held_back_only_when_the_message_itself_reads_glad_to_both_readers():
    """A negative reading is consoled unless P(기쁨) reaches mixed_share and the classifier and the nearest examples
    each see joy in the message: one reader matching the opposite news in the same words does not count, nor does
    joy carried over from earlier turns when the message turns against them ("근데 …")."""
    opposite_news = lambda message: {"기쁨": 0.72, "슬픔": 0.16, "분노": 0.07, "일상": 0.05}  # noqa: E731 — "역전승"
    loss = read_emotion(LossClassifier(), "야구 9회말에 역전당함 하", neighbours=opposite_news)
    assert loss.label == "분노" and loss.group_score("positive") >= ReadingPolicy().mixed_share
    assert loss.agreed_joy == pytest.approx(0.07) and "negative" not in forbidden_tones(loss)
    tears = read_emotion(
        LossClassifier(), "울었는데 결국 전환 ㅠㅠ", neighbours=lambda message: {"기쁨": 0.5, "슬픔": 0.5}
    )
    assert tears.valence == "negative" and "negative" in forbidden_tones(tears)  # both see news no word names: ask
    named = read_emotion(
        LossClassifier(), "울었는데 정규직 전환 ㅠㅠ", neighbours=lambda message: {"기쁨": 0.5, "슬픔": 0.5}
    )
    assert named.label == "기쁨" and "negative" in forbidden_tones(named)  # the words name the news: tears of joy
    worry = read_emotion(NewsClassifier(), "근데 면접 생각하니까 벌써 떨려", ["서류 합격!!"])
    assert worry.label == "불안" and worry.group_score("positive") >= ReadingPolicy().mixed_share
    assert "negative" not in forbidden_tones(worry)  # it turns against the news: the joy carried over is not its own
    told_on = read_emotion(NewsClassifier(), "면접 생각하니까 벌써 떨려", ["서류 합격!!"])
    assert told_on.label == "불안" and "negative" in forbidden_tones(told_on)  # no turn: still part of the news


class MishapClassifier(RecordingClassifier):
    """Reads 놓쳐 (a missed bus) as sadness, whatever is said around it."""

    rows = {"놓쳐": [0.04, 0.04, 0.04, 0.04, 0.8, 0.04]}


def test_a_mishap_shrugged_off_is_read_as_small_talk_not_sadness():
    assert read_emotion(MishapClassifier(), "버스 놓쳐서 걸어옴 ㅋㅋ 운동했다 치자").label == "일상"
    assert read_emotion(MishapClassifier(), "버스 놓쳐서 걸어옴 ㅠㅠ 발 아파").label == "슬픔"  # not shrugged
    assert read_emotion(MishapClassifier(), "막차 놓쳐서 어쩔 수 없지 뭐").label == "슬픔"  # resignation is no shrug


class SadStoryClassifier(RecordingClassifier):
    """Reads 이혼 and 안 됐 as sadness, and 후련 as mostly small talk: it does not know the relief word."""

    rows = {
        "이혼": [0.04, 0.04, 0.04, 0.04, 0.8, 0.04],
        "안 됐": [0.02, 0.02, 0.02, 0.02, 0.9, 0.02],
        "후련": [0.4, 0.15, 0.1, 0.1, 0.15, 0.1],
    }


def test_good_news_in_the_messages_own_words_is_never_consoled_however_sad_the_earlier_turns():
    """ "솔직히 후련한것도 있어" after a divorce filing reads sad from the earlier turn, but consoling it would deny
    what it says; a good-news word the message denies ("정규직 전환 안 됐어") is consoled as before."""
    relief = read_emotion(SadStoryClassifier(), "솔직히 후련한것도 있어", ["오늘 협의이혼 신청하고 왔어"])
    assert relief.valence == "negative" and relief.news_words
    assert {"negative", "positive"} <= forbidden_tones(relief)
    denied = read_emotion(SadStoryClassifier(), "인턴 끝났는데 정규직 전환 안 됐어")
    assert denied.label == "슬픔" and not denied.news_words and "negative" not in forbidden_tones(denied)


class FlatNewsClassifier(RecordingClassifier):
    """Reads 오름 (a raise told flatly) as half joy, half worry and anger, and 올랐 with a little less joy."""

    rows = {"오름": [0.02, 0.5, 0.2, 0.14, 0.1, 0.04], "올랐": [0.02, 0.44, 0.2, 0.2, 0.1, 0.04]}


def test_joy_both_readers_see_in_the_message_itself_may_be_cheered_though_the_classifier_hedges():
    """A joy reading between positive_sure_at and cheer_sure_at is cheered when the classifier and the nearest
    written examples each give the message itself at least agreed_cheer_at joy; one reader alone does not do."""
    policy, examples = ReadingPolicy(), lambda message: {"기쁨": 0.7, "일상": 0.3}
    agreed = read_emotion(FlatNewsClassifier(), "연봉협상 끝남 8% 오름", neighbours=examples)
    assert agreed.label == "기쁨" and policy.positive_sure_at <= agreed.scores["기쁨"] < policy.cheer_sure_at
    assert agreed.group_score("negative") >= policy.risky_share and "positive" not in forbidden_tones(agreed)
    hedged = read_emotion(FlatNewsClassifier(), "연봉 조금 올랐", neighbours=examples)  # the classifier: 0.44 joy
    assert hedged.label == "기쁨" and policy.positive_sure_at <= hedged.scores["기쁨"] < policy.cheer_sure_at
    assert "positive" in forbidden_tones(hedged)


class StoryClassifier(RecordingClassifier):
    """Reads 고백 as likelier sadness than joy (a confession, how it went untold) and 장례식 as sadness surely."""

    rows = {
        "고백": [0.1, 0.3, 0.02, 0.02, 0.5, 0.06],
        "장례식": [0.01, 0.01, 0.01, 0.01, 0.95, 0.01],
    }


@pytest.mark.parametrize(
    ("message", "opens"),
    [
        ("고백했는데", True),
        ("소개팅 했는데", True),
        ("오랜만에 중학교 친구 만났는데", True),
        ("내일 비행기 타는데", False),  # not a past event: the worry is told
        ("시험 망쳤어.. 진짜 열심히 했는데", False),  # the setback is told
        ("발표 무사히 끝냄 떨렸는데", False),  # …and so is relief
        ("팀장한테 깨져서 기분 꿀꿀했는데 퇴근길에 붕어빵 삼", False),  # a whole story, not an opening
        ("오늘 힘들었는데", False),  # the feeling is told
    ],
)
def test_a_story_opened_with_a_past_event_and_nothing_told_yet(message, opens):
    assert opens_a_story(message) is opens


def test_a_first_message_that_only_opens_a_story_is_asked_about_not_guessed():
    assert not read_emotion(StoryClassifier(), "고백했는데").sure  # how it went comes next
    assert read_emotion(StoryClassifier(), "고백했는데 차였어 슬프다").sure  # told: answered
    assert read_emotion(StoryClassifier(), "오늘 삼촌 장례식이었는데").sure  # read surely alone: answered
    assert read_emotion(StoryClassifier(), "고백했는데", ["어제 걔 만났어"]).sure  # a later turn: the story goes on


def test_what_the_person_tells_of_themselves_after_a_question_to_the_bot_says_how_they_feel():
    from chatbot.cues import question_then_self

    assert question_then_self("너도 외로울때 있어? 난 요즘 맨날 그래") == ("너도 외로울때 있어?", "난 요즘 맨날 그래")
    assert question_then_self("너도 최애 음식 있음? 난 마라탕") == ("너도 최애 음식 있음?", "난 마라탕")
    assert question_then_self("너도 외로울때 있어?") is None  # nothing told after the question
    assert question_then_self("너도 외로울때 있어? 요즘 비가 많이 오네") is None  # not about themselves
    assert question_then_self("난 요즘 힘들어 너는?") is None  # the question comes last
    # the classifier reads 좋 (joy) in the question, 속상 (sadness) in what follows: what follows decides
    assert read_emotion(RecordingClassifier(), "너도 좋은 날 있어? 난 요즘 속상해").label == "슬픔"
    assert read_emotion(RecordingClassifier(), "너도 좋은 날 있어? 요즘 속상해").label == "기쁨"  # read whole


@pytest.mark.parametrize(
    "message, read",
    [
        ("승진함 ㅇㅇ", "승진함"),
        ("ㅇㅇ 다 끝남 ㄹㅇ", "다 끝남"),  # both ends
        ("수당도 안나와 ㅇㅋ ㅇㅇ", "수당도 안나와"),  # several in a row
        ("괜찮아 뭐", "괜찮아 뭐"),  # a closing shrug carries a tone: kept
        ("ㅇㅇ ㅇㅇ", "ㅇㅇ"),  # nothing else said: one is read
        ("승진함ㅇㅇ", "승진함ㅇㅇ"),  # whole words only
    ],
)
def test_closing_affirmations_are_left_out_of_what_is_read(message, read):
    assert without_backchannel(message) == read


def test_news_closed_with_affirming_letters_is_read_as_the_news():
    classifier = AcknowledgementClassifier()
    reading = read_emotion(classifier, "수당도 안나와 ㅇㅇ")
    assert reading.label == "분노" and classifier.calls[-1] == ["수당도 안나와"]


class TearsClassifier(RecordingClassifier):
    """Reads every message with tears in it as sad, as the light classifier reads "ㅠㅠ" and 눈물."""

    rows = {"": [0.0, 0.3, 0.0, 0.0, 0.7, 0.0]}


def test_tears_beside_good_news_are_tears_of_joy():
    """Good news told with the person's own tears reads as joy (no consolation) when the classifier and the
    nearest examples both see some joy; tears beside a setback or a hope not met yet, or news neither reader sees
    joy in (a regret: "그때 붙었던 데 갈걸ㅠ"), stay sad."""
    some_joy = lambda message: {"기쁨": 0.4, "슬픔": 0.6}  # noqa: E731
    no_joy = lambda message: {"슬픔": 1.0}  # noqa: E731
    joy = read_emotion(TearsClassifier(), "자격증 최종 합격 떴는데 눈물이 핑 도네ㅠ", neighbours=some_joy)
    assert joy.label == "기쁨" and "negative" in forbidden_tones(joy)
    regret = read_emotion(TearsClassifier(), "자격증 최종 합격 떴는데 눈물이 핑 도네ㅠ", neighbours=no_joy)
    assert regret.label == "슬픔"
    for message in (
        "자격증 최종 불합격 떴어 눈물이 핑 도네ㅠ",
        "합격했으면 좋겠다 ㅠㅠ 눈물 나",
        "오늘 그냥 눈물이 나ㅠ",
    ):
        sad = read_emotion(TearsClassifier(), message, neighbours=some_joy)
        assert sad.label == "슬픔" and "positive" in forbidden_tones(sad), message
