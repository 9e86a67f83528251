"""The forms of a text the project compares or shows, one function each, so each rule lives in one place.

- `collapse_spaces`: whitespace runs → one space, ends stripped (the base of the others);
- `dedupe_key`: NFKC, lower case, spaces collapsed — "the same sentence": de-duplication, split groups, replies
  already said;
- `letters_only`: NFKC, lower case, letters and digits only — crisis rules match whatever the spacing and punctuation;
- `tidy_spacing`: spaces collapsed, none before punctuation — a generated reply as it is shown;
- `without_spaces`: every whitespace removed — stems and lengths spacing must not change ("망한 듯" = "망한듯").

Cleaning what a person typed (control characters, length) is `chatbot.text.clean_message`: only chat input needs it.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
_NOT_LETTER_OR_DIGIT = re.compile(r"[^\w가-힣ㄱ-ㅎㅏ-ㅣ]|_")  # \w but "_": Hangul (syllables, jamo), letters, digits
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,!?…~])")


def collapse_spaces(text: str) -> str:
    """Every run of whitespace (spaces, tabs, newlines, full-width spaces) as one space; no space at either end."""
    return _WHITESPACE.sub(" ", text).strip()


def dedupe_key(text: str) -> str:
    """The key under which two texts count as the same sentence: NFKC (full-width → half-width, compatibility
    jamo and ligatures unified), lower case, spaces collapsed. Punctuation and emoji still count."""
    return collapse_spaces(unicodedata.normalize("NFKC", text)).lower()


def letters_only(text: str) -> str:
    """NFKC, lower case, and nothing but letters and digits (Hangul syllables and jamo included): spaces,
    punctuation, symbols, emoji and control characters go, so "죽 고  싶 어…!!" reads as "죽고싶어". NFKC turns
    typed jamo (ㅈ, U+3148) into conjoining jamo (U+110C): patterns matched against this form need those."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", text).lower())


def without_spaces(text: str) -> str:
    """The text with every whitespace character removed; nothing else changes (people space Korean freely)."""
    return _WHITESPACE.sub("", text)


def tidy_spacing(text: str) -> str:
    """Spaces collapsed and none left before punctuation: "괜찮아요 .  정말" → "괜찮아요. 정말". Characters are
    otherwise kept as they are (no Unicode normalisation: the text is shown, not compared)."""
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", collapse_spaces(text))
