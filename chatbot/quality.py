"""Checks a candidate reply must pass before it is shown (besides safety's `screen_reply`):

- **not inverted**: no cheer or congratulation to a loss, failure or hurt; no consolation to good news
  (`reply_valence` reads the reply's stems from `reply_cues.json`; `valence` groups the six emotions);
- **not repeated**: not a reply the bot already gave in this conversation;
- **not an echo**: not (nearly) the person's own message handed back;
- **not curt**: retrieved one-liners that order the person about ("신고하세요.", "벌면 돼요.") lose to caring ones;
- **no stranger**: no reply about someone the person never mentioned while they talk about someone else
  ("엄마랑 싸웠어" → "그 친구와는 어떻게 지내요?"; `names_stranger`, word lists in `reply_cues.json` "people").

What a message's own words say (a setback, good news, a goodbye …) is read by `chatbot.cues`.
"""

from __future__ import annotations

from chatbot.cues import contains_any, load_cues, says_goodbye
from data.taxonomy import VALENCE
from data.text import without_spaces


def valence(emotion: str | None) -> str | None:
    """ "positive", "neutral" or "negative" for one of the six emotions; None for None or an unknown label."""
    return VALENCE.get(emotion) if emotion else None


def reply_valence(text: str) -> str:
    """The reply's tone: "positive" (cheers or congratulates), "negative" (consoles or names a painful feeling),
    "mixed" or "neutral"."""
    compact = without_spaces(text)
    positive, negative = contains_any(compact, load_cues()["positive"]), contains_any(compact, load_cues()["negative"])
    if positive and negative:
        return "mixed"
    return "positive" if positive else "negative" if negative else "neutral"


def is_inverted(reply_tone: str | None, message_valence: str | None) -> bool:
    """A cheering reply to a negative message, or a consoling one to a positive message."""
    return (message_valence == "negative" and reply_tone == "positive") or (
        message_valence == "positive" and reply_tone == "negative"
    )


def is_repeat(text: str, said: list[str] | tuple[str, ...]) -> bool:
    """Already said in this conversation (equal after spacing, or contained in an earlier turn when long enough
    that containment cannot be chance — a note may have been added around it)."""
    key = without_spaces(text)
    return any(
        key == without_spaces(earlier) or (len(key) >= 10 and key in without_spaces(earlier)) for earlier in said
    )


def is_echo(text: str, message: str) -> bool:
    """The reply is the message handed back (the same after spacing, or one containing the other when long)."""
    reply, sent = without_spaces(text), without_spaces(message)
    if not reply or not sent:
        return False
    return reply == sent or (min(len(reply), len(sent)) >= 8 and (reply in sent or sent in reply))


def is_curt(text: str) -> bool:
    """A short imperative one-liner with no question and nothing caring in it."""
    stripped = text.strip()
    cues = load_cues()
    if "?" in stripped or len(without_spaces(stripped)) > cues["curt_max_chars"]:
        return False
    return (
        any(stripped.endswith(ending) for ending in cues["imperative_endings"]) or len(without_spaces(stripped)) <= 6
    )


def _families_named(compact: str, families: dict) -> set[str]:
    """The families of a `reply_cues.json` list ("people", "events") whose reply words a reply uses."""
    named = set()
    for name, family in families.items():
        text = compact
        for longer in family.get("not_reply", ()):  # "남자친구" names a partner, not a friend
            text = text.replace(longer, "")
        if contains_any(text, family["reply"]):
            named.add(name)
    return named


def _unlicensed(text: str, said: str, families: dict) -> bool:
    """Whether the reply uses a family's words that nothing the person `said` (spaces removed) licenses."""
    named = _families_named(without_spaces(text), families)
    return any(not contains_any(said, _licences(families[name])) for name in named)


def _licences(family: dict) -> list[str]:
    """A family's licensing words: its own and those of the people lists it is `licensed_like` ("persons", or a
    family of "people": an event about someone is licensed by anyone the person names)."""
    people = load_cues()["people"]
    words = list(family["licensed_by"])
    for name in family.get("licensed_like", ()):
        words += people["persons"] if name == "persons" else people["families"][name]["licensed_by"]
    return words


def names_stranger(text: str, user_turns: list[str] | tuple[str, ...]) -> bool:
    """The reply names someone (a friend, a child, a spouse …) the person's turns never mentioned, while those
    turns do mention someone else: the reply answers another conversation."""
    people = load_cues()["people"]
    said = without_spaces(" ".join(user_turns))
    families = people["families"]
    if not contains_any(said, people["persons"]):  # nobody named: a reply that asks about a friend may be a fair
        # guess, one that asks about their spouse or in-laws is not ("디자인 쪽으로" → "배우자와는 …")
        families = {name: family for name, family in families.items() if family.get("never_guessed")}
    return _unlicensed(text, said, families)


def tells_unsaid_event(text: str, user_turns: list[str] | tuple[str, ...]) -> bool:
    """The reply speaks of an event (a loss, a parting) or a setting (the army) that nothing in the person's turns
    tells: it would tell them something worse than what happened, or answer someone else's story."""
    return _unlicensed(text, without_spaces(" ".join(user_turns)), load_cues()["events"]["families"])


def greets_again(text: str, bot_turns: list[str] | tuple[str, ...], message: str) -> bool:
    """The reply greets the person as if they had just arrived, although the bot has already spoken to them or
    the message is a goodbye ("잘래 안녕" is not "안녕")."""
    greets = without_spaces(text).startswith(tuple(load_cues()["greets"]["reply_starts"]))
    return greets and (bool(bot_turns) or says_goodbye(message))


def farewell_refusal(text: str, message: str) -> str | None:
    """Why the reply may not answer a goodbye, or None: a goodbye is seen off ("잘 자요", "또 와요":
    `reply_cues.json` "sees_off") and asked nothing."""
    if not says_goodbye(message):
        return None
    if "?" in text:
        return "asks someone who is leaving"
    return None if contains_any(without_spaces(text), load_cues()["sees_off"]["reply"]) else "does not see them off"


def asks_what_was_told(text: str, user_turns: list[str] | tuple[str, ...]) -> bool:
    """The reply asks what happened although the person's turns have already told it at length."""
    asks = load_cues()["asks_what_happened"]
    told = sum(len(without_spaces(turn)) for turn in user_turns)
    return told >= asks["told_min_chars"] and contains_any(without_spaces(text), asks["reply"])
