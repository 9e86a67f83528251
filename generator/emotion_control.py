"""Emotion control of a trained generator: do replies generated for an emotion tag read as that emotion? Each
reply is read back by a classifier (the user's, or the light one trained on the reply bank) and compared with the
tag it was generated for (`python -m generator.evaluate --classifier DIR`).
"""

from __future__ import annotations

import functools
from collections import Counter

from data import Taxonomy, load_demo
from generator.formatting import NONE_EMOTION


@functools.lru_cache(maxsize=1)
def light_reader():
    """An independent reader of replies: the light TF-IDF classifier fitted on the built-in demo utterances (seconds).

    It never saw the generator's training data nor the classifier that tagged it, so what it reads in a reply comes
    from the reply's words alone.
    """
    from classifier.light import LightEmotionClassifier  # why: sklearn only when a classifier reads tags

    utterances = Taxonomy.default().map_corpus(load_demo()).utterances
    labelled = [u for u in utterances if u.label is not None]  # all of them: map_corpus drops unmapped rows
    return LightEmotionClassifier().fit([u.text for u in labelled], [u.label for u in labelled if u.label is not None])


def read_back(tags: list[str], emotions: list[str], readings: list[str]) -> dict:
    """How a reader's labels of the replies follow the tags they were generated under.

    accuracy = share read as their own tag; lift = mean over tags t of P(read t | tag t) - P(read t | other tags):
    0 when the tag changes nothing the reader sees (whatever its biases), up to 1 for full control.
    """
    confusion: dict[str, Counter[str]] = {t: Counter() for t in tags}
    for tag, reading in zip(emotions, readings, strict=True):
        confusion[tag][reading] += 1
    total = {t: max(sum(confusion[t].values()), 1) for t in tags}
    per_tag = {t: confusion[t][t] / total[t] for t in tags}
    lifts = []
    for t in tags:
        others = [u for u in tags if u != t]
        if others:
            elsewhere = sum(confusion[u][t] for u in others) / max(sum(total[u] for u in others), 1)
            lifts.append(per_tag[t] - elsewhere)
    hits = sum(confusion[t][t] for t in tags)
    return {
        "accuracy": hits / max(sum(total.values()), 1),
        "chance": 1 / len(tags),
        "per_tag": per_tag,
        "lift": sum(lifts) / len(lifts) if lifts else 0.0,
        "confusion": {t: dict(c) for t, c in confusion.items()},
    }


def emotion_control(
    generator, readers: dict, messages: list[str], batch_size: int, max_new_tokens: int | None = None
) -> dict:
    """The same messages answered under every emotion tag the generator was trained on: how the replies change.

    Decoding is greedy, so the tag is the only thing that differs between the replies to one message.
    - changed_share: over every pair of tags, the share of messages whose two replies differ (0 = the tag is ignored);
    - per reader (a classifier with `predict`): how often it reads the tag back from the reply, its chance level and
      the lift over the same messages under the other tags (`read_back`).
    The first reader's figures are also given at the top level (`accuracy`, `chance`, `per_tag`, `confusion`).
    """
    tags = [t for t in generator.config.emotions if t != NONE_EMOTION]
    if len(tags) < 2:
        return {"tags": tags, "messages": len(messages), "note": "fewer than two trained tags: nothing to swap"}
    contexts = [m for m in messages for _ in tags]
    emotions = [t for _ in messages for t in tags]
    options: dict[str, bool | int] = {"do_sample": False}
    if max_new_tokens:
        options["max_new_tokens"] = max_new_tokens
    replies = generator.generate_batch(contexts, emotions, batch_size=batch_size, **options)
    by_message = [replies[i * len(tags) : (i + 1) * len(tags)] for i in range(len(messages))]
    pairs = [(a, b) for a in range(len(tags)) for b in range(a + 1, len(tags))]
    differ = sum(row[a] != row[b] for row in by_message for a, b in pairs)
    result: dict = {
        "tags": tags,
        "messages": len(messages),
        "decoding": "greedy",
        "changed_share": differ / max(len(pairs) * len(messages), 1),
        "distinct_replies_per_message": sum(len(set(row)) for row in by_message) / max(len(messages), 1),
        "readers": {},
    }
    readings_of = {}
    for name, reader in readers.items():
        known = [t for t in tags if t in set(reader.labels)]
        if len(known) < 2:
            result["readers"][name] = {"note": f"reader knows fewer than two of the tags {tags}"}
            continue
        rows = [i for i, e in enumerate(emotions) if e in known]
        readings = [p.label for p in reader.predict([replies[i] or "." for i in rows])]
        readings_of[name] = dict(zip(rows, readings, strict=True))
        result["readers"][name] = {"tags": known, **read_back(known, [emotions[i] for i in rows], readings)}
    first = next((r for r in result["readers"].values() if "accuracy" in r), None)
    if first is not None:
        result.update({k: first[k] for k in ("accuracy", "chance", "per_tag", "lift", "confusion")})
    result["examples"] = [
        {
            "message": c,
            "tag": e,
            "reply": r,
            **{f"read_by_{name}": readings.get(i) for name, readings in readings_of.items()},
        }
        for i, (c, e, r) in enumerate(zip(contexts, emotions, replies, strict=True))
        if i < 2 * len(tags)
    ]
    return result


def per_emotion_examples(examples, replies: list[str], per_emotion: int = 2) -> dict[str, list[dict]]:
    """Up to `per_emotion` (message, reference, reply) rows for each tag, in test-split order (for the report)."""
    rows: dict[str, list[dict]] = {}
    for example, reply in zip(examples, replies, strict=True):
        tag = example.emotion or "none"
        if len(rows.setdefault(tag, [])) < per_emotion:
            rows[tag].append({"message": example.message, "reference": example.reply, "reply": reply})
    return rows
