"""Which event runs which handler (`webui.handlers`) on which components (`webui.layout.Page`)."""

from typing import Any, Literal, TypedDict

import gradio as gr

from webui.handlers import ChatHandlers
from webui.layout import UI_DIR, Page

API_DESCRIPTION = (
    "이 세션의 대화에 이어 메시지에 답해요. 답, 메시지의 감정 점수, 지금까지 차례별 감정 점수를 돌려줘요. "
    "temperature·top_p·max_new_tokens는 샘플링하는 엔진(KoGPT2)에서만 쓰이고, 오프라인 엔진은 무시해요."
)


class QueueOptions(TypedDict):
    """How an answering event is queued."""

    concurrency_limit: int | None | Literal["default"]
    concurrency_id: str | None


class PageOnly(TypedDict):
    """How a page-only event is shown and exposed."""

    api_visibility: Literal["public", "private", "undocumented"]
    show_progress: Literal["full", "minimal", "hidden"]


PRIVATE: PageOnly = {"api_visibility": "private", "show_progress": "hidden"}  # not an API endpoint; no spinner


def chat_queue(concurrency_limit: int | None) -> QueueOptions:
    return {"concurrency_limit": concurrency_limit, "concurrency_id": "chat"}  # UI and API share one limit


def wire_page(app: gr.Blocks, page: Page, handlers: ChatHandlers, queue: QueueOptions, ratings: bool) -> None:
    """The page's own events: send, examples, retry, undo, clear, 👍/👎, download, and the reload that restores the
    conversation."""
    ui_outputs = [*page.rendered, page.textbox]
    state, sliders = page.conversation_state, page.sliders
    turns: list[dict[str, Any]] = [
        page.textbox.submit(handlers.send, [page.textbox, state, *sliders], ui_outputs, **queue, **PRIVATE)
    ]
    for button in page.example_buttons:
        turns.append(button.click(handlers.send_example, [button, state, *sliders], ui_outputs, **queue, **PRIVATE))
    turns.append(page.chat_view.retry(handlers.retry, [state, *sliders], ui_outputs, **queue, **PRIVATE))
    page.chat_view.undo(handlers.undo, [state], ui_outputs, queue=False, **PRIVATE)
    page.chat_view.clear(handlers.clear, None, ui_outputs, cancels=turns, queue=False, **PRIVATE)  # a reply on its
    # way would otherwise bring the cleared conversation back when it arrives
    if ratings:
        page.chat_view.like(handlers.rate, [state], None, queue=False, **PRIVATE)
    download_js = (UI_DIR / "download.js").read_text(encoding="utf-8")
    page.download.click(None, [page.transcript_box], None, js=download_js, **PRIVATE)
    app.load(handlers.restore, [state], page.rendered, queue=False, **PRIVATE)


def wire_engine_ready(app: gr.Blocks, page: Page, handlers: ChatHandlers) -> None:
    """For a page opened while the engine is being built: its banner and sliders once it is."""
    app.load(handlers.engine_ready, None, [page.banner, page.licence, page.settings, *page.sliders], **PRIVATE)


def wire_api(page: Page, handlers: ChatHandlers, queue: QueueOptions) -> None:
    """/chat and /chat_stream. /chat answers outside Gradio's queue (one HTTP request, a third of the queue's cost
    per call, limited by its own limiter, `ChatHandlers.chat`); /chat_stream goes through the queue, which
    streaming needs."""
    api = page.api
    inputs = [api.message, *page.sliders, api.conversation]
    outputs = [api.reply, api.emotion, api.timeline, api.conversation]
    api.trigger.click(handlers.chat, inputs, outputs, api_name="chat", api_description=API_DESCRIPTION, queue=False)
    api.stream_trigger.click(
        handlers.chat_stream,
        inputs,
        outputs,
        api_name="chat_stream",
        api_description=API_DESCRIPTION + " 답은 만들어지는 대로 나눠서 보내요.",
        **queue,
    )
