"""A real browser, one conversation at a time: Playwright drives Debian's headless Chromium against the app on
127.0.0.1 (typing, clearing, retrying, undoing, reloading, a phone's width, a crisis message, the examples).

Each test opens its own browser context (its own localStorage, so no conversation carries over between tests).
Chromium resolves no host but localhost (`--host-resolver-rules`), and every request a page makes is recorded:
a test fails if one leaves 127.0.0.1. Screenshots go to tmp_path, or to $MAEUMCHAT_SCREENSHOTS when set (to look at).
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.app.browser.pages import ANGRY, CRISIS, HAPPY, PHONE, SAD, TYPED_LITERALLY, WAIT_MS
from webui.layout import EXAMPLES

pytestmark = pytest.mark.browser  # a real Chromium through Playwright: `make test-fast` skips the file


def test_type_korean_press_enter_see_reply_bars_and_plot(open_page, served_app, offline_chatbot, tmp_path):
    page = open_page(served_app)
    expect(page.plot).to_contain_text("메시지를 보내면")  # the empty state says what will appear
    first = offline_chatbot.reply(HAPPY)
    page.send(HAPPY, expect_turns=1)
    expect(page.bubbles("user")).to_have_text(HAPPY)
    known_replies = {entry.reply for entry in offline_chatbot.responder.entries}
    assert page.bubbles("bot").last.inner_text().strip() in known_replies
    page.expect_in_step(1, first.emotion)
    for emotion in first.scores:  # every emotion has a bar and a legend entry, and they share one colour
        bar_colour = page.bars.locator(f"li[data-emotion='{emotion}'] .mc-fill").evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        line_colour = page.plot.locator(f"g[data-emotion='{emotion}'] circle").first.evaluate(
            "e => getComputedStyle(e).fill"
        )
        assert bar_colour == line_colour, (emotion, bar_colour, line_colour)
    ticks = page.plot.locator("text.mc-tick").all_text_contents()
    assert "1" in ticks and all(
        tick.strip().isdigit() for tick in ticks if "%" not in tick
    )  # whole turns, a point at turn 1
    expect(page.plot).to_contain_text("대화 차례")
    expect(page.plot).to_contain_text("감정 점수")

    second = offline_chatbot.reply(ANGRY)
    assert second.emotion != first.emotion  # otherwise the next check would prove nothing
    page.send(ANGRY, expect_turns=2)
    page.expect_in_step(2, second.emotion)
    page.screenshot(tmp_path, "desktop-two-turns")


def test_clear_retry_and_undo_keep_bars_and_plot_in_step(open_page, served_app, offline_chatbot):
    page = open_page(served_app)
    emotions = [offline_chatbot.reply(text).emotion for text in (HAPPY, ANGRY, SAD)]
    for turn, text in enumerate((HAPPY, ANGRY, SAD), start=1):
        page.send(text, expect_turns=turn)
    page.expect_in_step(3, emotions[2])

    page.chat.get_by_role("button", name="실행 취소").click()  # undo: the last turn leaves the chat, bars and plot
    page.expect_in_step(2, emotions[1])
    expect(page.textbox).to_have_value(SAD)  # and what was typed comes back to be edited

    page.textbox.fill("")
    page.done(page.chat.get_by_role("button", name="다시 시도").click)  # retry: a new reply to turn 2, not a third
    page.expect_in_step(2, emotions[1])
    expect(page.bubbles("user").last).to_have_text(ANGRY)

    page.chat.get_by_role("button", name="대화 지우기").click()  # clear: everything empties
    page.expect_in_step(0, None)
    expect(page.plot).to_contain_text("메시지를 보내면")

    page.send(SAD, expect_turns=1)  # the next message is turn 1 of a new conversation
    page.expect_in_step(1, emotions[2])


def test_empty_and_whitespace_messages_are_not_sent(open_page, served_app):
    page = open_page(served_app)
    for text in ("", "   ", "\n\t "):
        page.textbox.fill(text)
        page.textbox.press("Enter")
    page.page.locator("#message button", has_text="보내기").click()
    page.page.wait_for_timeout(500)  # nothing to wait for: give a wrongly sent message time to appear
    expect(page.bubbles("user")).to_have_count(0)
    expect(page.bubbles("bot")).to_have_count(0)
    page.expect_in_step(0, None)
    page.send(HAPPY, expect_turns=1)  # and the box still works afterwards
    page.expect_in_step(1, page.bars.locator(".mc-bars").get_attribute("data-top"))


def test_typed_html_markdown_and_special_tokens_show_as_typed_and_fetch_nothing(open_page, served_app, tmp_path):
    page = open_page(served_app)
    for turn, text in enumerate(TYPED_LITERALLY, start=1):
        page.send(text, expect_turns=turn)
        bubble = page.bubbles("user").nth(turn - 1)
        expect(bubble).to_have_text(text)
        assert bubble.locator("img, b, i, script, strong, em, code, a, .katex").count() == 0
    assert page.page.evaluate("() => [window.__typed_script_ran, window.__typed_img_ran]") == [None, None]
    assert page.chat.locator("img").count() == 0
    # the chat now scrolls: its clear icon sits in its own strip above the messages, never over them
    assert page.chat.locator(".bubble-wrap").evaluate("e => e.scrollHeight > e.clientHeight")
    icons, messages = page.chat.locator(".top-panel").bounding_box(), page.chat.locator(".bubble-wrap").bounding_box()
    assert icons["y"] + icons["height"] <= messages["y"] + 0.5, (icons, messages)
    page.screenshot(tmp_path, "typed-literally")
    page.page.wait_for_timeout(300)  # a late image fetch would be recorded by close()


def test_phone_width_whole_words_emotion_panel_in_view_legend_whole(open_page, served_app, offline_chatbot, tmp_path):
    page = open_page(served_app, viewport=PHONE)
    page.send("요즘 회사 일이 너무 많아서 매일 야근하고 주말에도 쉬지 못해서 정말 지치고 힘들어 💔", expect_turns=1)
    page.send(HAPPY, expect_turns=2)
    for bubble in (page.bubbles("user").first, page.bubbles("bot").first):
        assert bubble.evaluate("e => getComputedStyle(e).wordBreak") == "keep-all"
    panel = page.bars.bounding_box()
    assert panel["y"] < PHONE["height"], f"the emotion panel starts below the first screen: {panel}"
    legend = page.plot.locator(".mc-legend")
    expect(legend.locator("li")).to_have_count(len(offline_chatbot.reply(HAPPY).scores))
    box = legend.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert legend.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert page.page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    page.screenshot(tmp_path, "phone-390")


def test_crisis_message_shows_help_lines_until_cleared(open_page, served_app, tmp_path):
    page = open_page(served_app)
    banner = page.page.locator("#help-banner")
    page.send(HAPPY, expect_turns=1)
    expect(banner).to_be_hidden()
    page.send(CRISIS, expect_turns=2)
    expect(banner).to_be_visible(timeout=WAIT_MS)
    for line in ("109", "1577-0199", "112", "119", "1388"):
        expect(banner).to_contain_text(line)
    page.send(SAD, expect_turns=3)
    expect(banner).to_be_visible()  # for the rest of the conversation
    page.screenshot(tmp_path, "crisis-banner")
    page.chat.get_by_role("button", name="대화 지우기").click()
    page.expect_in_step(0, None)
    expect(banner).to_be_hidden(timeout=WAIT_MS)


def test_conversation_survives_a_reload_and_downloads_as_text(open_page, served_app):
    page = open_page(served_app)
    page.send(HAPPY, expect_turns=1)
    page.send(ANGRY, expect_turns=2)
    page.page.reload()
    page.expect_in_step(2, page.bars.locator(".mc-bars").get_attribute("data-top"))
    expect(page.bubbles("user").first).to_have_text(HAPPY)
    with page.page.expect_download() as download_info:
        page.page.locator("#download").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert f"1. 나: {HAPPY}" in text and f"2. 나: {ANGRY}" in text and "마음챗:" in text and "[감정:" in text


def test_examples_look_clickable_run_and_stay_available(open_page, served_app):
    page = open_page(served_app)
    examples = page.page.locator("#examples button")
    expect(examples).to_have_count(len(EXAMPLES), timeout=WAIT_MS)
    assert examples.first.evaluate("e => getComputedStyle(e).cursor") == "pointer"
    examples.nth(0).click()
    page.expect_in_step(1, "기쁨")
    expect(page.bubbles("user")).to_have_text(EXAMPLES[0])
    expect(examples).to_have_count(len(EXAMPLES))  # still there after the first message
    examples.nth(2).click()
    page.expect_in_step(2, "분노")


def test_sampling_sliders_are_hidden_on_the_offline_engine(open_page, served_app):
    page = open_page(served_app)
    assert page.page.locator("#settings").count() == 0 or not page.page.locator("#settings").is_visible()
    assert not page.page.get_by_text("temperature").is_visible()
