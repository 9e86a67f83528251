"""Crisis safety: what decides that a message gets the fixed crisis reply, and what the bot may never say.

Three layers, all offline and all before any reply model runs:

1. **Rules** (`crisis_rules.txt`, one regular-expression alternative per line): explicit words, methods and means,
   with exclusions for everyday hyperbole ("배고파 죽겠다", "죽을 것 같아", "죽여준다" describe intensity, not intent).
   They run on the normalised message: NFKC, lower case, no spaces or punctuation, so "죽 고 싶 어…" reads as
   "죽고싶어"; negated desire ("죽고 싶지는 않아") and everyday words (자살골, 유서 깊은) are removed first.
2. **A learned detector** (`chatbot.crisis_model.CrisisDetector`) scores risk by meaning, on the message and on the
   last few user turns read together, and adds up lower-grade warning signs over turns. See that module.
3. **Care mode and screening.** After a crisis reply the conversation stays in care mode (`in_care_mode`): gentle
   replies from `safety_replies.json` with the help lines, never a retrieved or generated line. And the bot's own
   words are screened (`screen_reply`): a reply that mentions dying, suicide, self-harm or a method is replaced.

Third-party talk about suicide (news, a friend, a drama scene) is not a target either way: explicit words still fire
on it, and that is accepted — the reply is harmless and the lines are useful there too.

    python -m chatbot.safety "문장" ...          # which layer fires, and why
    python -m chatbot.safety --rules             # the rule list
    python -m chatbot.safety --eval              # recall / false alarms per split of chatbot/safety_cases/
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from chatbot.text import content_text
from data.text import letters_only, without_spaces

PACKAGE_DIR = Path(__file__).parent
RULES_FILE = PACKAGE_DIR / "crisis_rules.txt"
REPLIES_FILE = PACKAGE_DIR / "safety_replies.json"
CASES_DIR = PACKAGE_DIR / "safety_cases"
CARE_MARKER = "자살예방상담전화 109"  # in the crisis reply and every care reply: how care mode is found in a history
BLIND_SPLIT = "blind"  # evaluated once, at the end of the work it measures: --eval leaves it out unless named
# what the learned detector trains on: the lists written for training and every blind list once it has been evaluated
SPENT_BLIND_LISTS = 33  # blind_v1 … blind_v33: the blind lists already evaluated, each once; training data since
TRAINED_SPLITS = ("train", "original", "dev", "heldout_v1", *(f"blind_v{n}" for n in range(1, SPENT_BLIND_LISTS + 1)))


@dataclass(frozen=True)
class Rule:
    """One block of `crisis_rules.txt`: its alternatives joined, and an optional exclusion."""

    name: str
    reason: str
    alternatives: tuple[str, ...]
    exclusion: str | None = None
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _exclusion: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_pattern", re.compile("|".join(self.alternatives)))
        object.__setattr__(self, "_exclusion", re.compile(self.exclusion) if self.exclusion else None)

    def search(self, compact: str):
        if self._exclusion is not None and self._exclusion.search(compact):
            return None
        return self._pattern.search(compact)


@dataclass(frozen=True)
class CrisisMatch:
    """Why a message was treated as a crisis: the layer/rule's name, its reason, and what it matched
    (the normalised text for a rule; the score for the learned detector)."""

    rule: str
    reason: str
    matched: str


def load_rules(path: Path = RULES_FILE) -> dict[str, Rule]:
    """Blocks of `path` by name, in file order. A block is `[name] reason`, then `! exclusions`, then one
    alternative per line; `#` starts a comment line."""
    blocks: dict[str, Rule] = {}
    name = reason = exclusion = None
    alternatives: list[str] = []

    def close():
        if name is not None:
            if not alternatives:
                raise ValueError(f"{path}: rule [{name}] has no alternatives")
            blocks[name] = Rule(name, reason, tuple(alternatives), exclusion)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.match(r"^\[(\w+)\]\s*(.*)$", line)
        if header:
            close()
            name, reason, exclusion, alternatives = header.group(1), header.group(2), None, []
        elif name is None:
            raise ValueError(f"{path}, line {number}: expected a [name] header before the first alternative")
        elif line.startswith("!"):  # several exclusion lines are one alternation
            exclusion = "|".join(filter(None, (exclusion, line[1:].strip())))
        else:
            try:
                re.compile(line)
            except re.error as error:
                raise ValueError(f"{path}, line {number}: not a regular expression ({error}): {line}") from None
            alternatives.append(line)
    close()
    return blocks


_BLOCKS = load_rules()
NEGATED = _BLOCKS.pop("negated")._pattern
RECOVERED = _BLOCKS.pop("recovered")  # a past struggle told as over: left to the learned detector
# pills or poison already swallowed: decides how the crisis reply opens, not whether ([taken] adds to [overdose_told])
TAKEN = (_BLOCKS["overdose_told"], _BLOCKS.pop("taken"))
REPLY_SCREEN = _BLOCKS.pop("reply_screen")
RULES: tuple[Rule, ...] = tuple(_BLOCKS.values())
# (name, pattern, reason) of every crisis rule, as `python -m chatbot.safety --rules` prints them.
CRISIS_RULES: tuple[tuple[str, str, str], ...] = tuple((r.name, "|".join(r.alternatives), r.reason) for r in RULES)


# ---------------------------------------------------------------------------------------------- replies
def _load_replies(path: Path = REPLIES_FILE) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    lines = "\n".join(
        f"• {line['label']} {line['number']}" + (f" ({line['hours']})" if line["hours"] else "")
        for line in document["lines"]
    )
    for key in ("crisis_reply", "crisis_reply_again"):
        document[key] = "\n".join(document[key]).replace("{lines}", lines)
    return document


SAFETY_REPLIES = _load_replies()
CRISIS_REPLY: str = SAFETY_REPLIES["crisis_reply"]
CRISIS_REPLY_AGAIN: str = SAFETY_REPLIES["crisis_reply_again"]  # the same steps in other words
CARE_FOOTER: str = SAFETY_REPLIES["care_footer"]
TAKEN_LEAD: str = SAFETY_REPLIES["taken_lead"]  # before the crisis reply when pills or poison were already taken
TAKEN_REPLIES = (TAKEN_LEAD, *SAFETY_REPLIES["care_replies"]["taken"])  # the 119-first replies (`took_something`)
HELP_LINES: tuple[dict, ...] = tuple(SAFETY_REPLIES["lines"])
assert all(CARE_MARKER in text for text in (CRISIS_REPLY, CRISIS_REPLY_AGAIN, CARE_FOOTER)), "care mode's marker"


def help_lines_html() -> str:
    """The help lines as HTML list items with tap-to-call links (the UI's help banner); numbers from
    `safety_replies.json`, so the banner and the crisis reply never disagree."""
    items = []
    for line in HELP_LINES:
        numbers = " · ".join(f'<a href="tel:{escape(n)}">{escape(n)}</a>' for n in line["number"].split(" / "))
        hours = f" ({escape(line['hours'])})" if line["hours"] else ""
        items.append(f"    <li>{escape(line['label'])} {numbers}{hours}</li>")
    return "\n".join(items)


def crisis_reply(said: list[str] | tuple[str, ...] = (), taken: bool = False) -> str:
    """The crisis reply, or the same steps in other words when the last crisis reply in this conversation (`said`:
    the bot's turns) was it: a person who says it again should see that they were heard, not the same block. When
    the person has `taken` pills or poison already (`took_something`), it opens with 119 and the emergency room."""
    reply = CRISIS_REPLY
    first, again = without_spaces(CRISIS_REPLY), without_spaces(CRISIS_REPLY_AGAIN)
    for text in map(without_spaces, reversed(said)):  # spacing may change on the way through a chat UI
        if first in text:
            reply = CRISIS_REPLY_AGAIN
            break
        if again in text:
            break
    return f"{TAKEN_LEAD}\n{reply}" if taken else reply


def care_reply(valence: str, said: list[str] | tuple[str, ...] = ()) -> str:
    """A gentle care-mode reply for a message of `valence` ("negative", "neutral" or "positive"), one not said
    yet in this conversation when possible, with the help lines under it."""
    choices = SAFETY_REPLIES["care_replies"][valence]
    fresh = [text for text in choices if not any(text in earlier for earlier in said)]
    return f"{(fresh or choices)[0]}\n\n{CARE_FOOTER}"


def screened_reply(said: list[str] | tuple[str, ...] = (), goodbye: bool = False) -> str:
    """What is shown instead of a reply that `screen_reply` refused (or when every candidate was refused); to a
    goodbye, a goodbye that asks nothing more."""
    choices = SAFETY_REPLIES["screened_goodbyes" if goodbye else "screened_replies"]
    fresh = [text for text in choices if not any(text in earlier for earlier in said)]
    return (fresh or choices)[0]


def in_care_mode(bot_turns) -> bool:
    """True when any of the bot's turns is the crisis reply or a care reply (both carry `CARE_MARKER`)."""
    return any(CARE_MARKER in turn for turn in bot_turns)


# ---------------------------------------------------------------------------------------------- detection
def match_rules(text: str) -> CrisisMatch | None:
    """The first crisis rule the message matches, or None (rules only; see `detect_crisis`)."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    compact = NEGATED.sub("", letters_only(text))
    if RECOVERED.search(compact):
        return None
    for rule in RULES:
        found = rule.search(compact)
        if found:
            return CrisisMatch(rule=rule.name, reason=rule.reason, matched=found.group(0))
    return None


def took_something(text: str, earlier_user_turns=(), bot_turns=()) -> bool:
    """Whether pills or poison were swallowed beyond a dose ("약 한통 다 삼켰어"): told in the message or an earlier
    user turn (`TAKEN`), or answered 119-first among `bot_turns`, which carries it on as care mode is carried."""
    if any(without_spaces(reply) in without_spaces(turn) for turn in bot_turns for reply in TAKEN_REPLIES):
        return True
    compacts = [NEGATED.sub("", letters_only(turn)) for turn in (*earlier_user_turns, text)]
    return any(rule.search(compact) for rule in TAKEN for compact in compacts)


def detect_crisis(text: str, history=None, detector=None) -> CrisisMatch | None:
    """Crisis or not for `text`, said after the user turns in `history` (oldest first; str or role/content
    messages): rules, then the learned detector on the message and on the conversation. `detector` defaults to
    `CrisisDetector.default()` (built once and cached on disk)."""
    if not isinstance(text, str):
        raise TypeError(f"detect_crisis(): expected str, got {type(text).__name__}")
    if detector is None:
        from chatbot.crisis_model import CrisisDetector  # why: import cycle (crisis_model imports safety)

        detector = CrisisDetector.default()
    return detector.assess(text, _user_turns(history))


def screen_reply(text: str) -> str | None:
    """Why the bot must not say `text` (it mentions dying, suicide, self-harm or a method), or None if it may."""
    compact = letters_only(text)
    match = match_rules(text)
    if match:
        return f"crisis rule {match.rule} ({match.matched})"
    found = REPLY_SCREEN.search(compact)
    return f"mentions {found.group(0)!r}" if found else None


def _user_turns(history) -> list[str]:
    if not history:
        return []
    turns = []
    for item in history:
        if isinstance(item, str):
            turns.append(item)
        elif isinstance(item, dict) and item.get("role") == "user":
            turns.append(content_text(item.get("content")))
    return [turn for turn in turns if turn.strip()]


# ---------------------------------------------------------------------------------------------- evaluation
def load_cases(split: str | None = None, directory: Path = CASES_DIR) -> tuple[list[dict], list[dict]]:
    """(messages, conversations) of `chatbot/safety_cases/*.jsonl`, of one split or all. Messages have `text`,
    `crisis` (True, False, or None = scored neither way) and `level` (2 crisis, 1 warning sign, 0 none);
    conversations have `turns` (the user's messages) and `crisis`."""
    messages, conversations = [], []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}, line {number}: not JSON ({error.msg})") from None
            if split is not None and row.get("split") != split:
                continue
            row["file"] = f"{path.name}:{number}"
            if "turns" in row:
                conversations.append(row)
                continue
            if "level" in row:
                row["crisis"] = {2: True, 0: False}.get(row["level"])  # warning signs alone are scored neither way
            else:
                row["level"] = {True: 2, False: 0}.get(row.get("crisis"))
            messages.append(row)
    return messages, conversations


def evaluate(positive: list[str], negative: list[str], detect=None) -> dict:
    """Recall on crisis sentences, false-alarm rate on everyday ones, and the sentences each got wrong."""
    detect = detect or detect_crisis
    missed = [text for text in positive if not detect(text)]
    false_alarms = [text for text in negative if detect(text)]
    return {
        "positives": len(positive),
        "negatives": len(negative),
        "recall": 1 - len(missed) / len(positive) if positive else float("nan"),
        "false_positive_rate": len(false_alarms) / len(negative) if negative else float("nan"),
        "missed": missed,
        "false_alarms": false_alarms,
    }


def evaluate_conversations(conversations: list[dict], detector) -> dict:
    """Crisis conversations caught by their last turn (at any turn so far); non-crisis ones never flagged."""
    missed, false_alarms = [], []
    for conversation in conversations:
        turns = conversation["turns"]
        flagged = [i for i in range(len(turns)) if detector.assess(turns[i], turns[:i])]
        if conversation["crisis"] and not flagged:
            missed.append(turns)
        if not conversation["crisis"] and flagged:
            false_alarms.append((turns, flagged[0]))
    positives = sum(1 for c in conversations if c["crisis"])
    negatives = len(conversations) - positives
    return {
        "positives": positives,
        "negatives": negatives,
        "recall": 1 - len(missed) / positives if positives else float("nan"),
        "false_positive_rate": len(false_alarms) / negatives if negatives else float("nan"),
        "missed": missed,
        "false_alarms": false_alarms,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chatbot.safety",
        description="Check messages with the crisis detector, or evaluate it on chatbot/safety_cases/.",
    )
    parser.add_argument("messages", nargs="*", help="messages to check, each on its own")
    parser.add_argument(
        "--conversation",
        action="store_true",
        help="read the messages as one conversation in order (earlier turns count)",
    )
    parser.add_argument(
        "--eval",
        action="store_true",
        help=f"recall and false alarms per split (every split but '{BLIND_SPLIT}' unless --split)",
    )
    parser.add_argument(
        "--split",
        action="append",
        metavar="NAME",
        help="only these splits (repeatable); the blind split is evaluated only when named here",
    )
    parser.add_argument("--rules", action="store_true", help="print the rule list")
    args = parser.parse_args(argv)
    if not (args.messages or args.eval or args.rules):
        parser.error("give messages to check, --eval or --rules")
    from chatbot.crisis_model import CrisisDetector  # why: import cycle (crisis_model imports safety)

    detector = CrisisDetector.default()
    if args.rules:
        for name, pattern, why in CRISIS_RULES:
            print(f"{name}: {why}\n    {pattern}")
    for index, message in enumerate(args.messages):
        match = detector.assess(message, args.messages[:index] if args.conversation else [])
        print(f"{message}\t{f'CRISIS {match.rule} ({match.matched})' if match else 'ok'}")
    if args.eval:
        _print_evaluation(detector, args.split)
    return 0


def _print_evaluation(detector, splits: list[str] | None) -> None:
    messages, conversations = load_cases()
    names = splits or sorted({row["split"] for row in messages + conversations} - {BLIND_SPLIT})
    for name in names:
        rows = [row for row in messages if row["split"] == name]
        scored = [row for row in rows if row["crisis"] is not None]
        trained = " — the detector is trained on this split: optimistic" if name in TRAINED_SPLITS else ""
        print(
            f"== split {name}: {len(scored)} scored messages, "
            f"{sum(1 for c in conversations if c['split'] == name)} conversations{trained}"
        )
        if scored:
            positive = [row["text"] for row in scored if row["crisis"]]
            negative = [row["text"] for row in scored if not row["crisis"]]
            for layer, detect in (("rules", match_rules), ("detector", lambda text: detector.assess(text, []))):
                result = evaluate(positive, negative, detect)
                print(
                    f"  message level, {layer}: recall {result['recall']:.3f} ({result['positives']} crisis), "
                    f"false alarms {result['false_positive_rate']:.3f} ({result['negatives']} everyday)"
                )
            for text in result["missed"]:
                print(f"    missed: {text}")
            for text in result["false_alarms"]:
                print(f"    false alarm: {text}")
        for level, what in ((1, "warning signs (not scored alone)"), (None, "third-party talk (not scored)")):
            unscored = [row["text"] for row in rows if row["crisis"] is None and row["level"] == level]
            if unscored:
                fired = sum(1 for text in unscored if detector.assess(text, []))
                print(f"  {what}: {fired}/{len(unscored)} get the crisis reply")
        split_conversations = [c for c in conversations if c["split"] == name]
        if split_conversations:
            result = evaluate_conversations(split_conversations, detector)
            print(
                f"  conversation level: caught {result['recall']:.3f} of {result['positives']} crisis conversations "
                f"by their last turn, false alarms {result['false_positive_rate']:.3f} of {result['negatives']}"
            )
            for turns in result["missed"]:
                print(f"    missed: {' → '.join(turns)}")
            for turns, at in result["false_alarms"]:
                print(f"    false alarm at turn {at + 1}: {' → '.join(turns)}")


if __name__ == "__main__":
    sys.exit(main())
