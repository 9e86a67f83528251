"""Chatbot benchmark, one run: reply latency of `Chatbot.reply()` for the offline default and the full engine
(full-size random-initialised KoBERT + KoGPT2 on this machine, 32-token replies), then round trip and throughput of
`python app.py` (its own process, offline default) with 1, 8 and 32 concurrent conversations, through Gradio's
documented HTTP API (the event stream a browser reads) and through `gradio_client`.

    python -m bench.bench_chatbot            # measurement
    python -m bench.bench_chatbot --quick    # smoke run: tiny models, few turns (numbers mean nothing)

Ratios are against baselines measured in the same run (full vs offline latency; app throughput vs 1
conversation; app round trip vs direct `reply()`), so they hold up on a loaded machine better than raw times.
The full engine needs the real tokenizers in ../shared/tokenizers (or --tokenizers_dir); without them it is skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import EVERYDAY_MESSAGES as MESSAGES, REPO, app_environment, free_port, percentile
from chatbot import Chatbot
from data import EMOTIONS
from data.cli import make_parser
from generator import GeneratorConfig, ResponseGenerator, load_kogpt2_tokenizer


def reply_latency(bot, turns: int, options: dict) -> list[float]:
    """Seconds per `reply()` over one growing conversation of `turns` messages (after one warm-up reply)."""
    bot.reply("안녕", **options)
    history: list[dict] = []
    seconds: list[float] = []
    for turn in range(turns):
        message = MESSAGES[turn % len(MESSAGES)]
        start = time.perf_counter()
        reply = bot.reply(message, history, **options)
        seconds.append(time.perf_counter() - start)
        history = (history + [{"role": "user", "content": message}, {"role": "assistant", "content": reply.text}])[-8:]
    return seconds


def full_engine(tokenizers_dir: Path, quick: bool, workdir: Path):
    """Chatbot over full-size (or, with --quick, tiny) random-initialised KoBERT + KoGPT2, via from_pretrained."""
    import torch
    from transformers import BertConfig, GPT2LMHeadModel

    from classifier import EmotionClassifier, load_kobert_tokenizer
    from generator.tokenization import kogpt2_config

    torch.manual_seed(0)
    kobert = BertConfig.from_pretrained(str(tokenizers_dir / "kobert"))  # skt/kobert-base-v1's config: 12 × 768
    kogpt2 = kogpt2_config()  # skt/kogpt2-base-v2's
    if quick:
        kobert.update({"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64})
        kogpt2.update({"n_embd": 32, "n_layer": 2, "n_head": 2})
    classifier = EmotionClassifier.from_config(
        kobert, load_kobert_tokenizer(tokenizers_dir / "kobert"), list(EMOTIONS), device="cpu"
    )
    generator = ResponseGenerator(
        GPT2LMHeadModel(kogpt2), load_kogpt2_tokenizer(tokenizers_dir / "kogpt2"), GeneratorConfig()
    )
    classifier.save_pretrained(workdir / "classifier")
    generator.save_pretrained(workdir / "generator")
    return Chatbot.from_pretrained(workdir / "classifier", workdir / "generator", device="cpu")


def serve_noop(port: int, concurrency_limit: int) -> None:
    """The baseline server: Gradio serving a `/chat` with the app's inputs and outputs that does nothing, served
    the same way (outside the queue). What it costs per request is Gradio's floor, whatever the chatbot does."""
    import gradio as gr

    def chat(message, temperature, top_p, max_new_tokens, conversation):
        return "", {}, [], conversation

    with gr.Blocks(analytics_enabled=False) as noop:
        inputs = [gr.Textbox(label="메시지"), gr.Slider(0.1, 1.5), gr.Slider(0.1, 1.0), gr.Slider(8, 128), gr.State()]
        outputs = [gr.Textbox(), gr.JSON(), gr.JSON(), inputs[-1]]
        gr.Button().click(chat, inputs, outputs, api_name="chat", queue=False)
    noop.queue(default_concurrency_limit=concurrency_limit)
    noop.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    print("MaeumChat engine: none (Gradio floor)", flush=True)
    noop.block_thread()


