"""The page's components, section by section, top to bottom: header and banners, the chat column, the emotion panel,
the notes and download, the generation settings, the footer, and the hidden components behind the API."""

import json
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

import gradio as gr

from chatbot import transcript
from chatbot.licences import licence_notice
from chatbot.plots import emotion_bars_html
from chatbot.safety import help_lines_html
from webui import UI_DIR
from webui.handlers import RENDERED, SLIDERS, engine_banner, slider_defaults, timeline_html

if TYPE_CHECKING:
    from chatbot import Chatbot


EXAMPLES = tuple(json.loads((UI_DIR / "examples.json").read_text(encoding="utf-8"))["examples"])
HISTORY_STORAGE_KEY = "maeumchat-conversation"  # the browser's localStorage entry that keeps the conversation
ENGINE_PENDING = "엔진을 준비하고 있어요… 보낸 메시지는 준비되는 대로 답해요."


@dataclass
class ApiComponents:
    """Hidden components that give /chat named, labelled parameters and outputs."""

    message: gr.Textbox
    reply: gr.Textbox
    emotion: gr.JSON
    timeline: gr.JSON
    conversation: gr.State
    trigger: gr.Button
    stream_trigger: gr.Button


@dataclass
class Page:
    """Every component an event reads or writes."""

    banner: gr.Markdown
    help_banner: gr.HTML
    conversation_state: gr.State | gr.BrowserState
    chat_view: gr.Chatbot
    textbox: gr.Textbox
    example_buttons: list[gr.Button]
    emotion_bars: gr.HTML
    emotion_plot: gr.HTML
    download: gr.Button
    settings: gr.Accordion
    sliders: list[gr.Slider]
    transcript_box: gr.Textbox
    licence: gr.Markdown
    api: ApiComponents

    @property
    def rendered(self) -> list[gr.components.Component]:
        """The components that follow the conversation, in the order `ChatHandlers.render` fills them."""
        return [getattr(self, name) for name in RENDERED]


def build_page(known: "Chatbot | None", save_history: bool, ratings: bool) -> Page:
    """The page inside the current `gr.Blocks`. `known`: the engine when it is already built (else the page shows
    that it is on its way); `ratings`: 👍/👎 on replies."""
    banner, help_banner = header(known)
    if save_history:
        conversation_state: gr.State | gr.BrowserState = gr.BrowserState(None, storage_key=HISTORY_STORAGE_KEY)
    else:
        conversation_state = gr.State(None)
    with gr.Row(equal_height=False, elem_id="main-row"):
        chat_view, textbox, example_buttons = chat_column(ratings)
        emotion_bars, emotion_plot = emotion_panel()
    download = notes_row(save_history, ratings)
    settings, sliders = settings_panel(known)
    transcript_box = gr.Textbox(visible=False, elem_id="transcript")  # the download's text, kept in the page
    licence = footer(known)
    return Page(
        banner=banner,
        help_banner=help_banner,
        conversation_state=conversation_state,
        chat_view=chat_view,
        textbox=textbox,
        example_buttons=example_buttons,
        emotion_bars=emotion_bars,
        emotion_plot=emotion_plot,
        download=download,
        settings=settings,
        sliders=sliders,
        transcript_box=transcript_box,
        licence=licence,
        api=api_components(),
    )


def header(known: "Chatbot | None") -> tuple[gr.Markdown, gr.HTML]:
    """The title, the engine banner and the help banner (shown while the conversation is in care mode)."""
    gr.HTML(
        '<h1 class="mc-title">마음챗 <span>MaeumChat</span></h1>'
        '<p class="mc-subtitle">감정을 읽고 공감하며 답하는 한국어 챗봇</p>',
        js_on_load=None,
        elem_id="title",
    )
    banner = gr.Markdown(engine_banner(known) if known else ENGINE_PENDING, elem_id="engine-banner")
    help_banner_html = (UI_DIR / "help_banner.html").read_text(encoding="utf-8").replace("{lines}", help_lines_html())
    help_banner = gr.HTML(help_banner_html, visible=False, elem_id="help-banner", js_on_load=None)
    return banner, help_banner


