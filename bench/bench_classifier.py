"""Classifier benchmark — ratios measured in ONE run on the same machine (never a timed test).

(a) training throughput, samples/s (loops run one after another, same process): our loop (max_len 64, dynamic
    padding + length-grouped batches, SDPA attention, all cores; fp32, and bf16 autocast on CPU as --cpu_bf16 turns
    on) vs the seed notebook's loop (every sentence padded to 128, fp32, attention masks built in Python, eager
    attention, shuffled batches). Same BERT-base-sized random-initialised model, same real KETI sentences, same
    number of optimizer steps.
(b) prediction: single-sentence latency and batch throughput, BERT-base size (CPU, and CUDA when present), and
    the light TF-IDF backend.

    python -m bench.bench_classifier            # full: BERT-base size (minutes on 2 CPU cores)
    python -m bench.bench_classifier --quick    # tiny model, seconds: smoke run
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import torch

from data.cli import command_main, make_parser
from training.device import autocast

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "keti_single_turn" / "keti_single_turn.csv"
DEFAULT_TOKENIZER = REPO.parent / "shared" / "tokenizers" / "kobert"


def parse_args(argv=None) -> argparse.Namespace:
    p = make_parser("python -m bench.bench_classifier", __doc__)
    p.add_argument("--data_file", default=str(DEFAULT_DATA), help="KETI single-turn CSV/XLSX (real sentences)")
    p.add_argument("--model_dir", default=str(DEFAULT_TOKENIZER), help="dir with spiece.model (+ config.json)")
    p.add_argument("--quick", action="store_true", help="tiny model and few steps: a smoke run")
    p.add_argument(
        "--train_steps", type=int, default=None, help="timed optimizer steps per loop (default 8; quick 20)"
    )
    p.add_argument("--train_batch_size", type=int, default=32, help="same for both loops")
    p.add_argument("--max_seq_len", type=int, default=64, help="ours; the seed pads everything to 128")
    p.add_argument("--predict_sentences", type=int, default=512, help="sentences for batch throughput")
    p.add_argument("--skip", nargs="*", default=[], choices=("train", "predict", "light"))
    p.add_argument("--output", default=None, help="also write the results as JSON here")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def bert_config(vocab_size: int, quick: bool, attn: str):
    from classifier.tokenization import kobert_config

    tiny = {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 128}
    return kobert_config(vocab_size=vocab_size, num_labels=7, attn_implementation=attn, **(tiny if quick else {}))


def new_model(vocab_size: int, quick: bool, attn: str, seed: int):
    from transformers import BertForSequenceClassification

    torch.manual_seed(seed)
    return BertForSequenceClassification(bert_config(vocab_size, quick, attn))


class Trainer:
    """One training loop (model + AdamW + its batches), advanced one optimizer step at a time and timed per step."""

    def __init__(self, model, batches, autocast_bf16: bool = False):
        from training.optim import decay_groups

        self.model, self.batches, self.autocast_bf16 = model.train(), iter(batches), autocast_bf16
        self.optimizer = torch.optim.AdamW(decay_groups(model, 0.01), lr=5e-5)  # classifier.train's defaults
        self.seconds, self.samples, self.tokens = 0.0, 0, 0

    def step(self, timed: bool) -> None:
        started = time.perf_counter()
        batch = next(self.batches)  # batch building (padding, masks) is part of each loop's cost
        with autocast(torch.device("cpu"), self.autocast_bf16):
            loss = self.model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.optimizer.zero_grad()
        if timed:
            self.seconds += time.perf_counter() - started
            self.samples += batch["labels"].shape[0]
            self.tokens += batch["input_ids"].numel()

    @property
    def samples_per_second(self) -> float:
        return self.samples / self.seconds


def run_one(make_loop, steps: int) -> Trainer:
    """One loop alone (fresh model, one untimed warm-up step), as training really runs: one loop per process.

    Not interleaved step by step: several BERT-base models and the seed loop's 128-token activations in one
    process slow every loop down (allocator churn), ours most.
    """
    loop = make_loop()
    for step in range(steps + 1):
        loop.step(timed=step > 0)
    loop.model, loop.optimizer, loop.batches = None, None, None  # free before the next loop starts
    gc.collect()
    return loop


def seed_batches(tokenizer, texts, labels, batch_size: int, seed: int):
    """The notebook's pipeline: pad every sentence to 128, shuffled batches, masks from valid lengths in Python."""
    rng = random.Random(seed)
    order = list(range(len(texts)))
    rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        encoded = [
            tokenizer(texts[i], padding="max_length", truncation=True, max_length=128)["input_ids"] for i in rows
        ]
        valid_length = [sum(1 for t in ids if t != tokenizer.pad_token_id) for ids in encoded]
        token_ids = torch.tensor(encoded)  # (batch, 128)
        attention_mask = torch.zeros_like(token_ids)
        for i, v in enumerate(valid_length):  # gen_attention_mask of the notebook
            attention_mask[i][:v] = 1
        yield {
            "input_ids": token_ids,
            "attention_mask": attention_mask,
            "token_type_ids": torch.zeros_like(token_ids),
            "labels": torch.tensor([labels[i] for i in rows]),
        }


