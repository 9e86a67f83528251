"""Cue words that read a message's event (chatbot/message_cues.json) and license what a reply may speak of
(chatbot/reply_cues.json): behaviour on messages of their own, without a classifier."""

import pytest

from chatbot.cues import names_good_news, names_setback, only_thanks, opens_new_subject
from chatbot.quality import tells_unsaid_event


@pytest.mark.parametrize(
    ("message", "setback", "good_news"),
    [
        ("면접 잘본줄 알았는데 불합격 문자옴", True, False),  # the outcome after the turn decides
        ("진짜 될줄 알았는데", True, False),  # nothing after the turn: the expectation was not met
        ("최종까지 가서 붙을 줄 알았는데..", True, False),
        ("될 줄 알았는데 진짜 됐어ㅋㅋ", False, False),  # …unless what follows says how it turned out
        ("나 될줄 알았어!!", False, False),  # no turn at all: a prediction that came true
        ("망한줄 알았는데 붙었어ㅋㅋ", False, True),
        ("떨어진 줄 알았더니 최종합격이래", False, True),
        ("최종 불합격 ㅋㅋ", True, False),  # 불합격 holds 합격 but is no good news
        ("아 근데 방금 2차 연락옴!!", False, True),
        ("드디어 정규직 전환됨 ㅠㅠ", False, True),
        ("강아지 잃어버렸다가 경비아저씨가 찾아주셨어", False, True),  # lost, then found: how it ended
        ("폰 떨궜는데 액정 멀쩡함", False, True),
        ("소개팅 상대가 애프터 신청함!!", False, True),
        ("최합함 ㅠㅠ", False, True),  # 최종 합격, however it is typed
        ("회사 추첨 이벤트 당첨됐어ㅋㅋ", False, True),
        ("계단에서 굴러서 팔 부러짐ㅋㅋ", True, False),  # an injury told laughing is still an injury
        ("축구하다 발목 다쳐서 깁스함 ㅋㅋ", True, False),
        ("넘어졌는데 다행히 뼈는 안 부러졌대", False, True),
        ("손목 다쳤었는데 이제 다 나았어", False, True),  # over: what follows the turn decides
        ("오늘 처음으로 피아노 한 곡 다 침!!", False, False),  # 다 침: played it through, not 다침
        ("마카롱 모양은 망했지만 맛은 괜찮았어", False, True),
        ("고마워 좀 낫긴 한데 오늘은 그냥 울래", False, False),  # "better, but": what follows decides
        ("교수님이 출석 정정해주셨다ㅋㅋ", False, True),
        ("택배 왔는데 안에 컵 깨짐ㅋㅋ", True, False),
        ("폰 떨궜는데 액정 안깨짐 ㅋㅋ", False, True),
        ("승진 누락됐어", True, False),  # 승진 is named, but it was missed
        ("토익 점수 나왔는데 목표보다 50점 낮음", True, False),  # a score below the goal
        ("오늘 점심 생각보다 낮은 가격이라 좋았어", False, False),  # a low price is no setback
        ("데이트했는데 생각보다 별로였어", True, False),  # a let-down is a setback, not small talk
        ("웨이팅 한시간 했는데 완전 실망ㅋㅋ", True, False),
        ("걱정했는데 생각보다 별로 안 아팠어", False, True),  # 별로 안: it was not bad at all
        ("지갑 잃어버렸는데 누가 경찰서에 맡겨줬대", False, True),  # handed in: the loss came out fine
        ("우산 잃어버렸는데 편의점에 있었음 럭키", False, True),  # a recovered stem after the setback: relief
        ("목줄 놓쳤는데 바로 잡음 십년감수", False, True),
        ("강아지 잃어버렸는데 아직 못찾았어", True, False),  # not found: still a loss
        ("붙은 줄 알았는데 합격자 명단에 내 이름 없음", True, False),  # 합격 is named, but not their name on it
        ("합격자 명단에 내 이름 있어!!", False, True),
    ],
)
def test_how_it_turned_out_decides_not_the_guess_before_it(message, setback, good_news):
    assert names_setback(message) is setback
    assert names_good_news(message) is good_news


