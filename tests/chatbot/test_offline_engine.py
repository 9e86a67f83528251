"""Chatbot.offline, the default engine with no checkpoints: the light classifier and the reply bank read and answer
real messages (the pipeline with injected parts is tested in test_engine*.py)."""

import logging

import pytest

from chatbot import Chatbot
from chatbot.engine import find_full_checkpoints
from chatbot.quality import reply_valence
from data.replybank import load_reply_bank

SIX = ["일상", "기쁨", "분노", "불안", "슬픔", "우울"]


def test_offline_default_reads_and_answers(offline_chatbot):
    reply = offline_chatbot.reply("시험에 합격해서 정말 기뻐!")
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
def test_offline_reads_the_messages_the_issue_found_misread(offline_chatbot, message, emotion):
    reply = offline_chatbot.reply(message)
    assert reply.emotion == emotion, (message, reply.emotion, reply.scores)
    assert not reply.safety


def _history(*turns):
    return [
        {"role": role, "content": text}
        for pair in turns
        for role, text in zip(("user", "assistant"), pair, strict=True)
    ]


def test_offline_one_word_follow_ups_keep_the_subject_and_the_feeling(offline_chatbot):
    topic_of = {entry.reply: entry.topic for entry in offline_chatbot.responder.entries}
    said = offline_chatbot.reply("우리 강아지가 어제 무지개다리 건넜어")
    assert topic_of[said.text] == "pets" and said.emotion == "슬픔"
    for follow_up in ("ㅇㅇ", "응..", "그러게"):
        reply = offline_chatbot.reply(follow_up, _history(("우리 강아지가 어제 무지개다리 건넜어", said.text)))
        assert reply.emotion == "슬픔" and topic_of.get(reply.text) in ("pets", "grief", "general"), (follow_up, reply)


@pytest.mark.parametrize("thanks", ["얘기 들어줘서 고마워", "덕분에 좀 나아졌어 고마워"])
def test_offline_thanks_after_a_sad_turn_get_thanks_back_not_more_consolation(offline_chatbot, thanks):
    from chatbot.quality import reply_valence

    sad = offline_chatbot.reply("헤어진 지 한 달인데 아직도 생각나")
    thanked = offline_chatbot.reply(thanks, _history(("헤어진 지 한 달인데 아직도 생각나", sad.text)))
    assert thanked.emotion == "기쁨" and reply_valence(thanked.text) != "negative", thanked


def test_offline_a_clear_new_subject_is_answered_on_its_own(offline_chatbot):
    topic_of = {entry.reply: entry.topic for entry in offline_chatbot.responder.entries}
    greeted = offline_chatbot.reply("안녕")
    assert (
        "마음챗" in offline_chatbot.reply("너 이름 뭐야", _history(("안녕", greeted.text))).text
    )  # not more greeting
    failed = offline_chatbot.reply("시험 떨어졌어")
    lunch = offline_chatbot.reply("그건 그렇고 점심 뭐 먹지", _history(("시험 떨어졌어", failed.text)))
    assert lunch.emotion == "일상" and topic_of.get(lunch.text) != "exam", lunch


def test_offline_answers_the_bots_name_and_never_cheers_a_failed_exam(offline_chatbot):
    assert "마음챗" in offline_chatbot.reply("너 이름이 뭐야?").text
    for seed in range(10):
        text = offline_chatbot.reply("시험에 떨어졌어", seed=seed).text
        assert not any(word in text for word in ("축하", "잘됐", "기뻐")), text


@pytest.mark.parametrize("message", ["오늘 면접 봤는데 완전 망한듯", "시험 망함", "완전 망한듯"])
def test_offline_never_cheers_slang_setbacks_the_classifier_reads_as_joy(offline_chatbot, message):
    reply = offline_chatbot.reply(message)
    assert reply.emotion in ("슬픔", "우울", "불안", "분노"), (message, reply.scores)
    assert not any(word in reply.text for word in ("축하", "잘됐", "기뻐", "신나")), reply.text


