"""One conversation, from which the chat, the emotion panel, the help banner and the download are derived."""

import html

import pytest

from chatbot import transcript
from chatbot.engine import Reply

HAPPY = Reply("좋은 일이네요!", "기쁨", {"기쁨": 0.9, "슬픔": 0.1}, engine="offline")
SAD = Reply(
    "많이 힘들었겠어요.",
    "슬픔",
    {"기쁨": 0.2, "슬픔": 0.8},
    engine="offline",
    note="메시지가 너무 길어 앞의 500자만 읽었어요",
)
CRISIS = Reply(
    "지금 바로 109에 전화해 주세요.", "우울", {"기쁨": 0.0, "우울": 1.0}, safety=True, engine="offline", care=True
)


def conversation_of(*pairs):
    conversation = transcript.new_conversation()
    for message, reply in pairs:
        conversation = transcript.add_turn(conversation, transcript.make_turn(message, reply))
    return conversation


def test_history_display_and_timeline_follow_the_turns():
    conversation = conversation_of(("합격했어", HAPPY), ("  강아지가\n아파  ", SAD))
    assert transcript.history(conversation) == [
        {"role": "user", "content": "합격했어"},
        {"role": "assistant", "content": HAPPY.text},
        {"role": "user", "content": "  강아지가\n아파  "},
        {"role": "assistant", "content": SAD.text},
    ]
    assert transcript.turn_scores(conversation) == [HAPPY.scores, SAD.scores]
    assert transcript.latest_scores(conversation) == SAD.scores
    shown = transcript.display(conversation)
    assert [m["role"] for m in shown] == ["user", "assistant", "user", "assistant"]  # index // 2 is the turn
    assert shown[2]["content"][0]["text"] == "  강아지가\n아파  "  # as typed: spaces and line break kept
    assert shown[3]["content"][0]["text"] == f"{SAD.text}\n\n({SAD.note})"  # the engine's note under the reply


@pytest.mark.parametrize(
    "typed",
    [
        "<b>굵게</b> <script>alert(1)</script>",
        "![x](http://203.0.113.7/a.png)",
        "</s><sys> <usr> & &lt; 그대로",
    ],
)
def test_display_escapes_so_the_chat_shows_exactly_what_was_typed(typed):
    shown = transcript.display(transcript.new_conversation(), pending=typed)
    text = shown[0]["content"][0]["text"]
    assert "<" not in text and ">" not in text
    assert html.unescape(text) == typed  # the browser shows the escaped text as the original characters


def test_pending_message_and_partial_reply():
    conversation = conversation_of(("합격했어", HAPPY))
    shown = transcript.display(conversation, pending="또 왔어", partial="반가")
    assert [m["content"][0]["text"] for m in shown[2:]] == ["또 왔어", "반가"]
    waiting = transcript.display(conversation, pending="또 왔어")
    assert waiting[-1] == {"role": "assistant", "content": [{"type": "text", "text": transcript.WAITING}]}


def test_undo_and_retry_truncate_and_care_lasts_until_clear():
    conversation = conversation_of(("합격했어", HAPPY), ("죽고 싶어", CRISIS), ("강아지가 아파", SAD))
    assert conversation["care"]
    shorter = transcript.truncate(conversation, 1)
    assert [t["message"] for t in shorter["turns"]] == ["합격했어"] and shorter["care"]  # the rest of the conversation
    assert shorter["id"] == conversation["id"] and shorter["revision"] > conversation["revision"]
    assert conversation["turns"][2]["message"] == "강아지가 아파"  # the argument is never changed
    assert not transcript.new_conversation()["care"]  # Clear: a new conversation


def test_as_conversation_accepts_only_well_formed_conversations():
    good = conversation_of(("합격했어", HAPPY))
    assert transcript.as_conversation(good) == good
    for damaged in (
        None,
        "text",
        {"turns": "x"},
        {"turns": [{"message": 1}]},
        {"turns": [{"message": "a", "reply": "b", "scores": {"기쁨": "high"}}]},
    ):
        fresh = transcript.as_conversation(damaged)
        assert fresh["turns"] == [] and not fresh["care"] and fresh["id"]
    legacy = transcript.as_conversation({"turns": [{"message": "죽고 싶어", "reply": "…", "safety": True}]})
    assert legacy["care"] and legacy["turns"][0]["scores"] == {} and legacy["revision"] == 1


def test_transcript_text_names_speakers_and_emotions():
    text = transcript.transcript_text(conversation_of(("합격했어", HAPPY), ("강아지가 아파", SAD)))
    assert text.splitlines()[:2] == ["1. 나: 합격했어 [감정: 기쁨 90%]", f"   마음챗: {HAPPY.text}"]
    assert "2. 나: 강아지가 아파 [감정: 슬픔 80%]" in text and SAD.note in text
    assert transcript.transcript_text(transcript.new_conversation()) == ""
