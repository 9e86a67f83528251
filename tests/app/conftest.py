"""Fixtures for the app tests: free loopback ports, the app served once per module, no telemetry (the offline
Chatbot they serve is `offline_chatbot` in tests/conftest.py)."""

import os
import socket

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # never call home from tests (loopback only)


@pytest.fixture(scope="session")
def app_args():
    """app_args(*flags) → parsed `app.py` flags on 127.0.0.1 and a free port."""
    import app

    def make(*flags: str):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        return app.parse_args(["--host", "127.0.0.1", "--port", str(port), *flags])

    return make


@pytest.fixture(scope="module")
def served_app(offline_chatbot, app_args):
    """The app on the offline default, launched once per test module: yields its local URL."""
    import app

    blocks, local_url, share_url = app.launch(app_args(), chatbot=offline_chatbot)
    assert share_url is None
    yield local_url
    blocks.close()
