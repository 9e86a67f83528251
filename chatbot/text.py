"""Input handling: clean one user message, and turn a chat history into the generator's context.

History is the role/content message list Gradio and chat APIs use. `content` is a `str` (gradio_client,
OpenAI-style APIs) or, from the browser, a list of parts (`{"type": "text", "text": …}`, files as
`{"type": "file", …}` or `{"path": …}`); only text parts are read.

Work per request is bounded whatever a client sends: the history is read from its end and only as far as the
context needs (at most MAX_HISTORY_ITEMS items), each message is cut before it is cleaned, and content parts
are read to a fixed depth and count.
"""

from __future__ import annotations

import reprlib
import unicodedata
from dataclasses import dataclass

from data.records import MAX_TEXT_CHARS
from data.text import collapse_spaces

DEFAULT_MAX_MESSAGE_CHARS = MAX_TEXT_CHARS  # longer messages are cut; training cuts its texts at the same length
MAX_HISTORY_ITEMS = 200  # history items read per request, newest first; a context is a handful of turns
RAW_CHARS_PER_CHAR = 4  # a message is cut at 4× max_chars before cleaning: room for spaces and control characters
MAX_CONTENT_DEPTH = 4  # message → list of parts → part → its content: real clients nest 2–3 levels
MAX_CONTENT_PARTS = 256  # parts read per message (the browser sends one text part, plus one per file)
EMPTY_MESSAGE_REPLY = "하고 싶은 이야기를 편하게 적어 주세요. 오늘 기분은 어떠세요?"


@dataclass(frozen=True)
class CleanMessage:
    """The text the models see, and a note for the user when it differs from what they typed (else None)."""

    text: str
    note: str | None = None


def _strip_control(text: str) -> str:
    """Drop control and format characters (C0/C1, zero-width, bidi marks); newline and tab become spaces."""
    kept = []
    for char in text:
        if char in "\n\t\r":
            kept.append(" ")
        # not "Cn" (unassigned): Python's Unicode tables lag, so emoji newer than them (🫨) read as unassigned
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") and char != "\u200d":  # ZWJ joins emoji
            continue
        else:
            kept.append(char)
    return "".join(kept)


def clean_message(message, max_chars: int = DEFAULT_MAX_MESSAGE_CHARS) -> CleanMessage:
    """NFC, control characters stripped, whitespace collapsed, cut at `max_chars` characters with a visible note.

    An empty result (empty, whitespace-only or control-only input) has `text == ""`: the caller answers
    `EMPTY_MESSAGE_REPLY` without calling a model. Only the first `RAW_CHARS_PER_CHAR × max_chars` characters
    are cleaned, so a huge message costs no more than a long one.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    raw_limit = max_chars * RAW_CHARS_PER_CHAR
    message, typed = _bounded_text(message, raw_limit)
    text = collapse_spaces(_strip_control(unicodedata.normalize("NFC", message[:raw_limit])))
    if len(text) <= max_chars and typed <= raw_limit:
        return CleanMessage(text)
    return CleanMessage(
        text[:max_chars].rstrip(),
        note=f"메시지가 너무 길어 앞의 {max_chars}자만 읽었어요 (입력 {max(typed, len(text))}자).",
    )


def content_text(content) -> str:
    """Text of one message's `content`: a str, a single part, or a list of parts (non-text parts are skipped)."""
    return _bounded_text(content, None)[0]


def _bounded_text(content, limit: int | None) -> tuple[str, int]:
    """(text of `content`, its length before any cut). With `limit`, reading stops after `limit` characters.

    Walks the parts without recursion: content nested deeper than MAX_CONTENT_DEPTH is a TypeError, and at most
    MAX_CONTENT_PARTS parts are read.
    """
    if content is None:
        return "", 0
    if isinstance(content, str):
        return content, len(content)
    texts: list[str] = []
    length = parts = 0
    stack = [(content, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_CONTENT_DEPTH:
            raise TypeError(
                f"message content is nested more than {MAX_CONTENT_DEPTH} levels deep; expected a str "
                f"or a list of parts such as {{'type': 'text', 'text': '…'}}"
            )
        if isinstance(item, str):
            if item:
                texts.append(item)
                length += len(item) + 1
            if limit is not None and length > limit:
                break
            continue
        parts += 1
        if parts > MAX_CONTENT_PARTS:
            break
        if isinstance(item, dict):
            if item.get("type", "text") == "text" and isinstance(item.get("text"), str):
                stack.append((item["text"], depth + 1))
            elif isinstance(item.get("content"), (str, list)):  # a whole message passed as content
                stack.append((item["content"], depth + 1))
            continue  # otherwise a file/image part
        if isinstance(item, (list, tuple)):
            stack.extend((part, depth + 1) for part in reversed(item[:MAX_CONTENT_PARTS]))
            continue
        raise TypeError(f"message content must be str or a list of parts, got {type(item).__name__}")
    return " ".join(texts), max(length - 1, 0)


def build_context(
    history, message: str, max_messages: int | None = None, max_chars: int = DEFAULT_MAX_MESSAGE_CHARS
) -> list[str]:
    """The generator's context: earlier turns then `message`, oldest first, alternating user/bot, starting and
    ending with a user turn.

    Consecutive messages of one role are joined (an unanswered user turn joins the new message); empty
    messages, other roles (system, tool) and assistant turns before the first user turn are dropped.
    `max_messages` keeps only the most recent ones (an odd number, so the context still starts with a user turn).
    The history is read backwards from its end, only as far as those turns need (never more than
    MAX_HISTORY_ITEMS items); a joined turn takes earlier messages only while it is under `max_chars`.
    """
    if history is None:
        history = []
    if not isinstance(history, (list, tuple)):
        raise TypeError(f"history must be a list of {{'role', 'content'}} messages, got {type(history).__name__}")
    wanted = None if max_messages is None else max(1, max_messages - (1 - max_messages % 2))  # odd
    turns: list[list] = []  # newest first: [role, its messages newest first, their length]

    def add(role: str, content) -> bool:
        """Add one message going backwards, cleaned only when it can change the context; False once the turns
        wanted are complete (stop reading)."""
        if turns and turns[-1][0] == role:  # joins the turn after it, while that turn has room
            if turns[-1][2] < max_chars:
                text = clean_message(content, max_chars).text
                if text:
                    turns[-1][1].append(text)
                    turns[-1][2] += len(text) + 1
            return True
        text = clean_message(content, max_chars).text
        if not text:
            return True
        if wanted is not None and len(turns) >= wanted:
            return False
        turns.append([role, [text], len(text)])
        return True

    if message:
        turns.append(["user", [message], len(message)])
    for index in range(len(history) - 1, max(-1, len(history) - 1 - MAX_HISTORY_ITEMS), -1):
        item = history[index]
        if isinstance(item, (list, tuple)) and len(item) == 2:  # legacy [user, bot] pairs
            if not (add("assistant", item[1]) and add("user", item[0])):
                break
            continue
        if not isinstance(item, dict) or "role" not in item:
            raise TypeError(f"history[{index}] must be a dict with 'role' and 'content', got {reprlib.repr(item)}")
        if item["role"] in ("user", "assistant") and not add(item["role"], item.get("content")):
            break
    while turns and turns[-1][0] != "user":  # the oldest turn read is a bot turn: drop it
        turns.pop()
    return [" ".join(reversed(texts)) for _, texts, _ in reversed(turns)]
