"""The running app through gradio_client (loopback only): `/chat` answers with the reply, the emotion and the
timeline; `/chat_stream` streams; each client session is one conversation."""

import time
from itertools import pairwise

import pytest

from chatbot import CRISIS_REPLY, Chatbot
from chatbot.text import EMPTY_MESSAGE_REPLY

EMOTIONS = {"일상", "기쁨", "분노", "불안", "슬픔", "우울"}
SLIDERS = (0.8, 0.9, 32)  # temperature, top-p, max new tokens


@pytest.fixture
def client(served_app):
    from gradio_client import Client

    return Client(served_app, verbose=False)  # a fresh session (own conversation) per test


def test_only_the_chat_endpoints_are_public_with_named_labelled_parameters(client):
    api = client.view_api(return_format="dict", print_info=False)
    assert set(api["named_endpoints"]) == {"/chat", "/chat_stream"} and not api["unnamed_endpoints"]
    for endpoint in api["named_endpoints"].values():
        parameters = endpoint["parameters"]
        assert [p["parameter_name"] for p in parameters] == ["message", "temperature", "top_p", "max_new_tokens"]
        assert all(p["label"] and not p["label"].startswith("parameter_") for p in parameters)
        assert [r["label"] for r in endpoint["returns"]] == ["답", "감정 점수", "차례별 감정 점수 (1번째 차례부터)"]
        assert "오프라인 엔진은 무시해요" in endpoint["description"]
        assert [p["parameter_default"] for p in parameters[1:]] == [0.7, 0.9, 48]


def test_a_reply_and_its_emotion_come_back(client, offline_chatbot):
    text, emotion, timeline = client.predict("시험에 합격해서 너무 기뻐!", *SLIDERS, api_name="/chat")
    direct = offline_chatbot.reply("시험에 합격해서 너무 기뻐!")
    assert text in {entry.reply for entry in offline_chatbot.responder.entries}
    assert set(emotion) == EMOTIONS and max(emotion, key=emotion.get) == "기쁨"
    assert emotion == pytest.approx(direct.scores) and timeline == [emotion]


def test_the_session_keeps_its_conversation_and_the_timeline_grows(client, served_app):
    from gradio_client import Client

    first = client.predict("친구랑 싸워서 화가 나", *SLIDERS, api_name="/chat")
    second = client.predict("친구랑 싸워서 화가 나", api_name="/chat")  # the sampling options may be left out
    assert first[0] != second[0]  # the previous reply is in the history and not repeated
    assert len(second[2]) == 2 and second[2][0] == first[1]
    other = Client(served_app, verbose=False).predict("친구랑 싸워서 화가 나", *SLIDERS, api_name="/chat")
    assert len(other[2]) == 1  # another session is another conversation


def test_crisis_and_empty_messages_through_the_api(client):
    text, emotion, timeline = client.predict("죽고 싶어", *SLIDERS, api_name="/chat")
    assert text == CRISIS_REPLY and set(emotion) == EMOTIONS and len(timeline) == 1
    text, emotion, timeline = client.predict("   ", *SLIDERS, api_name="/chat")
    assert text == EMPTY_MESSAGE_REPLY and emotion == {} and len(timeline) == 1  # not a turn of the conversation


def test_a_long_message_is_answered_with_a_visible_note(client):
    text = client.predict("오늘 정말 길고 긴 하루였어. " * 60, *SLIDERS, api_name="/chat")[0]
    assert "앞의 500자만 읽었어요" in text


class SlowStreamingChatbot:
    """The offline chatbot, its reply streamed word by word with a pause (as a generator on a CPU streams)."""

    def __init__(self, chatbot, pause_s: float):
        self.chatbot, self.pause_s = chatbot, pause_s
        self.engine, self.description = "custom", chatbot.description
        self.generation_defaults: dict[str, float] = {}  # no sliders: the offline engine samples nothing
        self.classifier, self.responder = chatbot.classifier, chatbot.responder

    def reply(self, message, history=None, **options):
        return self.chatbot.reply(message, history, **options)

    def stream(self, message, history=None, **options):
        for item in self.chatbot.stream(message, history, **options):
            if isinstance(item, str):
                time.sleep(self.pause_s)
            yield item


@pytest.fixture(scope="module")
def served_slow_app(offline_chatbot, app_args):
    import app

    blocks, local_url, _ = app.launch(app_args(), chatbot=SlowStreamingChatbot(offline_chatbot, 0.05))
    yield local_url
    blocks.close()


def test_chat_stream_yields_growing_text_then_the_result(served_slow_app, offline_chatbot):
    from gradio_client import Client

    job = Client(served_slow_app, verbose=False).submit(
        "요즘 너무 우울하고 무기력해", *SLIDERS, api_name="/chat_stream"
    )
    final = job.result(timeout=60)
    texts = [output[0] for output in job.outputs()]
    assert len(set(texts)) >= 3, texts  # it really grew in steps
    assert all(later.startswith(earlier) for earlier, later in pairwise(texts))
    assert final[0] == texts[-1] in {entry.reply for entry in offline_chatbot.responder.entries}
    assert max(final[1], key=final[1].get) in {"우울", "슬픔"} and len(final[2]) == 1


class CountingResponder:
    """The offline responder, slowed down, recording how many replies are being made at the same moment."""

    def __init__(self, responder):
        import threading

        self.responder, self.lock, self.now, self.most = responder, threading.Lock(), 0, 0

    def generate(self, context, emotion=None, **options):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.15)  # long enough for the queue's two workers to overlap
        with self.lock:
            self.now -= 1
        return self.responder.generate(context, emotion=emotion, **options)

    def stream(self, context, emotion=None, **options):
        yield self.generate(context, emotion, **options)


@pytest.mark.slow  # its own server and six clients, each reply held: seconds
def test_chat_answers_at_most_concurrency_replies_at_once(offline_chatbot, app_args):
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    import app

    counting = CountingResponder(offline_chatbot.responder)
    blocks, url, _ = app.launch(
        app_args("--concurrency", "2"), chatbot=Chatbot(offline_chatbot.classifier, counting, "custom")
    )
    try:
        clients = [Client(url, verbose=False) for _ in range(6)]
        with ThreadPoolExecutor(6) as pool:
            replies = list(pool.map(lambda c: c.predict("친구랑 싸워서 화가 나", api_name="/chat")[0], clients))
        assert all(replies) and counting.most == 2  # six asked at once: two at a time, none refused
    finally:
        blocks.close()
