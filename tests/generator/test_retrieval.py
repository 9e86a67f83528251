"""RetrievalResponder: nearest known utterance → its reply, emotion preferred, no repeats, seedable, round trip."""

import json
from pathlib import Path

import pytest

from generator.retrieval import ResponseEntry, RetrievalConfig, RetrievalResponder

# [message, reply, emotion]: two sad exam messages, a happy one, and one each of anger, anxiety, everyday, depression
ENTRIES = [tuple(row) for row in json.loads((Path(__file__).parent / "retrieval_entries.json").read_text("utf-8"))]


@pytest.fixture(scope="module")
def responder():
    return RetrievalResponder(ENTRIES)


def test_answers_with_the_reply_of_the_most_similar_message(responder):
    assert responder.generate("김치찌개 먹었어", do_sample=False) == "김치찌개 맛있죠! 든든했겠어요."
    assert responder.generate("친구가 약속을 어겨서 화나", do_sample=False) == "약속을 어기면 정말 화가 나죠."


def test_the_detected_emotion_decides_between_matches_of_the_other_valence(responder):
    # "시험" matches the sad and the happy exam entries alike; the detected emotion's valence group decides
    assert responder.generate("시험", emotion="기쁨", do_sample=False) == "합격 축하해요! 정말 기쁘겠어요."
    assert responder.generate("시험", emotion="슬픔", do_sample=False) in (ENTRIES[0][1], ENTRIES[1][1])
    for seed in range(20):  # never a reply of the other valence, however the draw goes
        assert (
            responder.generate("시험에 합격했어 너무 기뻐", emotion="슬픔", seed=seed, temperature=5.0)
            != ENTRIES[2][1]
        )


def test_candidates_are_distinct_and_best_first(responder):
    found = responder.candidates("시험에 떨어졌어", emotion="슬픔", k=3)
    scores = [score for score, _ in found]
    assert scores == sorted(scores, reverse=True)
    assert len({entry.reply for _, entry in found}) == len(found) == 3
    assert found[0][1].emotion == "슬픔"


def test_sampling_is_seedable_and_varies_between_seeds(responder):
    first = [responder.generate("시험", seed=seed, temperature=5.0) for seed in range(12)]
    again = [responder.generate("시험", seed=seed, temperature=5.0) for seed in range(12)]
    assert first == again
    assert len(set(first)) > 1


def test_does_not_repeat_a_reply_already_given_in_the_conversation(responder):
    context = ["시험에 떨어져서 너무 속상해", "시험 결과 때문에 많이 속상하겠어요.", "시험에 떨어져서 너무 속상해"]
    for seed in range(10):
        assert responder.generate(context, emotion="슬픔", seed=seed) != "시험 결과 때문에 많이 속상하겠어요."


def test_answers_unseen_scripts_and_empty_overlap(responder):
    for message in ("🙂🙂", "心配", "ok?", "ㅋㅋㅋ"):
        assert responder.generate(message, emotion="기쁨", seed=0) in {reply for _, reply, _ in ENTRIES}


def test_stream_increments_join_to_the_generated_reply(responder):
    pieces = list(responder.stream("내일 면접이라 떨려", emotion="불안", seed=3))
    assert len(pieces) > 1
    assert "".join(pieces) == responder.generate("내일 면접이라 떨려", emotion="불안", seed=3)


def test_bad_input_is_a_clear_error(responder):
    with pytest.raises(TypeError, match="unknown generation option"):
        responder.generate("안녕", temprature=0.5)
    with pytest.raises(TypeError, match="context must be"):
        responder.generate([])
    with pytest.raises(ValueError, match="at least one entry"):
        RetrievalResponder([("", "")])
    with pytest.raises(ValueError, match="entry 1"):
        RetrievalResponder([("a", "b"), 42])


