"""Checks a candidate reply must pass before it is shown (besides safety's `screen_reply`):

- **not inverted**: no cheer or congratulation to a loss, failure or hurt; no consolation to good news
  (`reply_valence` reads the reply's stems from `reply_cues.json`; `valence` groups the six emotions);
- **not repeated**: not a reply the bot already gave in this conversation;
- **not an echo**: not (nearly) the person's own message handed back;
- **not curt**: retrieved one-liners that order the person about ("신고하세요.", "벌면 돼요.") lose to caring ones;
- **no stranger**: no reply about someone the person never mentioned while they talk about someone else
  ("엄마랑 싸웠어" → "그 친구와는 어떻게 지내요?"; `names_stranger`, word lists in `reply_cues.json` "people").

The same stem matching reads messages too: `names_setback` (stems in `message_cues.json`) tells `chatbot.reading`
that a message names a failure or a loss, whatever the classifier says; `opens_new_subject` that it
leaves the earlier turns behind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence, Set
from functools import cache, lru_cache
from pathlib import Path

from data.taxonomy import VALENCE
from data.text import SENTENCE_PUNCTUATION, final_consonant, without_spaces

CUES_FILE = Path(__file__).with_name("reply_cues.json")
MESSAGE_CUES_FILE = Path(__file__).with_name("message_cues.json")


@lru_cache(maxsize=2)
def _cues(path: Path = CUES_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def message_words(name: str) -> frozenset[str]:
    """One list of `message_cues.json` as a set, read once: words matched whole ("ㅇㅇ", "근데", "고마워")."""
    return frozenset(_cues(MESSAGE_CUES_FILE)[name])


def _mentions(compact: str, stems) -> bool:
    return any(stem in compact for stem in stems)


def valence(emotion: str | None) -> str | None:
    """ "positive", "neutral" or "negative" for one of the six emotions; None for None or an unknown label."""
    return VALENCE.get(emotion) if emotion else None


def reply_valence(text: str) -> str:
    """The reply's tone: "positive" (cheers or congratulates), "negative" (consoles or names a painful feeling),
    "mixed" or "neutral"."""
    compact = without_spaces(text)
    positive, negative = _mentions(compact, _cues()["positive"]), _mentions(compact, _cues()["negative"])
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
    cues = _cues()
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
        if _mentions(text, family["reply"]):
            named.add(name)
    return named


def _unlicensed(text: str, said: str, families: dict) -> bool:
    """Whether the reply uses a family's words that nothing the person `said` (spaces removed) licenses."""
    named = _families_named(without_spaces(text), families)
    return any(not _mentions(said, _licences(families[name])) for name in named)


def _licences(family: dict) -> list[str]:
    """A family's licensing words: its own and those of the people lists it is `licensed_like` ("persons", or a
    family of "people": an event about someone is licensed by anyone the person names)."""
    people = _cues()["people"]
    words = list(family["licensed_by"])
    for name in family.get("licensed_like", ()):
        words += people["persons"] if name == "persons" else people["families"][name]["licensed_by"]
    return words


def names_stranger(text: str, user_turns: list[str] | tuple[str, ...]) -> bool:
    """The reply names someone (a friend, a child, a spouse …) the person's turns never mentioned, while those
    turns do mention someone else: the reply answers another conversation."""
    people = _cues()["people"]
    said = without_spaces(" ".join(user_turns))
    families = people["families"]
    if not _mentions(said, people["persons"]):  # nobody named: a reply that asks about a friend may be a fair
        # guess, one that asks about their spouse or in-laws is not ("디자인 쪽으로" → "배우자와는 …")
        families = {name: family for name, family in families.items() if family.get("never_guessed")}
    return _unlicensed(text, said, families)


def tells_unsaid_event(text: str, user_turns: list[str] | tuple[str, ...]) -> bool:
    """The reply speaks of an event (a loss, a parting) or a setting (the army) that nothing in the person's turns
    tells: it would tell them something worse than what happened, or answer someone else's story."""
    return _unlicensed(text, without_spaces(" ".join(user_turns)), _cues()["events"]["families"])


