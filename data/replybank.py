"""The built-in reply bank: example messages and replies written for this project, keyed by topic and emotion.

`data/replybank/*.jsonl` holds one group per line:

    {"topic": "exam", "emotion": "슬픔", "messages": ["시험 망했어ㅠㅠ", …], "replies": ["많이 속상하겠어요. …", …]}

- `topic`: an id from `data/labelling_guide.md`; `emotion`: one of the six, or null for the topic's *open* group —
  caring open questions used when the bot cannot tell how the person feels;
- optional `intent` for topics where one reply cannot answer every question (the bot's name vs. what it can do);
- `messages` train the offline classifier and are what a new message is matched against; `replies` are what the
  bot says to any message of the group. A group may have messages only (more training data, replies elsewhere).

Groups with the same (topic, emotion, intent) in several files are merged. Licence: the project's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from data.records import DataError
from data.taxonomy import EMOTIONS

REPLYBANK_DIR = Path(__file__).with_name("replybank")
TOPIC_ID_CHARS = "abcdefghijklmnopqrstuvwxyz_"


@dataclass(frozen=True)
class ReplyGroup:
    """Messages of one topic and emotion (None = the open group) and the replies that fit every one of them."""

    topic: str
    emotion: str | None
    messages: tuple[str, ...]
    replies: tuple[str, ...]
    intent: str | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return self.topic, self.emotion, self.intent


def load_reply_bank(directory=REPLYBANK_DIR) -> list[ReplyGroup]:
    """Every group of `directory/*.jsonl`, merged by (topic, emotion, intent), in file order. Bad lines raise
    `DataError` naming the file and line."""
    directory = Path(directory)
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise DataError(f"{directory}: no *.jsonl reply bank files (the bank ships with the package)")
    merged: dict[tuple, dict] = {}
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            group = _parse_group(line, f"{path}, line {number}")
            slot = merged.setdefault(group.key, {"messages": [], "replies": []})
            slot["messages"].extend(m for m in group.messages if m not in slot["messages"])
            slot["replies"].extend(r for r in group.replies if r not in slot["replies"])
    return [
        ReplyGroup(topic, emotion, tuple(slot["messages"]), tuple(slot["replies"]), intent)
        for (topic, emotion, intent), slot in merged.items()
    ]


def _parse_group(line: str, where: str) -> ReplyGroup:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataError(f"{where}: not a JSON object ({error.msg})") from None
    if not isinstance(row, dict):
        raise DataError(f"{where}: expected a JSON object with topic, emotion, messages, replies")
    topic, emotion, intent = row.get("topic"), row.get("emotion"), row.get("intent")
    if not isinstance(topic, str) or not topic or set(topic) - set(TOPIC_ID_CHARS):
        raise DataError(f"{where}: topic {topic!r} is not a topic id (lower-case letters and _)")
    if emotion is not None and emotion not in EMOTIONS:
        raise DataError(f"{where}: emotion {emotion!r} is not one of {', '.join(EMOTIONS)} (or null for open)")
    if intent is not None and not isinstance(intent, str):
        raise DataError(f"{where}: intent must be a string, got {intent!r}")
    texts = {}
    for column in ("messages", "replies"):
        values = row.get(column, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise DataError(f"{where}: {column} must be a list of non-empty strings")
        texts[column] = tuple(v.strip() for v in values)
    if emotion is None and texts["messages"]:
        raise DataError(f"{where}: an open group (emotion null) has replies only; put messages in an emotion group")
    if not texts["messages"] and not texts["replies"]:
        raise DataError(f"{where}: a group needs messages or replies")
    return ReplyGroup(topic, emotion, texts["messages"], texts["replies"], intent)
