"""The chatbot engine: safety → classify → respond. `Chatbot.reply(message, history)`."""
from importlib import import_module

_EXPORTS = {
    "Chatbot": "chatbot.engine", "Reply": "chatbot.engine",
    "detect_crisis": "chatbot.safety", "CRISIS_REPLY": "chatbot.safety",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'chatbot' has no attribute {name!r}")