def our_batches(tokenizer, texts, labels, batch_size: int, max_seq_len: int, seed: int):
    """classifier.train's pipeline: fast encode, truncate to max_seq_len, length-grouped batches, dynamic padding."""
    from classifier.training_utils import collate
    from training.batches import LengthGroupedBatches, batch_loader

    examples = list(zip(tokenizer.encode_fast(texts, max_length=max_seq_len), labels, strict=True))
    batches = LengthGroupedBatches([len(s) for s, _ in examples], batch_size, seed)
    yield from batch_loader(examples, batches, collate(tokenizer.pad_token_id))


def bench_training(args, tokenizer, texts, labels, results):
    steps = args.train_steps or (20 if args.quick else 8)
    vocab = len(tokenizer)
    print(
        f"\n(a) training, one loop after another: {steps} timed steps × batch {args.train_batch_size}, "
        f"{'tiny' if args.quick else 'BERT-base'} random init, {torch.get_num_threads()} threads"
    )
    makers = {
        "seed": lambda: Trainer(
            new_model(vocab, args.quick, "eager", args.seed),
            seed_batches(tokenizer, texts, labels, args.train_batch_size, args.seed),
        ),
        "ours_fp32": lambda: Trainer(
            new_model(vocab, args.quick, "sdpa", args.seed),
            our_batches(tokenizer, texts, labels, args.train_batch_size, args.max_seq_len, args.seed),
        ),
        "ours_bf16": lambda: Trainer(
            new_model(vocab, args.quick, "sdpa", args.seed),
            our_batches(tokenizer, texts, labels, args.train_batch_size, args.max_seq_len, args.seed),
            autocast_bf16=True,
        ),
    }
    loops = {name: run_one(make, steps) for name, make in makers.items()}
    names = {
        "seed": "seed loop (pad 128, fp32, eager attention, Python masks)",
        "ours_fp32": f"our loop fp32 (len {args.max_seq_len}, dynamic pad, length-grouped, SDPA)",
        "ours_bf16": "our loop + bf16 autocast on CPU",
    }
    for key, loop in loops.items():
        print(
            f"  {names[key]:62} {loop.samples_per_second:8.2f} samples/s "
            f"({loop.tokens / loop.samples:5.1f} padded tokens/sample)"
        )
    seed = loops["seed"].samples_per_second
    ours_fp32, ours_bf16 = loops["ours_fp32"].samples_per_second, loops["ours_bf16"].samples_per_second
    best = max(ours_fp32, ours_bf16)
    print(f"  ratio ours/seed: {best / seed:.2f}x (fp32 {ours_fp32 / seed:.2f}x, bf16 {ours_bf16 / seed:.2f}x)")
    results["training"] = {
        "steps": steps,
        "batch_size": args.train_batch_size,
        "seed_samples_per_s": seed,
        "ours_fp32_samples_per_s": ours_fp32,
        "ours_bf16_samples_per_s": ours_bf16,
        "ratio": best / seed,
        "ratio_fp32": ours_fp32 / seed,
        "padded_tokens_per_sample": {k: v.tokens / v.samples for k, v in loops.items()},
    }