def test_save_load_round_trip_gives_the_same_replies(responder, tmp_path):
    target = tmp_path / "responder"
    responder.save_pretrained(target)
    assert json.loads((target / "responder_config.json").read_text(encoding="utf-8"))["backend"] == "retrieval"
    loaded = RetrievalResponder.from_pretrained(target)
    assert loaded.entries == responder.entries
    for seed in range(5):
        assert loaded.generate("시험 결과", emotion="슬픔", seed=seed) == responder.generate(
            "시험 결과", emotion="슬픔", seed=seed
        )
    responder.save_pretrained(target)  # overwriting an existing directory works and leaves no temp dirs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["responder"]


def test_entries_are_written_one_json_object_a_line_with_the_fields_in_order(tmp_path):
    from generator.entries import read_entries, write_entries

    entries = [ResponseEntry("시험 망쳤어", "속상하겠다", "슬픔", "demo", "exam"), ResponseEntry("안녕", "반가워")]
    write_entries(tmp_path / "entries.jsonl", entries)
    assert (tmp_path / "entries.jsonl").read_text(encoding="utf-8").splitlines() == [
        (
            '{"message": "시험 망쳤어", "reply": "속상하겠다", "emotion": "슬픔", "source": "demo", "topic": "exam", '
            '"intent": null}'
        ),
        '{"message": "안녕", "reply": "반가워", "emotion": null, "source": "", "topic": null, "intent": null}',
    ]
    assert read_entries(tmp_path / "entries.jsonl") == entries


def test_from_dialogues_maps_corpus_labels_with_a_taxonomy():
    from data import DialogueExample, Taxonomy

    dialogues = [
        DialogueExample((), "헤어져서 너무 힘들어", "많이 힘들었겠어요.", "1", "chatbot_data"),
        DialogueExample((), "여자친구가 생겼어", "축하해요!", "2", "chatbot_data"),
    ]
    taxonomy = Taxonomy.default()
    responder = RetrievalResponder.from_dialogues(dialogues, taxonomy=taxonomy)
    assert [e.emotion for e in responder.entries] == [
        taxonomy.map("chatbot_data", "1"),
        taxonomy.map("chatbot_data", "2"),
    ]
    assert responder.generate("헤어졌어", do_sample=False) == "많이 힘들었겠어요."


def test_config_top_k_one_is_deterministic():
    responder = RetrievalResponder(ENTRIES, RetrievalConfig(top_k=1))
    assert {responder.generate("시험", emotion="기쁨", seed=s) for s in range(5)} == {
        "합격 축하해요! 정말 기쁘겠어요."
    }
    assert isinstance(responder.entries[0], ResponseEntry)


def test_temperature_zero_always_picks_the_best_match(responder):
    # temperature=0 is a real value (the best match), not "use the default": no seed makes it vary
    best = responder.generate("시험", emotion="슬픔", do_sample=False)
    assert len({responder.generate("시험", emotion="슬픔", seed=seed) for seed in range(20)}) > 1  # close matches
    replies = {responder.generate("시험", emotion="슬픔", temperature=0, seed=seed) for seed in range(20)}
    assert replies == {best}


def test_top_k_zero_is_no_cap_and_none_is_the_default(responder):
    assert len(responder.candidates("시험", k=0)) == len({reply for _, reply, _ in ENTRIES})
    assert len(responder.candidates("시험", k=None)) == responder.config.top_k
    assert responder.generate("시험", top_k=None, temperature=None, seed=1) == responder.generate("시험", seed=1)
    with pytest.raises(ValueError, match="top_k"):
        responder.candidates("시험", k=-1)


def test_a_short_reply_is_not_dropped_because_an_earlier_turn_contains_it():
    short = RetrievalResponder(
        [("정말이야?", "네", "일상"), ("정말이야", "그럼요, 정말이에요. 믿어 주세요.", "일상")],
        RetrievalConfig(curt_penalty=0.0),
    )
    # the earlier bot turn contains "네" as a syllable, but never said the reply "네"
    context = ["안녕", "반갑네요, 오늘 하루는 어땠네요?", "정말이야?"]
    assert short.generate(context, do_sample=False) == "네"
    # said exactly before: skipped while another reply remains
    assert short.generate(["정말이야?", " 네 ", "정말이야?"], do_sample=False) != "네"


