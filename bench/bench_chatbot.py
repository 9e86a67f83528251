"""Chatbot benchmark, one run: reply latency of `Chatbot.reply()` for the offline default and the full engine
(full-size random-initialised KoBERT + KoGPT2 on this machine, 32-token replies), then throughput of the running
app through `gradio_client` with 1, 8 and 32 concurrent conversations.

    python -m bench.bench_chatbot            # measurement
    python -m bench.bench_chatbot --quick    # smoke run: tiny models, few turns (numbers mean nothing)

Ratios are against baselines measured in the same run (full vs offline latency; app throughput vs 1
conversation; app round trip vs direct `reply()`), so they hold up on a loaded machine better than raw times.
The full engine needs the real tokenizers in ../shared/tokenizers (or --tokenizers_dir); without them it is skipped.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MESSAGES = (  # everyday messages over the six emotions, reused round-robin as conversations
    "오늘 시험에 합격해서 너무 기뻐", "내일 발표가 있어서 너무 떨려", "친구가 약속을 또 어겨서 화가 나",
    "키우던 강아지가 아파서 슬퍼", "요즘 아무것도 하기 싫고 무기력해", "오늘 점심은 김치찌개 먹었어",
    "회사에서 칭찬받아서 기분 좋아", "시험 결과가 걱정돼서 잠이 안 와", "동생이 내 물건을 말도 없이 가져갔어",
    "친한 친구가 멀리 이사를 갔어", "주말에 뭐 할지 고민이야", "매일 똑같은 하루가 지겨워",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def reply_latency(bot, turns: int, options: dict) -> list[float]:
    """Seconds per `reply()` over one growing conversation of `turns` messages (after one warm-up reply)."""
    bot.reply("안녕", **options)
    history, seconds = [], []
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
    from transformers import BertConfig, GPT2Config, GPT2LMHeadModel

    from chatbot import Chatbot
    from classifier import EmotionClassifier, load_kobert_tokenizer
    from data import EMOTIONS
    from generator import GeneratorConfig, ResponseGenerator, load_kogpt2_tokenizer

    torch.manual_seed(0)
    kobert = BertConfig.from_pretrained(str(tokenizers_dir / "kobert"))  # skt/kobert-base-v1's config: 12 × 768
    kogpt2 = GPT2Config(vocab_size=51200, n_positions=1024, n_embd=768, n_layer=12, n_head=12,  # skt/kogpt2-base-v2
                        bos_token_id=1, eos_token_id=1, pad_token_id=3)
    if quick:
        kobert.update({"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64})
        kogpt2.update({"n_embd": 32, "n_layer": 2, "n_head": 2})
    classifier = EmotionClassifier.from_config(kobert, load_kobert_tokenizer(tokenizers_dir / "kobert"), list(EMOTIONS),
                                               device="cpu")
    generator = ResponseGenerator(GPT2LMHeadModel(kogpt2), load_kogpt2_tokenizer(tokenizers_dir / "kogpt2"),
                                  GeneratorConfig(), device="cpu")
    classifier.save_pretrained(workdir / "classifier")
    generator.save_pretrained(workdir / "generator")
    return Chatbot.from_pretrained(workdir / "classifier", workdir / "generator", device="cpu")


def app_throughput(bot, levels: list[int], turns: int, concurrency_limit: int) -> dict[int, tuple[float, list[float]]]:
    """{conversations: (replies per second, per-request seconds)} through the launched app and gradio_client."""
    import app as app_module
    from gradio_client import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = app_module.parse_args(["--host", "127.0.0.1", "--port", str(port), "--concurrency", str(concurrency_limit)])
    blocks, local_url, _ = app_module.launch(args, chatbot=bot)
    results = {}
    try:
        for level in levels:
            clients = [Client(local_url, verbose=False) for _ in range(level)]  # one session = one conversation
            clients[0].predict("안녕", 0.8, 0.9, 32, api_name="/chat")  # warm-up

            def conversation(index):
                seconds = []
                for turn in range(turns):
                    start = time.perf_counter()
                    clients[index].predict(MESSAGES[(index + turn) % len(MESSAGES)], 0.8, 0.9, 32, api_name="/chat")
                    seconds.append(time.perf_counter() - start)
                return seconds

            start = time.perf_counter()
            with ThreadPoolExecutor(level) as pool:
                per_request = [s for seconds in pool.map(conversation, range(level)) for s in seconds]
            wall = time.perf_counter() - start
            results[level] = (len(per_request) / wall, per_request)
            for client in clients:
                client.close()
    finally:
        blocks.close()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_chatbot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny full engine, few turns")
    parser.add_argument("--turns", type=int, default=None, help="replies timed per engine (default 40; quick 4)")
    parser.add_argument("--full_turns", type=int, default=None, help="replies timed for the full engine (default 12; quick 2)")
    parser.add_argument("--max_new_tokens", type=int, default=32, help="reply length of the full engine")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32], help="concurrent conversations in the app")
    parser.add_argument("--app_turns", type=int, default=None, help="messages per conversation in the app (default 4; quick 1)")
    parser.add_argument("--concurrency", type=int, default=None, help="app concurrency limit (default: app.py's)")
    parser.add_argument("--tokenizers_dir", type=Path, default=REPO.parent / "shared" / "tokenizers")
    args = parser.parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # the benchmark talks to loopback only
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # app.py lives at the repo root, outside the packages
    turns = args.turns or (4 if args.quick else 40)
    full_turns = args.full_turns or (2 if args.quick else 12)
    app_turns = args.app_turns or (1 if args.quick else 4)
    levels = [1, 2] if args.quick and args.levels == [1, 8, 32] else args.levels

    import torch

    from chatbot import Chatbot

    print(f"torch threads: {torch.get_num_threads()}, CPUs: {os.cpu_count()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        offline = Chatbot.offline(checkpoints_dir=Path(tmp) / "none")
        offline_seconds = reply_latency(offline, turns, {})
        offline_p50 = statistics.median(offline_seconds)
        print(f"offline default  reply(): p50 {offline_p50 * 1e3:.1f} ms  p95 {percentile(offline_seconds, 95) * 1e3:.1f} ms"
              f"  ({turns} replies)", flush=True)

        if (args.tokenizers_dir / "kobert").is_dir() and (args.tokenizers_dir / "kogpt2").is_dir():
            full = full_engine(args.tokenizers_dir, args.quick, Path(tmp))
            options = {"max_new_tokens": args.max_new_tokens, "do_sample": True, "seed": 0}
            full_seconds = reply_latency(full, full_turns, options)
            full_p50 = statistics.median(full_seconds)
            size = "tiny (--quick)" if args.quick else "full-size random-init"
            print(f"full engine [{size}] reply(), {args.max_new_tokens} new tokens: p50 {full_p50 * 1e3:.0f} ms  "
                  f"p95 {percentile(full_seconds, 95) * 1e3:.0f} ms  ({full_turns} replies)  "
                  f"= {full_p50 / offline_p50:.0f}× the offline p50", flush=True)
        else:
            print(f"full engine: skipped ({args.tokenizers_dir}/kobert and /kogpt2 not found)", flush=True)

    import app as app_module

    limit = args.concurrency or app_module.DEFAULT_CONCURRENCY
    results = app_throughput(offline, levels, app_turns, limit)
    base_rate = results[levels[0]][0]
    print(f"app (offline default) through gradio_client, concurrency limit {limit}, {app_turns} messages per conversation:")
    for level, (rate, seconds) in results.items():
        print(f"  {level:>3} conversations: {rate:6.1f} replies/s  ({rate / base_rate:4.1f}× {levels[0]} conversation)  "
              f"request p50 {statistics.median(seconds) * 1e3:.0f} ms  p95 {percentile(seconds, 95) * 1e3:.0f} ms",
              flush=True)
    single = statistics.median(results[levels[0]][1])
    print(f"  app round trip at 1 conversation = {single / offline_p50:.0f}× a direct reply() ({single * 1e3:.0f} ms vs "
          f"{offline_p50 * 1e3:.1f} ms): the app's HTTP + queue overhead dominates the offline engine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
