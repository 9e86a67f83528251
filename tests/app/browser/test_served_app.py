"""A real browser on the other ways the app is served: feedback into SQLite, the login page, a sampling engine's
sliders, and the page served before the engine is ready (Debian's headless Chromium on 127.0.0.1, as in
test_conversation.py)."""

import sqlite3
from concurrent.futures import Future

import pytest
from playwright.sync_api import expect

import app
from chatbot import Chatbot
from generator import GenerationOptions
from tests.app.browser.pages import ANGRY, DESKTOP, HAPPY, WAIT_MS

pytestmark = pytest.mark.browser  # a real Chromium through Playwright: `make test-fast` skips the file


@pytest.fixture(scope="module")
def served_feedback_app(offline_chatbot, app_args, tmp_path_factory):
    database = tmp_path_factory.mktemp("feedback") / "ratings.db"
    blocks, local_url, _ = app.launch(app_args("--feedback_db", str(database)), chatbot=offline_chatbot)
    yield local_url, database
    blocks.close()


def test_like_and_dislike_land_in_the_sqlite_file(open_page, served_feedback_app, offline_chatbot):
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
    sampling = Chatbot(offline_chatbot.classifier, OptionsEchoResponder(), "custom")
    blocks, url, _ = app.launch(app_args(), chatbot=sampling)
    try:
        page = open_page(url)
        settings = page.page.locator("#settings")
        expect(settings).to_be_visible()
        settings.get_by_text("생성 설정").click()
        temperature = page.page.locator("#slider-temperature input[type='number']")
        expect(temperature).to_have_value("0.7")
        # the range input follows once the component holds 1.2: only then is it what a message sends. Typed before
        # the opened accordion's slider has wired its handlers, the change is dropped (seen once in a fresh-clone CI
        # run), so it is typed again, at most three times; the last wait fails the test as before
        slider = page.page.locator("#slider-temperature input[type='range']")
        for attempt in range(3):
            temperature.fill("1.2")
            temperature.press("Enter")
            try:
                expect(slider).to_have_value("1.2", timeout=3000 if attempt < 2 else 5000)
                break
            except AssertionError:
                if attempt == 2:
                    raise
        page.send(HAPPY, expect_turns=1)
        expect(page.bubbles("bot")).to_have_text("temperature 1.2 top_p 0.9 max_new_tokens 48")
    finally:
        blocks.close()


def test_the_page_is_served_before_the_engine_is_ready(open_page, browser, offline_chatbot, app_args):
    """What `make run` does: the page first, the engine built while it loads; a message sent meanwhile waits."""
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
