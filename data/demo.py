"""The built-in demo set: Korean utterances for the six emotions and empathetic replies, written for this project.

Enough for the offline default engine (TF-IDF classifier + retrieval replies) to run on a fresh machine with no
downloads. Contents and size: data/README.md.
"""
from __future__ import annotations

import json
from pathlib import Path

from data.records import Corpus, DataError, DialogueExample, LoadReport, Utterance

DEMO_FILE = Path(__file__).with_name("demo.json")
SOURCE = "demo"


def load_demo(path=DEMO_FILE) -> Corpus:
    """Utterances (text, emotion) and DialogueExamples (message → empathetic reply of the same emotion).

    Each utterance is paired with one reply of its emotion, taken in turn (utterance i → reply i mod n), so
    every reply is used and the examples stay one per utterance.
    """
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        utterances_of, replies_of = document["utterances"], document["replies"]
    except FileNotFoundError:
        raise DataError(f"{path}: file not found; the demo set ships with the package") from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise DataError(f"{path}: expected a JSON object with 'utterances' and 'replies' ({error})") from None
    utterances, dialogues = [], []
    for emotion, texts in utterances_of.items():
        replies = replies_of.get(emotion) or []
        if not replies:
            raise DataError(f"{path}: emotion {emotion!r} has utterances but no replies")
        for i, text in enumerate(texts):
            utterances.append(Utterance(text, emotion, SOURCE))
            dialogues.append(DialogueExample((), text, replies[i % len(replies)], emotion, SOURCE))
    report = LoadReport(rows_read=len(utterances), kept=len(utterances), dialogues=len(dialogues), encoding="utf-8",
                        extra={"replies": sum(len(r) for r in replies_of.values())})
    return Corpus(SOURCE, path, utterances, dialogues, report)