@pytest.mark.parametrize(
    ("message", "goodbye"),
    [
        ("담에 또 올게~", True),
        ("들어줘서 고마워 내일 또 올게", True),
        ("오랜만에 가족여행 갔는데 담에 또 가자고 했어ㅎㅎ", False),  # a plan with the family, not a goodbye
        ("다음에 또 볼 자신이 없다", False),  # an exam retaken, not a goodbye
        ("시험 끝났으니 이제 푹 잘래", True),
        ("들어줘서 고마워 좀 자볼게", True),  # trying to sleep now: a goodnight
        ("요즘 못 잤으니 오늘은 일찍 자볼게", False),  # a plan for tonight
        ("그럼 잘 있어", True),
        ("ㅇㅋ 이만 로그아웃 ㅋㅋ", True),
        ("월급 들어오자마자 로그아웃 ㅋㅋ", False),  # the salary is what logs out
        ("씻고 바로 잘께", True),
        ("우리 강아지 잘 있어?", False),  # asking how someone is
        ("엄마가 잘 있어서 다행이야", False),
        ("고마워 자볼게", True),
        ("요즘 잠을 잘 자", False),  # sleeping well, not a goodnight
        ("이제 퇴근한다 내일봐", True),
        ("수업 들어가야 돼 이따 봐", True),
        ("알바 가야돼 ㅂㅂ", True),
        ("내일 봐야지 그 영화", False),  # a film to watch tomorrow
        ("결과는 나중에 봐야 알 듯", False),
        ("어제 본 연극 여운 미쳤다 다음에 또 봐야지", False),  # a play to see again
        ("오늘 재밌었어 또 봐", True),
    ],
)
def test_a_goodbye_needs_the_whole_phrase_not_just_next_time(message, goodbye):
    assert opens_new_subject(message) is goodbye


def test_a_break_up_told_in_passing_is_a_setback_and_a_tired_body_is_not_annoyance():
    from chatbot.cues import names_annoyance

    assert names_setback("남친이랑 헤어지고 진짜 힘들었는데")
    assert names_setback("아 근데 omr 밀려쓴거같아")
    assert names_annoyance("애가 말을 너무 안들어")
    assert names_annoyance("진짜 배신감 든다")
    assert not names_annoyance("야근 일주일째라 몸이 말을 안 들어")
    assert names_annoyance("유튜브에 올린 영상에 악플 달림ㅋㅋ")  # hurt told laughing is still anger
    assert names_annoyance("선배가 내 기획안을 자기 이름으로 올림")
    assert not names_annoyance("악플 달렸는데 팬들이 대신 싸워줘서 감동받았어")  # good news beside it
    assert names_annoyance("자취방 보일러 고장남 ㅋㅋ")
    assert names_annoyance("콜센터에서 진상한테 쌍욕 들음ㅋㅋ")
    assert names_annoyance("부장이 이번에도 주말 출근하래")
    assert not names_annoyance("최종 합격 다음주부터 출근하래")  # a start date is good news
    assert not names_annoyance("답장 왔다 폰이 고장났었대")  # the reason for the silence, told as over
    assert not names_annoyance("넌 열받으면 뭐로 푸냐ㅋㅋ")  # a question about anger, not anger
    assert names_annoyance("또 실수함 나한테 정떨어짐")  # 정떨어짐: fed up, not a failed test
    assert not names_setback("요즘 입맛이 뚝 떨어짐")  # a lost appetite is low mood, not a setback
    assert not names_setback("거래처에서 또 수정요청 옴 7차임")  # the seventh round, not dumped
    assert not names_setback("도로주행 두번 떨어졌었거든ㅋㅋ")  # the backstory of a pass
    assert names_annoyance("오늘 하루 완전 엉망진창이었어")  # a day in a mess, never cheered
    assert names_annoyance("오늘 회의 완전 개판이었음")


def test_a_cast_taken_off_is_relief_not_an_injury():
    from chatbot.cues import names_relief

    assert names_setback("계단에서 굴러서 깁스함")
    assert not names_setback("팔 깁스 드디어 풀었음 샤워 편하게 한다")
    assert names_relief("팔 깁스 드디어 풀었음 샤워 편하게 한다")
    assert names_relief("다리 깁스 드디어 뗐다")


def test_a_plan_passed_a_worry_eaten_and_a_parcel_found_are_good_news():
    from chatbot.cues import names_hope, names_relief

    assert names_relief("오늘 회의에서 내 기획안 통과됨")
    assert names_hope("이번엔 기획안 통과됐으면")  # not passed yet
    assert names_relief("방금 간식은 먹음 휴")  # the one who would not eat, eating
    assert names_setback("택배 분실됐대 생일선물이었는데")
    assert not names_setback("택배 분실됐다더니 옆집 문앞에 있었음 휴")  # found again: relief
    assert names_relief("택배 분실됐다더니 옆집 문앞에 있었음 휴")
    assert names_relief("2년 부은 적금 오늘 만기")  # savings paid out, not a money worry
    assert names_relief("산책하다 목줄 빠져서 심장 내려앉았는데 결국 찾음")  # found in the end


