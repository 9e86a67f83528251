"""MaeumChat web UI (Gradio) — wiring only; every behaviour lives in `chatbot.Chatbot`.

    python app.py                                   # offline default (or full, when checkpoints/ holds both)
    python app.py --data ../shared/data/wellness/wellness_dialog_dataset.csv   # more replies for the offline engine
    python app.py --classifier checkpoints/classifier --generator checkpoints/generator --device cuda
    python app.py --share --auth me:secret          # public link (needs internet); keeps serving locally if none
"""
from __future__ import annotations

import argparse
import logging
import secrets
import sys
import threading
from urllib.parse import urlparse, urlunparse

from chatbot.server_limits import SESSION_TTL_S, check_port, start_session_expiry, throttled_login
from data.cli import add_debug_flag, run_cli

DEFAULT_HOST = "127.0.0.1"      # loopback: nothing is exposed unless asked (--host 0.0.0.0 or --share)
DEFAULT_PORT = 7860             # Gradio's usual port
SHARE_TIMEOUT_S = 45.0          # Gradio's own tunnel steps time out at 30 s each; never wait longer than this
DEFAULT_CONCURRENCY = 8         # conversations answered at once; Chatbot is thread-safe, the CPU is the limit
MAX_UPLOAD = "1mb"              # the UI takes no files; Gradio's upload route is open all the same, so cap it
MAX_SESSIONS = 1000             # sessions kept in memory at most (oldest dropped first): each holds a page config
CACHE_SWEEP = (600, 3600)       # delete_cache: every 10 min, drop temporary files older than an hour
EXAMPLES = (                    # one per emotion, shown under the chat
    "오늘 친구들이랑 맛있는 거 먹어서 너무 행복했어",
    "시험이 다음 주인데 불안해서 잠이 안 와",
    "팀장님이 내 아이디어를 가로채서 화가 나",
    "키우던 강아지가 무지개다리를 건넜어",
    "요즘 아무것도 하기 싫고 무기력해",
    "오늘 점심 뭐 먹을지 고민이야",
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python app.py", description="MaeumChat: 감정을 읽는 한국어 챗봇 웹 UI (Gradio).",
        epilog="Without --classifier/--generator: the full engine when checkpoints/classifier and "
               "checkpoints/generator hold trained checkpoints, otherwise the offline default (no downloads).")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--share", action="store_true", help="also create a public gradio.live link (needs internet)")
    parser.add_argument("--auth", metavar="USER:PASS", help="require this login (strongly advised with --share)")
    parser.add_argument("--classifier", metavar="DIR_OR_HUB_ID", help="emotion classifier checkpoint (full engine)")
    parser.add_argument("--generator", metavar="DIR_OR_HUB_ID", help="reply generator checkpoint (full engine)")
    parser.add_argument("--data", nargs="+", default=[], metavar="FILE",
                        help="wellness / 감성대화 / ChatbotData / own CSV files: replies (and labels) for the offline engine")
    parser.add_argument("--offline", action="store_true", help="use the offline default even when checkpoints exist")
    parser.add_argument("--checkpoints_dir", default="checkpoints", help="where trained checkpoints are looked for")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto", help="auto = CUDA when present")
    parser.add_argument("--quantize", action="store_true", help="int8 generator on CPU (faster, slightly different)")
    parser.add_argument("--max_message_chars", type=int, default=500, help="longer messages are cut, with a note")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY,
                        help=f"conversations answered at the same time (default {DEFAULT_CONCURRENCY})")
    add_debug_flag(parser)
    args = parser.parse_args(argv)
    if args.auth is not None and (":" not in args.auth or not args.auth.split(":", 1)[0]):
        parser.error(f"--auth {args.auth!r}: expected USER:PASS")
    if args.offline and (args.classifier or args.generator):
        parser.error("--offline cannot be combined with --classifier/--generator")
    if not 1 <= args.port <= 65535:
        parser.error(f"--port {args.port}: expected 1–65535")
    return args


def build_chatbot(args: argparse.Namespace):
    """The Chatbot the flags ask for (see --help)."""
    from chatbot import Chatbot

    common = {"max_message_chars": args.max_message_chars}
    if args.classifier or args.generator:
        if args.data:
            print("note: --data feeds only the offline engine; ignored with --classifier/--generator", file=sys.stderr)
        return Chatbot.from_pretrained(classifier=args.classifier or f"{args.checkpoints_dir}/classifier",
                                       generator=args.generator or f"{args.checkpoints_dir}/generator",
                                       device=args.device, quantize=args.quantize, **common)
    if args.offline:
        return Chatbot.offline(data_files=args.data, checkpoints_dir=args.checkpoints_dir, **common)
    return Chatbot.default(checkpoints_dir=args.checkpoints_dir, data_files=args.data, device=args.device,
                           quantize=args.quantize, **common)


