"""The served app bounds what one client can cost: only /chat is an API, uploads are capped, wrong passwords are
throttled, idle sessions are forgotten. Loopback only."""

import asyncio
import os
import socket
import time

import pytest

import app
from chatbot.server_limits import expire_idle_sessions, start_session_expiry, throttled_login

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(offline_chatbot):
    blocks, url, _ = app.launch(
        app.parse_args(["--port", str(free_port()), "--auth", "me:secret"]), chatbot=offline_chatbot
    )
    yield blocks, url
    blocks.close()


def login(url: str, password: str):
    import httpx

    return httpx.post(f"{url}login", data={"username": "me", "password": password}, timeout=30)


def test_only_chat_is_callable_through_the_client_library(served):
    from gradio_client import Client

    blocks, url = served
    client = Client(url, auth=("me", "secret"), verbose=False)
    api = client.view_api(return_format="dict", print_info=False)
    assert sorted(api["named_endpoints"]) == ["/chat", "/chat_stream"] and not api["unnamed_endpoints"]
    internal = [fn._id for fn in blocks.fns.values() if fn.api_name not in ("chat", "chat_stream")]
    assert internal and all(blocks.fns[i].api_visibility == "private" for i in internal)
    for fn_index in internal:  # e.g. the page's restore step, which takes a whole conversation
        with pytest.raises(Exception, match="(?i)invalid"):
            client.predict([{"role": "user", "content": "가" * 500}] * 10, fn_index=fn_index)
    text, emotion, _ = client.predict("오늘 기분 좋아", 0.7, 0.9, 48, api_name="/chat")
    assert text and emotion


def test_uploads_are_capped(served):
    import httpx

    _, url = served
    cookies = login(url, "secret").cookies
    small = httpx.post(f"{url}gradio_api/upload", files={"files": ("a.txt", b"x" * 1000)}, cookies=cookies, timeout=30)
    big = httpx.post(
        f"{url}gradio_api/upload", files={"files": ("b.bin", b"x" * 2_000_000)}, cookies=cookies, timeout=30
    )
    assert small.status_code == 200 and big.status_code == 413


def test_wrong_passwords_are_throttled_through_the_real_login(served):
    blocks, url = served
    assert blocks.auth.__qualname__ == "throttled_login.<locals>.check"  # the login route calls our check
    assert login(url, "secret").status_code == 200
    assert login(url, "wrong").status_code == 400


def test_throttle_serialises_checks_and_waits_after_each_wrong_password():
    waits, active, most = [], [0], [0]

    async def fake_sleep(seconds):
        waits.append(seconds)
        active[0] += 1
        most[0] = max(most[0], active[0])
        await asyncio.sleep(0.01)
        active[0] -= 1

    check = throttled_login("me", "secret", delay_s=1.5, sleep=fake_sleep)

    async def attack():
        return await asyncio.gather(*(check("me", f"guess{i}") for i in range(20)), check("me", "secret"))

    results = asyncio.run(attack())
    assert results == [False] * 20 + [True]
    assert waits == [1.5] * 20 and most[0] == 1  # one guess at a time, each followed by the full delay


def test_idle_sessions_are_forgotten(offline_chatbot):
    from gradio_client import Client

    blocks, url, _ = app.launch(
        app.parse_args(["--port", str(free_port())]), chatbot=offline_chatbot, session_ttl_s=3600
    )
    try:
        for _ in range(3):
            Client(url, verbose=False).predict("안녕", 0.7, 0.9, 48, api_name="/chat")
        holder = blocks.state_holder
        assert len(holder.session_data) >= 3
        assert expire_idle_sessions(blocks, ttl_s=3600) == 0  # all fresh
        sessions = list(holder.session_data)
        assert all(session in blocks._queue.pending_messages_per_session for session in sessions)
        assert expire_idle_sessions(blocks, ttl_s=0) >= 3
        assert not holder.session_data and not holder.time_last_used
        assert not any(session in blocks._queue.pending_messages_per_session for session in sessions)
    finally:
        blocks.close()


def test_the_expiry_thread_runs_until_the_app_closes(offline_chatbot):
    from gradio_client import Client

    blocks, url, _ = app.launch(
        app.parse_args(["--port", str(free_port())]), chatbot=offline_chatbot, session_ttl_s=3600
    )
    try:
        worker = start_session_expiry(blocks, ttl_s=0.2)
        Client(url, verbose=False).predict("안녕", 0.7, 0.9, 48, api_name="/chat")
        deadline = time.monotonic() + 30
        while blocks.state_holder.session_data and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not blocks.state_holder.session_data
    finally:
        blocks.close()
    worker.join(timeout=5)
    assert not worker.is_alive()
