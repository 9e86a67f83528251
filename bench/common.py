"""What the app benchmarks share: the repository root, the everyday messages they send, a free loopback port and
a percentile."""

from __future__ import annotations

import os
import socket
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MESSAGES_FILE = Path(__file__).with_name("everyday_messages.txt")  # everyday messages, six emotions, one a line
EVERYDAY_MESSAGES = tuple(line for line in MESSAGES_FILE.read_text(encoding="utf-8").splitlines() if line)


def app_environment() -> dict[str, str]:
    """The environment of a process that runs the app: this one's, the repository importable, no analytics calls."""
    return {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(REPO)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) of `values`, by the nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]
