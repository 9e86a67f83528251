"""Soak benchmark: the app under minutes of mixed chat load, on loopback only, bounded in sessions and time.

  python -m bench.bench_soak                          # 10 minutes, 200 sessions (the measurement)
  python -m bench.bench_soak --minutes 1 --sessions 20 # a short run

Two servers (`app.launch` on the offline engine, each its own process) get the same sessions: ours, whose idle
sessions expire after --session_ttl seconds, and a baseline that never expires them (Gradio's default). Before
each RSS reading a server collects garbage and returns freed heap to the OS, so readings track live memory. Each
session is a new conversation of 1–12 turns: everyday messages, long ones, a 20,000-character one, a crisis
message, an empty one. Reported: server RSS at the start and end (and per session), p50/p95 latency per turn,
and — in this process — the reply time of `Chatbot.reply` with a 10,000-turn history of 500-character messages
against an empty history.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import app
from bench.common import EVERYDAY_MESSAGES as MESSAGES, REPO, app_environment, free_port, percentile
from chatbot import Chatbot
from data.cli import add_debug_flag, make_parser, run_cli

UNUSUAL = (
    "오늘 정말 길고 긴 하루였어. " * 70,
    "가나다 " * 5000,
    "죽고 싶어",
    "   ",
    "🫨🥹 👍🏽",
)  # long, 20k, crisis, empty, emoji
SLIDERS = (0.7, 0.9, 48)  # temperature, top-p, max new tokens (the offline engine ignores them)
SAMPLE_EVERY_S = 60  # RSS readings for the timeline


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ------------------------------------------------------------------------------------------------ server side
def serve(port: int, session_ttl: float) -> None:
    """Child process: the app on 127.0.0.1:port with the offline engine, until killed."""
    chatbot = Chatbot.offline()
    blocks, _, _ = app.launch(
        app.parse_args(["--host", "127.0.0.1", "--port", str(port)]), chatbot=chatbot, session_ttl_s=session_ttl
    )

    def report(*_):  # the parent asks before each RSS reading
        release_free_memory()
        print(f"SESSIONS {len(blocks.state_holder.session_data)}", flush=True)

    signal.signal(signal.SIGUSR1, report)
    print("READY", flush=True)
    while True:
        time.sleep(3600)


def release_free_memory() -> None:
    """Collect garbage and hand freed heap back to the OS, so RSS shows live memory rather than what the
    allocator still holds from the last burst of replies."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: RSS readings are just noisier
        pass


def reading(process: subprocess.Popen) -> tuple[float, int]:
    """(RSS in MB, sessions the server holds), after it released free memory (SIGUSR1 → report)."""
    assert process.stdout is not None  # started with stdout=PIPE
    os.kill(process.pid, signal.SIGUSR1)
    line = process.stdout.readline()
    time.sleep(1)
    return rss_mb(process.pid), int(line.split()[1]) if line.startswith("SESSIONS") else -1


def start_server(session_ttl: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "bench.bench_soak", "--serve", str(port), "--session_ttl", str(session_ttl)]
    env = app_environment()
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None  # stdout=PIPE
    deadline = time.monotonic() + 180
    for line in process.stdout:
        if line.startswith("READY"):
            return process, f"http://127.0.0.1:{port}/"
        if time.monotonic() > deadline:
            break
    process.kill()
    raise RuntimeError(f"the app did not start on port {port}")


# ------------------------------------------------------------------------------------------------ client side
def session_plan(index: int, seed: int) -> list[str]:
    rng = random.Random(seed * 100_003 + index)
    turns = rng.randint(1, 12)
    return [rng.choice(UNUSUAL) if rng.random() < 0.15 else rng.choice(MESSAGES) for _ in range(turns)]