@pytest.mark.parametrize(
    ("reply", "turns", "refused"),
    [
        ("고맙다는 말 잘 받았어요. 잘 가요.", ["잘자ㅎㅎ"], True),  # thanks back needs thanks
        ("고맙다는 말 잘 받았어요. 잘 가요.", ["들어줘서 고마워 잘자"], False),
        ("잠이 늘었다면 몸이 쉬어 달라는 신호일 때도 있어요.", ["요즘 잠이 너무 안와 어케함"], True),
        ("잠이 늘었다면 몸이 쉬어 달라는 신호일 때도 있어요.", ["요즘 12시간씩 자도 졸려"], False),
        ("와, 반가운 소식이에요! 그 아이 이야기 조금 더 들려줄래요?", ["휴 다행히 건강검진 다 정상이래"], True),
        ("와, 반가운 소식이에요! 그 아이 이야기 조금 더 들려줄래요?", ["우리 강아지 건강검진 다 정상이래"], False),
        ("조금이라도 편해졌다니 정말 다행이에요.", ["오늘 너무 서러웠어", "들어줘서 고마워 좀 자볼게"], True),
        ("조금이라도 편해졌다니 정말 다행이에요.", ["오늘 너무 서러웠어", "얘기하니까 좀 후련하다 잘게"], False),
        ("악몽에서 깨면 한동안 심장이 두근거리죠.", ["약 줄이자는데 이러다 다시 못 자면 어떡해"], True),
        ("악몽에서 깨면 한동안 심장이 두근거리죠.", ["무서운 꿈 꾸고 방금 깼어"], False),
        ("찾는 동안 얼마나 애가 탔을지 생각하면 다리가 풀려요.", ["알고보니 별일 아니었음ㅋㅋ 십년감수"], True),
        ("찾는 동안 얼마나 애가 탔을지 생각하면 다리가 풀려요.", ["고양이가 나갔는데 계단에서 찾았어"], False),
        ("낯선 곳에서 아직 아는 얼굴이 없으면 하루가 길죠.", ["같이 밥먹던 애가 전학 갔어 ㅠ"], True),  # they left
        ("낯선 곳에서 아직 아는 얼굴이 없으면 하루가 길죠.", ["전학 왔는데 아무도 말 안 걸어"], False),
        ("먹는 양은 아이마다 달라요. 억지로 먹이기보다 기다려 봐요.", ["요즘 잠을 통 못 자"], True),  # sleep, not food
        ("먹는 양은 아이마다 달라요. 억지로 먹이기보다 기다려 봐요.", ["애가 밥을 통 안 먹어"], False),
        ("외모 때문에 마음이 오래 무거웠던 것 같아요.", ["예전엔 힘들었는데 요즘은 안 그래"], True),
        ("외모 때문에 마음이 오래 무거웠던 것 같아요.", ["요즘 거울 보기 싫어"], False),
        ("도움이 됐다니 저도 정말 기뻐요.", ["말한 대로 해봤는데 효과 있었어 고마워"], False),
        ("도움이 됐다니 저도 정말 기뻐요.", ["그냥 다 귀찮아", "고마워 좀 자볼게"], True),
        ("화해했다니 정말 다행이에요!", ["남친이 여사친이랑 단둘이 캠핑 감"], True),  # nobody made up
        ("화해했다니 정말 다행이에요!", ["어제 싸운 거 오늘 만나서 풀었어"], False),
        ("데이트 이야기군요. 둘이 만나면 주로 뭐 해요?", ["주말에 가족끼리 캠핑 가기로 함"], True),  # no partner
        ("데이트 이야기군요. 둘이 만나면 주로 뭐 해요?", ["남친이랑 주말에 캠핑 가기로 함"], False),
        ("답을 기다리는 시간이 참 길게 느껴지죠.", ["빌려준 돈 아직 못 받았거든"], True),  # nothing is awaited
        ("답을 기다리는 시간이 참 길게 느껴지죠.", ["고백하고 답장 기다리는 중"], False),
        ("전역하고 막막한 건 흔한 일이에요.", ["시험 또 떨어짐", "이제 뭘 더 해야될지 모르겠어"], True),
        ("입대가 얼마 안 남았군요.", ["다음달에 결혼함"], True),  # a wedding, not the army
        ("입대가 얼마 안 남았군요.", ["다음달에 입대함"], False),
        ("존중받지 못한 느낌이 들어 많이 불쾌했겠어요.", ["다이어트 3주째인데 체중계 숫자 그대로임 ㅡㅡ"], True),
        ("존중받지 못한 느낌이 들어 많이 불쾌했겠어요.", ["친척이 만나자마자 살쪘다고 함"], False),
        ("정말 해 봤군요! 해 보니 어땠어요?", ["너 혹시 영화 추천해줄 수 있어?"], True),  # asked, not tried
        ("정말 해 봤군요! 해 보니 어땠어요?", ["저번에 너가 추천한 영화 봤어"], False),
        ("점이나 운세를 봐 드리진 못하지만, 그런 걸 찾아보게 된 마음엔 관심이 있어요.", ["너 MBTI 뭐야?ㅋㅋ"], True),
        ("점이나 운세를 봐 드리진 못하지만, 그런 걸 찾아보게 된 마음엔 관심이 있어요.", ["내 사주 좀 봐줘"], False),
        ("임차권등기명령 같은 절차로 권리를 지킬 수 있어요.", ["월세 또 오른대", "이사 가야되나 고민"], True),
        ("임차권등기명령 같은 절차로 권리를 지킬 수 있어요.", ["집주인이 보증금 안 준대"], False),
        ("여기서는 그 아이 이야기 마음껏 해도 괜찮아요.", ["집에 들어가기 싫다 그냥"], True),  # 그냥 holds no 냥이
        ("여기서는 그 아이 이야기 마음껏 해도 괜찮아요.", ["오늘 개빡쳐서 멍때림"], True),  # nor 개빡 a dog
        ("여기서는 그 아이 이야기 마음껏 해도 괜찮아요.", ["우리 냥이 보낸지 한달"], False),
        ("여기서는 그 아이 이야기 마음껏 해도 괜찮아요.", ["키우던 개가 떠났어"], False),
        ("여기서는 그 아이 이야기 마음껏 해도 괜찮아요.", ["슬개골 수술한 우리 말티즈 오늘 처음 뛰었어"], False),
        ("말로 아프다고 못 하니 지켜보는 마음이 더 애탔겠어요.", ["병원 다녀왔어", "별거 아니래 그냥 장염"], True),
        ("기뻐서 흘린 눈물이네요! 정말 축하해요.", ["합격자 명단에 내 이름 있어!!"], True),  # nobody cried
        ("기뻐서 흘린 눈물이네요! 정말 축하해요.", ["합격자 명단에 내 이름 있어ㅠㅠ"], False),
        ("기뻐서 흘린 눈물이네요! 정말 축하해요.", ["합격 문자 보고 엄마랑 울었어"], False),
    ],
)
def test_a_reply_speaks_only_of_what_the_person_said(reply, turns, refused):
    assert tells_unsaid_event(reply, turns) is refused