def greets_again(text: str, bot_turns: list[str] | tuple[str, ...], message: str) -> bool:
    """The reply greets the person as if they had just arrived, although the bot has already spoken to them or
    the message is a goodbye ("잘래 안녕" is not "안녕")."""
    greets = without_spaces(text).startswith(tuple(_cues()["greets"]["reply_starts"]))
    return greets and (bool(bot_turns) or says_goodbye(message))


def sees_off(text: str) -> bool:
    """Whether the reply sees the person off ("잘 자요", "또 와요"): what a goodbye must be answered with."""
    return _mentions(without_spaces(text), _cues()["sees_off"]["reply"])


def asks_what_was_told(text: str, user_turns: list[str] | tuple[str, ...]) -> bool:
    """The reply asks what happened although the person's turns have already told it at length."""
    asks = _cues()["asks_what_happened"]
    told = sum(len(without_spaces(turn)) for turn in user_turns)
    return told >= asks["told_min_chars"] and _mentions(without_spaces(text), asks["reply"])


# the stem lists of message_cues.json
MESSAGE_CUE_LISTS = (
    "setback",
    "annoyance",
    "good_news",
    "relief",
    "hope",
    "shrug",
    "flat",
    "hurt",
    "new_subject",
    "goodbye",
    "thanks",
    "plan",
    "bittersweet",
)


@lru_cache(maxsize=4096)
def _message_cues(message: str) -> frozenset[str]:
    """Which of `MESSAGE_CUE_LISTS` the message mentions, matched once: a turn is read again on later turns."""
    compact, cues = without_spaces(message), _cues(MESSAGE_CUES_FILE)
    compact = _after_turn(compact, cues["turn"])
    found = {name for name in MESSAGE_CUE_LISTS if _mentions(_without(compact, cues, name), cues[name])}
    if "setback" in found and _recovered_after_setback(compact, cues):  # "잃어버렸는데 … 있었음 럭키": it ended well
        found = (found - {"setback"}) | {"relief"}
    return frozenset(found)


def _recovered_after_setback(compact: str, cues: dict) -> bool:
    """Whether a stem telling the mishap came out fine (`recovered`) follows the last setback stem."""
    setback_text = _without(compact, cues, "setback")
    setback_end = max(
        (setback_text.rfind(stem) + len(stem) for stem in cues["setback"] if stem in setback_text), default=0
    )
    told_after = _without(setback_text[setback_end:], cues, "recovered")
    return _mentions(told_after, cues["recovered"])


def _after_turn(compact: str, turns: Sequence[str]) -> str:
    """What `compact` says after its last turning word ("…잘 본 줄 알았는데 불합격" → "불합격"): how it turned out.
    When nothing follows it ("진짜 될 줄 알았는데"), the whole message: the expectation itself says it was not met."""
    cut = max((compact.rfind(turn) + len(turn) for turn in turns if turn in compact), default=0)
    return compact[cut:] if re.search(r"[0-9a-z가-힣]", compact[cut:]) else compact


def _without(compact: str, cues: dict, name: str) -> str:
    """`compact` less the longer words (a list's "<name>_not") that contain one of its stems but say otherwise."""
    for longer in cues.get(f"{name}_not", ()):
        compact = compact.replace(longer, "")
    return compact


def thanks_in_words(message: str) -> bool:
    """Whether a thanking word (`thanks_words`) opens the message after any acknowledgement ("아하 고마워 그럼 …"),
    or closes it while nobody else is named ("알겠어 해볼게 고마워"; not "엄마한테 너무 고마워"). Such thanks
    carries no feeling of its own: after a sad story it is said in that sadness ("ㅠㅠ 고마워")."""
    words = [word.lower() for word in _bare_words(without_backchannel(message))]
    if not words:
        return False
    thanking = message_words("thanks_words")
    return words[0] in thanking or (
        words[-1] in thanking and not _mentions(without_spaces(message), _cues()["people"]["persons"])
    )


def _mentions_cues(message: str, any_of: Set[str], none_of: Set[str] = frozenset()) -> bool:
    """Whether the message mentions one of the cue lists `any_of` and none of `none_of`."""
    cues = _message_cues(message)
    return bool(cues & any_of) and not cues & none_of


