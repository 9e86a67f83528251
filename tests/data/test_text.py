"""The text normalisers of data/text.py: what each keeps and what each drops."""

import pytest

from data.text import (
    collapse_spaces,
    compose_jamo,
    dedupe_key,
    final_consonant,
    letters_only,
    tidy_spacing,
    without_spaces,
)

FULL_WIDTH_SPACE, NO_BREAK_SPACE = "\u3000", "\u00a0"


@pytest.mark.parametrize(
    "raw, collapsed",
    [
        ("  오늘   기분이\t\t좋아요\n\n정말  ", "오늘 기분이 좋아요 정말"),
        (f"{FULL_WIDTH_SPACE}안녕{NO_BREAK_SPACE}{NO_BREAK_SPACE}하세요\r\n", "안녕 하세요"),
        (" \t\n ", ""),
        ("", ""),
    ],
)
def test_collapse_spaces(raw, collapsed):
    assert collapse_spaces(raw) == collapsed


def test_dedupe_key_makes_spelling_variants_one_sentence():
    variants = ["ＡＢＣ 좋아요", "abc  좋아요", " Abc\t좋아요 ", f"ABC{FULL_WIDTH_SPACE}좋아요"]
    assert {dedupe_key(text) for text in variants} == {"abc 좋아요"}


def test_dedupe_key_keeps_what_makes_sentences_differ():
    assert dedupe_key("좋아요!") != dedupe_key("좋아요?")  # punctuation counts
    assert dedupe_key("좋아요 😊") != dedupe_key("좋아요 😢")  # emoji count
    assert dedupe_key("좋 아요") != dedupe_key("좋아요")  # a space between words is not nothing
    assert dedupe_key("좋아\x00요") == "좋아\x00요"  # control characters are the loaders' and chat input's business


@pytest.mark.parametrize("raw", ["죽 고  싶 어…!!", "죽고싶어", "죽_고_싶_어", "죽\x00고\u200b싶어😢", "죽고 싶어?!"])
def test_letters_only_ignores_spacing_punctuation_emoji_and_control_characters(raw):
    assert letters_only(raw) == "죽고싶어"


def test_letters_only_keeps_letters_digits_and_jamo_in_one_width_and_case():
    assert letters_only("ＳＯＳ 119, ㅠㅠ") == "sos119\u1172\u1172"  # NFKC: typed jamo (ㅠ) become conjoining jamo
    assert letters_only("…!? 😊") == ""
    assert letters_only("ㅈ ㅏ 살") == letters_only("자살") == "자살"  # jamo split by spaces join into the syllable


@pytest.mark.parametrize(
    "raw, tidy",
    [
        ("  괜찮아요 .  정말   괜찮아요 ! ", "괜찮아요. 정말 괜찮아요!"),
        ("그렇군요 ,\n그래서요 ?", "그렇군요, 그래서요?"),
        ("음 …  그랬구나 ~", "음… 그랬구나~"),
        ("ＡＢＣ !  😊", "ＡＢＣ! 😊"),  # shown, not compared: full-width letters and emoji stay
    ],
)
def test_tidy_spacing(raw, tidy):
    assert tidy_spacing(raw) == tidy


def test_without_spaces_drops_every_whitespace_and_nothing_else():
    assert without_spaces(" 망한 듯\t진짜\u3000ㅠㅠ\n") == "망한듯진짜ㅠㅠ"
    assert without_spaces("A.b, 😀") == "A.b,😀"


@pytest.mark.parametrize(
    "typed, composed",
    [
        ("ㅈㅜㄱㄱㅗ ㅅㅣㅍㅇㅓ", "죽고 싶어"),
        ("ㅇㅏㄴㄴㅕㅇ", "안녕"),
        ("ㄱㅗㅐㄴㅊㅏㄶㅇㅏ", "괜찮아"),  # ㅗ+ㅐ is one vowel (ㅙ), ㄴ+ㅎ one final (ㄶ)
        ("ㅅㅏㄹㄱㅣ ㅅㅣㄹㅎㅇㅓㅠㅠ", "살기 싫어ㅠㅠ"),  # crying after the words stays as typed
        ("ㅋㅋㅎㅏㅎㅏ", "ㅋㅋ하하"),
    ],
)
def test_compose_jamo_spells_words_typed_in_jamo(typed, composed):
    assert compose_jamo(typed) == composed


@pytest.mark.parametrize(
    "typed", ["ㅋㅋㅋㅠㅠ", "ㅎㅎ", "ㅈㄱㅅㅍ", "ㅠㅠㅠ", "ㅇㅋㅇㅋ", "ㅋㅋㅋ 하하ㅠㅠ", "그냥 ㅎㅇ"]
)
def test_compose_jamo_leaves_laughter_crying_and_initials_alone(typed):
    assert compose_jamo(typed) == typed


def test_letters_only_reads_words_typed_in_jamo_as_syllables():
    assert letters_only("ㅈㅜㄱㄱㅗ ㅅㅣㅍㅇㅓ") == letters_only("죽고 싶어") == "죽고싶어"


def test_final_consonant_reads_the_syllable_block():
    assert [final_consonant(s) for s in "했봤왔하닭"] == ["ㅆ", "ㅆ", "ㅆ", "", "ㄺ"]
    assert final_consonant("ㅆ") == "" and final_consonant("a") == "" and final_consonant("") == ""
