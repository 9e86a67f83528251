"""MaeumChat web UI (Gradio) — wiring only; every behaviour lives in `chatbot` (`Chatbot`, `transcript`, `plots`,
`feedback`), the page's text and style in `ui/`.

    python app.py                                   # offline default (or full, when checkpoints/ holds both)
    python app.py --data ../shared/data/wellness/wellness_dialog_dataset.csv   # more replies for the offline engine
    python app.py --classifier checkpoints/classifier --generator checkpoints/generator --device cuda
    python app.py --feedback_db feedback.db         # 👍/👎 on replies, stored in that SQLite file
    python app.py --share --auth me:secret          # public link (needs internet); keeps serving locally if none

The page is served before the engine is built, so it shows while the models load; a message sent in that time
waits for the engine.
"""

import argparse
import json
import logging
import secrets
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from chatbot.server_limits import SESSION_TTL_S, check_port, start_session_expiry, throttled_login
from data.cli import add_debug_flag, run_cli
from generator.responder import GenerationOptions

UI_DIR = Path(__file__).resolve().with_name("ui")  # the page's style, examples and help text
DEFAULT_HOST = "127.0.0.1"  # loopback: nothing is exposed unless asked (--host 0.0.0.0 or --share)
DEFAULT_PORT = 7860  # Gradio's usual port
SHARE_TIMEOUT_S = 45.0  # Gradio's own tunnel steps time out at 30 s each; never wait longer than this
DEFAULT_CONCURRENCY = 8  # conversations answered at once; Chatbot is thread-safe, the CPU is the limit
MAX_UPLOAD = "1mb"  # the UI takes no files; Gradio's upload route is open all the same, so cap it
MAX_SESSIONS = 1000  # sessions kept in memory at most (oldest dropped first): each holds a page config
CACHE_SWEEP = (600, 3600)  # delete_cache: every 10 min, drop temporary files older than an hour
STREAM_INTERVAL_S = 0.08  # a streamed reply is shown at most this often: a few tokens per update reads as smoothly
#                                 as one, and an engine that answers at once (offline) sends one update, not one per word
HISTORY_STORAGE_KEY = "maeumchat-conversation"  # the browser's localStorage entry that keeps the conversation
SLIDERS = {  # option → (label, minimum, maximum, step, value when the engine has no default for it: the API's
    #             documented default, the generator's own decoding default in the README); shown only where they act
    "temperature": ("temperature (높을수록 다양한 답)", 0.1, 1.5, 0.05, 0.7),
    "top_p": ("top-p (낮을수록 무난한 답)", 0.1, 1.0, 0.05, 0.9),
    "max_new_tokens": ("max new tokens (답 길이 상한)", 8, 128, 8, 48),
}
EXAMPLES = tuple(json.loads((UI_DIR / "examples.json").read_text(encoding="utf-8"))["examples"])
API_DESCRIPTION = (
    "이 세션의 대화에 이어 메시지에 답해요. 답, 메시지의 감정 점수, 지금까지 차례별 감정 점수를 돌려줘요. "
    "temperature·top_p·max_new_tokens는 샘플링하는 엔진(KoGPT2)에서만 쓰이고, 오프라인 엔진은 무시해요."
)
WARM_UP_MESSAGE = "안녕하세요"  # answered once at start-up, before the engine is announced
ENGINE_PENDING = "엔진을 준비하고 있어요… 보낸 메시지는 준비되는 대로 답해요."


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python app.py",
        description="MaeumChat: 감정을 읽는 한국어 챗봇 웹 UI (Gradio).",
        epilog="Without --classifier/--generator: the full engine when checkpoints/classifier and "
        "checkpoints/generator hold trained checkpoints, otherwise the offline default (no downloads).",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--share", action="store_true", help="also create a public gradio.live link (needs internet)")
    parser.add_argument("--auth", metavar="USER:PASS", help="require this login (strongly advised with --share)")
    parser.add_argument("--classifier", metavar="DIR_OR_HUB_ID", help="emotion classifier checkpoint (full engine)")
    parser.add_argument("--generator", metavar="DIR_OR_HUB_ID", help="reply generator checkpoint (full engine)")
    parser.add_argument(
        "--data",
        nargs="+",
        default=[],
        metavar="FILE",
        help="wellness / 감성대화 / ChatbotData / own CSV files: replies (and labels) for the offline engine",
    )
    parser.add_argument("--offline", action="store_true", help="use the offline default even when checkpoints exist")
    parser.add_argument("--checkpoints_dir", default="checkpoints", help="where trained checkpoints are looked for")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto", help="auto = CUDA when present")
    parser.add_argument("--quantize", action="store_true", help="int8 generator on CPU (faster, slightly different)")
    parser.add_argument("--max_message_chars", type=int, default=500, help="longer messages are cut, with a note")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help=f"conversations answered at the same time (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--feedback_db",
        metavar="PATH",
        help="show 👍/👎 on replies and store each rating with the message, reply, emotion and engine "
        "in this SQLite file (export: python -m chatbot.feedback export --db PATH --out FILE)",
    )
    parser.add_argument(
        "--no_save_history",
        action="store_true",
        help="do not keep the conversation in the browser across reloads (e.g. on a shared computer)",
    )
    add_debug_flag(parser)
    args = parser.parse_args(argv)
    if args.auth is not None and (":" not in args.auth or not args.auth.split(":", 1)[0]):
        parser.error(f"--auth {args.auth!r}: expected USER:PASS")
    if args.offline and (args.classifier or args.generator):
        parser.error("--offline cannot be combined with --classifier/--generator")
    if not 1 <= args.port <= 65535:
        parser.error(f"--port {args.port}: expected 1–65535")
    if args.concurrency < 1:
        parser.error(f"--concurrency {args.concurrency}: expected at least 1")
    if args.feedback_db and not Path(args.feedback_db).parent.is_dir():
        parser.error(
            f"--feedback_db {args.feedback_db}: folder {Path(args.feedback_db).parent} does not exist "
            f"(create it first)"
        )
    return args