def test_a_long_reply_said_inside_a_noted_turn_is_still_skipped(responder):
    noted = "시험 결과 때문에 많이 속상하겠어요. (참고: 도움이 필요하면 1393)"
    context = ["시험에 떨어져서 너무 속상해", noted, "시험에 떨어져서 너무 속상해"]
    for seed in range(10):
        assert responder.generate(context, emotion="슬픔", seed=seed) != "시험 결과 때문에 많이 속상하겠어요."


def test_scores_of_the_same_turns_are_computed_once_and_cannot_be_changed_by_a_caller(responder):
    similarity = responder.similarity
    first = similarity.scores(["시험 떨어졌어", "ㅇㅇ"], 1.0)
    assert similarity.scores(("시험 떨어졌어", "ㅇㅇ"), 1) is first  # a list and a tuple of the same turns
    assert similarity.scores(["ㅇㅇ"], 1.0) is not first
    with pytest.raises(ValueError):
        first[0] = 1.0  # shared by later calls: read-only


def test_a_reply_written_for_a_request_answers_only_a_message_that_asks():
    from generator.entries import asks_something

    menu = "국물이 당겨요, 밥이 당겨요? 하나만 골라 보면 금방 정해져요."
    chat = "끼니 이야기네요. 오늘은 뭐가 맛있었어요?"
    responder = RetrievalResponder(
        [
            {"message": "저녁 뭐 먹지", "reply": menu, "emotion": "일상", "topic": "food", "intent": "recommend_food"},
            {"message": "점심에 국수 먹었어", "reply": chat, "emotion": "일상", "topic": "food"},
        ]
    )
    assert asks_something("저녁 뭐 먹을까") and asks_something("점메추") and not asks_something("저녁 잘 먹었다")
    assert asks_something("밥 먹었니?ㅋㅋ") and asks_something("오늘 머먹지")  # 니 at the end, 머 for 뭐
    assert not asks_something("할머니 생신이라 시골 내려가는 중")  # …but not inside 할머니
    assert asks_something("이거 공황인가") and not asks_something("나도 꽤 하는 사람인가봐")  # 인가 ends a question
    assert not asks_something("오늘 뭐했냐면 그냥 집에서 넷플 봄")  # it answers its own question
    assert not asks_something("택배 분실됐대 2주 됐는데 미친거 아님?")  # an outburst asks nothing
    assert asks_something("택배 분실됐대 어디에 연락해야돼?")
    assert responder.generate("저녁 뭐 먹을까", emotion="일상", do_sample=False) == menu
    for seed in range(5):  # its nearest message is the request, but it asks nothing
        assert responder.generate("저녁 잘 먹었다", emotion="일상", seed=seed) == chat


def test_advice_written_for_one_subject_answers_only_a_request_on_that_subject():
    decide = "정하기 전에 중요하게 여기는 걸 한 줄로 적어 보면 덜 흔들린대요. 요즘 고민하는 선택이 있어요?"
    sleep = "자기 전 화면을 잠깐 멀리 두는 게 도움이 될 때가 있어요. 요즘 몇 시쯤 누워요?"
    plain = "그런 걸 찾아보고 있군요. 요즘 어떤 일로 마음이 쓰여요?"
    responder = RetrievalResponder(
        [
            {
                "message": "후회 안 하는 방법 있어?",
                "reply": decide,
                "emotion": "일상",
                "topic": "regret",
                "intent": "advice_decision",
            },
            {
                "message": "선택할 때 안 흔들리는 법",
                "reply": decide,
                "emotion": "일상",
                "topic": "regret",
                "intent": "advice_decision",
            },
            {
                "message": "밤에 푹 자려면 어떻게 해",
                "reply": sleep,
                "emotion": "일상",
                "topic": "sleep",
                "intent": "advice_sleep",
            },
            {"message": "요즘 이것저것 찾아보는 중", "reply": plain, "emotion": "일상", "topic": "regret"},
        ]
    )
    # "방법 있어" is nearest to the advice on regret, but the request is about sleep (잠), which it never names
    assert responder.generate("잠 잘 오는 방법 있어?", emotion="일상", do_sample=False) != decide
    assert responder.generate("선택 후회 줄이는 방법 있어?", emotion="일상", do_sample=False) == decide  # 선택 shared
    assert responder.generate("방법 있어?", emotion="일상", do_sample=False) == decide  # no subject named: no check


