"""One conversation as the UI keeps it: the turns so far, from which the chat, the emotion panel, the help banner,
the history the engine reads and the downloadable transcript are all derived — so they cannot fall out of step.

A conversation is a plain JSON-serialisable dict (it lives in the browser's storage and in Gradio session state):

    {"id": "<hex>", "revision": int, "care": bool,
     "turns": [{"message", "reply", "emotion", "scores", "safety", "care", "note", "engine"}, …]}

`message` is exactly what the person typed; `reply` is the bot's text; `care` on the conversation stays true from the
first crisis or care-mode reply until the conversation is cleared; `revision` counts its changes (a page can tell
that an answer arrived even when it looks the same). Functions never change their argument: each returns a new
conversation.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Mapping

TURN_FIELDS = ("message", "reply", "emotion", "scores", "safety", "care", "note", "engine")
SPEAKERS = {"user": "나", "assistant": "마음챗"}
WAITING = "…"  # the bot's bubble while its reply is on its way (a model that is still loading can take seconds)


def new_conversation() -> dict:
    return {"id": uuid.uuid4().hex, "revision": 0, "care": False, "turns": []}


def make_turn(message: str, reply) -> dict:
    """A turn from what the person typed and the engine's `Reply`."""
    return {
        "message": message,
        "reply": reply.text,
        "emotion": reply.emotion,
        "scores": {label: float(score) for label, score in (reply.scores or {}).items()},
        "safety": bool(reply.safety),
        "care": bool(getattr(reply, "care", False)),
        "note": reply.note,
        "engine": reply.engine,
    }


def _valid_turn(turn) -> bool:
    return (
        isinstance(turn, Mapping)
        and isinstance(turn.get("message"), str)
        and isinstance(turn.get("reply"), str)
        and isinstance(turn.get("scores", {}), Mapping)
        and all(isinstance(k, str) and isinstance(v, (int, float)) for k, v in turn.get("scores", {}).items())
    )


def as_conversation(conversation) -> dict:
    """A well-formed conversation from whatever the browser sent back (None, an older or damaged value → new)."""
    if (
        not isinstance(conversation, Mapping)
        or not isinstance(conversation.get("turns"), list)
        or not all(_valid_turn(turn) for turn in conversation["turns"])
    ):
        return new_conversation()
    turns = [{field: turn.get(field) for field in TURN_FIELDS} for turn in conversation["turns"]]
    for turn in turns:
        turn["scores"] = {k: float(v) for k, v in (turn["scores"] or {}).items()}
        turn["safety"], turn["care"] = bool(turn["safety"]), bool(turn["care"])
    conversation_id, revision = conversation.get("id"), conversation.get("revision")
    return {
        "id": conversation_id if isinstance(conversation_id, str) and conversation_id else uuid.uuid4().hex,
        "revision": revision if isinstance(revision, int) and not isinstance(revision, bool) else len(turns),
        "care": bool(conversation.get("care")) or any(t["care"] or t["safety"] for t in turns),
        "turns": turns,
    }


def add_turn(conversation: dict, turn: dict) -> dict:
    return {
        **conversation,
        "revision": conversation["revision"] + 1,
        "care": conversation["care"] or turn["care"] or turn["safety"],
        "turns": [*conversation["turns"], turn],
    }


def truncate(conversation: dict, turns: int) -> dict:
    """The conversation with only its first `turns` turns (undo, retry). Care mode stays on: only Clear ends it."""
    return {**conversation, "revision": conversation["revision"] + 1, "turns": conversation["turns"][: max(0, turns)]}


def history(conversation: dict) -> list[dict]:
    """The role/content messages `Chatbot.reply`/`stream` read, oldest first."""
    messages = []
    for turn in conversation["turns"]:
        messages.append({"role": "user", "content": turn["message"]})
        messages.append({"role": "assistant", "content": turn["reply"]})
    return messages


def turn_scores(conversation: dict) -> list[dict[str, float]]:
    """The emotion scores of each turn that has them, in order: the timeline's points."""
    return [turn["scores"] for turn in conversation["turns"] if turn["scores"]]


def latest_scores(conversation: dict) -> dict[str, float]:
    scores = turn_scores(conversation)
    return scores[-1] if scores else {}


def shown_reply(text: str, note: str | None) -> str:
    """The reply as shown: with the engine's note for the person (message cut, empty reply…) under it."""
    return f"{text}\n\n({note})" if note else text


def _plain(text: str) -> list[dict]:
    """Chat content shown exactly as written: HTML-escaped for a chat that renders neither Markdown nor HTML."""
    return [{"type": "text", "text": html.escape(text, quote=False)}]


def display(conversation: dict, pending: str | None = None, partial: str | None = None) -> list[dict]:
    """The messages for `gr.Chatbot`: every turn, then (while a reply is on its way) the pending message and the
    reply so far (`WAITING` before its first words). One user message and one bot message per turn, so message
    index // 2 is the turn."""
    messages = []
    for turn in conversation["turns"]:
        messages.append({"role": "user", "content": _plain(turn["message"])})
        messages.append({"role": "assistant", "content": _plain(shown_reply(turn["reply"], turn["note"]))})
    if pending is not None:
        messages.append({"role": "user", "content": _plain(pending)})
        messages.append({"role": "assistant", "content": _plain(partial or WAITING)})
    return messages


def _indented(text: str) -> str:
    return text.replace("\n", "\n   ")  # later lines of a message stay under it


def transcript_text(conversation: dict) -> str:
    """The conversation as plain text for download: who said what, and the emotion read from each message."""
    lines = []
    for number, turn in enumerate(conversation["turns"], start=1):
        emotion = turn["emotion"]
        score = turn["scores"].get(emotion) if emotion else None
        reading = f" [감정: {emotion} {round(100 * score)}%]" if score is not None else ""
        lines.append(f"{number}. {SPEAKERS['user']}: {_indented(turn['message'])}{reading}")
        lines.append(f"   {SPEAKERS['assistant']}: {_indented(shown_reply(turn['reply'], turn['note']))}")
        lines.append("")
    return "\n".join(lines)
