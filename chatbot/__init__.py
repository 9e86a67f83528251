"""The chatbot engine: safety → classify → respond. `Chatbot.reply(message, history)`."""

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "Chatbot": "chatbot.engine",
    "Reply": "chatbot.engine",
    "detect_crisis": "chatbot.safety",
    "CRISIS_REPLY": "chatbot.safety",
}
__all__ = [  # the package's names; each loads from its module on first use (_EXPORTS)
    "CRISIS_REPLY",
    "Chatbot",
    "Reply",
    "detect_crisis",
]

if TYPE_CHECKING:  # type checkers and IDEs see the names; at run time they load on first use
    from chatbot.engine import Chatbot, Reply
    from chatbot.safety import CRISIS_REPLY, detect_crisis


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'chatbot' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