def build_app(chatbot, concurrency_limit: int | None = DEFAULT_CONCURRENCY):
    """The Gradio Blocks: chat (streaming, API `/chat`) beside emotion bars and the emotion-over-time plot."""
    import gradio as gr

    from chatbot.licences import licence_notice
    from chatbot.plots import emotion_timeline

    responder_config = getattr(chatbot.responder, "config", None)  # sliders start at the engine's own defaults

    def start(option: str, fallback: float) -> float:
        value = getattr(responder_config, option, None)
        return fallback if value is None else value

    def respond(message, history, temperature, top_p, max_new_tokens, timeline):
        options = {"temperature": temperature, "top_p": top_p,
                   "max_new_tokens": None if max_new_tokens is None else int(max_new_tokens)}
        text = ""
        for item in chatbot.stream(message, history, **options):
            if isinstance(item, str):
                text += item
                yield text, gr.skip(), gr.skip(), gr.skip()
                continue
            shown = f"{item.text}\n\n({item.note})" if item.note else item.text
            if not item.scores:  # empty message: no classification happened
                yield shown, gr.skip(), gr.skip(), gr.skip()
                return
            timeline = [*(timeline or []), item.scores]
            # The plot as its JSON payload: the `/chat` API endpoint skips postprocessing, and a DataFrame
            # neither serialises nor survives Gradio's streaming diff there; the UI path passes dicts through.
            plot = emotion_plot.postprocess(emotion_timeline(timeline)).model_dump()
            yield shown, item.scores, plot, timeline

    # no telemetry from a counselling chat; temporary files swept (CACHE_SWEEP)
    with gr.Blocks(title="MaeumChat 마음챗", analytics_enabled=False, delete_cache=CACHE_SWEEP) as app:
        gr.Markdown(f"## 마음챗 MaeumChat — 감정을 읽는 한국어 챗봇\n**엔진:** {chatbot.description} (`{chatbot.engine}`)",
                    elem_id="engine-banner")
        emotion_bars = gr.Label(label="감정 (분류기 점수)", num_top_classes=6, render=False, elem_id="emotion-label")
        emotion_plot = gr.LinePlot(value=None, x="turn", y="score", color="emotion",
                                   y_lim=[0, 1], title="대화 속 감정 변화", x_title="turn", y_title="score",
                                   height=260, render=False, elem_id="emotion-plot")  # starts empty (None):
        # a plot whose first value is an empty table never draws its lines in Gradio 6.31's browser code
        timeline_state = gr.State([])  # per browser session: the scores of each user turn so far
        with gr.Row():
            with gr.Column(scale=3):
                with gr.Accordion("생성 설정 (temperature, top-p, max new tokens)", open=False):
                    with gr.Row():
                        sliders = [
                            gr.Slider(0.1, 1.5, value=start("temperature", 0.7), step=0.05, label="temperature"),
                            gr.Slider(0.1, 1.0, value=start("top_p", 0.9), step=0.05, label="top-p"),
                            gr.Slider(8, 128, value=start("max_new_tokens", 48), step=8, label="max new tokens"),
                        ]
                gr.ChatInterface(
                    respond,
                    chatbot=gr.Chatbot(label="대화", height=460, elem_id="chat"),
                    textbox=gr.Textbox(placeholder="마음을 편하게 이야기해 주세요 (Enter로 보내기)",
                                       elem_id="message", submit_btn=True),
                    additional_inputs=[*sliders, timeline_state],
                    additional_outputs=[emotion_bars, emotion_plot, timeline_state],
                    examples=[[text, None, None, None, None] for text in EXAMPLES],
                    run_examples_on_click=True,
                    api_name="chat",
                    concurrency_limit=concurrency_limit,
                    fill_height=False,
                    analytics_enabled=False,
                )
            with gr.Column(scale=2):
                emotion_bars.render()
                emotion_plot.render()
        gr.Markdown("힘든 마음이 계속된다면 자살예방상담전화 109 (24시간), 정신건강위기상담 1577-0199, "
                    "위급할 때는 112·119에 연락하세요.")
        gr.Markdown(licence_notice(chatbot) or "", elem_id="licence-notice")  # model/data licences (full engine)
    for fn in app.fns.values():  # the ChatInterface's internal steps are for the page only: /chat is the API
        if fn.api_name != "chat":
            fn.api_visibility = "private"
    return app


def offline_theme():
    """Gradio's Soft theme with locally installed fonts only: the default theme imports Google Fonts, which an
    offline machine cannot reach (and a browser would try on every page load)."""
    import gradio as gr

    return gr.themes.Soft(font=["Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", "sans-serif"],
                          font_mono=["Noto Sans Mono CJK KR", "monospace"])


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
            result["url"] = tunnel(local_host=host, local_port=port, share_token=secrets.token_urlsafe(32),
                                   share_server_address=None, share_server_tls_certificate=None)
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


def launch(args: argparse.Namespace, chatbot=None, tunnel=None, share_timeout_s: float = SHARE_TIMEOUT_S,
           session_ttl_s: float = SESSION_TTL_S):
    """Build and start serving without blocking; returns (app, local_url, share_url or None)."""
    if chatbot is None:
        chatbot = build_chatbot(args)
    print(f"MaeumChat engine: {chatbot.engine} — {chatbot.description}", flush=True)
    app = build_app(chatbot, concurrency_limit=args.concurrency)
    auth = throttled_login(*args.auth.split(":", 1)) if args.auth else None
    app.queue(default_concurrency_limit=args.concurrency)
    app.launch(server_name=args.host, server_port=args.port, auth=auth, share=False, prevent_thread_lock=True,
               quiet=True, show_error=True, theme=offline_theme(), max_file_size=MAX_UPLOAD,
               state_session_capacity=MAX_SESSIONS)
    start_session_expiry(app, session_ttl_s)
    local_url = f"http://{args.host}:{app.server_port}/"
    print(f"Serving locally at {local_url}", flush=True)
    share_url = None
    if args.share:
        if not auth:
            print("WARNING: --share without --auth: anyone who gets the link can use this chatbot "
                  "(add --auth USER:PASS).", flush=True)
        share_url, reason = start_share_link(args.host, app.server_port, share_timeout_s, tunnel)
        if share_url:
            print(f"Public link: {share_url}", flush=True)
        else:
            print(f"Could not create a public share link ({reason}); still serving locally at {local_url}",
                  flush=True)
    return app, local_url, share_url


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
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
