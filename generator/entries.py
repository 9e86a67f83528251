"""`ResponseEntry`: one known exchange the retrieval responder may answer with, and the rules about its reply.

Reading entries (from Python objects or `entries.jsonl`), telling a curt reply from a caring one, and choosing
distinct replies that were not said before in the conversation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from data.text import dedupe_key

MIN_CONTAINED_REPLY = 10  # replies this long count as said when found inside an earlier bot turn; shorter ones
# ("네") only when equal, or every turn containing "네" would ban them
CURT_ENDINGS = ("하세요.", "세요.", "마세요.", "보세요.", "하십시오.", "해라.", "하라.")
# an order that acknowledges first is advice, not a command
CARING_WORDS = ("마음", "힘들", "힘드", "속상", "괜찮", "이해", "걱정", "고마")


@dataclass(frozen=True)
class ResponseEntry:
    """One known exchange: a user `message`, the `reply` given to it, the message's emotion (or None), its source,
    and for the reply bank its topic and intent (entries of one bank group share a reply list)."""

    message: str
    reply: str
    emotion: str | None = None
    source: str = ""
    topic: str | None = None
    intent: str | None = None

    @property
    def group(self) -> tuple:
        """Bank entries: their (topic, emotion, intent) group; corpus entries: their own message."""
        if self.topic is not None:
            return ("bank", self.topic, self.emotion, self.intent)
        return ("message", self.source, self.message)


def read_entries(path: Path) -> list[ResponseEntry]:
    """The entries of an `entries.jsonl` file, one JSON object a line (blank lines skipped)."""
    entries = []
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    entries.append(ResponseEntry(**json.loads(line)))
                except (json.JSONDecodeError, TypeError) as error:
                    raise ValueError(
                        f"{path}, line {line_number}: {error}; "
                        f"expected a JSON object with message, reply, emotion, source"
                    ) from None
    return entries


def distinct_replies(entries, order, scores, k: int, exclude: Sequence[str]) -> list[tuple[float, ResponseEntry]]:
    """The first `k` entries of `order` with distinct replies, skipping replies already said while others remain."""
    import numpy as np

    excluded = {dedupe_key(text) for text in exclude}
    chosen, skipped, seen_replies = [], [], set()
    for index in order:
        if not np.isfinite(scores[index]):
            break
        entry = entries[index]
        reply_key = dedupe_key(entry.reply)
        if reply_key in seen_replies:
            continue
        seen_replies.add(reply_key)
        said_before = reply_key in excluded or (
            len(reply_key) >= MIN_CONTAINED_REPLY and any(reply_key in text for text in excluded)
        )
        (skipped if said_before else chosen).append((float(scores[index]), entry))
        if len(chosen) >= k:
            break
    return chosen or skipped[:k]


def is_curt(reply: str) -> bool:
    """A curt or bossy reply: a short one-liner, or one that only tells the person what to do ("어깨를 펴보세요.")
    without asking or acknowledging anything."""
    compact = re.sub(r"\s+", "", reply)
    if "?" in reply:
        return False
    if len(compact) <= 14 and (reply.strip().endswith(CURT_ENDINGS) or len(compact) <= 6):
        return True
    return reply.strip().endswith(CURT_ENDINGS) and not any(word in compact for word in CARING_WORDS)


def as_entry(item, index: int) -> ResponseEntry:
    if isinstance(item, ResponseEntry):
        return item
    if isinstance(item, dict):
        try:
            return ResponseEntry(**item)
        except TypeError:
            raise ValueError(f"entry {index}: {item!r:.80} — expected keys message, reply, emotion, source") from None
    if isinstance(item, (tuple, list)) and 2 <= len(item) <= 4 and all(isinstance(x, (str, type(None))) for x in item):
        return ResponseEntry(*item)
    raise ValueError(
        f"entry {index}: {item!r:.80} — expected ResponseEntry, dict or (message, reply[, emotion[, source]])"
    )


def split_context(context) -> tuple[list[str], list[str]]:
    """(the user turns, oldest first, ending with the message answered; the bot turns). Context alternates
    user/bot and ends with the user."""
    if isinstance(context, str):
        return [context], []
    if not isinstance(context, (list, tuple)) or not context or not all(isinstance(t, str) for t in context):
        raise TypeError(
            "context must be a str or a non-empty list of str (oldest first, ending with the user message)"
        )
    turns = list(context)
    return turns[::-2][::-1][-3:], turns[-2::-2]
