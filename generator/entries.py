"""`ResponseEntry`: one known exchange the retrieval responder may answer with, and the rules about its reply.

Making entries (from Python objects, the reply bank's groups, dialogues; reading and writing `entries.jsonl`),
telling a curt reply from a caring one (`reply_tone.json`), and choosing distinct replies that were not said
before in the conversation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from data.text import dedupe_key, without_spaces

MIN_CONTAINED_REPLY = 10  # replies this long count as said when found inside an earlier bot turn; shorter ones
# ("네") only when equal, or every turn containing "네" would ban them
BANK_SOURCE = "demo"  # entries of the built-in reply bank (data.load_demo's source name)
TONE_FILE = Path(__file__).with_name("reply_tone.json")  # curt endings and caring words (phrase lists are data)
REQUEST_FILE = Path(__file__).with_name("request_cues.json")  # intents that answer a request, and what asks one


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


def unique_entries(items: Iterable[ResponseEntry | tuple | dict]) -> list[ResponseEntry]:
    """`items` as entries (see `as_entry`), in order, each exchange once; those with a blank message or reply are
    left out."""
    entries: list[ResponseEntry] = []
    seen = set()
    for index, item in enumerate(items):
        entry = as_entry(item, index)
        if not entry.message.strip() or not entry.reply.strip():
            continue
        key = (entry.message, entry.reply, entry.emotion, entry.topic, entry.intent)
        if key not in seen:
            seen.add(key)
            entries.append(entry)
    return entries


def reply_emotions(entries: Iterable[ResponseEntry]) -> dict[str, str | None]:
    """Each reply bank reply → the emotion it was written for; None when it serves several emotions or open
    questions. Corpus replies are left out: their label is the message's, not the reply's (a wellness 무기력 reply
    says "저는 당신이 있어 행복한데…"), so their tone is read from their words."""
    emotions: dict[str, str | None] = {}
    for entry in entries:
        if entry.topic is None:
            continue
        known = emotions.setdefault(entry.reply, entry.emotion)
        if known != entry.emotion:
            emotions[entry.reply] = None
    return emotions


def write_entries(path: Path, entries: Iterable[ResponseEntry]) -> None:
    """`entries` as `read_entries` reads them: one JSON object a line, the fields in their order. `vars`, not
    `asdict`: the fields are plain strings, and asdict's deep copy was most of the reply index's writing time."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(vars(entry), ensure_ascii=False) + "\n" for entry in entries)


def bank_entries(groups: Iterable) -> list[ResponseEntry]:
    """The reply bank's groups (`data.replybank.load_reply_bank()`) as entries: every message of a group paired with
    every reply of it; an open group's replies are kept under its topic (message "(topic)") for unsure turns."""
    entries: list[ResponseEntry] = []
    for group in groups:
        if group.emotion is None:
            entries += [
                ResponseEntry(f"({group.topic})", reply, None, BANK_SOURCE, group.topic, group.intent)
                for reply in group.replies
            ]
            continue
        entries += [
            ResponseEntry(message, reply, group.emotion, BANK_SOURCE, group.topic, group.intent)
            for message in group.messages
            for reply in group.replies
        ]
    return entries


def dialogue_entries(dialogues: Iterable, taxonomy=None) -> list[ResponseEntry]:
    """`data.DialogueExample`s as entries; with a `data.Taxonomy`, their labels mapped to its emotions (None when
    unmapped)."""
    entries = []
    for dialogue in dialogues:
        emotion = taxonomy.map_record(dialogue) if taxonomy is not None else dialogue.label
        entries.append(ResponseEntry(dialogue.message, dialogue.reply, emotion, dialogue.source))
    return entries


def distinct_replies(entries, order, scores, k: int, exclude: Sequence[str]) -> list[tuple[float, ResponseEntry]]:
    """The first `k` entries of `order` with distinct replies, skipping replies already said while others remain."""
    excluded = {dedupe_key(text) for text in exclude}
    chosen: list[tuple[float, ResponseEntry]] = []
    skipped: list[tuple[float, ResponseEntry]] = []  # said before: used only when nothing else is left
    seen_replies: set[str] = set()
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


