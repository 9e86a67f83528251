"""The forms of a text the project compares or shows, one function each, so each rule lives in one place.

- `collapse_spaces`: whitespace runs → one space, ends stripped (the base of the others);
- `dedupe_key`: NFKC, lower case, spaces collapsed — "the same sentence": de-duplication, split groups, replies
  already said;
- `compose_jamo`: words typed as separate jamo ("ㅈㅜㄱㄱㅗ ㅅㅣㅍㅇㅓ") as the syllables they spell ("죽고 싶어");
  `final_consonant` reads one syllable's final consonant from the same block layout;
- `letters_only`: jamo composed, NFKC, lower case, letters and digits only — crisis rules match whatever the spacing,
  punctuation and way of typing;
- `tidy_spacing`: spaces collapsed, none before punctuation — a generated reply as it is shown;
- `without_spaces`: every whitespace removed — stems and lengths spacing must not change ("망한 듯" = "망한듯").

Cleaning what a person typed (control characters, length) is `chatbot.text.clean_message`: only chat input needs it.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
_NOT_LETTER_OR_DIGIT = re.compile(r"[^\w가-힣ㄱ-ㅎㅏ-ㅣ]|_")  # \w but "_": Hangul (syllables, jamo), letters, digits
SENTENCE_PUNCTUATION = ".,!?…~"  # what people end or trail a word with in chat
_SPACE_BEFORE_PUNCTUATION = re.compile(rf"\s+([{re.escape(SENTENCE_PUNCTUATION)}])")
_JAMO_RUN = re.compile(r"[ㄱ-ㅣ]{3,}")  # compatibility jamo as typed on a keyboard, three or more in a row

# the Hangul syllable block is ordered initial × medial × final: these are the jamo of each position, in that order
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
_DOUBLE_MEDIALS = {"ㅗㅏ": "ㅘ", "ㅗㅐ": "ㅙ", "ㅗㅣ": "ㅚ", "ㅜㅓ": "ㅝ", "ㅜㅔ": "ㅞ", "ㅜㅣ": "ㅟ", "ㅡㅣ": "ㅢ"}
_DOUBLE_FINALS = {
    "ㄱㅅ": "ㄳ",
    "ㄴㅈ": "ㄵ",
    "ㄴㅎ": "ㄶ",
    "ㄹㄱ": "ㄺ",
    "ㄹㅁ": "ㄻ",
    "ㄹㅂ": "ㄼ",
    "ㄹㅅ": "ㄽ",
    "ㄹㅌ": "ㄾ",
    "ㄹㅍ": "ㄿ",
    "ㄹㅎ": "ㅀ",
    "ㅂㅅ": "ㅄ",
}


def collapse_spaces(text: str) -> str:
    """Every run of whitespace (spaces, tabs, newlines, full-width spaces) as one space; no space at either end."""
    return _WHITESPACE.sub(" ", text).strip()


def dedupe_key(text: str) -> str:
    """The key under which two texts count as the same sentence: NFKC (full-width → half-width, compatibility
    jamo and ligatures unified), lower case, spaces collapsed. Punctuation and emoji still count."""
    return collapse_spaces(unicodedata.normalize("NFKC", text)).lower()


def letters_only(text: str) -> str:
    """Jamo composed, NFKC, lower case, and nothing but letters and digits (Hangul syllables and jamo included):
    spaces, punctuation, symbols, emoji and control characters go, so "죽 고  싶 어…!!" and "ㅈㅜㄱㄱㅗ ㅅㅣㅍㅇㅓ"
    read as "죽고싶어". NFKC turns the typed jamo left (ㅈ, U+3148) into conjoining jamo (U+110C): patterns matched
    against this form need those. Jamo split by spaces ("ㅈ ㅏ 살") meet once the spaces go: NFC then joins them into
    the syllable ("자살")."""
    letters = _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", compose_jamo(text)).lower())
    return unicodedata.normalize("NFC", letters)


def compose_jamo(text: str) -> str:
    """Runs of typed jamo that spell syllables, composed: "ㅈㅜㄱㄱㅗ ㅅㅣㅍㅇㅓ" → "죽고 싶어", "ㅋㅋㅎㅏㅎㅏ" →
    "ㅋㅋ하하".

    A run is composed only when it spells at least two syllables and no vowel is left over but crying at its end
    (ㅠ, ㅜ), so laughter and crying ("ㅋㅋㅋㅠㅠ", "ㅎㅎ"), initials ("ㅈㄱㅅㅍ") and everything else stay as typed.
    """
    return _JAMO_RUN.sub(lambda run: _compose_run(run.group(0)), text)


def _compose_run(run: str) -> str:
    """One run of jamo as syllables (left to right, the way a two-set keyboard composes), or unchanged."""
    out: list[str] = []
    syllables = i = 0
    while i < len(run):
        if run[i] in _INITIALS and i + 1 < len(run) and run[i + 1] in _MEDIALS:
            initial, medial = run[i], run[i + 1]
            i += 2
            if i < len(run) and medial + run[i] in _DOUBLE_MEDIALS:
                medial = _DOUBLE_MEDIALS[medial + run[i]]
                i += 1
            final = ""
            if i < len(run) and run[i] in _FINALS and not _starts_syllable(run, i):
                final = run[i]
                i += 1
                if i < len(run) and final + run[i] in _DOUBLE_FINALS and not _starts_syllable(run, i):
                    final = _DOUBLE_FINALS[final + run[i]]
                    i += 1
            index = (_INITIALS.index(initial) * len(_MEDIALS) + _MEDIALS.index(medial)) * len(_FINALS)
            out.append(chr(0xAC00 + index + _FINALS.index(final)))
            syllables += 1
        elif run[i] in _MEDIALS:
            if syllables and not run[i:].strip("ㅠㅜ"):  # crying after the words: "ㅅㅣㅍㅇㅓㅠㅠ" → "싶어ㅠㅠ"
                out.append(run[i:])
                break
            return run  # a vowel no consonant stands before: crying ("ㅋㅋㅠㅠ") or not a word typed in jamo
        else:
            out.append(run[i])
            i += 1
    return "".join(out) if syllables >= 2 else run


def final_consonant(syllable: str) -> str:
    """The final consonant of one Hangul syllable ("했" → "ㅆ", "하" → ""); "" for anything else."""
    if len(syllable) != 1 or not "가" <= syllable <= "힣":
        return ""
    return _FINALS[(ord(syllable) - 0xAC00) % len(_FINALS)]


def _starts_syllable(run: str, i: int) -> bool:
    """Whether the consonant at `i` is the initial of the next syllable (a vowel follows it)."""
    return i + 1 < len(run) and run[i + 1] in _MEDIALS


def without_spaces(text: str) -> str:
    """The text with every whitespace character removed; nothing else changes (people space Korean freely)."""
    return _WHITESPACE.sub("", text)


def tidy_spacing(text: str) -> str:
    """Spaces collapsed and none left before punctuation: "괜찮아요 .  정말" → "괜찮아요. 정말". Characters are
    otherwise kept as they are (no Unicode normalisation: the text is shown, not compared)."""
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", collapse_spaces(text))