def run_sessions(urls: list[str], sessions: int, seconds: float, workers: int, seed: int):
    """Sessions start evenly over `seconds`; each worker thread holds one gradio_client per server and starts a
    new session (new session hash) for each conversation. Returns (latencies per server, errors, sessions done)."""
    from gradio_client import Client

    latencies: dict[str, list[float]] = {url: [] for url in urls}
    errors: list[str] = []
    done = [0]
    next_session = [0]
    lock = threading.Lock()
    started = time.monotonic()
    hard_stop = started + seconds + 120  # bounded: late sessions are dropped, never waited on for long

    def worker():
        clients = {url: Client(url, verbose=False) for url in urls}
        while True:
            with lock:
                index = next_session[0]
                next_session[0] += 1
            if index >= sessions:
                return
            start_at = started + index * seconds / sessions
            time.sleep(max(0.0, start_at - time.monotonic()))
            if time.monotonic() > hard_stop:
                return
            for client in clients.values():
                client.reset_session()  # a new conversation: a new server-side session
            for message in session_plan(index, seed):
                for url, client in clients.items():
                    begin = time.perf_counter()
                    try:
                        client.predict(message, *SLIDERS, api_name="/chat")
                        with lock:
                            latencies[url].append(time.perf_counter() - begin)
                    except Exception as error:  # noqa: BLE001 — counted and reported
                        with lock:
                            errors.append(f"{type(error).__name__}: {error}"[:200])
                time.sleep(random.uniform(0.05, 0.3))  # the person reads and types
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, hard_stop - time.monotonic()))
    return latencies, errors, done[0]


def long_history_reply(turns: int = 10_000, chars: int = 500, repeats: int = 5) -> dict[str, float]:
    """Median ms of reply() with no history, with `turns` alternating messages of `chars` characters, and with
    one unanswered run of `turns` user messages (the case a naive join makes quadratic)."""
    bot = Chatbot.offline()
    histories = {
        "empty": [],
        "alternating": [
            {"role": "user" if i % 2 == 0 else "assistant", "content": f"{i}번째 " + "가" * chars}
            for i in range(turns)
        ],
        "same_role": [{"role": "user", "content": f"{i}번째 " + "가" * chars} for i in range(turns)],
    }
    timings = {}
    for name, past in histories.items():
        bot.reply("요즘 잠을 통 못 자요", past)  # warm
        samples = []
        for _ in range(repeats):
            begin = time.perf_counter()
            bot.reply("요즘 잠을 통 못 자요", past)
            samples.append((time.perf_counter() - begin) * 1000)
        timings[name] = statistics.median(samples)
    return timings


def parse_args(argv=None) -> argparse.Namespace:
    parser = make_parser("python -m bench.bench_soak", __doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="how long sessions keep starting")
    parser.add_argument(
        "--sessions", type=int, default=200, help="conversations in all, started evenly over --minutes"
    )
    parser.add_argument("--workers", type=int, default=8, help="client threads (conversations at the same time)")
    parser.add_argument(
        "--session_ttl",
        type=float,
        default=60.0,
        help="our server forgets a session idle this many seconds (the app's default is 3600)",
    )
    parser.add_argument(
        "--no_baseline", action="store_true", help="skip the baseline server that never expires sessions"
    )
    parser.add_argument("--seed", type=int, default=0, help="which messages each session sends")
    parser.add_argument("--serve", type=int, default=None, metavar="PORT", help=argparse.SUPPRESS)
    add_debug_flag(parser)
    return parser.parse_args(argv)


def soak(args: argparse.Namespace) -> dict:
    """Both servers under the same sessions: per server its turn latencies and RSS readings (start, end, timeline)."""
    servers = {"ours": start_server(args.session_ttl)}
    if not args.no_baseline:
        servers["baseline"] = start_server(float("inf"))
    try:
        urls = {name: url for name, (_, url) in servers.items()}
        processes = {name: process for name, (process, _) in servers.items()}
        run_sessions(list(urls.values()), min(args.workers, 4), 5.0, min(args.workers, 4), args.seed + 1)  # warm-up
        time.sleep(2)
        start = {name: reading(process) for name, process in processes.items()}
        samples: dict[str, list] = {name: [] for name in processes}
        stop = threading.Event()

        def sample():
            while not stop.wait(SAMPLE_EVERY_S):
                for name, process in processes.items():
                    samples[name].append(reading(process))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        began = time.monotonic()
        latencies, errors, done = run_sessions(
            list(urls.values()), args.sessions, args.minutes * 60, args.workers, args.seed
        )
        time.sleep(min(args.session_ttl, 30) + 5)  # let idle sessions expire before the last reading
        stop.set()
        end = {name: reading(process) for name, process in processes.items()}
        elapsed = time.monotonic() - began
    finally:
        for process, _ in servers.values():
            process.kill()
            process.wait()
    return {
        "sessions": done,
        "seconds": elapsed,
        "errors": errors,
        "servers": {
            name: {"latencies": latencies[url], "start": start[name], "end": end[name], "samples": samples[name]}
            for name, url in urls.items()
        },
    }


