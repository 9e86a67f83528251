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
        "오늘 힘들었어",
        "무슨 일이 있었어요?",
        "회사에서 혼났어 그리고 지갑도 잃어버렸어 위로해 줘",
    ]


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


@pytest.mark.parametrize(
    "emoji", ["\U0001fae8", "\U0001fae9", "\U0001f979"]
)  # 🫨 🫩 🥹: newer than some Unicode tables
def test_emoji_newer_than_pythons_unicode_tables_are_kept(emoji):
    assert clean_message(emoji).text == emoji
    assert clean_message(f"오늘 {emoji}").text == f"오늘 {emoji}"


# ------------------------------------------------------------------------------------------- bounded work
class CountingHistory(list):
    """A history that records which items were read."""

    def __init__(self, items: list) -> None:
        super().__init__(items)
        self.read: set[int] = set()

    def __getitem__(self, index):
        self.read.add(index)
        return super().__getitem__(index)

    def __iter__(self):
        self.read.update(range(len(self)))
        return super().__iter__()


def long_history(turns: int, chars: int = 500) -> list:
    history = []
    for i in range(turns // 2):
        history += [
            {"role": "user", "content": f"{i}번째 " + "가" * chars},
            {"role": "assistant", "content": f"{i}번째 답 " + "나" * chars},
        ]
    return history


def test_only_the_tail_of_a_long_history_is_read():
    history = CountingHistory(long_history(10_000))
    context = build_context(history, "지금", max_messages=9)
    assert len(context) == 9 and context[-1] == "지금" and context[0].startswith("4996번째 ")
    assert history.read <= set(range(10_000 - 10, 10_000))  # 8 turns wanted: at most the last 10 items touched


def test_cleaning_work_per_request_is_bounded(monkeypatch):
    import chatbot.text as text

    calls = []
    real = text._strip_control
    monkeypatch.setattr(text, "_strip_control", lambda s: calls.append(len(s)) or real(s))
    build_context(long_history(10_000, chars=5_000), "지금", max_messages=9)
    assert len(calls) <= 10 and max(calls) <= text.RAW_CHARS_PER_CHAR * text.DEFAULT_MAX_MESSAGE_CHARS
    calls.clear()
    build_context([{"role": "user", "content": " "}] * 10_000, "지금", max_messages=9)  # all empty: never ends a turn
    assert len(calls) == text.MAX_HISTORY_ITEMS  # read no further back than the cap
    calls.clear()
    build_context([{"role": "user", "content": "가" * 5_000}] * 10_000, "지금", max_messages=9)  # one long run
    assert len(calls) == 1  # the joined turn is full after one message: the rest of the run is not cleaned


def test_same_role_runs_are_joined_without_growing_past_the_message_length():
    history = [{"role": "user", "content": f"말{i} " * 50} for i in range(10_000)]  # 10,000 unanswered turns
    [joined] = build_context(history, "지금", max_messages=9, max_chars=500)
    assert joined.endswith("지금") and len(joined) < 2 * 500 + 10
    assert "말9999" in joined and "말0 " not in joined


def test_content_nested_5000_deep_is_a_clear_type_error():
    nested = "안녕"
    for _ in range(5_000):
        nested = [nested]
    with pytest.raises(TypeError, match="nested more than"):
        content_text(nested)
    with pytest.raises(TypeError, match="nested more than"):
        build_context([{"role": "user", "content": nested}], "x")
    assert content_text([[{"type": "text", "text": "깊지 않아요"}]]) == "깊지 않아요"


def test_reply_with_hostile_content_is_a_type_error_and_a_huge_history_still_answers(offline_chatbot):
    bot = offline_chatbot
    nested = []
    for _ in range(5_000):
        nested = [nested]
    with pytest.raises(TypeError, match="nested more than"):
        bot.reply("안녕", [{"role": "user", "content": nested}])
    with pytest.raises(TypeError, match="nested more than"):
        bot.reply(nested)
    reply = bot.reply("요즘 잠을 못 자요", long_history(10_000))
    assert reply.text and reply.emotion


def test_a_huge_message_is_cut_before_it_is_cleaned(monkeypatch):
    import chatbot.text as text

    cleaned_lengths = []
    real = text._strip_control
    monkeypatch.setattr(text, "_strip_control", lambda s: cleaned_lengths.append(len(s)) or real(s))
    cleaned = clean_message("가" * 10_000_000, max_chars=500)
    assert cleaned.text == "가" * 500 and "10000000자" in cleaned.note
    assert clean_message([{"type": "text", "text": "나" * 100_000}] * 300, max_chars=10).text == "나" * 10
    assert cleaned_lengths == [500 * text.RAW_CHARS_PER_CHAR, 10 * text.RAW_CHARS_PER_CHAR]