def test_a_plain_question_after_a_worried_turn_gets_the_answer_written_for_it():
    from generator.entries import asks_plainly

    worry = "많이 불안했겠어요. 지금은 좀 어때요?"
    answer = "붓기는 사람마다 달라서 제가 장담할 순 없어요. 치과에 한번 물어보면 확실해요."
    entries = [
        {"message": "사랑니 뽑았는데 볼이 퉁퉁 부어서 며칠째 무서워", "reply": worry, "emotion": "불안"},
        {"message": "발치 후 붓기 빠지는 기간?", "reply": answer, "emotion": "일상", "intent": "how_to"},
    ]
    entries = [{**entry, "topic": "health"} for entry in entries]
    turns = ["사랑니 뽑았는데 볼이 퉁퉁 부었어", "붓기 며칠이면 빠짐?"]
    assert asks_plainly(turns[-1]) and not asks_plainly("볼이 부어서 좀 무서워")
    # the worried reading and the earlier turn lean to the worry; the question asked is still answered
    assert RetrievalResponder(entries).generate(turns, emotion="불안", do_sample=False) == answer
    no_bonus = RetrievalResponder(entries, RetrievalConfig(question_bonus=0.0))
    assert no_bonus.generate(turns, emotion="불안", do_sample=False) == worry  # what the bonus changes
    still = ["사랑니 뽑았는데 볼이 퉁퉁 부었어", "아직도 좀 무서워"]  # no question: the worry is answered
    assert RetrievalResponder(entries).generate(still, emotion="불안", do_sample=False) == worry


def test_an_unsure_reading_still_answers_a_plain_question_a_reply_was_written_for():
    opener = "건강 이야기네요. 요즘 몸과 마음은 어떤지 들려줄래요?"
    answer = "붓기는 사람마다 달라서 제가 장담할 순 없어요. 치과에 한번 물어보면 확실해요."
    entries = [
        {"message": "사랑니 뽑았는데 볼이 퉁퉁 부어서 무서워", "reply": "많이 불안했겠어요.", "emotion": "불안"},
        {"message": "발치 후 붓기 빠지는 기간?", "reply": answer, "emotion": "일상", "intent": "how_to"},
        {"message": "(open)", "reply": opener, "emotion": None},
    ]
    responder = RetrievalResponder([{**entry, "topic": "health"} for entry in entries])
    turns = ["사랑니 뽑았는데 볼이 퉁퉁 부었어", "붓기 며칠이면 빠짐?"]
    assert responder.generate(turns, emotion=None, do_sample=False) == answer  # asked: the answer, not the opener
    told = ["사랑니 뽑았는데 볼이 퉁퉁 부었어", "붓기 때문에 좀 그래"]
    assert responder.generate(told, emotion=None, do_sample=False) == opener  # not a question: the open question


