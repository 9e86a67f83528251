"""The browser tests' page driver: a page of the app in a fresh Chromium context that records every request
leaving 127.0.0.1, and the messages the tests type."""

import os
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import expect

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
        expect(self.page.locator("#engine-banner")).to_contain_text("엔진:", timeout=WAIT_MS)
        expect(self.plot.locator("[data-revision]")).to_have_count(1, timeout=WAIT_MS)  # the conversation is restored

    def _record(self, request):
        url = urlparse(request.url)
        if url.scheme not in ("data", "blob") and url.hostname not in ("127.0.0.1", "localhost"):
            self.outside.append(request.url)

    def done(self, action):
        """Do `action` (a click…) and wait until the conversation has changed (its revision, on the plot's panel):
        the answer has arrived, even when it looks like what was there before."""
        revision = self.plot.locator("[data-revision]")
        before = revision.get_attribute("data-revision")
        action()
        expect(revision).not_to_have_attribute("data-revision", before, timeout=WAIT_MS)

    def send(self, text: str, expect_turns: int | None = None):
        """Type and press Enter; with `expect_turns`, wait until the plot shows that many turns."""
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
