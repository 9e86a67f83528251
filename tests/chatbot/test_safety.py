"""Crisis detector: every crisis sentence caught, no everyday hyperbole caught; the reply is fixed and complete."""
import pytest

from chatbot.safety import CRISIS_REPLY, CRISIS_RULES, detect_crisis, evaluate, main, normalise
from chatbot.safety_cases import DEV_NEGATIVE, DEV_POSITIVE, NEGATIVE, POSITIVE
from chatbot.safety_heldout import BLIND_NEGATIVE, BLIND_POSITIVE, HELDOUT_NEGATIVE, HELDOUT_POSITIVE

# Written separately from chatbot/safety_cases.py (a held-out check that the rules generalise a little).
HELD_OUT_POSITIVE = ("정말 죽고 싶을 만큼 괴로워", "살고 싶지가 않아", "어디론가 사라져 버리고 싶다",
                     "몰래 자해하고 있어요", "유언장을 쓰고 있어", "다리 위에서 뛰어내리면 편할까")
HELD_OUT_NEGATIVE = ("시원해서 살 것 같아", "아 졸려 죽는 줄", "매워 죽겠네 이거", "사라진 지갑을 찾았어",
                     "끝내주는 날씨다", "유서 깊은 도시 경주에 갔어")


def test_lists_are_large_enough_and_disjoint():
    assert len(POSITIVE) >= 40 and len(NEGATIVE) >= 40
    assert not set(POSITIVE) & set(NEGATIVE)


@pytest.mark.parametrize("sentence", POSITIVE + HELD_OUT_POSITIVE)
def test_crisis_sentences_are_detected(sentence):
    assert detect_crisis(sentence), f"missed: {sentence}"


@pytest.mark.parametrize("sentence", NEGATIVE + HELD_OUT_NEGATIVE)
def test_everyday_sentences_are_not(sentence):
    match = detect_crisis(sentence)
    assert match is None, f"false alarm on {sentence!r}: rule {match.rule} matched {match.matched!r}"


def test_evaluate_reports_recall_and_false_positive_rate():
    result = evaluate(["죽고 싶어", "배고파 죽겠다"], ["웃겨 죽겠어", "자해했어"])
    assert result["recall"] == 0.5 and result["false_positive_rate"] == 0.5
    assert result["missed"] == ["배고파 죽겠다"] and result["false_alarms"] == ["자해했어"]


def test_spacing_punctuation_and_width_do_not_hide_a_crisis():
    assert normalise("죽 고  싶 어…!!") == "죽고싶어"
    assert detect_crisis("죽.고.싶.다") and detect_crisis("ＳＵＩＣＩＤＥ")


def test_negation_alone_is_not_a_crisis_but_does_not_mask_a_later_wish():
    assert detect_crisis("죽고 싶지는 않아") is None
    assert detect_crisis("죽고 싶지는 않은데 가끔 죽고 싶다는 생각이 들어").rule == "want_to_die"


def test_match_names_its_documented_rule():
    match = detect_crisis("유서를 썼어")
    assert match.rule in {name for name, _, _ in CRISIS_RULES} and match.reason


def test_crisis_reply_names_every_line():
    for required in ("자살예방상담전화 109", "24시간", "1577-0199", "112", "119"):
        assert required in CRISIS_REPLY


def test_non_text_is_a_type_error():
    with pytest.raises(TypeError, match="expected str"):
        detect_crisis(None)


def test_cli_eval_prints_recall_and_false_positive_rate(capsys):
    assert main(["--eval"]) == 0
    out = capsys.readouterr().out
    assert "recall: 1.000" in out and "false-positive rate: 0.000" in out
    assert main(["사라지고 싶어", "웃겨 죽겠어"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "CRISIS disappear" in lines[0] and lines[1].endswith("ok")


# chatbot/safety_heldout.py: HELDOUT_* was written before the rules were revised (old rules: recall 0.196,
# FPR 0.000); BLIND_* after, measured once (old rules: recall 0.300, FPR 0.067). The bounds are the figures
# reached (held-out 49/51 and 0/52, blind 15/30 and 2/30), so any rule change that loses ground fails here.
def test_heldout_lists_are_large_enough_and_disjoint_from_the_development_lists():
    assert len(HELDOUT_POSITIVE) >= 40 and len(HELDOUT_NEGATIVE) >= 40
    assert not set(HELDOUT_POSITIVE) & set(HELDOUT_NEGATIVE)
    developed_on = set(POSITIVE + NEGATIVE + DEV_POSITIVE + DEV_NEGATIVE)
    assert not (set(HELDOUT_POSITIVE + HELDOUT_NEGATIVE + BLIND_POSITIVE + BLIND_NEGATIVE) & developed_on)


def test_heldout_recall_and_false_positive_rate():
    result = evaluate(list(HELDOUT_POSITIVE), list(HELDOUT_NEGATIVE))
    assert result["recall"] >= 0.95, result["missed"]
    assert result["false_positive_rate"] <= 0.02, result["false_alarms"]


def test_blind_recall_and_false_positive_rate_do_not_fall_back():
    result = evaluate(list(BLIND_POSITIVE), list(BLIND_NEGATIVE))
    assert result["recall"] >= 0.5, result["missed"]
    assert result["false_positive_rate"] <= 0.07, result["false_alarms"]


def test_development_lists_stay_where_they_are():
    result = evaluate(list(DEV_POSITIVE), list(DEV_NEGATIVE))
    assert result["recall"] >= 0.9, result["missed"]
    assert result["false_positive_rate"] <= 0.01, result["false_alarms"]


def test_cli_eval_prints_every_list(capsys):
    assert main(["--eval"]) == 0
    out = capsys.readouterr().out
    for title in ("existing lists", "development lists", "held-out lists", "blind lists", "third-party talk"):
        assert title in out
    assert out.count("recall: ") == 4


@pytest.mark.parametrize("sentence", ["배고파 죽겠다", "캠핑 가서 번개탄 피울 곳 찾았어", "오늘 숙제 다 끝낼 거야",
                                      "졸업식에서 마지막 인사 하려고", "돈에 목매는 거 싫어", "칼로 손목시계 줄 잘랐어"])
def test_new_rules_keep_their_exclusions(sentence):
    assert detect_crisis(sentence) is None