def test_an_unsure_turn_is_not_greeted_on_a_third_of_the_votes():
    hello = "어서 와요. 요즘 지내는 건 어떤지 궁금해요."
    job = "일자리를 찾는 과정 이야기네요. 요즘 마음은 어때요?"
    entries = [
        {"message": "나 방금 옴", "reply": "안녕하세요!", "emotion": "일상", "topic": "greeting"},
        {"message": "면접 준비 중", "reply": "준비 중이군요.", "emotion": "일상", "topic": "job_search"},
        {"message": "회의 끝나고 나옴", "reply": "수고했어요.", "emotion": "일상", "topic": "work"},
        {"message": "(greeting)", "reply": hello, "emotion": None, "topic": "greeting"},
        {"message": "(job_search)", "reply": job, "emotion": None, "topic": "job_search"},
        {"message": "(work)", "reply": "일 이야기네요.", "emotion": None, "topic": "work"},
    ]
    responder = RetrievalResponder(entries)
    votes = responder.index.topic_shares(responder._message_scores(["방금 면접 보고 나옴"]))
    share = dict(zip(responder.topics, votes, strict=True))
    assert max(share, key=share.get) == "greeting" and share["greeting"] < 0.5, share
    assert responder.generate("방금 면접 보고 나옴", emotion=None, do_sample=False) == "일 이야기네요."  # next topic
    assert responder.generate("나 방금 옴", emotion=None, do_sample=False) == hello  # a greeting: most of the votes


def test_more_candidates_than_top_k_are_the_drawn_few_then_the_close_runners_up_best_first():
    entries = [
        ("강아지 수술 잘 끝났대", "그 아이 정말 다행이에요!", "기쁨"),
        ("아빠 수술 잘 끝났대", "아버지 수술이 잘 끝났다니 다행이에요!", "기쁨"),
        ("오늘 점심 맛있었어", "맛있는 점심이었군요!", "기쁨"),
    ]
    responder = RetrievalResponder(entries, RetrievalConfig(top_k=1))
    first = responder.generate_candidates(["수술 잘 끝났대"], "기쁨", n=1, seed=0)  # as near to either surgery
    more = responder.generate_candidates(["수술 잘 끝났대"], "기쁨", n=3, seed=0)
    assert more[:1] == first and len(more) == 2  # the drawn one first, as `n=1` gives it
    assert set(more) == {"그 아이 정말 다행이에요!", "아버지 수술이 잘 끝났다니 다행이에요!"}
    assert "맛있는 점심이었군요!" not in more  # far behind the best: not a runner-up


def test_a_plain_question_naming_its_subject_is_matched_as_asked_not_by_the_earlier_turns():
    symptoms = "몸이 먼저 그렇게 반응하면 정말 겁나죠. 지금 몸은 어떤 느낌이에요?"
    answer = "가 보려고 마음먹은 것만으로도 큰 걸음이에요. 그곳 사람들은 이런 고민을 매일 들어요."
    entries = [
        {"message": "지하철 타면 숨 막힐 것 같아서 버스만 타", "reply": symptoms, "topic": "anxiety"},
        {"message": "엘베 타면 숨이 막혀", "reply": symptoms, "topic": "anxiety"},
        {"message": "공황 같아서 좀 겁나", "reply": symptoms, "topic": "anxiety"},
        {"message": "요즘 자꾸 겁나 왜 이러지", "reply": symptoms, "topic": "anxiety"},
        {"message": "이러다 쓰러질까 봐 겁나", "reply": symptoms, "topic": "anxiety"},
        {"message": "정신과 가볼까 하는데 좀 겁나", "reply": answer, "topic": "health", "intent": "see_doctor"},
    ]  # the question alone gives health under own_topic_share of the votes: 겁나 is everywhere in anxiety
    entries = [{**entry, "emotion": "불안"} for entry in entries]
    turns = ["지하철만 타면 숨막힐거같아서 버스 타고 다님", "공황인가 싶기도 하고", "정신과 가보는게 나을까? 좀 겁나"]
    assert RetrievalResponder(entries).generate(turns, emotion="불안", do_sample=False) == answer
    earlier_turns_decide = RetrievalResponder(entries, RetrievalConfig(own_question_similarity=1.01))
    assert earlier_turns_decide.generate(turns, emotion="불안", do_sample=False) == symptoms  # what it changes
    vague = [*turns[:2], "좋은 방법 있어?"]  # names no subject: the earlier turns say what it is about
    assert RetrievalResponder(entries).generate(vague, emotion="불안", do_sample=False) == symptoms