def without_backchannel(message: str) -> str:
    """The message without the words it opens with that only acknowledge the earlier turn ("ㅇㅇ 수당도 안나와" →
    "수당도 안나와"; `message_cues.json` "backchannel") and the affirming letters it may close with ("승진함 ㅇㅇ";
    "closing_backchannel"); the message itself when nothing else is left."""
    words = message.split()
    backchannel, closing = message_words("backchannel"), message_words("closing_backchannel")
    opening = 0
    for word in words[:-1]:  # the last word is always kept: a message of acknowledgements only is read as it is
        bare = word.strip(SENTENCE_PUNCTUATION)
        if bare in backchannel:
            opening += 1
        else:
            break
    end = len(words)
    while end - opening > 1 and words[end - 1].strip(SENTENCE_PUNCTUATION) in closing:
        end -= 1
    return " ".join(words[opening:end]) if opening or end < len(words) else message


def only_thanks(message: str) -> bool:
    """Whether the message only thanks, perhaps after an acknowledgement ("ㅇㅋ 고마워", "아 진짜 고마워ㅠㅠ"): it is
    answered as thanks, not as one more turn of the story the thanks closes (which would give its advice again)."""
    thanking, allowed = message_words("thanks_words"), _thanks_company()
    words = [(word.strip(SENTENCE_PUNCTUATION + "~").lower(), bare.lower()) for word, bare in _word_pairs(message)]
    return any(bare in thanking for _, bare in words) and all(
        word in allowed or bare in allowed for word, bare in words
    )


@lru_cache(maxsize=1)
def _thanks_company() -> frozenset[str]:
    """Words a message that only thanks may hold: thanking words, acknowledgements and intensifiers."""
    return message_words("thanks_words") | message_words("backchannel") | message_words("thanks_intensifiers")


def only_acknowledges(message: str) -> bool:
    """Whether the message is acknowledgements only ("그니까", "ㅇㅇ ㅠㅠ"): it carries no feeling of its own, so
    the earlier turns say how the person feels."""
    words = _bare_words(message)
    return bool(words) and all(word in message_words("backchannel") for word in words)


def _bare_words(message: str) -> list[str]:
    """The message's words without the punctuation, laughter and tears around them ("그니까..ㅠㅠ" → "그니까")."""
    return [bare for _, bare in _word_pairs(message)]


def _word_pairs(message: str) -> list[tuple[str, str]]:
    """Each word of the message with its bare form (`_bare_words`), words that are laughter or tears only left out."""
    pairs = ((word, word.strip(SENTENCE_PUNCTUATION + "~ㅎㅋㅠㅜ^")) for word in message.split())
    return [(word, bare) for word, bare in pairs if bare]


def opens_new_subject(message: str) -> bool:
    """Whether the message changes the subject ("그건 그렇고 …", "아무튼 …"), says goodbye for now ("이제 자러
    갈게") or thanks the bot for listening ("들어줘서 고마워"): earlier turns no longer say what it is about or how
    the person feels."""
    return _mentions_cues(message, {"new_subject", "goodbye", "thanks"})


def question_then_self(message: str) -> tuple[str, str] | None:
    """(the question, what follows it) when the message asks something and then tells about the person themselves
    ("너도 외로울때 있어? 난 요즘 맨날 그래": `message_cues.json` "self_openers"), else None."""
    head, mark, tail = message.rpartition("?")
    words = tail.split()
    if not mark or not head.strip() or len(words) < 2 or words[0] not in message_words("self_openers"):
        return None
    return head + mark, tail.strip()


def opens_with_contrast(message: str) -> bool:
    """Whether the message opens by turning against what came before ("근데 면접 생각하니까 벌써 떨리네")."""
    words = [word.strip(".,!?~…") for word in message.split()[:2]]  # "ㅇㅇ 근데 …" too
    return any(word in message_words("contrast") for word in words)


def after_contrast(message: str) -> str | None:
    """What the message says after its last contrast word ("점심 맛있었어 ㅋㅋ 근데 …" → "…"), or None."""
    words = message.split()
    cut = max((i + 1 for i, word in enumerate(words) if word in message_words("contrast")), default=0)
    tail = " ".join(words[cut:])
    return tail if cut and len(tail) >= 4 else None  # a word or two after it is no sentence of its own