def chat_column(ratings: bool) -> tuple[gr.Chatbot, gr.Textbox, list[gr.Button]]:
    """The conversation, the message box and the example messages."""
    with gr.Column(scale=3, min_width=320, elem_id="chat-column"):
        chat_view = gr.Chatbot(
            value=[],
            elem_id="chat",
            show_label=False,
            height=480,
            layout="bubble",
            render_markdown=False,
            latex_delimiters=[],
            allow_tags=False,
            sanitize_html=True,  # shown as typed
            group_consecutive_messages=False,
            buttons=["copy"],
            feedback_options=("Like", "Dislike") if ratings else None,
            placeholder="마음을 편하게 이야기해 주세요. 아래 예시를 눌러 시작할 수도 있어요.",
        )
        textbox = gr.Textbox(
            placeholder="마음을 편하게 이야기해 주세요",
            show_label=False,
            label="메시지",
            elem_id="message",
            submit_btn="보내기",
            lines=1,
            max_lines=6,
            autofocus=True,
            container=False,
        )
        with gr.Row(elem_id="examples"):
            example_buttons = [
                gr.Button(text, size="sm", variant="secondary", elem_classes="mc-example") for text in EXAMPLES
            ]
    return chat_view, textbox, example_buttons


def emotion_panel() -> tuple[gr.HTML, gr.HTML]:
    """The latest message's emotion bars and the per-turn timeline."""
    with gr.Column(scale=2, min_width=300, elem_id="emotion-column"):
        emotion_bars = gr.HTML(emotion_bars_html({}), elem_id="emotion-label", js_on_load=None)
        emotion_plot = gr.HTML(timeline_html(transcript.new_conversation()), elem_id="emotion-plot", js_on_load=None)
    return emotion_bars, emotion_plot


def notes_row(save_history: bool, ratings: bool) -> gr.Button:
    """What the page keeps and where, and the download button."""
    notes = ["휴지통 아이콘은 대화와 감정 기록을 모두 지워요."]
    if save_history:
        notes.append("대화는 이 브라우저에만 저장돼 새로고침해도 이어져요.")
    if ratings:
        notes.append("답 아래 👍/👎 평가는 메시지·답·감정과 함께 이 서버의 평가 파일에 저장돼요.")
    with gr.Row(elem_id="chat-notes"):
        gr.Markdown(" ".join(notes), elem_classes="mc-notes")
        return gr.Button(
            "대화 내려받기 (.txt)", size="sm", variant="secondary", elem_id="download", scale=0, min_width=160
        )


def settings_panel(known: "Chatbot | None") -> tuple[gr.Accordion, list[gr.Slider]]:
    """The sampling sliders, shown only where the engine acts on them (hidden until a pending engine is built)."""
    defaults = slider_defaults(known) if known else {}
    with gr.Accordion("생성 설정", open=False, visible=bool(defaults), elem_id="settings") as settings:
        sliders = [
            gr.Slider(
                low,
                high,
                value=defaults.get(name, usual),
                step=step,
                label=label,
                visible=name in defaults,
                elem_id=f"slider-{name}",
            )
            for name, (label, low, high, step, usual) in SLIDERS.items()
        ]
    return settings, sliders


def footer(known: "Chatbot | None") -> gr.Markdown:
    """The help footer and the licences of the models the engine runs (full engine)."""
    gr.HTML((UI_DIR / "help_footer.html").read_text(encoding="utf-8"), js_on_load=None, elem_id="footer-help")
    return gr.Markdown((licence_notice(known) or "") if known else "", elem_id="licence-notice")


def api_components() -> ApiComponents:
    return ApiComponents(
        message=gr.Textbox(visible=False, label="메시지"),
        reply=gr.Textbox(visible=False, label="답"),
        emotion=gr.JSON(visible=False, label="감정 점수"),
        timeline=gr.JSON(visible=False, label="차례별 감정 점수 (1번째 차례부터)"),
        conversation=gr.State(None),
        trigger=gr.Button(visible=False),
        stream_trigger=gr.Button(visible=False),
    )


def show_engine(app: gr.Blocks, page: Page, done: "Future[Chatbot]") -> None:
    """Once the engine is built, pages opened from then on show it at once (`ChatHandlers.engine_ready` fills in the
    pages opened before): its banner, licences and sliders become the page's initial values."""
    if done.exception() is not None:
        return
    chatbot, defaults = done.result(), slider_defaults(done.result())
    page.banner.value, page.licence.value, page.settings.visible = (
        engine_banner(chatbot),
        licence_notice(chatbot) or "",
        bool(defaults),
    )
    for name, slider in zip(SLIDERS, page.sliders, strict=True):
        slider.visible = name in defaults
        slider.value = defaults.get(name, slider.value)
    app.config = app.get_config_file()  # what the page's /config serves from now on
