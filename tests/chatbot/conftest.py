"""The `parts` fixture of the engine tests: a fresh recording classifier and responder (tests/chatbot/recording.py)."""

import pytest

from tests.chatbot.recording import RecordingClassifier, RecordingResponder


@pytest.fixture
def parts():
    return RecordingClassifier(), RecordingResponder()
