"""The hub replica at full KoBERT/KoGPT2 size: train → train → chat by hub id, a few steps each (not in the test run).

Builds `skt/kobert-base-v1` (92M parameters) and `skt/kogpt2-base-v2` (125M) in a Hugging Face cache laid out as the
hub publishes them (bench/hub_replica.py: pytorch_model.bin with the published keys, real configs and tokenizers,
random weights), sets HF_HOME to it and HF_HUB_OFFLINE=1 before anything from Hugging Face is imported, then runs:

  1. timed optimizer steps of both models loaded by hub id, at the trainers' default batch sizes and lengths on real
     sentences (steps/s; the baseline row is the same model built from its config, no hub loading, same batches);
  2. `classifier.train` from skt/kobert-base-v1 and `generator.train` from skt/kogpt2-base-v2 (the default
     --model_dir), a few steps each on a sample of the corpora;
  3. `Chatbot.default()` on the outputs: reply latency;
peak RSS after each phase.

    python -m bench.bench_hub_fullsize                  # full size (several minutes on 2 CPU cores, ~1 GB of disk)
    python -m bench.bench_hub_fullsize --quick          # tiny widths: a smoke run, not a measurement
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from data.cli import make_parser

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"


def parse_args(argv=None) -> argparse.Namespace:
    p = make_parser("python -m bench.bench_hub_fullsize", __doc__)
    p.add_argument("--quick", action="store_true", help="tiny widths: a smoke run")
    p.add_argument("--home", help="HF_HOME to build the replica in (default: a temporary directory, removed after)")
    p.add_argument("--shared", default=str(DEFAULT_SHARED), help="../shared (tokenizers/ and data/)")
    p.add_argument("--steps", type=int, default=3, help="timed optimizer steps per model (after one warm-up)")
    p.add_argument("--train_steps", type=int, default=3, help="optimizer steps of each trainer command")
    p.add_argument("--sample", type=int, default=40, help="rows per corpus file for the trainer commands")
    p.add_argument("--replies", type=int, default=3, help="replies timed on the full engine")
    p.add_argument("--output", help="also write the results as JSON here")
    return p.parse_args(argv)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    args = parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "tokenizers" / "kobert" / "spiece.model").is_file():
        raise SystemExit(f"--shared {shared}: no tokenizers/kobert/spiece.model (the real tokenizer files are needed)")
    scratch = tempfile.TemporaryDirectory(prefix="hub_fullsize_")
    home = Path(args.home or scratch.name) / "hf_home"
    # the user's environment, set before huggingface_hub is imported (it reads both once)
    os.environ["HF_HOME"] = str(home)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    import torch

    from bench.hub_replica import build_hub_replica
    from chatbot.train_all import parse_args as train_all_args
    from chatbot.train_data import make_plan

    results: dict = {"size": "tiny" if args.quick else "full", "threads": torch.get_num_threads(), "phases": {}}
    size = "tiny" if args.quick else "full"
    print(f"hub replica ({size}) in {home}; torch threads {torch.get_num_threads()}", flush=True)
    started = time.perf_counter()
    snapshots = build_hub_replica(home, shared / "tokenizers", size=size)
    files = {repo: {p.name: p.stat().st_size for p in snapshot.iterdir()} for repo, snapshot in snapshots.items()}
    results["replica"] = {"seconds": time.perf_counter() - started, "files": files}
    for repo, sizes in files.items():
        print(f"  {repo}: pytorch_model.bin {sizes['pytorch_model.bin'] / 2**20:.0f} MiB", flush=True)
    results["phases"]["replica"] = {"peak_rss_mib": peak_rss_mib()}
    out = Path(scratch.name) / "checkpoints"
    plan_args = train_all_args(
        ["--data_dir", str(shared / "data"), "--output_dir", str(out), "--sample", str(args.sample)]
    )
    plan = make_plan(plan_args)
    results["steps"] = step_rates(plan, args.steps)
    results["phases"]["timed_steps"] = {"peak_rss_mib": peak_rss_mib()}
    print(f"  peak RSS so far {peak_rss_mib():,.0f} MiB", flush=True)
    results["phases"].update(trainer_commands(plan, out, args.train_steps))
    results["reply"] = chat(out, args.replies)
    results["phases"]["chat"] = {"peak_rss_mib": peak_rss_mib()}
    results["peak_rss_mib"] = peak_rss_mib()
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    scratch.cleanup()
    return 0


def step_rates(plan, steps: int) -> dict:
    """(1) Optimizer steps of both models loaded by hub id vs the same shape built from its config."""
    from training.device import resolve_device

    device = resolve_device("auto")
    print(f"(1) optimizer steps on {device}: KoBERT batch 64 × ≤64 tokens, KoGPT2 batch 16 × ≤256 tokens", flush=True)
    rows = {**kobert_steps(plan, steps, device), **kogpt2_steps(plan, steps, device)}
    for family in ("kobert", "kogpt2"):
        ratio = rows[f"{family} by hub id"]["steps_per_s"] / rows[f"{family} from config"]["steps_per_s"]
        print(f"  {family}: hub-loaded / config-built steps/s = {ratio:.2f}", flush=True)
    return rows


def timed_row(name: str, model, batches: list, steps: int, device) -> dict:
    from chatbot.train_estimate import timed_steps

    step, forward = timed_steps(model, batches, steps, device)
    print(f"  {name:<22} {1 / step:6.3f} steps/s  ({step:.2f} s/step, forward {forward:.2f} s)", flush=True)
    return {"seconds_per_step": step, "steps_per_s": 1 / step, "forward_s": forward}


def kobert_steps(plan, steps: int, device) -> dict:
    import torch
    from transformers import AutoConfig, BertForSequenceClassification

    from bench.hub_replica import KOBERT_ID
    from classifier.data_prep import load_labelled
    from classifier.model import EmotionClassifier, pad_batch

    labelled = load_labelled(plan.classifier_files, None, "six")
    labels = sorted(set(labelled.labels))
    classifier = EmotionClassifier.from_base(KOBERT_ID, labels, device="cpu")
    batches = []
    for start in (0, 64):  # classifier.train defaults: batch 64, 64 tokens
        batch = pad_batch(
            classifier.tokenizer.encode_fast(labelled.texts[start : start + 64], max_length=64),
            classifier.tokenizer.pad_token_id,
        )
        batch["labels"] = torch.tensor([labels.index(label) for label in labelled.labels[start : start + 64]])
        batches.append(batch)
    rows = {"kobert by hub id": timed_row("kobert by hub id", classifier.model, batches, steps, device)}
    del classifier
    from_config = BertForSequenceClassification(AutoConfig.from_pretrained(KOBERT_ID, num_labels=len(labels)))
    rows["kobert from config"] = timed_row("kobert from config", from_config, batches, steps, device)
    return rows


def kogpt2_steps(plan, steps: int, device) -> dict:
    from transformers import AutoConfig, AutoModelForCausalLM

    from bench.hub_replica import KOGPT2_ID
    from generator.dataset import build_examples, collate, encode_examples, load_dialogues
    from generator.formatting import TurnFormatter
    from generator.tokenization import load_kogpt2_tokenizer

    tokenizer = load_kogpt2_tokenizer(KOGPT2_ID)
    examples = build_examples(load_dialogues(plan.generator_files))
    features = encode_examples(TurnFormatter(tokenizer), examples[:32], 256, progress=False)
    batches = [collate(features[i : i + 16], tokenizer.pad_token_id) for i in (0, 16)]  # generator.train: batch 16
    rows = {}
    for name, build in (
        ("kogpt2 by hub id", lambda: AutoModelForCausalLM.from_pretrained(KOGPT2_ID)),
        ("kogpt2 from config", lambda: AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(KOGPT2_ID))),
    ):
        rows[name] = timed_row(name, build(), batches, steps, device)  # one model in memory at a time
    return rows


def trainer_commands(plan, out: Path, train_steps: int) -> dict:
    """(2) The trainer commands by hub id (their default --model_dir): seconds and peak RSS of each."""
    from bench.hub_replica import KOBERT_ID, KOGPT2_ID
    from classifier import train as classifier_train
    from generator import train as generator_train

    print(
        f"(2) classifier.train from {KOBERT_ID}, generator.train from {KOGPT2_ID}: {train_steps} steps each",
        flush=True,
    )
    classifier_argv = [
        "--train_file",
        *map(str, plan.classifier_files),
        "--label_set",
        "six",
        "--output_dir",
        str(out / "classifier"),
        "--max_train_steps",
        str(train_steps),
        "--train_batch_size",
        "16",
        "--no_progress",
    ]
    generator_argv = [
        "--data_files",
        *map(str, plan.generator_files),
        "--classifier",
        str(out / "classifier"),
        "--output_dir",
        str(out / "generator"),
        "--num_train_epochs",
        "1",
        "--max_train_examples",
        str(16 * train_steps),
        "--validation_split",
        "0.05",
        "--test_split",
        "0.05",
    ]
    return {
        "classifier_train": timed_command("classifier.train", classifier_train.main, classifier_argv),
        "generator_train": timed_command("generator.train", generator_train.main, generator_argv),
    }


def timed_command(name: str, main, argv: list[str]) -> dict:
    """Run a command's `main(argv)`; its seconds and the peak RSS so far, printed and returned."""
    started = time.perf_counter()
    main(argv)
    phase = {"seconds": time.perf_counter() - started, "peak_rss_mib": peak_rss_mib()}
    print(f"  {name} {phase['seconds']:.1f} s, peak RSS {phase['peak_rss_mib']:,.0f} MiB", flush=True)
    return phase


def chat(out: Path, replies: int) -> dict:
    """(3) The full engine on the trained outputs: reply latency."""
    from chatbot import Chatbot
    from training.device import resolve_device

    bot = Chatbot.default(checkpoints_dir=out, device=str(resolve_device("auto")))
    assert bot.engine == "full", bot.engine
    times = []
    for i in range(replies + 1):
        started = time.perf_counter()
        reply = bot.reply("요즘 잠을 잘 못 자서 너무 피곤해", max_new_tokens=32, seed=i)
        if i:  # the first reply warms up
            times.append(time.perf_counter() - started)
    print(
        f"(3) Chatbot.default() on the outputs: engine {bot.engine}, reply p50 {statistics.median(times):.2f} s "
        f"(≤32 new tokens, {len(times)} replies); peak RSS {peak_rss_mib():,.0f} MiB",
        flush=True,
    )
    return {"p50_s": statistics.median(times), "replies": len(times), "emotion": reply.emotion}


if __name__ == "__main__":
    sys.exit(main())
