"""Conversation benchmark: what one reply of the offline default engine costs, and what crisis detection adds.

    python -m bench.bench_conversation            # measurement (the development conversations, several rounds)
    python -m bench.bench_conversation --quick    # smoke run

One run measures, on the messages of `chatbot/eval_cases/dev.jsonl` replayed as conversations (history included):
- `Chatbot.reply()` p50 / p95 of the offline default engine (target: p50 under 20 ms on a 2-core CPU);
- the same engine with rules-only safety (the baseline), so the learned detector's share is a difference measured
  in the same run (target: at most 5 ms p50 added); and `CrisisDetector.assess` alone;
- start-up: `Chatbot.offline()` from the cache.
Rounds alternate the two engines so a busy machine slows both alike. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from bench.common import REPO, percentile
from data.cli import command_main


def conversations(limit: int | None) -> list[list[str]]:
    rows = [
        json.loads(line) for line in (REPO / "chatbot/eval_cases/dev.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return [[turn["text"] for turn in row["turns"]] for row in rows][:limit]


def replay(bot, talks: list[list[str]]) -> list[float]:
    """Seconds per reply over every conversation, with its history."""
    seconds = []
    for talk in talks:
        history: list[dict[str, str]] = []
        for message in talk:
            start = time.perf_counter()
            reply = bot.reply(message, history)
            seconds.append(time.perf_counter() - start)
            history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply.text}]
    return seconds


def measure(argv=None) -> dict:
    """Run the benchmark as `python -m bench.bench_conversation argv…` does; return the figures it prints."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_conversation", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few conversations, one round: a smoke run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the conversations per engine (default 3)")
    args = parser.parse_args(argv)
    from chatbot import Chatbot
    from chatbot.crisis_model import CrisisDetector

    start = time.perf_counter()
    bot = Chatbot.offline()  # builds the cache on the very first run
    first = time.perf_counter() - start
    start = time.perf_counter()
    bot = Chatbot.offline()
    startup = time.perf_counter() - start
    rules_only = Chatbot(bot.classifier, bot.responder, "rules-only", safety=CrisisDetector(model=None))
    talks = conversations(8 if args.quick else None)
    rounds = 1 if args.quick else args.rounds
    replay(bot, talks[:5])  # warm-up: Kiwi's analyser and the caches
    full, baseline = [], []
    for _ in range(rounds):
        full += replay(bot, talks)
        baseline += replay(rules_only, talks)
    detector = bot.safety
    assess = []
    for talk in talks:
        for index, message in enumerate(talk):
            start = time.perf_counter()
            detector.assess(message, talk[:index])
            assess.append(time.perf_counter() - start)
    result = {
        "replies": len(full),
        "startup_s": round(startup, 3),
        "first_build_s": round(first, 3),
        "reply_p50_ms": round(1000 * percentile(full, 50), 2),
        "reply_p95_ms": round(1000 * percentile(full, 95), 2),
        "rules_only_p50_ms": round(1000 * percentile(baseline, 50), 2),
        "detection_added_p50_ms": round(1000 * (percentile(full, 50) - percentile(baseline, 50)), 2),
        "assess_p50_ms": round(1000 * percentile(assess, 50), 2),
        "reply_over_rules_only": round(statistics.median(full) / statistics.median(baseline), 2),
    }
    print(f"offline engine: {result['replies']} replies over {len(talks)} conversations × {rounds} rounds")
    print(f"  start-up from cache {result['startup_s']} s (first build in this run {result['first_build_s']} s)")
    print(f"  reply p50 {result['reply_p50_ms']} ms, p95 {result['reply_p95_ms']} ms (target p50 < 20 ms)")
    print(
        f"  rules-only safety (baseline) p50 {result['rules_only_p50_ms']} ms → learned detection adds "
        f"{result['detection_added_p50_ms']} ms p50 (target ≤ 5 ms); ratio {result['reply_over_rules_only']}×"
    )
    print(f"  CrisisDetector.assess alone p50 {result['assess_p50_ms']} ms")
    return result


main = command_main(measure)


if __name__ == "__main__":
    sys.exit(main())
