"""The chatbot engine: safety → classify → respond. `Chatbot.reply(message, history)`."""

from typing import TYPE_CHECKING

from data.lazy import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
