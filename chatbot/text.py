"""Input handling: clean one user message, and turn a chat history into the generator's context.

History is the role/content message list Gradio and chat APIs use. `content` is a `str` (gradio_client,
OpenAI-style APIs) or, from the browser, a list of parts (`{"type": "text", "text": …}`, files as
`{"type": "file", …}` or `{"path": …}`); only text parts are read.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DEFAULT_MAX_MESSAGE_CHARS = 500  # longer messages are cut: KoBERT sees ≤512 tokens and a chat turn is rarely longer
EMPTY_MESSAGE_REPLY = "하고 싶은 이야기를 편하게 적어 주세요. 오늘 기분은 어떠세요?"


@dataclass(frozen=True)
class CleanMessage:
    """The text the models see, and a note for the user when it differs from what they typed (else None)."""

    text: str
    note: str | None = None


def _strip_control(text: str) -> str:
    """Drop control and format characters (C0/C1, zero-width, bidi marks) except newline and tab, which become spaces."""
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
    `EMPTY_MESSAGE_REPLY` without calling a model.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    message = content_text(message)
    text = re.sub(r"\s+", " ", _strip_control(unicodedata.normalize("NFC", message))).strip()
    if len(text) <= max_chars:
        return CleanMessage(text)
    return CleanMessage(text[:max_chars].rstrip(),
                        note=f"메시지가 너무 길어 앞의 {max_chars}자만 읽었어요 (입력 {len(text)}자).")


def content_text(content) -> str:
    """Text of one message's `content`: a str, a single part, or a list of parts (non-text parts are skipped)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        if content.get("type", "text") == "text" and isinstance(content.get("text"), str):
            return content["text"]
        if isinstance(content.get("content"), (str, list)):  # a whole message passed as content
            return content_text(content["content"])
        return ""  # a file/image part
    if isinstance(content, (list, tuple)):
        return " ".join(text for text in (content_text(part) for part in content) if text)
    raise TypeError(f"message content must be str or a list of parts, got {type(content).__name__}")


def build_context(history, message: str, max_messages: int | None = None,
                  max_chars: int = DEFAULT_MAX_MESSAGE_CHARS) -> list[str]:
    """The generator's context: earlier turns then `message`, oldest first, alternating user/bot, starting and
    ending with a user turn.

    Consecutive messages of one role are joined (an unanswered user turn joins the new message); empty
    messages, other roles (system, tool) and assistant turns before the first user turn are dropped.
    `max_messages` keeps only the most recent ones (an odd number, so the context still starts with a user turn).
    """
    if history is None:
        history = []
    if not isinstance(history, (list, tuple)):
        raise TypeError(f"history must be a list of {{'role', 'content'}} messages, got {type(history).__name__}")
    turns: list[list] = []  # [role, text]
    for index, item in enumerate(history):
        if isinstance(item, (list, tuple)) and len(item) == 2:  # legacy [user, bot] pairs
            for role, content in (("user", item[0]), ("assistant", item[1])):
                _append(turns, role, clean_message(content, max_chars).text)
            continue
        if not isinstance(item, dict) or "role" not in item:
            raise TypeError(f"history[{index}] must be a dict with 'role' and 'content', got {item!r:.80}")
        if item["role"] in ("user", "assistant"):
            _append(turns, item["role"], clean_message(item.get("content"), max_chars).text)
    _append(turns, "user", message)
    while turns and turns[0][0] != "user":
        turns.pop(0)
    texts = [text for _, text in turns]
    if max_messages is not None and len(texts) > max_messages:
        keep = max(1, max_messages - (1 - max_messages % 2))  # odd: starts with a user turn
        texts = texts[-keep:]
    return texts


def _append(turns: list[list], role: str, text: str) -> None:
    if not text:
        return
    if turns and turns[-1][0] == role:
        turns[-1][1] = f"{turns[-1][1]} {text}"
    else:
        turns.append([role, text])