def build_chatbot(args: argparse.Namespace):
    """The Chatbot the flags ask for (see --help)."""
    from chatbot import Chatbot

    common = {"max_message_chars": args.max_message_chars}
    if args.classifier or args.generator:
        if args.data:
            print("note: --data feeds only the offline engine; ignored with --classifier/--generator", file=sys.stderr)
        return Chatbot.from_pretrained(
            classifier=args.classifier or f"{args.checkpoints_dir}/classifier",
            responder=args.generator or f"{args.checkpoints_dir}/generator",
            device=args.device,
            quantize=args.quantize,
            **common,
        )
    if args.offline:
        return Chatbot.offline(data_files=args.data, checkpoints_dir=args.checkpoints_dir, **common)
    return Chatbot.default(
        checkpoints_dir=args.checkpoints_dir,
        data_files=args.data,
        device=args.device,
        quantize=args.quantize,
        **common,
    )


def engine_banner(chatbot) -> str:
    return f"**엔진:** {chatbot.description} (`{chatbot.engine}`)"


def slider_defaults(chatbot) -> dict:
    """The slider options this engine acts on, at its defaults ({} offline: the sliders are hidden)."""
    return {name: value for name, value in chatbot.generation_defaults.items() if name in SLIDERS}


def build_app(engine, concurrency_limit: int | None = DEFAULT_CONCURRENCY, feedback=None, save_history: bool = True):
    """The Gradio Blocks. `engine` is a `Chatbot` or a `Future` that gives one (the page is usable before it is done).

    One conversation per browser tab (`chatbot.transcript`) is the single source of the chat, the emotion bars, the
    timeline, the help banner and the download: every event (send, example, retry, undo, clear, reload) derives all
    of them from it. `/chat` is the API: message and sampling options in; reply, emotion scores and the per-turn
    timeline out; the gradio_client session keeps its own conversation. `feedback` is a `chatbot.feedback.FeedbackStore`.
    """
    import gradio as gr

    from chatbot import transcript
    from chatbot.licences import licence_notice
    from chatbot.plots import emotion_bars_html, emotion_timeline_html
    from chatbot.safety import help_lines_html

    if not isinstance(engine, Future):
        ready, engine = engine, Future()
        engine.set_result(ready)
    known = engine.result() if engine.done() and engine.exception() is None else None  # else: filled in on page load
    help_banner_html = (UI_DIR / "help_banner.html").read_text(encoding="utf-8").replace("{lines}", help_lines_html())
    chat_events = {"concurrency_limit": concurrency_limit, "concurrency_id": "chat"}  # UI and API share one limit

    def sampling_options(values) -> dict:
        """Only the options this engine acts on ({} offline: its sliders are hidden and nothing is passed)."""
        shown = slider_defaults(engine.result())
        chosen = {name: value for name, value in zip(SLIDERS, values) if name in shown}
        if chosen.get("max_new_tokens") is not None:  # an API caller's 50.5 tokens: the whole part, as the slider
            chosen["max_new_tokens"] = int(chosen["max_new_tokens"])
        return GenerationOptions.of(chosen).given()

    def timeline_html(conversation: dict) -> str:  # the revision tells a page (and a test) that an answer arrived
        timeline = emotion_timeline_html(transcript.turn_scores(conversation))
        return f'<div data-revision="{conversation["revision"]}">{timeline}</div>'

    def render(conversation: dict) -> tuple:
        """Everything on the page that follows the conversation (the order of `rendered`)."""
        return (
            transcript.display(conversation),
            emotion_bars_html(transcript.latest_scores(conversation)),
            timeline_html(conversation),
            gr.update(visible=conversation["care"]),
            transcript.transcript_text(conversation),
            conversation,
        )

    def answer(conversation: dict, message: str, options: dict):
        """The reply to `message`: the text so far (at most once per STREAM_INTERVAL_S while it grows), then the
        final `Reply`."""
        text, shown_at = "", time.monotonic()
        for item in engine.result().stream(message, transcript.history(conversation), **options):
            if not isinstance(item, str):
                yield item
            elif item:
                text += item
                if time.monotonic() - shown_at >= STREAM_INTERVAL_S:
                    shown_at = time.monotonic()
                    yield text

    def send(message, conversation, *slider_values):
        conversation = transcript.as_conversation(conversation)
        if not isinstance(message, str) or not message.strip():  # nothing typed: nothing is sent, nothing changes
            yield (gr.skip(),) * len(ui_outputs)
            return
        yield from turn_events(conversation, message, slider_values, clear_textbox=True)

    def send_example(example, conversation, *slider_values):
        yield from turn_events(transcript.as_conversation(conversation), example, slider_values, clear_textbox=False)

    def turn_events(conversation, message, slider_values, clear_textbox):
        """The page during one turn: the message shows at once (even while the engine is still being built), the
        reply grows, then everything follows it."""
        textbox = gr.update(value="") if clear_textbox else gr.skip()
        unchanged = (gr.skip(),) * (len(rendered) - 1)
        yield transcript.display(conversation, pending=message), *unchanged, textbox
        for item in answer(conversation, message, sampling_options(slider_values)):
            if isinstance(item, str):
                yield transcript.display(conversation, pending=message, partial=item), *unchanged, gr.skip()
            else:
                yield *render(transcript.add_turn(conversation, transcript.make_turn(message, item))), gr.skip()

    def retry(retry_data: gr.RetryData, conversation, *slider_values):
        conversation = transcript.as_conversation(conversation)
        turn = retry_data.index // 2  # one user and one bot message per turn
        if turn >= len(conversation["turns"]):
            yield *render(conversation), gr.skip()
            return
        message = conversation["turns"][turn]["message"]
        yield from turn_events(transcript.truncate(conversation, turn), message, slider_values, clear_textbox=False)

    def undo(conversation, undo_data: gr.UndoData):
        conversation = transcript.as_conversation(conversation)
        turn = undo_data.index // 2
        if turn >= len(conversation["turns"]):
            return *render(conversation), gr.skip()
        message = conversation["turns"][turn]["message"]
        return *render(transcript.truncate(conversation, turn)), message  # the message goes back into the box

    def clear():
        return *render(transcript.new_conversation()), ""

    def restore(conversation):
        """On page load: the conversation this browser kept, if any (a fresh page is left as it is, so a message
        sent in the first moment is not wiped)."""
        conversation = transcript.as_conversation(conversation)
        return render(conversation) if conversation["turns"] else (gr.skip(),) * len(rendered)

    def rate(conversation, like_data: gr.LikeData):
        conversation = transcript.as_conversation(conversation)
        index = like_data.index[0] if isinstance(like_data.index, (list, tuple)) else like_data.index
        turn = index // 2
        if index % 2 != 1 or turn >= len(conversation["turns"]):
            return  # not one of this conversation's replies (the page was out of date)
        rating = {True: "like", False: "dislike"}.get(like_data.liked)  # "" = the vote was taken back
        entry = conversation["turns"][turn]
        feedback.rate(
            conversation["id"],
            turn,
            entry["message"],
            entry["reply"],
            entry["emotion"],
            entry["scores"],
            entry["engine"],
            rating,
        )

    def api_result(conversation: dict, message: str, reply) -> tuple:
        shown = transcript.shown_reply(reply.text, reply.note)
        if not reply.scores:  # an empty message: answered, but not a turn of the conversation
            return shown, {}, transcript.turn_scores(conversation), conversation
        final = transcript.add_turn(conversation, transcript.make_turn(message, reply))
        return shown, final["turns"][-1]["scores"], transcript.turn_scores(final), final

    def chat_now(message, temperature, top_p, max_new_tokens, conversation) -> tuple:
        conversation = transcript.as_conversation(conversation)
        options = sampling_options((temperature, top_p, max_new_tokens))
        reply = engine.result().reply(message or "", transcript.history(conversation), **options)
        return api_result(conversation, message or "", reply)

    api_limiter = {}  # made on first use: an anyio limiter belongs to the server's event loop

    async def chat(message: str, temperature: float, top_p: float, max_new_tokens: int, conversation):
        """Reply to `message` in this session's conversation. Returns the reply, the emotion scores of the message,
        and the emotion scores of every turn so far (the timeline, turn 1 first). The sampling options act only
        on an engine that samples (the KoGPT2 generator); the offline engine ignores them."""
        import anyio

        if concurrency_limit and "limiter" not in api_limiter:
            api_limiter["limiter"] = anyio.CapacityLimiter(concurrency_limit)
        # at most `concurrency_limit` replies at once; the others wait without holding one of the server's threads
        return await anyio.to_thread.run_sync(
            chat_now, message, temperature, top_p, max_new_tokens, conversation, limiter=api_limiter.get("limiter")
        )

    def chat_stream(message: str, temperature: float, top_p: float, max_new_tokens: int, conversation):
        """As /chat, with the reply streamed: the text so far, then the final result."""
        conversation = transcript.as_conversation(conversation)
        options = sampling_options((temperature, top_p, max_new_tokens))
        for item in answer(conversation, message or "", options):
            if isinstance(item, str):
                yield item, gr.skip(), gr.skip(), gr.skip()
            else:
                yield api_result(conversation, message or "", item)

    def engine_ready():
        """Once the engine is built (page load): its banner, and the sliders where they act, at its defaults."""
        chatbot = engine.result()
        defaults = slider_defaults(chatbot)
        return (
            engine_banner(chatbot),
            licence_notice(chatbot) or "",
            gr.update(visible=bool(defaults)),
            *(
                gr.update(visible=name in defaults, value=defaults.get(name))
                if name in defaults
                else gr.update(visible=False)
                for name in SLIDERS
            ),
        )

    # no telemetry from a counselling chat; temporary files swept (CACHE_SWEEP)
    with gr.Blocks(title="마음챗 MaeumChat", analytics_enabled=False, delete_cache=CACHE_SWEEP) as app:
        gr.HTML(
            '<h1 class="mc-title">마음챗 <span>MaeumChat</span></h1>'
            '<p class="mc-subtitle">감정을 읽고 공감하며 답하는 한국어 챗봇</p>',
            js_on_load=None,
            elem_id="title",
        )
        banner = gr.Markdown(engine_banner(known) if known else ENGINE_PENDING, elem_id="engine-banner")
        help_banner = gr.HTML(help_banner_html, visible=False, elem_id="help-banner", js_on_load=None)
        if save_history:
            conversation_state = gr.BrowserState(None, storage_key=HISTORY_STORAGE_KEY)
        else:
            conversation_state = gr.State(None)
        with gr.Row(equal_height=False, elem_id="main-row"):
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
                    feedback_options=("Like", "Dislike") if feedback else None,
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
            with gr.Column(scale=2, min_width=300, elem_id="emotion-column"):
                emotion_bars = gr.HTML(emotion_bars_html({}), elem_id="emotion-label", js_on_load=None)
                emotion_plot = gr.HTML(
                    timeline_html(transcript.new_conversation()), elem_id="emotion-plot", js_on_load=None
                )
        notes = ["휴지통 아이콘은 대화와 감정 기록을 모두 지워요."]
        if save_history:
            notes.append("대화는 이 브라우저에만 저장돼 새로고침해도 이어져요.")
        if feedback:
            notes.append("답 아래 👍/👎 평가는 메시지·답·감정과 함께 이 서버의 평가 파일에 저장돼요.")
        with gr.Row(elem_id="chat-notes"):
            gr.Markdown(" ".join(notes), elem_classes="mc-notes")
            download = gr.Button(
                "대화 내려받기 (.txt)", size="sm", variant="secondary", elem_id="download", scale=0, min_width=160
            )
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
        transcript_box = gr.Textbox(visible=False, elem_id="transcript")  # the download's text, kept in the page
        gr.HTML((UI_DIR / "help_footer.html").read_text(encoding="utf-8"), js_on_load=None, elem_id="footer-help")
        licence = gr.Markdown((licence_notice(known) or "") if known else "", elem_id="licence-notice")  # the
        # licences of the models the engine runs (full engine)
        # the API: hidden components give /chat named, labelled parameters and outputs
        api_message = gr.Textbox(visible=False, label="메시지")
        api_reply = gr.Textbox(visible=False, label="답")
        api_emotion = gr.JSON(visible=False, label="감정 점수")
        api_timeline = gr.JSON(visible=False, label="차례별 감정 점수 (1번째 차례부터)")
        api_conversation = gr.State(None)
        api_trigger, api_stream_trigger = gr.Button(visible=False), gr.Button(visible=False)

        def show_engine(done: Future) -> None:
            """Once the engine is built, pages opened from then on show it at once (`engine_ready` fills in the
            pages opened before): its banner, licences and sliders become the page's initial values."""
            if done.exception() is not None:
                return
            chatbot, defaults = done.result(), slider_defaults(done.result())
            banner.value, licence.value, settings.visible = (
                engine_banner(chatbot),
                licence_notice(chatbot) or "",
                bool(defaults),
            )
            for name, slider in zip(SLIDERS, sliders):
                slider.visible = name in defaults
                slider.value = defaults.get(name, slider.value)
            app.config = app.get_config_file()  # what the page's /config serves from now on

        if known is None:
            engine.add_done_callback(show_engine)

        rendered = [chat_view, emotion_bars, emotion_plot, help_banner, transcript_box, conversation_state]
        ui_outputs = [*rendered, textbox]
        private = {"api_visibility": "private", "show_progress": "hidden"}
        turns = [textbox.submit(send, [textbox, conversation_state, *sliders], ui_outputs, **chat_events, **private)]
        for button in example_buttons:
            turns.append(
                button.click(
                    send_example, [button, conversation_state, *sliders], ui_outputs, **chat_events, **private
                )
            )
        turns.append(chat_view.retry(retry, [conversation_state, *sliders], ui_outputs, **chat_events, **private))
        chat_view.undo(undo, [conversation_state], ui_outputs, queue=False, **private)
        chat_view.clear(clear, None, ui_outputs, cancels=turns, queue=False, **private)  # a reply on its way
        # would otherwise bring the cleared conversation back when it arrives
        if feedback:
            chat_view.like(rate, [conversation_state], None, queue=False, **private)
        download.click(
            None, [transcript_box], None, js=(UI_DIR / "download.js").read_text(encoding="utf-8"), **private
        )
        app.load(restore, [conversation_state], rendered, queue=False, **private)
        if known is None:
            app.load(engine_ready, None, [banner, licence, settings, *sliders], **private)
        api_io = ([api_message, *sliders, api_conversation], [api_reply, api_emotion, api_timeline, api_conversation])
        # /chat answers outside Gradio's queue (one HTTP request, a third of the queue's cost per call, limited by
        # its own limiter above); /chat_stream goes through the queue, which streaming needs
        api_trigger.click(chat, *api_io, api_name="chat", api_description=API_DESCRIPTION, queue=False)
        api_stream_trigger.click(
            chat_stream,
            *api_io,
            api_name="chat_stream",
            api_description=API_DESCRIPTION + " 답은 만들어지는 대로 나눠서 보내요.",
            **chat_events,
        )
    return app


