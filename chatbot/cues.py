"""What a message's own words say for certain, read from word stems in `message_cues.json` (`names_setback`: a
failure or a loss, whatever the classifier says; `names_good_news`, `says_goodbye`, `opens_new_subject`: it leaves
the earlier turns behind …), and the loader both cue files share (`reply_cues.json` holds the stems the reply checks
in `chatbot.quality` read)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence, Set
from functools import cache, lru_cache
from pathlib import Path

from data.text import SENTENCE_PUNCTUATION, final_consonant, without_spaces

CUES_FILE = Path(__file__).with_name("reply_cues.json")
MESSAGE_CUES_FILE = Path(__file__).with_name("message_cues.json")


@lru_cache(maxsize=2)
def load_cues(path: Path = CUES_FILE) -> dict:
    """One cue file (`reply_cues.json` unless named), read once."""
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def message_words(name: str) -> frozenset[str]:
    """One list of `message_cues.json` as a set, read once: words matched whole ("ㅇㅇ", "근데", "고마워")."""
    return frozenset(load_cues(MESSAGE_CUES_FILE)[name])


def contains_any(compact: str, stems) -> bool:
    """Whether the text (spaces removed) contains one of the stems."""
    return any(stem in compact for stem in stems)


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
    compact, cues = without_spaces(message), load_cues(MESSAGE_CUES_FILE)
    compact = _after_turn(compact, cues["turn"])
    found = {name for name in MESSAGE_CUE_LISTS if contains_any(_without(compact, cues, name), cues[name])}
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
    return contains_any(told_after, cues["recovered"])


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
        words[-1] in thanking and not contains_any(without_spaces(message), load_cues()["people"]["persons"])
    )


def mentions_cues(message: str, any_of: Set[str], none_of: Set[str] = frozenset()) -> bool:
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
    return mentions_cues(message, {"new_subject", "goodbye", "thanks"})


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
    return mentions_cues(message, {"goodbye"})


def states_plan(message: str) -> bool:
    """Whether the message states a small plan of the person's own ("내일은 좀 움직여볼게", "저녁에 얘기해볼게"),
    not as a question, and does not also leave, thank or change the subject: it is answered as a plan; earlier
    turns still say how they feel."""
    return "?" not in message and mentions_cues(message, {"plan"}, {"new_subject", "goodbye", "thanks"})


def opens_a_story(message: str) -> bool:
    """Whether the message only opens a story with a past event and 는데 ("고백했는데", "소개팅 했는데"): how it went
    comes next (`message_cues.json` "story_opener")."""
    compact, cues = without_spaces(message).rstrip(SENTENCE_PUNCTUATION + "~…ㅋㅎㅠㅜ"), load_cues(MESSAGE_CUES_FILE)
    if not compact.endswith("는데") or len(compact) > cues["story_opener_max_chars"]:
        return False
    if contains_any(compact, cues["story_opener_not"]):  # "오늘 힘들었는데": the feeling is told
        return False
    past = final_consonant(compact[-3:-2]) == "ㅆ"  # 했는데, 봤는데, 왔는데
    return past and not _message_cues(message) & {"setback", "annoyance", "good_news", "relief", "hope"}


def names_relief(message: str) -> bool:
    """Whether the message tells relief or things getting better, and names no setback and no hope still open."""
    return mentions_cues(message, {"relief"}, {"setback", "hope"})


def names_shrug(message: str) -> bool:
    """Whether the message shrugs a small mishap off ("버스 놓쳐서 걸어옴 ㅋㅋ 운동했다 치자")."""
    return mentions_cues(message, {"shrug"})


def names_good_news(message: str) -> bool:
    """Whether the message names good news or relief ("합격 문자 왔어", "다행이다") and no setback and no hope still
    open."""
    return mentions_cues(message, {"good_news", "relief"}, {"setback", "hope"})


def tells_good_news(message: str) -> bool:
    """Whether the message tells good news outright ("동생 취업함", "합격 연락 받았다") or thanks the bot ("ㅇㅋ 담부턴
    두번 확인할게 ㄱㅅ", "고마워 내일도 힘내볼게": a thanking word with a plan or relief beside it), not only things
    getting better, and no setback and no hope still open."""
    if thanks_in_words(message) and mentions_cues(message, {"plan", "relief"}, {"setback", "hope"}):
        return True
    return mentions_cues(message, {"good_news", "thanks"}, {"setback", "hope"})


def names_flat(message: str) -> bool:
    """Whether the message says the person feels nothing or no joy where joy was expected ("퍼즐 완성했는데 아무 느낌이
    없네", "승진했는데 하나도 안 기뻐")."""
    return mentions_cues(message, {"flat"})


def names_hurt(message: str) -> bool:
    """Whether the message says the person felt hurt or let down by someone ("따라 웃었지만 좀 서운했어"), and not that
    it has been made up since ("서운했던 거 얘기했더니 사과받음 이제 괜찮아")."""
    return mentions_cues(message, {"hurt"}, {"relief", "good_news"})


def names_bittersweet(message: str) -> bool:
    """Whether the message names joy and sorrow at once ("시원섭섭하네", "설렘 반 걱정 반")."""
    return mentions_cues(message, {"bittersweet"})


def names_happy_tears(message: str) -> bool:
    """Whether the message tells good news, no setback and no hope still open, with the person's own tears (the
    words that license a reply about tears, `reply_cues.json` events "tears"): tears of joy, which the classifier
    reads as sadness ("시험 붙었는데 왜 눈물이 나지ㅠㅠ")."""
    tears = load_cues()["events"]["families"]["tears"]["licensed_by"]
    return mentions_cues(message, {"good_news"}, {"setback", "hope"}) and contains_any(without_spaces(message), tears)


def names_hope(message: str) -> bool:
    """Whether the message hopes for an outcome not known yet ("합격했으면 좋겠다", "제발 붙게 해주세요")."""
    return mentions_cues(message, {"hope"})


def names_annoyance(message: str) -> bool:
    """Whether the message names being annoyed ("빡침", "개노맛", "폭염 미쳤다") and no good news beside it."""
    return mentions_cues(message, {"annoyance"}, {"good_news", "relief"})


def names_setback(message: str) -> bool:
    """Whether the message names a setback (a failure, a loss, a break-up) and no good news beside it."""
    return mentions_cues(message, {"setback"}, {"good_news"})
