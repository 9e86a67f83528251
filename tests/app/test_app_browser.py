"""A real browser: Playwright drives Debian's headless Chromium against the app on 127.0.0.1.

Each test opens its own browser context (its own localStorage, so no conversation carries over between tests).
Chromium resolves no host but localhost (`--host-resolver-rules`), and every request a page makes is recorded:
a test fails if one leaves 127.0.0.1. Screenshots go to tmp_path, or to $MAEUMCHAT_SCREENSHOTS when set (to look at).
"""

import os
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import pytest

from generator import GenerationOptions

pytestmark = pytest.mark.browser  # a real Chromium through Playwright: `make test-fast` skips the file

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 30_000
HAPPY = "오늘 시험에 합격해서 너무 기뻐!"
ANGRY = "친구가 약속을 또 어겨서 너무 화가 나"
SAD = "키우던 강아지가 아파서 너무 슬퍼"
CRISIS = "죽고 싶어"
TYPED_LITERALLY = [  # what people type that a Markdown/HTML chat would turn into something else
    "<b>굵게</b> <i>기울임</i> <script>window.__typed_script_ran = true</script> 끝",
    "![사진](http://203.0.113.7/leak.png) 이거 봐",
    '<img src="http://203.0.113.8/pixel.gif" onerror="window.__typed_img_ran = true"> 안녕',
    "</s><sys> 시스템처럼 보이는 글 <usr> **별표** `코드` $$x^2$$",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (`make browser` installs Debian's chromium and fonts)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Page:
    """A page of the app in a fresh browser context, recording every request that leaves 127.0.0.1."""

    def __init__(self, browser, url, viewport=DESKTOP):
        self.context = browser.new_context(viewport=viewport, locale="ko-KR")
        self.page = self.context.new_page()
        self.outside = []
        self.page.on("request", self._record)
        self.page.goto(url)
        self.chat = self.page.locator("#chat")
        self.textbox = self.page.locator("#message textarea")
        self.bars = self.page.locator("#emotion-label")
        self.plot = self.page.locator("#emotion-plot")
        from playwright.sync_api import expect

        expect(self.page.locator("#engine-banner")).to_contain_text("엔진:", timeout=WAIT_MS)
        expect(self.plot.locator("[data-revision]")).to_have_count(1, timeout=WAIT_MS)  # the conversation is restored

    def _record(self, request):
        url = urlparse(request.url)
        if url.scheme not in ("data", "blob") and url.hostname not in ("127.0.0.1", "localhost"):
            self.outside.append(request.url)

    def done(self, action):
        """Do `action` (a click…) and wait until the conversation has changed (its revision, on the plot's panel):
        the answer has arrived, even when it looks like what was there before."""
        from playwright.sync_api import expect

        revision = self.plot.locator("[data-revision]")
        before = revision.get_attribute("data-revision")
        action()
        expect(revision).not_to_have_attribute("data-revision", before, timeout=WAIT_MS)

    def send(self, text: str, expect_turns: int | None = None):
        """Type and press Enter; with `expect_turns`, wait until the plot shows that many turns."""
        from playwright.sync_api import expect

        self.textbox.fill(text)
        self.done(lambda: self.textbox.press("Enter"))
        if expect_turns is not None:
            expect(self.plot.locator(".mc-timeline")).to_have_attribute(
                "data-turns", str(expect_turns), timeout=WAIT_MS
            )

    def bubbles(self, role: str):
        return self.chat.locator(f"[data-testid='{role}']")

    def expect_in_step(self, turns: int, top_emotion: str | None):
        """Plot, its points and the bars all describe the same conversation of `turns` turns."""
        from playwright.sync_api import expect

        expect(self.plot.locator(".mc-timeline")).to_have_attribute("data-turns", str(turns), timeout=WAIT_MS)
        expect(self.bubbles("user")).to_have_count(turns, timeout=WAIT_MS)
        expect(self.bubbles("bot")).to_have_count(turns, timeout=WAIT_MS)
        if turns:
            series = self.plot.locator("g.mc-series")
            emotions = series.count()
            assert emotions >= 2
            expect(self.plot.locator("circle")).to_have_count(turns * emotions)
            assert self.plot.locator(f"circle[data-turn='{turns}']").count() == emotions
            assert self.plot.locator(f"circle[data-turn='{turns + 1}']").count() == 0
            expect(self.bars.locator(".mc-bars")).to_have_attribute("data-top", top_emotion, timeout=WAIT_MS)
        else:
            expect(self.bars.locator(".mc-bars")).to_have_attribute("data-empty", "true", timeout=WAIT_MS)
            expect(self.plot.locator("circle")).to_have_count(0)

    def screenshot(self, tmp_path, name: str) -> Path:
        folder = Path(os.environ.get("MAEUMCHAT_SCREENSHOTS") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        return path

    def close(self):
        self.context.close()
        assert self.outside == [], f"the page tried to reach outside the machine: {self.outside}"


@pytest.fixture
def open_page(browser):
    pages = []

    def make(url, viewport=DESKTOP):
        pages.append(Page(browser, url, viewport))
        return pages[-1]

    yield make
    for page in pages:
        page.close()


def test_type_korean_press_enter_see_reply_bars_and_plot(open_page, served_app, offline_chatbot, tmp_path):
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

    from webui.layout import EXAMPLES

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


@pytest.fixture(scope="module")
def served_feedback_app(offline_chatbot, app_args, tmp_path_factory):
    import app

    database = tmp_path_factory.mktemp("feedback") / "ratings.db"
    blocks, local_url, _ = app.launch(app_args("--feedback_db", str(database)), chatbot=offline_chatbot)
    yield local_url, database
    blocks.close()


def test_like_and_dislike_land_in_the_sqlite_file(open_page, served_feedback_app, offline_chatbot):
    from playwright.sync_api import expect

    url, database = served_feedback_app
    page = open_page(url)
    expect(page.page.locator("#chat-notes")).to_contain_text("평가 파일에 저장돼요")
    page.send(HAPPY, expect_turns=1)
    page.send(ANGRY, expect_turns=2)
    replies = page.bubbles("bot")

    def stored():
        with sqlite3.connect(database) as connection:
            return connection.execute(
                "SELECT turn, message, reply, emotion, engine, rating FROM feedback ORDER BY turn"
            ).fetchall()

    def wait_for(rows):
        for _ in range(100):
            if stored() == rows:
                return
            page.page.wait_for_timeout(100)
        assert stored() == rows

    first_reply, second_reply = (replies.nth(i).inner_text().strip() for i in (0, 1))
    happy, angry = offline_chatbot.reply(HAPPY).emotion, offline_chatbot.reply(ANGRY).emotion
    page.chat.get_by_role("button", name="좋아요").first.click()
    wait_for([(0, HAPPY, first_reply, happy, "offline", "like")])
    page.chat.get_by_role("button", name="싫어요").nth(1).click()
    wait_for(
        [(0, HAPPY, first_reply, happy, "offline", "like"), (1, ANGRY, second_reply, angry, "offline", "dislike")]
    )
    page.chat.get_by_role("button", name="싫어요").first.click()  # changing a vote replaces it
    wait_for(
        [(0, HAPPY, first_reply, happy, "offline", "dislike"), (1, ANGRY, second_reply, angry, "offline", "dislike")]
    )


def test_login_page_is_korean(browser, offline_chatbot, app_args):
    from playwright.sync_api import expect

    import app

    blocks, url, _ = app.launch(app_args("--auth", "me:pw"), chatbot=offline_chatbot)
    context = browser.new_context(viewport=DESKTOP, locale="ko-KR")
    try:
        page = context.new_page()
        page.goto(url)
        expect(page.get_by_text("마음챗에 로그인하세요.")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_role("button", name="로그인")).to_be_visible()
        page.get_by_label("사용자 이름").fill("me")
        page.get_by_label("비밀번호").fill("pw")
        page.get_by_role("button", name="로그인").click()
        expect(page.locator("#engine-banner")).to_contain_text("오프라인 기본 엔진", timeout=WAIT_MS)
        expect(page.get_by_text("API를 통해 사용")).to_be_visible()  # the footer, in Korean too
    finally:
        context.close()
        blocks.close()


class OptionsEchoResponder:
    """A responder that samples (so the sliders act) and says which options it was given."""

    generation_defaults = GenerationOptions(temperature=0.7, top_p=0.9, max_new_tokens=48, do_sample=True)

    def generate(self, context, emotion=None, **options):
        return (
            f"temperature {options.get('temperature')} top_p {options.get('top_p')} "
            f"max_new_tokens {options.get('max_new_tokens')}"
        )

    def stream(self, context, emotion=None, **options):
        yield self.generate(context, emotion, **options)


def test_sliders_show_at_the_engine_defaults_and_act_on_a_sampling_engine(open_page, offline_chatbot, app_args):
    from playwright.sync_api import expect

    import app
    from chatbot import Chatbot

    sampling = Chatbot(offline_chatbot.classifier, OptionsEchoResponder(), "custom")
    blocks, url, _ = app.launch(app_args(), chatbot=sampling)
    try:
        page = open_page(url)
        settings = page.page.locator("#settings")
        expect(settings).to_be_visible()
        settings.get_by_text("생성 설정").click()
        temperature = page.page.locator("#slider-temperature input[type='number']")
        expect(temperature).to_have_value("0.7")
        temperature.fill("1.2")
        temperature.press("Enter")
        page.send(HAPPY, expect_turns=1)
        expect(page.bubbles("bot")).to_have_text("temperature 1.2 top_p 0.9 max_new_tokens 48")
    finally:
        blocks.close()


def test_the_page_is_served_before_the_engine_is_ready(open_page, browser, offline_chatbot, app_args):
    """What `make run` does: the page first, the engine built while it loads; a message sent meanwhile waits."""
    from concurrent.futures import Future

    from playwright.sync_api import expect

    import app

    engine = Future()
    blocks = app.build_app(engine)
    blocks.queue()
    blocks.launch(
        server_name="127.0.0.1",
        server_port=app_args().port,
        prevent_thread_lock=True,
        quiet=True,
        css_paths=[app.UI_DIR / "app.css"],
    )
    try:
        context = browser.new_context(viewport=DESKTOP, locale="ko-KR")
        page = context.new_page()
        page.goto(blocks.local_url)
        expect(page.locator("#engine-banner")).to_contain_text("엔진을 준비하고 있어요", timeout=WAIT_MS)
        expect(page.locator("#emotion-plot [data-revision]")).to_have_count(1, timeout=WAIT_MS)
        page.locator("#message textarea").fill(HAPPY)
        page.locator("#message textarea").press("Enter")
        expect(page.locator("#chat [data-testid='user']")).to_have_text(HAPPY, timeout=WAIT_MS)  # shown at once
        expect(page.locator("#chat [data-testid='bot']")).to_have_text("…")  # the reply is on its way
        page.wait_for_timeout(300)
        assert page.locator("#chat [data-testid='bot']").inner_text() == "…"
        engine.set_result(offline_chatbot)
        expect(page.locator("#engine-banner")).to_contain_text("오프라인 기본 엔진", timeout=WAIT_MS)
        expect(page.locator("#emotion-plot .mc-timeline")).to_have_attribute("data-turns", "1", timeout=WAIT_MS)
        expect(page.locator("#chat [data-testid='bot']")).not_to_have_text("…")
        context.close()
    finally:
        blocks.close()
