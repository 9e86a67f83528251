"""The chatbot engine: safety → classify → respond. `Chatbot.reply(message, history)`."""

from typing import TYPE_CHECKING

from data.lazy import lazy_exports

if TYPE_CHECKING:  # the package's names (`X as X`: a re-export); each loads from its module on first use
    from chatbot.engine import Chatbot as Chatbot, Reply as Reply
    from chatbot.safety import CRISIS_REPLY as CRISIS_REPLY, detect_crisis as detect_crisis

__getattr__, __dir__, __all__ = lazy_exports(__name__)  # reads the block above