@pytest.mark.parametrize(
    ("message", "thanks_only"),
    [
        ("ㅇㅋ 고마워", True),
        ("아 진짜 고마워ㅠㅠ", True),
        ("오 ㄱㅅㄱㅅ", True),
        ("고마워요!!", True),
        ("고마워 덕분에 좀 괜찮아졌어", False),  # thanks with news of its own
        ("엄마한테 고마워", False),  # thanks to someone else
        ("알겠어 해볼게 고마워", False),  # a plan beside it
    ],
)
def test_a_message_that_only_thanks(message, thanks_only):
    assert only_thanks(message) is thanks_only


def test_no_joy_felt_where_it_was_expected_is_flat_mood_never_cheered():
    from chatbot.cues import names_flat
    from chatbot.reading import cue_scores

    assert names_flat("퍼즐 천피스 완성했는데 아무 느낌이 없네")
    assert names_flat("승진했는데 이상하게 하나도 안 기뻐")
    assert not names_flat("합격했어 너무 기뻐")
    read = cue_scores("퍼즐 천피스 완성했는데 아무 느낌이 없네", {"기쁨": 0.7, "일상": 0.2, "우울": 0.1}, 0.5)
    assert max(read, key=read.get) == "우울"


def test_hurt_told_beside_laughter_is_sadness_unless_it_was_made_up_since():
    from chatbot.cues import names_hurt
    from chatbot.reading import cue_scores

    assert names_hurt("친구가 웃으면서 살 쪘다 하는데 나도 따라 웃었지만 좀 서운했어")
    assert names_hurt("생일 까먹었네 ㅋㅋ 섭섭함")
    assert not names_hurt("난 별로 안 서운해 원래 그런 애라")  # no hurt
    assert not names_hurt("서운했던 거 말했더니 사과받음 이제 괜찮아")  # made up since
    read = cue_scores("생일 까먹었네 ㅋㅋ 섭섭함", {"기쁨": 0.6, "일상": 0.1, "슬픔": 0.3}, 0.5)
    assert max(read, key=read.get) == "슬픔"


def test_more_fear_after_good_results_is_not_relief():
    from chatbot.cues import names_relief

    assert names_relief("병원 가봤는데 아무 이상 없대")
    assert not names_relief("병원 가봤는데 아무 이상 없대 그래서 더 무서워")  # what follows 그래서 더 is how it is
    assert names_relief("서운했던 거 말했더니 사과받음 이제 괜찮아")
    assert not names_relief("다들 내가 이제 괜찮아진 줄 알아")  # what others think