@lru_cache(maxsize=1)
def tone_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(curt endings, caring words) from `reply_tone.json`, read once."""
    document = json.loads(TONE_FILE.read_text(encoding="utf-8"))
    return tuple(document["curt_endings"]), tuple(document["caring_words"])


def is_curt(reply: str) -> bool:
    """A curt or bossy reply: a short one-liner, or one that only tells the person what to do ("어깨를 펴보세요.")
    without asking or acknowledging anything."""
    curt_endings, caring_words = tone_words()
    compact = without_spaces(reply)
    if "?" in reply:
        return False
    if len(compact) <= 14 and (reply.strip().endswith(curt_endings) or len(compact) <= 6):
        return True
    return reply.strip().endswith(curt_endings) and not any(word in compact for word in caring_words)


@lru_cache(maxsize=1)
def _request_document() -> dict:
    return json.loads(REQUEST_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def request_cues() -> tuple[frozenset[str], tuple[str, ...]]:
    """(intents whose replies answer a request, advice on one subject included; markers that a message asks
    something) from `request_cues.json`."""
    document = _request_document()
    return frozenset(document["request_intents"]) | request_subjects()[0], tuple(document["asks"])


@lru_cache(maxsize=1)
def request_subjects() -> tuple[frozenset[str], frozenset[str]]:
    """(intents whose replies are advice on one subject, the nouns a request is made with: "방법", "꿀팁", which say
    nothing of its subject) from `request_cues.json`."""
    document = _request_document()
    return frozenset(document["subject_intents"]), frozenset(document["request_words"])


def asks_something(message: str) -> bool:
    """Whether the message asks for something (a question word, a request ending, a question mark): only then may it
    get a reply written for a request ("저녁 뭐 먹지" → a menu idea; "저녁 잘 먹었다" → none)."""
    return _asks(_asked_part(message))


def asks_what(message: str) -> bool:
    """Whether the message asks for something to be told with a question word ("근데 뭐부터 해야되지", "어디 가지"),
    not only guesses or complains (`request_cues.json` "question_words")."""
    compact = _asked_part(message)
    return any(word in compact for word in _request_document()["question_words"])


def asks_plainly(message: str) -> bool:
    """Whether the message is a plain question or request (`request_cues.json` "questions", stricter than
    `asks_something`, or an asking ending: "이거 공황인가"): then a reply written for a request is preferred to one
    about how the person feels."""
    compact = _asked_part(message)
    return any(marker in compact for marker in _request_document()["questions"]) or _ends_asking(compact)


def asks_the_bot(message: str) -> bool:
    """Whether the message asks what the bot would do in the person's place ("너라면 어떻게 할거같아?", "너같으면
    참겠냐"): it says what it asks without the earlier turns."""
    compact = _asked_part(message)
    return _asks(compact) and any(marker in compact for marker in _request_document()["to_bot"])


MARKED_END = "?요야지임냐니나.~!ㅋㅎㅠㅜ"  # what may follow a marker for it to ask


@lru_cache(maxsize=1)
def marked_cues() -> dict[str, re.Pattern]:
    """The intents a question may ask for by its words (`request_cues.json` "marked"), each with its markers as one
    pattern: a marker counts where the message ends or asks right after it ("나만 그래?" asks; "다들 그래서 나도"
    goes on). Their replies answer only such a question."""
    return {
        intent: re.compile(f"(?:{'|'.join(map(re.escape, markers))})(?:$|[{re.escape(MARKED_END)}])")
        for intent, markers in _request_document()["marked"].items()
    }


def marked_intents(message: str) -> frozenset[str]:
    """The intents whose kind of answer the message asks for by its words ("엘베 타면 숨 막히는데 나만 그럼?" →
    only_me), whatever its subject; "marked_not" words ("왜 맨날 나만 이래": a complaint) cancel them all."""
    compact = _asked_part(message)
    if not _asks(compact) or any(word in compact for word in _request_document()["marked_not"]):
        return frozenset()
    return frozenset(intent for intent, pattern in marked_cues().items() if pattern.search(compact))


def _asked_part(message: str) -> str:
    """The message, spaces removed and lower case, after the last word with which it answers its own question
    ("오늘 뭐했냐면 그냥 누워있었어" → "그냥누워있었어"), without the outbursts that ask nothing ("미친거 아님?")."""
    compact = without_spaces(message).lower()
    cut = max(
        (compact.rfind(word) + len(word) for word in _request_document()["told_not_asked"] if word in compact),
        default=0,
    )
    asked = compact[cut:]
    for outburst in _request_document()["rhetorical"]:  # "미친거 아님?" asks nothing
        asked = re.sub(re.escape(outburst) + r"\?*", "", asked)
    return asked


def _asks(compact: str) -> bool:
    """`asks_something` on the asked part of a message."""
    return any(marker in compact for marker in request_cues()[1]) or _ends_asking(compact)


def _ends_asking(compact: str) -> bool:
    ending = compact.rstrip(".,!?~…ㅋㅎㅠㅜ")
    return any(ending.endswith(marker) for marker in _request_document()["asks_endings"])


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