def latency_and_throughput(predict, sentences, repeats: int) -> tuple[float, float]:
    predict(sentences[:8])  # warm-up
    single = []
    for sentence in sentences[:repeats]:
        started = time.perf_counter()
        predict(sentence)
        single.append(time.perf_counter() - started)
    started = time.perf_counter()
    predict(sentences)
    return statistics.median(single) * 1000, len(sentences) / (time.perf_counter() - started)


def bench_prediction(args, tokenizer, texts, results):
    from classifier.model import ClassifierConfig, EmotionClassifier

    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    sentences = texts[: args.predict_sentences]
    print(
        f"\n(b) prediction, {'tiny' if args.quick else 'BERT-base'} KoBERT: "
        f"median single-sentence latency, throughput on {len(sentences)} sentences (batch 64)"
    )
    for device in devices:
        torch.manual_seed(args.seed)
        model = EmotionClassifier.from_config(
            bert_config(len(tokenizer), args.quick, "sdpa"),
            tokenizer,
            [f"label{i}" for i in range(7)],
            ClassifierConfig(),
            device=device,
        )
        latency, throughput = latency_and_throughput(
            model.predict, sentences, 10 if args.quick or device == "cpu" else 50
        )
        print(f"  kobert {device}: {latency:8.2f} ms/sentence, {throughput:8.1f} sentences/s")
        results[f"predict_kobert_{device}"] = {"latency_ms": latency, "sentences_per_s": throughput}


def bench_light(args, texts, label_names, results):
    from classifier.light import LightEmotionClassifier

    train_texts, train_labels = texts[args.predict_sentences :], label_names[args.predict_sentences :]
    if args.quick:
        train_texts, train_labels = train_texts[:2000], train_labels[:2000]
    started = time.perf_counter()
    model = LightEmotionClassifier().fit(train_texts, train_labels)
    fit_seconds = time.perf_counter() - started
    latency, throughput = latency_and_throughput(model.predict, texts[: args.predict_sentences], 50)
    print(
        f"\n(c) light backend: fit {len(train_texts)} sentences in {fit_seconds:.1f} s; "
        f"{latency:.2f} ms/sentence, {throughput:.0f} sentences/s"
    )
    results["light"] = {
        "fit_seconds": fit_seconds,
        "fit_sentences": len(train_texts),
        "latency_ms": latency,
        "sentences_per_s": throughput,
    }


def measure(argv=None) -> dict:
    """Run the benchmark as `python -m bench.bench_classifier argv…` does; return the results (also in --output)."""
    args = parse_args(argv)
    from classifier.tokenization import load_kobert_tokenizer
    from data import load_any

    torch.set_num_threads(os.cpu_count() or 1)  # all cores: the default can be fewer inside containers
    tokenizer = load_kobert_tokenizer(args.model_dir)
    utterances = load_any(args.data_file).utterances
    random.Random(args.seed).shuffle(utterances)  # KETI files are sorted by label
    texts = [u.text for u in utterances]
    label_names = [u.label for u in utterances]
    label_ids = {name: i for i, name in enumerate(sorted(set(label_names)))}
    labels = [label_ids[name] for name in label_names]
    results = {
        "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
        "threads": torch.get_num_threads(),
        "quick": args.quick,
    }
    print(
        f"{len(texts)} sentences from {args.data_file}; torch {torch.__version__}, "
        f"{results['threads']} threads, cuda: {torch.cuda.is_available()}"
    )
    if "train" not in args.skip:
        bench_training(args, tokenizer, texts, labels, results)
    if "predict" not in args.skip:
        bench_prediction(args, tokenizer, texts, results)
    if "light" not in args.skip:
        bench_light(args, texts, label_names, results)
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


main = command_main(measure)


if __name__ == "__main__":
    sys.exit(main())
