"""Generator benchmark — ratios measured in ONE run on the same machine (never a timed test).

(a) reply latency, 32-token replies of the full 125M KoGPT2 shape (random-initialised from its config: vocab 51,200,
    1,024 positions, 768 wide, 12 layers): the peers' greedy loop without KV cache (full forward per token) vs
    `ResponseGenerator.generate_batch` (`model.generate` with the cache, its logits processors, prompt encoding and
    decoding included) vs the int8 option (Conv1D → Linear → dynamic int8). Per-token ms, tokens/s, p50/p95 over
    ≥ 20 replies.
(b) batched throughput (left padding) for 1, 8 and 32 concurrent conversations, fp32 and int8 (bf16 on GPU).
(c) int8 quality: perplexity of a tiny model trained here on the built-in demo set, fp32 vs int8.

    python -m bench.bench_generator            # full (a few minutes on 2 CPU cores)
    python -m bench.bench_generator --quick    # 2-layer model, few replies: a smoke run, not a measurement
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

from data.cli import make_parser

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TOKENIZER = REPO.parent / "shared" / "tokenizers" / "kogpt2"
PROMPTS = [
    "요즘 잠을 잘 못 자서 너무 피곤해",
    "친구랑 싸웠는데 먼저 연락하기가 어려워",
    "오늘 시험 결과가 나왔는데 생각보다 잘 봤어",
    "회사에서 계속 실수해서 불안해",
    "혼자 있는 시간이 너무 길어서 외로워",
    "비 오는 날엔 괜히 기분이 가라앉아",
]


def parse_args(argv=None) -> argparse.Namespace:
    p = make_parser("python -m bench.bench_generator", __doc__)
    p.add_argument("--quick", action="store_true", help="2-layer model, 3 replies, batches 1 and 4: smoke run")
    p.add_argument("--tokenizer_dir", default=str(DEFAULT_TOKENIZER), help="KoGPT2 tokenizer (real prompts)")
    p.add_argument("--replies", type=int, default=20, help="replies per latency row (p50/p95 over these)")
    p.add_argument("--new_tokens", type=int, default=32, help="tokens per reply (forced: </s> suppressed)")
    p.add_argument("--batch_sizes", type=int, nargs="+", default=[1, 8, 32], help="concurrent conversations")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--device", default="auto", help="auto = CUDA (bf16) when present, else CPU (fp32 + int8)")
    p.add_argument("--skip", nargs="*", default=[], choices=("naive", "int8", "batched", "quality"))
    p.add_argument("--output", help="also write the results as JSON here")
    return p.parse_args(argv)


def build_generator(args, layers: int, device: str):
    import torch
    from transformers import GPT2LMHeadModel

    from generator.model import ResponseGenerator
    from generator.tokenization import kogpt2_config, load_kogpt2_tokenizer

    tokenizer_dir = Path(args.tokenizer_dir)
    if not (tokenizer_dir / "tokenizer.json").is_file():
        raise SystemExit(
            f"--tokenizer_dir {tokenizer_dir}: no tokenizer.json (the KoGPT2 tokenizer is needed for real prompts)"
        )
    torch.manual_seed(0)
    model = GPT2LMHeadModel(kogpt2_config(n_layer=layers))  # skt/kogpt2-base-v2's widths
    return ResponseGenerator(model, load_kogpt2_tokenizer(tokenizer_dir)).to_inference(device)


def forced_replies(generator, texts: list[str], new_tokens: int) -> list[str]:
    """Greedy replies as `ResponseGenerator` writes them, with </s> held off so every reply has `new_tokens`."""
    return generator.generate_batch(
        texts, "슬픔", batch_size=len(texts), do_sample=False, max_new_tokens=new_tokens, min_new_tokens=new_tokens
    )


def naive_reply(model, prompt_ids, new_tokens: int):
    """The notebook loop: full forward over the whole sequence for every token, no cache, argmax."""
    import torch

    ids = prompt_ids
    for _ in range(new_tokens):
        logits = model(input_ids=ids, use_cache=False).logits[:, -1]  # (1, vocab) — recomputes every position
        ids = torch.cat([ids, logits.argmax(-1, keepdim=True)], dim=1)
    return ids


def time_replies(run, count: int, sync) -> list[float]:
    run(0)  # warm-up (allocations, kernel selection)
    times = []
    for i in range(count):
        sync()
        start = time.perf_counter()
        run(i)
        sync()
        times.append(time.perf_counter() - start)
    return times


def summarise(name: str, times: list[float], tokens_per_reply: int) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    p50 = statistics.median(ordered)
    row = {
        "name": name,
        "replies": len(times),
        "p50_s": p50,
        "p95_s": p95,
        "ms_per_token": 1000 * p50 / tokens_per_reply,
        "tokens_per_s": tokens_per_reply / p50,
    }
    print(
        f"  {name:<26} p50 {p50 * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  "
        f"{row['ms_per_token']:7.2f} ms/token  {row['tokens_per_s']:7.1f} tokens/s",
        flush=True,
    )
    return row


def quality(args) -> dict:
    """Perplexity of a tiny model trained on the demo set: fp32 vs int8 (same weights)."""
    import torch
    from transformers import GPT2LMHeadModel

    from data import load_demo, split_dataset
    from generator.dataset import GenerationExample, collate, encode_examples
    from generator.evaluate import perplexity
    from generator.formatting import TurnFormatter
    from generator.model import ResponseGenerator
    from generator.quantize import quantize_int8
    from generator.tokenization import kogpt2_config, load_kogpt2_tokenizer

    tokenizer = load_kogpt2_tokenizer(args.tokenizer_dir)
    examples = [GenerationExample(d.context, d.message, d.label, d.reply, d.source) for d in load_demo().dialogues]
    train, _, test = split_dataset(
        examples, seed=0, validation=0.0, test=0.2, label=lambda e: e.emotion, text=lambda e: e.message
    )
    torch.manual_seed(0)
    model = GPT2LMHeadModel(kogpt2_config(n_positions=128, n_embd=128, n_layer=2, n_head=4))
    features = encode_examples(TurnFormatter(tokenizer), train, 64, progress=False)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    steps = 30 if args.quick else 150
    model.train()
    for step in range(steps):
        batch = collate([features[(step * 16 + i) % len(features)] for i in range(16)], tokenizer.pad_token_id)
        model(**batch).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    fp32 = ResponseGenerator(model, tokenizer).to_inference("cpu")
    result: dict[str, float] = {"train_examples": len(train), "test_examples": len(test), "steps": steps}
    for name, split in (("train", train), ("test", test)):
        result[f"fp32_{name}_perplexity"] = perplexity(fp32, split)["perplexity"]
    int8 = ResponseGenerator(quantize_int8(model), tokenizer).to_inference("cpu")
    for name, split in (("train", train), ("test", test)):
        result[f"int8_{name}_perplexity"] = perplexity(int8, split)["perplexity"]
    for name in ("train", "test"):
        change = result[f"int8_{name}_perplexity"] / result[f"fp32_{name}_perplexity"] - 1
        result[f"int8_{name}_perplexity_change"] = change
        print(
            f"  {name:<5} perplexity fp32 {result[f'fp32_{name}_perplexity']:8.3f}  int8 "
            f"{result[f'int8_{name}_perplexity']:8.3f}  change {100 * change:+.2f}%",
            flush=True,
        )
    return result


def latency(args, gen, prompts: list[list[int]], layers: int, sync, precision: str) -> tuple[dict, object]:
    """(a): per-reply times of the naive loop, `generate_batch` and its int8 form; also returns the int8 generator."""
    import torch

    from generator.quantize import quantize_int8

    print("(a) reply latency, one conversation", flush=True)
    rows = {}

    def cached(model_gen):
        return lambda i: forced_replies(model_gen, [PROMPTS[i % len(PROMPTS)]], args.new_tokens)

    if "naive" not in args.skip:

        def naive(i):
            return naive_reply(
                gen.model, torch.tensor([prompts[i % len(prompts)]], device=gen.device), args.new_tokens
            )

        times = time_replies(naive, args.replies, sync)
        rows["naive"] = summarise(f"naive loop, no cache {precision}", times, args.new_tokens)
    times = time_replies(cached(gen), args.replies, sync)
    rows["cache"] = summarise(f"generate + cache {precision}", times, args.new_tokens)
    int8 = None
    if gen.device.type != "cuda" and "int8" not in args.skip:
        int8 = build_generator(args, layers, "cpu")
        int8.model = quantize_int8(int8.model)
        times = time_replies(cached(int8), args.replies, sync)
        rows["int8"] = summarise("generate + cache int8", times, args.new_tokens)
    if "naive" in rows:
        speedup = rows["naive"]["ms_per_token"] / rows["cache"]["ms_per_token"]
        print(f"  cache vs naive: {speedup:.2f}× faster per token")
    if "int8" in rows:
        speedup = rows["cache"]["ms_per_token"] / rows["int8"]["ms_per_token"]
        print(
            f"  int8 vs {precision} cache: {speedup:.2f}× faster per token; "
            f"int8 {rows['int8']['ms_per_token']:.1f} ms/token (target ≤ 15 on 2 CPU cores)"
        )
    return rows, int8


def batched(args, generators: list[tuple[str, object]], sync) -> list[dict]:
    """(b): tokens/s for `args.batch_sizes` conversations at once, per (precision label, generator)."""
    print("(b) batched generation throughput (left padding)", flush=True)
    results = []
    for label, model_gen in generators:
        base = None
        for size in args.batch_sizes:
            batch = [PROMPTS[i % len(PROMPTS)] for i in range(size)]

            def run(i, batch=batch, model_gen=model_gen):
                return forced_replies(model_gen, batch, args.new_tokens)

            seconds = statistics.median(time_replies(run, 1 if size > 8 and not args.quick else 2, sync))
            throughput = size * args.new_tokens / seconds
            base = base or throughput
            results.append({"precision": label, "conversations": size, "seconds": seconds, "tokens_per_s": throughput})
            print(
                f"  {label:<5} {size:3d} conversations: {seconds:7.2f} s  {throughput:8.1f} tokens/s  "
                f"({throughput / base:.2f}× the 1-conversation rate)",
                flush=True,
            )
    return results


def main(argv=None) -> int:
    import torch

    from training.device import resolve_device

    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.quick:
        args.replies, args.batch_sizes = min(args.replies, 3), [1, 4]
    device = resolve_device(args.device)
    layers = 2 if args.quick else 12
    gen = build_generator(args, layers, str(device))
    cuda = device.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    precision = "bf16" if cuda else "fp32"
    params = sum(p.numel() for p in gen.model.parameters())
    prompts = [gen.prompt_ids(text, "슬픔", args.new_tokens) for text in PROMPTS]
    print(
        f"generator bench: {layers} layers, {params / 1e6:.1f}M parameters, device {device} ({precision}), "
        f"torch threads {torch.get_num_threads()}, {args.new_tokens}-token replies, prompts "
        f"{min(map(len, prompts))}–{max(map(len, prompts))} tokens",
        flush=True,
    )
    results: dict = {
        "layers": layers,
        "parameters": params,
        "device": str(device),
        "precision": precision,
        "threads": torch.get_num_threads(),
        "new_tokens": args.new_tokens,
        "latency": [],
        "batched": [],
    }

    with torch.inference_mode():
        rows, int8 = latency(args, gen, prompts, layers, sync, precision)
        results["latency"] = list(rows.values())
        if "batched" not in args.skip:
            results["batched"] = batched(
                args, [(precision, gen)] + ([("int8", int8)] if int8 is not None else []), sync
            )
    if "quality" not in args.skip and not cuda:
        print("(c) int8 quality on a tiny model trained on the demo set", flush=True)
        results["int8_quality"] = quality(args)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