def offline_theme():
    """Gradio's Soft theme with locally installed fonts only: the default theme imports Google Fonts, which an
    offline machine cannot reach (and a browser would try on every page load)."""
    import gradio as gr

    from data.fonts import font_families

    return gr.themes.Soft(
        font=[*font_families("korean"), "sans-serif", *font_families("emoji")],
        font_mono=[*font_families("korean_monospace"), "monospace"],
    )


def start_share_link(host: str, port: int, timeout_s: float = SHARE_TIMEOUT_S, tunnel=None) -> tuple[str | None, str]:
    """(public URL, "") or (None, why not). Runs the tunnel in a daemon thread so a dead network cannot hang us.

    `tunnel(local_host, local_port, share_token, share_server_address, share_server_tls_certificate) -> url`
    defaults to Gradio's `networking.setup_tunnel`; tests pass their own.
    """
    if tunnel is None:
        from gradio.networking import setup_tunnel as tunnel
    result: dict = {}

    def run():
        try:
            result["url"] = tunnel(
                local_host=host,
                local_port=port,
                share_token=secrets.token_urlsafe(32),
                share_server_address=None,
                share_server_tls_certificate=None,
            )
        except BaseException as error:  # noqa: BLE001 — any failure means "no link", reported below
            result["error"] = f"{type(error).__name__}: {error}"

    worker = threading.Thread(target=run, name="share-tunnel", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        return None, f"no answer from the share server within {timeout_s:.0f} s"
    if "error" in result:
        return None, result["error"].splitlines()[0]
    url = urlparse(str(result.get("url", "")))
    if not url.netloc:
        return None, f"the tunnel returned no usable address ({result.get('url')!r})"
    return urlunparse(("https",) + tuple(url[1:])), ""


def launch(
    args: argparse.Namespace,
    chatbot=None,
    tunnel=None,
    share_timeout_s: float = SHARE_TIMEOUT_S,
    session_ttl_s: float = SESSION_TTL_S,
):
    """Start serving without blocking; returns (app, local_url, share_url or None) once the engine is ready.

    Without `chatbot`, the page is served first and the engine is built from the flags while the browser loads it
    (Gradio's import and the engine's build each take seconds, and cannot overlap in one Python process).
    """
    engine: Future = Future()
    if chatbot is not None:
        engine.set_result(chatbot)
    feedback = None
    if args.feedback_db:
        from chatbot.feedback import FeedbackStore

        feedback = FeedbackStore(args.feedback_db)  # before serving: a bad path stops here, not at the first 👍
    app = build_app(
        engine, concurrency_limit=args.concurrency, feedback=feedback, save_history=not args.no_save_history
    )
    auth = throttled_login(*args.auth.split(":", 1)) if args.auth else None
    app.queue(default_concurrency_limit=args.concurrency)
    app.launch(
        server_name=args.host,
        server_port=args.port,
        auth=auth,
        share=False,
        prevent_thread_lock=True,
        quiet=True,
        show_error=True,
        theme=offline_theme(),
        css_paths=[UI_DIR / "app.css"],
        auth_message="마음챗에 로그인하세요.",
        footer_links=["api", "settings"],
        run_history=False,  # no second copy of counselling conversations in the browser's run history
        enable_monitoring=False,  # no /monitoring page of who sent what when
        max_file_size=MAX_UPLOAD,
        state_session_capacity=MAX_SESSIONS,
    )
    start_session_expiry(app, session_ttl_s)
    local_url = f"http://{args.host}:{app.server_port}/"
    print(f"Serving locally at {local_url}", flush=True)
    if not engine.done():
        started = time.monotonic()
        try:
            built = build_chatbot(args)
            built.reply(
                WARM_UP_MESSAGE
            )  # what an engine loads on first use (Kiwi: seconds) loads now, not for a person
            engine.set_result(built)
        except BaseException as error:
            engine.set_exception(error)  # requests waiting for it get the error too
            app.close()
            raise
        took = f" (ready {time.monotonic() - started:.1f} s after the page)"
    else:
        took = ""
    ready = engine.result()
    print(f"MaeumChat engine: {ready.engine} — {ready.description}{took}", flush=True)
    if feedback:
        print(f"Ratings (👍/👎) are stored in {feedback.path}", flush=True)
    share_url = None
    if args.share:
        if not auth:
            print(
                "WARNING: --share without --auth: anyone who gets the link can use this chatbot "
                "(add --auth USER:PASS).",
                flush=True,
            )
        share_url, reason = start_share_link(args.host, app.server_port, share_timeout_s, tunnel)
        if share_url:
            print(f"Public link: {share_url}", flush=True)
        else:
            print(f"Could not create a public share link ({reason}); still serving locally at {local_url}", flush=True)
    return app, local_url, share_url


class _EngineLinePrinted(logging.Filter):
    """app.py prints the engine line itself (once, with its description): drop the engine's own copy of it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "chatbot.engine" and str(record.msg).startswith("MaeumChat engine:"))


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_EngineLinePrinted())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # otherwise one line per internal HTTP request
    check_port(args.host, args.port)
    app, _, _ = launch(args)
    try:
        app.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