def report(args: argparse.Namespace, history_ms: dict[str, float], soaked: dict) -> dict:
    """Print the results and return them as a JSON-ready dict."""
    done, elapsed, errors = soaked["sessions"], soaked["seconds"], soaked["errors"]
    result = {
        "sessions": done,
        "seconds": round(elapsed, 1),
        "errors": len(errors),
        "history_reply_ms": {name: round(ms, 2) for name, ms in history_ms.items()},
    }
    print(
        f"{done}/{args.sessions} sessions in {elapsed:.0f} s, {args.workers} client threads, "
        f"{len(errors)} errors{(': ' + errors[0]) if errors else ''}"
    )
    for name, server in soaked["servers"].items():
        values, samples = server["latencies"], server["samples"]
        (rss_start, held_start), (rss_end, held_end) = server["start"], server["end"]
        growth = rss_end - rss_start
        peak = max([rss for rss, _ in samples] + [rss_end])
        ttl = args.session_ttl if name == "ours" else float("inf")
        print(
            f"{name:8} (session ttl {ttl:g} s): RSS start {rss_start:.1f} MB, end {rss_end:.1f} MB, "
            f"peak {peak:.1f} MB, "
            f"growth {growth:+.1f} MB = {growth * 1024 / max(done, 1):+.1f} KB/session; sessions held {held_start} → "
            f"{held_end}; latency p50 {percentile(values, 50) * 1000:.0f} ms, "
            f"p95 {percentile(values, 95) * 1000:.0f} ms "
            f"over {len(values)} turns"
        )
        print(
            f"{'':8} every {SAMPLE_EVERY_S} s, RSS MB (sessions held): "
            + " ".join(f"{rss:.1f} ({held})" for rss, held in samples)
        )
        result[name] = {
            "rss_start_mb": round(rss_start, 1),
            "rss_end_mb": round(rss_end, 1),
            "rss_peak_mb": round(peak, 1),
            "kb_per_session": round(growth * 1024 / max(done, 1), 1),
            "sessions_held_end": held_end,
            "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p95_ms": round(percentile(values, 95) * 1000, 1),
            "turns": len(values),
            "samples": samples,
        }
    if "baseline" in result:
        ours, base = result["ours"], result["baseline"]
        print(
            f"RSS growth per session: ours {ours['kb_per_session']:+.1f} KB "
            f"vs baseline {base['kb_per_session']:+.1f} KB; "
            f"sessions held at the end: ours {ours['sessions_held_end']} vs baseline {base['sessions_held_end']}"
        )
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.serve is not None:
        serve(args.serve, args.session_ttl)
        return 0
    if not 0 < args.minutes <= 120 or not 0 < args.sessions <= 10_000:
        raise ValueError("--minutes must be in (0, 120] and --sessions in (0, 10000]: a soak is bounded")
    history_ms = long_history_reply()
    print(
        f"reply() with a 10,000-message history of 500 characters: {history_ms['alternating']:.1f} ms alternating, "
        f"{history_ms['same_role']:.1f} ms one unanswered run (no history: {history_ms['empty']:.1f} ms; ratios "
        f"{history_ms['alternating'] / history_ms['empty']:.2f}x, "
        f"{history_ms['same_role'] / history_ms['empty']:.2f}x)",
        flush=True,
    )
    report(args, history_ms, soak(args))
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
