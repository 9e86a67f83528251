"""The running app through gradio_client (loopback only): `/chat` returns the reply and its emotion, streams."""
import pytest

from chatbot import CRISIS_REPLY
from chatbot.text import EMPTY_MESSAGE_REPLY

EMOTIONS = {"일상", "기쁨", "분노", "불안", "슬픔", "우울"}
SLIDERS = (0.8, 0.9, 32)  # temperature, top-p, max new tokens


@pytest.fixture
def client(served_app):
    from gradio_client import Client

    return Client(served_app, verbose=False)  # a fresh session (own history) per test


def test_the_api_is_named_chat(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert "/chat" in endpoints
    assert [p["parameter_name"] for p in endpoints["/chat"]["parameters"]] == ["message", "temperature", "top_p", "max_new_tokens"]


def test_a_reply_and_its_emotion_come_back(client, offline_chatbot):
    text, emotion, plot = client.predict("시험에 합격해서 너무 기뻐!", *SLIDERS, api_name="/chat")
    assert text.strip() and text != EMPTY_MESSAGE_REPLY
    assert set(emotion) == EMOTIONS and max(emotion, key=emotion.get) == "기쁨"
    assert emotion == pytest.approx(offline_chatbot.reply("시험에 합격해서 너무 기뻐!").scores)
    assert plot["columns"] == ["turn", "emotion", "score"] and len(plot["data"]) == 6


def test_a_streamed_job_yields_growing_increments(client):
    job = client.submit("요즘 너무 우울하고 무기력해", *SLIDERS, api_name="/chat")
    job.result(timeout=60)
    texts = [output[0] for output in job.outputs()]
    assert len(texts) >= 3, texts
    assert all(later.startswith(earlier) and len(later) >= len(earlier) for earlier, later in zip(texts, texts[1:]))
    assert len(set(texts)) >= 2  # it really grew in steps
    final_emotion = job.outputs()[-1][1]
    assert max(final_emotion, key=final_emotion.get) in {"우울", "슬픔"}


def test_the_session_keeps_its_history_and_the_timeline_grows(client):
    first = client.predict("친구랑 싸워서 화가 나", *SLIDERS, api_name="/chat")
    second = client.predict("친구랑 싸워서 화가 나", *SLIDERS, api_name="/chat")
    assert first[0] != second[0]  # the previous reply is in the history and not repeated
    assert {row[0] for row in second[2]["data"]} == {1, 2}  # two user turns on the plot


def test_crisis_and_empty_messages_through_the_api(client):
    assert client.predict("죽고 싶어", *SLIDERS, api_name="/chat")[0] == CRISIS_REPLY
    assert client.predict("   ", *SLIDERS, api_name="/chat")[0] == EMPTY_MESSAGE_REPLY


def test_a_long_message_is_answered_with_a_visible_note(client):
    text = client.predict("오늘 정말 길고 긴 하루였어. " * 60, *SLIDERS, api_name="/chat")[0]
    assert "앞의 500자만 읽었어요" in text