@pytest.mark.parametrize("message", ["십년 탄 차 폐차하고 왔어 시원섭섭해", "교환학생 출국 전날 설렘반 걱정반"])
def test_offline_never_cheers_joy_and_sorrow_named_at_once(offline_chatbot, message):
    for seed in range(5):
        text = offline_chatbot.reply(message, seed=seed).text
        assert reply_valence(text) != "positive", text


def test_offline_a_birthday_told_plainly_gets_no_loss_or_loneliness(offline_chatbot):
    topic_of = {entry.reply: entry.topic for entry in offline_chatbot.responder.entries}
    for seed in range(5):
        reply = offline_chatbot.reply("나 오늘 생일이야", seed=seed)  # the bank's other birthdays are sad ones
        assert topic_of.get(reply.text) not in ("pets", "grief", "loneliness"), reply.text
        assert not any(word in reply.text for word in ("아이", "혼자", "속상", "아프")), reply.text


def test_offline_replies_vary_between_turns(offline_chatbot):
    history, replies = [], []
    for _ in range(4):
        reply = offline_chatbot.reply("요즘 너무 우울하고 무기력해", history)
        replies.append(reply.text)
        history += [
            {"role": "user", "content": "요즘 너무 우울하고 무기력해"},
            {"role": "assistant", "content": reply.text},
        ]
    assert len(set(replies)) == 4, replies


def test_offline_answers_any_unicode(offline_chatbot):
    for message in ("🙂🙂🙂", "心配です", "¿qué tal? 👋", "ㅋㅋㅋㅋ"):
        reply = offline_chatbot.reply(message)
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


@pytest.mark.slow  # builds or loads a whole engine, or waits on a server
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


@pytest.mark.slow  # builds or loads a whole engine, or waits on a server
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


@pytest.fixture(scope="module")
def intent_of() -> dict[str, str | None]:
    """The reply bank's intent of each of its replies (the bank read once for the tests below)."""
    return {reply: group.intent for group in load_reply_bank() for reply in group.replies}


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("신촌 근처 파스타집 괜찮은 곳 알아?", "recommend"),  # none of these is a bank message
        ("루테인 먹으면 눈 좋아지나", "fact_check"),
        ("너 같으면 전세 할래 월세 할래", "choice"),
        ("AI한테 이런 말 하는 거 좀 웃기지만 하소연 들어줄 수 있어?", "listen"),  # not a joke: "웃기" is not a request
    ],
)
def test_offline_answers_a_practical_question_honestly_not_with_small_talk(
    offline_chatbot, intent_of, message, intent
):
    for seed in range(5):  # replies are drawn from the best few: every draw must be an honest one
        reply = offline_chatbot.reply(message, seed=seed)
        assert reply.emotion == "일상" and intent_of.get(reply.text) == intent, (reply.text, reply.scores)


@pytest.mark.parametrize("message", ["퇴근하고 저녁 든든하게 잘 먹었다", "오늘 점심 먹고 회사 앞 공원 한 바퀴 돌았어"])
def test_a_statement_about_a_meal_gets_no_menu_suggestion(offline_chatbot, intent_of, message):
    for seed in range(5):
        reply = offline_chatbot.reply(message, seed=seed)
        assert intent_of.get(reply.text) not in {"recommend_food", "recommend", "choice"}, reply.text


def test_a_question_no_kind_of_answer_fits_gets_no_answer_of_another_kind(offline_chatbot, intent_of):
    message = "고속버스 터미널에서 강릉 가는 첫차 몇 시야"  # neither a recommendation nor a choice
    for seed in range(5):
        reply = offline_chatbot.reply(message, seed=seed)
        assert intent_of.get(reply.text) not in {"recommend", "choice", "knowledge", "job"}, reply.text


def test_offline_a_plain_question_is_answered_with_what_was_asked(offline_chatbot):
    intent_of = {entry.reply: entry.intent for entry in offline_chatbot.responder.entries}
    assert intent_of.get(offline_chatbot.reply("훈련소 편지 뭐라고 써야 할지 모르겠어").text) == "letter"
    worried = _history(("애가 밤새 열이 39도야", "많이 걱정되겠어요."))
    answered = offline_chatbot.reply("해열제 먹였는데 응급실 가야 돼?", worried)  # a worried turn before it
    assert intent_of.get(answered.text) in ("see_doctor", "how_to", "fact_check"), answered.text
