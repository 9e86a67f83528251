"""The built-in demo set: the reply bank (`data/replybank/`) as a `Corpus`, for code that reads corpora.

Utterances are the bank's messages with their emotion; each message is paired with one reply of its group, taken
in turn (message i → reply i mod n), so every reply is used and the examples stay one per message. Open groups
(replies without an emotion) and groups without replies give no dialogue examples. Contents: data/README.md.
"""

from __future__ import annotations

from pathlib import Path

from data.records import Corpus, DialogueExample, LoadReport, Utterance
from data.replybank import REPLYBANK_DIR, load_reply_bank

SOURCE = "demo"


def load_demo(directory=REPLYBANK_DIR) -> Corpus:
    """Utterances (message, emotion) and DialogueExamples (message → a reply of its group) of the reply bank."""
    groups = load_reply_bank(directory)
    utterances, dialogues, seen = [], [], set()
    for group in groups:
        if group.emotion is None:
            continue
        for i, text in enumerate(group.messages):
            if (text, group.emotion) in seen:
                continue
            seen.add((text, group.emotion))
            utterances.append(Utterance(text, group.emotion, SOURCE))
            if group.replies:
                dialogues.append(
                    DialogueExample((), text, group.replies[i % len(group.replies)], group.emotion, SOURCE)
                )
    report = LoadReport(
        rows_read=len(utterances),
        kept=len(utterances),
        dialogues=len(dialogues),
        encoding="utf-8",
        extra={
            "groups": len(groups),
            "replies": sum(len(g.replies) for g in groups),
            "topics": len({g.topic for g in groups}),
        },
    )
    return Corpus(SOURCE, Path(directory), utterances, dialogues, report)