def says_goodbye(message: str) -> bool:
    """Whether the message closes the conversation for now ("이제 잘게", "내일 또 올게"): a reply then sees them off
    and asks nothing more."""
    return _mentions_cues(message, {"goodbye"})


def states_plan(message: str) -> bool:
    """Whether the message states a small plan of the person's own ("내일은 좀 움직여볼게", "저녁에 얘기해볼게"),
    not as a question, and does not also leave, thank or change the subject: it is answered as a plan; earlier
    turns still say how they feel."""
    return "?" not in message and _mentions_cues(message, {"plan"}, {"new_subject", "goodbye", "thanks"})


def opens_a_story(message: str) -> bool:
    """Whether the message only opens a story with a past event and 는데 ("고백했는데", "소개팅 했는데"): how it went
    comes next (`message_cues.json` "story_opener")."""
    compact, cues = without_spaces(message).rstrip(SENTENCE_PUNCTUATION + "~…ㅋㅎㅠㅜ"), _cues(MESSAGE_CUES_FILE)
    if not compact.endswith("는데") or len(compact) > cues["story_opener_max_chars"]:
        return False
    if _mentions(compact, cues["story_opener_not"]):  # "오늘 힘들었는데": the feeling is told
        return False
    past = final_consonant(compact[-3:-2]) == "ㅆ"  # 했는데, 봤는데, 왔는데
    return past and not _message_cues(message) & {"setback", "annoyance", "good_news", "relief", "hope"}


def names_relief(message: str) -> bool:
    """Whether the message tells relief or things getting better, and names no setback and no hope still open."""
    return _mentions_cues(message, {"relief"}, {"setback", "hope"})


def names_shrug(message: str) -> bool:
    """Whether the message shrugs a small mishap off ("버스 놓쳐서 걸어옴 ㅋㅋ 운동했다 치자")."""
    return _mentions_cues(message, {"shrug"})


def names_good_news(message: str) -> bool:
    """Whether the message names good news or relief ("합격 문자 왔어", "다행이다") and no setback and no hope still
    open."""
    return _mentions_cues(message, {"good_news", "relief"}, {"setback", "hope"})


def tells_good_news(message: str) -> bool:
    """Whether the message tells good news outright ("동생 취업함", "합격 연락 받았다") or thanks the bot ("ㅇㅋ 담부턴
    두번 확인할게 ㄱㅅ", "고마워 내일도 힘내볼게": a thanking word with a plan or relief beside it), not only things
    getting better, and no setback and no hope still open."""
    if thanks_in_words(message) and _mentions_cues(message, {"plan", "relief"}, {"setback", "hope"}):
        return True
    return _mentions_cues(message, {"good_news", "thanks"}, {"setback", "hope"})


def names_flat(message: str) -> bool:
    """Whether the message says the person feels nothing or no joy where joy was expected ("퍼즐 완성했는데 아무 느낌이
    없네", "승진했는데 하나도 안 기뻐")."""
    return _mentions_cues(message, {"flat"})


def names_hurt(message: str) -> bool:
    """Whether the message says the person felt hurt or let down by someone ("따라 웃었지만 좀 서운했어"), and not that
    it has been made up since ("서운했던 거 얘기했더니 사과받음 이제 괜찮아")."""
    return _mentions_cues(message, {"hurt"}, {"relief", "good_news"})


def names_bittersweet(message: str) -> bool:
    """Whether the message names joy and sorrow at once ("시원섭섭하네", "설렘 반 걱정 반")."""
    return _mentions_cues(message, {"bittersweet"})


def names_hope(message: str) -> bool:
    """Whether the message hopes for an outcome not known yet ("합격했으면 좋겠다", "제발 붙게 해주세요")."""
    return _mentions_cues(message, {"hope"})


def names_annoyance(message: str) -> bool:
    """Whether the message names being annoyed ("빡침", "개노맛", "폭염 미쳤다") and no good news beside it."""
    return _mentions_cues(message, {"annoyance"}, {"good_news", "relief"})


def names_setback(message: str) -> bool:
    """Whether the message names a setback (a failure, a loss, a break-up) and no good news beside it."""
    return _mentions_cues(message, {"setback"}, {"good_news"})
