"""A real browser: Playwright drives Debian's headless Chromium against the app on 127.0.0.1.

Type a Korean message, press Enter, see the reply and the emotion bars, save a screenshot under tmp_path.
Chromium resolves no host but localhost (`--host-resolver-rules`), and every request the page makes is checked
to be loopback, so the test never reaches outside the machine.
"""
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
MESSAGE = "오늘 시험에 합격해서 너무 기뻐!"
SECOND_MESSAGE = "친구가 약속을 또 어겨서 너무 화가 나"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (`make browser` installs Debian's chromium and CJK fonts)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def test_type_korean_press_enter_see_reply_and_emotion_bars(browser, served_app, offline_chatbot, tmp_path):
    from playwright.sync_api import expect

    expected = offline_chatbot.reply(MESSAGE)  # same engine: the emotion the page must show
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if urlparse(request.url).hostname not in (None, "127.0.0.1", "localhost")
            and not request.url.startswith(("data:", "blob:")) else None)
    page.goto(served_app)
    expect(page.locator("#engine-banner")).to_contain_text("오프라인 기본 엔진", timeout=30_000)

    textbox = page.locator("#message textarea")
    textbox.fill(MESSAGE)
    textbox.press("Enter")

    chat = page.locator("#chat")
    expect(chat).to_contain_text(MESSAGE, timeout=30_000)
    bot_message = chat.locator("[data-testid='bot']").last
    expect(bot_message).not_to_be_empty(timeout=30_000)
    reply_text = bot_message.inner_text().strip()
    known_replies = {entry.reply for entry in offline_chatbot.responder.entries}
    assert reply_text in known_replies, reply_text

    bars = page.locator("#emotion-label")
    expect(bars).to_contain_text(expected.emotion, timeout=30_000)
    for emotion in expected.scores:
        expect(bars).to_contain_text(emotion)
    expect(page.locator("#emotion-plot")).to_be_visible()

    # a second turn: the bars follow the new message, the plot gets a second point per emotion
    second = offline_chatbot.reply(SECOND_MESSAGE)
    assert second.emotion != expected.emotion  # otherwise this step would prove nothing
    textbox.fill(SECOND_MESSAGE)
    textbox.press("Enter")
    expect(chat.locator("[data-testid='bot']")).to_have_count(2, timeout=30_000)
    expect(bars.locator("h2, .output-class").first).to_have_text(second.emotion, timeout=30_000)
    lines = page.locator("#emotion-plot g.mark-line path")  # Vega draws one path per emotion
    expect(lines).to_have_count(len(second.scores), timeout=30_000)

    screenshot = tmp_path / "chat.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    page.close()
    assert outside == [], f"the page tried to reach outside the machine: {outside}"


def test_clicking_a_korean_example_runs_it(browser, served_app):
    import app
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    page.goto(served_app)
    example = page.locator("button.example").first
    expect(example).to_contain_text(app.EXAMPLES[0], timeout=30_000)
    example.click()
    chat = page.locator("#chat")
    expect(chat.locator("[data-testid='user']")).to_contain_text(app.EXAMPLES[0], timeout=30_000)
    expect(chat.locator("[data-testid='bot']")).to_have_count(1, timeout=30_000)
    expect(page.locator("#emotion-label")).to_contain_text("기쁨", timeout=30_000)
    page.close()
