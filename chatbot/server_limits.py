"""Limits for the web server, so no client can make it slow or fat: login throttling, session expiry, port check.

`app.py` wires them in; they touch Gradio only through the app object they are given.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
import time
import weakref
from datetime import datetime, timedelta

SESSION_TTL_S = 3600  # a conversation's server-side state is dropped an hour after its last request
LOGIN_DELAY_S = 1.0  # a wrong password holds the next login check this long: at most one guess per second


def throttled_login(user: str, password: str, delay_s: float = LOGIN_DELAY_S, sleep=asyncio.sleep):
    """Gradio `auth` callable: one login check at a time, and a wrong password holds the next check `delay_s`,
    so guessing runs at no more than one password per `delay_s` however many requests arrive at once."""
    lock = asyncio.Lock()

    async def check(username: str, given: str) -> bool:
        async with lock:
            right = secrets.compare_digest(username.encode(), user.encode()) & secrets.compare_digest(
                given.encode(), password.encode()
            )
            if not right:
                await sleep(delay_s)
            return right

    return check


def expire_idle_sessions(app, ttl_s: float) -> int:
    """Forget whole sessions idle for more than `ttl_s` (Gradio frees them only past its session capacity, and
    each holds a copy of the page's config); returns how many went."""
    holder = getattr(app, "state_holder", None)
    used = getattr(holder, "time_last_used", None)
    if holder is None or used is None:  # not launched, or a Gradio without these internals: capacity bounds memory
        return 0
    cutoff = datetime.now() - timedelta(seconds=ttl_s)
    with holder.lock:
        idle = [session for session, last in list(used.items()) if last < cutoff]
        for session in idle:
            holder.session_data.pop(session, None)
            used.pop(session, None)
    pending = getattr(getattr(app, "_queue", None), "pending_messages_per_session", None)  # its message queue too
    if pending is not None:
        for session in idle:
            messages = pending.get(session)
            if messages is not None and messages.empty():
                pending.pop(session, None)
    return len(idle)


def start_session_expiry(app, ttl_s: float = SESSION_TTL_S) -> threading.Thread:
    """A daemon thread running `expire_idle_sessions` every ttl/4 until the app closes."""
    app_ref = weakref.ref(app)

    def sweep():
        while True:
            time.sleep(max(ttl_s / 4, 0.05))
            current = app_ref()
            if current is None or not current.is_running:
                return
            expire_idle_sessions(current, ttl_s)
            del current

    worker = threading.Thread(target=sweep, name="session-expiry", daemon=True)
    worker.start()
    return worker


def check_port(host: str, port: int) -> None:
    """Fail at once (before any model loads) when another program listens on the port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            raise OSError(
                f"port {port} on {host} is in use ({error.strerror or error}); start with --port "
                f"{port + 1} (or another free port), or stop the program using it"
            ) from None