def start_app(port: int, concurrency_limit: int, workdir: Path, noop: bool = False) -> subprocess.Popen:
    """`python app.py` on the offline default in its own process, as `make run` starts it (its own interpreter and
    GIL, like a real deployment), returned once its engine is ready; `noop`: the `serve_noop` baseline instead."""
    if noop:
        code = f"from bench.bench_chatbot import serve_noop; serve_noop({port}, {concurrency_limit})"
        command = [sys.executable, "-c", code]
    else:
        flags = ["--host", "127.0.0.1", "--port", str(port), "--concurrency", str(concurrency_limit)]
        flags += ["--checkpoints_dir", str(workdir / "none"), "--no_save_history"]
        command = [sys.executable, str(REPO / "app.py"), *flags]
    env = app_environment()
    process = subprocess.Popen(
        command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None  # stdout=PIPE
    stdout = process.stdout
    lines = []
    deadline = time.monotonic() + 180
    for line in stdout:
        lines.append(line)
        if "MaeumChat engine:" in line:
            threading.Thread(target=stdout.read, daemon=True).start()  # keep draining its log
            return process
        if time.monotonic() > deadline:
            break
    process.kill()
    raise RuntimeError("app.py did not start:\n" + "".join(lines[-20:]))


class HttpConversation:
    """One conversation over HTTP the way Gradio's own clients call an endpoint served outside the queue (as
    `/chat` is): one POST to /gradio_api/run/chat with this conversation's session, whose state keeps the
    conversation on the server as a browser tab's does. No client library: what is timed is the app."""

    def __init__(self, base_url: str):
        import httpx

        self.http = httpx.Client(base_url=base_url.rstrip("/") + "/gradio_api", timeout=120)
        self.session = uuid.uuid4().hex

    def send(self, message: str) -> list:
        response = self.http.post(
            "/run/chat",
            json={
                "data": [message, 0.8, 0.9, 32, None],  # None: session state
                "session_hash": self.session,
            },
        )
        if response.status_code != 200 or "data" not in response.json():
            raise RuntimeError(f"/chat failed: {response.status_code} {response.text[:300]}")
        return response.json()["data"]

    def close(self):
        self.http.close()


class ClientConversation:
    """One conversation through `gradio_client` (one Client = one session). Its result loop polls every 50 ms
    (gradio_client/utils.py), which sets a floor under each round trip that is the client's, not the app's."""

    def __init__(self, base_url: str):
        from gradio_client import Client

        self.client = Client(base_url, verbose=False)

    def send(self, message: str):
        return self.client.predict(message, 0.8, 0.9, 32, api_name="/chat")

    def close(self):
        self.client.close()


ROUND_TRIPS = 40  # requests timed at least per level, so a single conversation's p50 is not a handful of samples


def timed_turns(conversation, index: int, turns: int) -> list[float]:
    """Seconds of each of the `turns` messages one conversation sends (starting at message `index`)."""
    seconds = []
    for turn in range(turns):
        start = time.perf_counter()
        conversation.send(MESSAGES[(index + turn) % len(MESSAGES)])
        seconds.append(time.perf_counter() - start)
    return seconds


def app_throughput(local_url: str, client_type, levels: list[int], turns: int) -> dict[int, tuple[float, list[float]]]:
    """{conversations: (replies per second, per-request seconds)} with `client_type` conversations at once, each
    sending `turns` messages (more at low levels, so that every level times at least ROUND_TRIPS requests)."""
    results = {}
    for level in levels:
        level_turns = max(turns, -(-ROUND_TRIPS // level))
        conversations = [client_type(local_url) for _ in range(level)]
        conversations[0].send("안녕")  # warm-up
        start = time.perf_counter()
        with ThreadPoolExecutor(level) as pool:
            per_request = [
                s
                for seconds in pool.map(timed_turns, conversations, range(level), [level_turns] * level)
                for s in seconds
            ]
        wall = time.perf_counter() - start
        results[level] = (len(per_request) / wall, per_request)
        for item in conversations:
            item.close()
    return results


def serve_and_measure(
    noop: bool, client_type, limit: int, workdir: Path, levels: list[int], turns: int
) -> dict[int, tuple[float, list[float]]]:
    """`app_throughput` against a server of its own (the app, or Gradio's no-op baseline) on a free port."""
    port = free_port()
    server = start_app(port, limit, workdir, noop=noop)
    try:
        return app_throughput(f"http://127.0.0.1:{port}/", client_type, levels, turns)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def parse_args(argv=None) -> argparse.Namespace:
    parser = make_parser("python -m bench.bench_chatbot", __doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny full engine, few turns")
    parser.add_argument("--turns", type=int, default=None, help="replies timed per engine (default 40; quick 4)")
    parser.add_argument(
        "--full_turns", type=int, default=None, help="replies timed for the full engine (default 12; quick 2)"
    )
    parser.add_argument("--max_new_tokens", type=int, default=32, help="reply length of the full engine")
    parser.add_argument(
        "--levels", type=int, nargs="+", default=[1, 8, 32], help="concurrent conversations in the app"
    )
    parser.add_argument(
        "--app_turns", type=int, default=None, help="messages per conversation in the app (default 8; quick 1)"
    )
    parser.add_argument("--concurrency", type=int, default=None, help="app concurrency limit (default: app.py's)")
    parser.add_argument("--tokenizers_dir", type=Path, default=REPO.parent / "shared" / "tokenizers")
    parser.add_argument("--no_gradio_client", action="store_true", help="measure the app over the HTTP API only")
    return parser.parse_args(argv)


def direct_latency(args: argparse.Namespace) -> float:
    """`Chatbot.reply()` p50 of the offline engine (returned: the baseline of the app's round trip) and of the full
    engine when the tokenizers are there."""
    import torch

    turns = args.turns or (4 if args.quick else 40)
    full_turns = args.full_turns or (2 if args.quick else 12)
    print(f"torch threads: {torch.get_num_threads()}, CPUs: {os.cpu_count()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        offline = Chatbot.offline(checkpoints_dir=Path(tmp) / "none")
        offline_seconds = reply_latency(offline, turns, {})
        offline_p50 = statistics.median(offline_seconds)
        print(
            f"offline default  reply(): p50 {offline_p50 * 1e3:.1f} ms  "
            f"p95 {percentile(offline_seconds, 95) * 1e3:.1f} ms"
            f"  ({turns} replies)",
            flush=True,
        )

        if (args.tokenizers_dir / "kobert").is_dir() and (args.tokenizers_dir / "kogpt2").is_dir():
            full = full_engine(args.tokenizers_dir, args.quick, Path(tmp))
            options = {"max_new_tokens": args.max_new_tokens, "do_sample": True, "seed": 0}
            full_seconds = reply_latency(full, full_turns, options)
            full_p50 = statistics.median(full_seconds)
            size = "tiny (--quick)" if args.quick else "full-size random-init"
            print(
                f"full engine [{size}] reply(), {args.max_new_tokens} new tokens: p50 {full_p50 * 1e3:.0f} ms  "
                f"p95 {percentile(full_seconds, 95) * 1e3:.0f} ms  ({full_turns} replies)  "
                f"= {full_p50 / offline_p50:.0f}× the offline p50",
                flush=True,
            )
        else:
            print(f"full engine: skipped ({args.tokenizers_dir}/kobert and /kogpt2 not found)", flush=True)
    return offline_p50


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # the benchmark talks to loopback only
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # app.py lives at the repo root, outside the packages
    app_turns = args.app_turns or (1 if args.quick else 8)
    levels = [1, 2] if args.quick and args.levels == [1, 8, 32] else args.levels
    offline_p50 = direct_latency(args)

    import app as app_module  # found once REPO is on sys.path (above)

    limit = args.concurrency or app_module.DEFAULT_CONCURRENCY
    results = {}
    clients = [("HTTP", HttpConversation)] + ([] if args.no_gradio_client else [("gradio_client", ClientConversation)])
    servers = [("Gradio serving a no-op /chat (baseline)", True), ("app.py, offline default", False)]
    with tempfile.TemporaryDirectory() as tmp:
        for server_name, noop in servers:
            for client_name, client_type in clients:
                if noop and client_type is ClientConversation:
                    continue
                measured = serve_and_measure(noop, client_type, limit, Path(tmp), levels, app_turns)
                key = f"{'noop' if noop else 'app'}_{client_type.__name__}"
                results[key] = {
                    level: {"replies_per_s": rate, "p50_s": statistics.median(seconds)}
                    for level, (rate, seconds) in measured.items()
                }
                base_rate = measured[levels[0]][0]
                print(
                    f"{server_name}, own process, through {client_name}, concurrency limit {limit}, "
                    f"{app_turns} messages per conversation (at least {ROUND_TRIPS} requests per level):"
                )
                for level, (rate, seconds) in measured.items():
                    print(
                        f"  {level:>3} conversations: {rate:6.1f} replies/s  ({rate / base_rate:4.1f}× {levels[0]} "
                        f"conversation)  request p50 {statistics.median(seconds) * 1e3:.1f} ms  "
                        f"p95 {percentile(seconds, 95) * 1e3:.1f} ms",
                        flush=True,
                    )
                single = statistics.median(measured[levels[0]][1])
                print(
                    f"  round trip at {levels[0]} conversation = {single / offline_p50:.1f}× a direct reply() "
                    f"({single * 1e3:.1f} ms vs {offline_p50 * 1e3:.1f} ms)",
                    flush=True,
                )
    app_http, noop_http = results["app_HttpConversation"], results["noop_HttpConversation"]
    print(
        f"app over Gradio's floor (HTTP): round trip "
        f"{app_http[levels[0]]['p50_s'] / noop_http[levels[0]]['p50_s']:.2f}×"
        + "".join(
            f", {level} conversations {app_http[level]['replies_per_s'] / noop_http[level]['replies_per_s']:.2f}× "
            f"its rate"
            for level in levels
        )
    )
    print(
        "(targets, issue 11: round trip ≤ 5× reply(); 8 conversations ≥ 3× the rate of 1. gradio_client's 50 ms "
        "result polling is client-side waiting; over plain HTTP one conversation already keeps the server's one "
        "Python "
        "process busy, for the no-op baseline too)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