def test_a_question_asking_what_the_bot_would_do_is_matched_on_its_own(monkeypatch):
    import generator.retrieval_index
    from generator.entries import asks_the_bot

    career = "진로 이야기네요. 요즘 그 부분에 대해 누구와 이야기를 나눠 보고 있어요?"
    opinion = "저라면 덜 후회할 쪽을 먼저 생각해 볼 것 같아요. 안 골랐을 때 더 아쉬울 것 같은 건 어느 쪽이에요?"
    worries = [
        "대학원 갈지 고민이야",
        "취업할지 진학할지 어떻게 할지 모르겠어",
        "진로 때문에 고민이 많아",
        "대학원 가면 어떻게 될까",
    ]
    entries = [{"message": text, "reply": career, "topic": "future", "emotion": "일상"} for text in worries] + [
        {"message": text, "reply": opinion, "topic": "bot", "intent": "asks_bot_opinion", "emotion": "일상"}
        for text in ("짜장 짬뽕 너라면?", "너같으면 뭐 고를래")
    ]
    context = ["대학원 갈지 취업할지 고민이야", "그렇군요.", "너라면 어떻게 할거같아?"]  # user, bot, user
    assert asks_the_bot(context[-1]) and not asks_the_bot("그래서 어떻게 하지")
    responder = RetrievalResponder(entries)
    assert responder.generate(context, emotion="일상", do_sample=False) == opinion
    monkeypatch.setattr(generator.retrieval_index, "asks_the_bot", lambda message: False)
    assert responder.generate(context, emotion="일상", do_sample=False) == career  # the earlier turn decides


def test_asking_whether_one_is_the_only_one_gets_the_reply_written_for_that_question_and_only_then():
    from generator.entries import marked_intents

    symptoms = "걱정이 멈추지 않으면 몸도 마음도 쉽게 지치죠. 요즘 어떤 생각이 제일 자주 떠올라요?"
    common = "당신만 그런 게 아니에요. 같은 걸 겪는 사람이 꽤 많아요. 요즘 그런 순간이 자주 찾아와요?"
    entries = [
        {"message": text, "reply": symptoms, "topic": "anxiety"}
        for text in ("엘베 타면 숨이 막혀", "엘베 타면 갇힐까봐 무서워", "좁은 데 가면 숨이 막혀")
    ] + [
        {"message": text, "reply": common, "topic": "anxiety", "intent": "only_me"}
        for text in ("시험 전날마다 배 아픈 거 나만 그럼?", "발표할 때 목소리 떨리는 거 나만 그런가")
    ]
    responder = RetrievalResponder([{**entry, "emotion": "불안"} for entry in entries])
    asked = "엘베 타면 숨 막히는 느낌 드는거 나만그럼?"  # a bank message names the situation almost word for word
    assert marked_intents(asked) == {"only_me"}
    assert responder.generate([asked], emotion="불안", do_sample=False) == common
    for told in ("엘베 타면 숨 막히는 느낌 들어", "진짜 왜 맨날 나만 이래?", "다들 그래서 나도 탔어?"):
        assert not marked_intents(told)  # no question of that kind: a complaint, a 그래서 that goes on
        assert responder.generate([told], emotion="불안", do_sample=False) == symptoms  # never "you're not alone"
    no_bonus = RetrievalResponder(responder.entries, RetrievalConfig(marked_bonus=0.0))
    assert no_bonus.generate([asked], emotion="불안", do_sample=False) == symptoms  # what the bonus changes
