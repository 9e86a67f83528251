"""Input handling: cleaning, truncation with a note, content parts, history → alternating context."""
import pytest

from chatbot.text import build_context, clean_message, content_text


def test_control_characters_are_stripped_and_whitespace_collapsed():
    cleaned = clean_message("  안녕\x00하세요\x1b[31m \u200b\n\t반가워요\x7f  ")
    assert cleaned.text == "안녕하세요[31m 반가워요" and cleaned.note is None


@pytest.mark.parametrize("message", ["", "   ", "\n\t ", "\x00\x01", "\u200b\u200b", None])
def test_empty_or_invisible_messages_clean_to_empty(message):
    assert clean_message(message).text == ""


def test_any_unicode_survives():
    for message in ("👍🏽 좋아요", "心配해", "Hello 세상 мир", "👨‍👩‍👧"):
        assert clean_message(message).text == message


def test_long_messages_are_cut_with_a_visible_note():
    cleaned = clean_message("가" * 30, max_chars=10)
    assert cleaned.text == "가" * 10
    assert "10자" in cleaned.note and "30자" in cleaned.note
    with pytest.raises(ValueError, match="max_chars"):
        clean_message("x", max_chars=0)


def test_content_parts_from_the_browser_are_read_as_text():
    parts = [{"type": "text", "text": "첫째"}, {"type": "file", "file": {"path": "/tmp/x.png"}}, {"text": "둘째"}]
    assert content_text(parts) == "첫째 둘째"
    assert content_text({"type": "text", "text": "하나"}) == "하나"
    with pytest.raises(TypeError, match="content must be"):
        content_text(3)


def test_history_becomes_alternating_context_ending_with_the_message():
    history = [
        {"role": "assistant", "content": "안녕하세요! 무엇이든 이야기해 주세요."},  # greeting before any user turn
        {"role": "user", "content": [{"type": "text", "text": "오늘 힘들었어"}]},
        {"role": "assistant", "content": "무슨 일이 있었어요?"},
        {"role": "system", "content": "ignored"},
        {"role": "user", "content": "회사에서 혼났어"},
        {"role": "user", "content": "  "},
        {"role": "user", "content": "그리고 지갑도 잃어버렸어"},  # unanswered turns join the next
    ]
    assert build_context(history, "위로해 줘") == [
        "오늘 힘들었어", "무슨 일이 있었어요?", "회사에서 혼났어 그리고 지갑도 잃어버렸어 위로해 줘"]


def test_context_keeps_the_most_recent_messages_and_starts_with_a_user_turn():
    history = []
    for i in range(5):
        history += [{"role": "user", "content": f"u{i}"}, {"role": "assistant", "content": f"b{i}"}]
    assert build_context(history, "now", max_messages=4) == ["u4", "b4", "now"]
    assert build_context(history, "now", max_messages=5) == ["u3", "b3", "u4", "b4", "now"]
    assert build_context(None, "now") == ["now"]


def test_legacy_pairs_are_accepted_and_bad_history_is_a_clear_error():
    assert build_context([["안녕", "반가워요"]], "응") == ["안녕", "반가워요", "응"]
    with pytest.raises(TypeError, match="history must be a list"):
        build_context("not a list", "x")
    with pytest.raises(TypeError, match=r"history\[0\]"):
        build_context([{"content": "no role"}], "x")


@pytest.mark.parametrize("emoji", ["\U0001FAE8", "\U0001FAE9", "\U0001F979"])  # 🫨 🫩 🥹: newer than some Unicode tables
def test_emoji_newer_than_pythons_unicode_tables_are_kept(emoji):
    assert clean_message(emoji).text == emoji
    assert clean_message(f"오늘 {emoji}").text == f"오늘 {emoji}"
