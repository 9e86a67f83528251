"""MaeumChat web UI (Gradio) — wiring only; every behaviour lives in `chatbot` (`Chatbot`, `transcript`, `plots`,
`feedback`), the page's components and events in `webui/`, its text and style in `ui/`.

    python app.py                                   # offline default (or full, when checkpoints/ holds both)
    python app.py --data ../shared/data/wellness/wellness_dialog_dataset.csv   # more replies for the offline engine
    python app.py --classifier checkpoints/classifier --generator checkpoints/generator --device cuda
    python app.py --feedback_db feedback.db         # 👍/👎 on replies, stored in that SQLite file
    python app.py --share --auth me:secret          # public link (needs internet); keeps serving locally if none

The page is served before the engine is built, so it shows while the models load; a message sent in that time
waits for the engine.
"""

import argparse
import logging
import secrets
import sys
import threading
import time
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse, urlunparse

from chatbot.engine_flags import add_engine_arguments, build_chatbot, check_engine_arguments
from chatbot.feedback import FeedbackStore
from chatbot.server_limits import SESSION_TTL_S, check_port, start_session_expiry, throttled_login
from data.cli import add_debug_flag, run_cli
from data.fonts import font_families
from webui import UI_DIR

if TYPE_CHECKING:
    import gradio as gr

    from chatbot import Chatbot
    from chatbot.feedback import FeedbackStore

DEFAULT_HOST = "127.0.0.1"  # loopback: nothing is exposed unless asked (--host 0.0.0.0 or --share)
DEFAULT_PORT = 7860  # Gradio's usual port
SHARE_TIMEOUT_S = 45.0  # Gradio's own tunnel steps time out at 30 s each; never wait longer than this
DEFAULT_CONCURRENCY = 8  # conversations answered at once; Chatbot is thread-safe, the CPU is the limit
MAX_UPLOAD = "1mb"  # the UI takes no files; Gradio's upload route is open all the same, so cap it
MAX_SESSIONS = 1000  # sessions kept in memory at most (oldest dropped first): each holds a page config
CACHE_SWEEP = (600, 3600)  # delete_cache: every 10 min, drop temporary files older than an hour
WARM_UP_MESSAGE = "안녕하세요"  # answered once at start-up, before the engine is announced
# How the server runs whatever the flags say (`launch` adds where it listens, the login and the theme).
SERVE_OPTIONS: dict[str, Any] = {
    "share": False,  # a public link is made by start_share_link, which cannot hang on a dead network
    "prevent_thread_lock": True,  # launch() returns; main() blocks
    "quiet": True,
    "show_error": True,
    "css_paths": [UI_DIR / "app.css"],
    "auth_message": "마음챗에 로그인하세요.",
    "footer_links": ["api", "settings"],
    "run_history": False,  # no second copy of counselling conversations in the browser's run history
    "enable_monitoring": False,  # no /monitoring page of who sent what when
    "max_file_size": MAX_UPLOAD,
    "state_session_capacity": MAX_SESSIONS,
}


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
    add_engine_arguments(parser)
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
    check_engine_arguments(parser, args)
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


def build_app(
    engine: "Chatbot | Future[Chatbot]",
    concurrency_limit: int | None = DEFAULT_CONCURRENCY,
    feedback: "FeedbackStore | None" = None,
    save_history: bool = True,
) -> "gr.Blocks":
    """The Gradio Blocks. `engine` is a `Chatbot` or a `Future` that gives one (the page is usable before it is done).

    One conversation per browser tab (`chatbot.transcript`) is the single source of the chat, the emotion bars, the
    timeline, the help banner and the download: every event (send, example, retry, undo, clear, reload) derives all
    of them from it. `/chat` is the API: message and sampling options in; reply, emotion scores and the per-turn
    timeline out; the gradio_client session keeps its own conversation. `feedback` stores 👍/👎 on replies.
    """
    import gradio as gr  # why: gradio; `app.py --help` stays light

    from webui import events, layout
    from webui.handlers import ChatHandlers

    if not isinstance(engine, Future):
        ready, engine = engine, Future()
        engine.set_result(ready)
    known = engine.result() if engine.done() and engine.exception() is None else None  # else: filled in on page load
    handlers = ChatHandlers(engine, feedback, concurrency_limit)
    queue = events.chat_queue(concurrency_limit)
    # no telemetry from a counselling chat; temporary files swept (CACHE_SWEEP)
    with gr.Blocks(title="마음챗 MaeumChat", analytics_enabled=False, delete_cache=CACHE_SWEEP) as app:
        page = layout.build_page(known, save_history=save_history, ratings=feedback is not None)
        if known is None:
            engine.add_done_callback(partial(layout.show_engine, app, page))
        events.wire_page(app, page, handlers, queue, ratings=feedback is not None)
        if known is None:
            events.wire_engine_ready(app, page, handlers)
        events.wire_api(page, handlers, queue)
    return app


def offline_theme():
    """Gradio's Soft theme with locally installed fonts only: the default theme imports Google Fonts, which an
    offline machine cannot reach (and a browser would try on every page load)."""
    import gradio as gr  # why: gradio; `app.py --help` stays light

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
        from gradio.networking import setup_tunnel as tunnel  # why: gradio; `app.py --help` stays light
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
        return None, f"no answer from the share server within {timeout_s:g} s"
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
        feedback = FeedbackStore(args.feedback_db)  # before serving: a bad path stops here, not at the first 👍
    app = build_app(
        engine, concurrency_limit=args.concurrency, feedback=feedback, save_history=not args.no_save_history
    )
    auth = throttled_login(*args.auth.split(":", 1)) if args.auth else None
    app.queue(default_concurrency_limit=args.concurrency)
    app.launch(server_name=args.host, server_port=args.port, auth=auth, theme=offline_theme(), **SERVE_OPTIONS)
    start_session_expiry(app, session_ttl_s)
    local_url = f"http://{args.host}:{app.server_port}/"
    print(f"Serving locally at {local_url}", flush=True)
    if not engine.done():
        started = time.monotonic()
        try:
            built = build_chatbot(args, max_message_chars=args.max_message_chars)
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
