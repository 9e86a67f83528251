"""Evaluate a trained generator on its test split: perplexity, diversity, length, repetition, emotion control.

    python -m generator.evaluate --model_dir checkpoints/generator --classifier checkpoints/classifier

The test split is rebuilt exactly as `generator.train` made it (same data arguments, read from the checkpoint's
training_args.json unless given). Writes a JSON report (--output_file, default <model_dir>/eval_report.json).
`--grid` also measures repetition across a small grid of decoding settings (how the defaults were chosen).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from pathlib import Path

import torch
from tqdm.auto import tqdm

from classifier import load_classifier
from data.cli import add_debug_flag, command_main, make_parser, run_cli
from generator.dataset import collate, encode_examples
from generator.emotion_control import emotion_control, light_reader, per_emotion_examples
from generator.model import ResponseGenerator
from generator.train import prepare_splits
from training.arguments import with_current_names
from training.files import looks_local, surviving_copy

DATA_ARGS = ("data_dir", "data_files", "taxonomy", "validation_split", "test_split", "seed", "max_seq_len")
GRID = {  # the sampled settings --grid compares (same seed per setting), plus greedy rows (GREEDY_GRID)
    "temperature": (0.7, 1.0),
    "top_p": (0.9, 1.0),
    "repetition_penalty": (1.0, 1.2),
    "no_repeat_ngram_size": (0, 3),
}
GREEDY_GRID = [
    {"do_sample": False, "repetition_penalty": r, "no_repeat_ngram_size": n} for r in (1.0, 1.2) for n in (0, 3)
]


def parse_args(argv=None) -> argparse.Namespace:
    parser = make_parser("python -m generator.evaluate", __doc__)
    parser.add_argument(
        "--model_dir", required=True, metavar="DIR", help="generator checkpoint (from generator.train)"
    )
    parser.add_argument("--data_dir", metavar="DIR", help="default: as in the checkpoint's training_args.json")
    parser.add_argument(
        "--data_files", nargs="+", metavar="FILE", help="default: as in the checkpoint's training_args.json"
    )
    parser.add_argument("--taxonomy", metavar="JSON", help="default: as in the checkpoint's training_args.json")
    parser.add_argument(
        "--classifier", metavar="DIR", help="classifier dir: emotion-control score (and tags, as in training)"
    )
    parser.add_argument(
        "--validation_split", "--validation", type=float, help="validation fraction (default: as trained)"
    )
    parser.add_argument("--test_split", "--test", type=float, help="test fraction (default: as trained)")
    parser.add_argument("--seed", type=int, help="split seed (default: as trained)")
    parser.add_argument("--max_seq_len", type=int, help="tokens per example (default: as trained)")
    parser.add_argument("--max_examples", type=int, default=200, help="test examples replied to (perplexity uses all)")
    parser.add_argument("--control_messages", type=int, default=30, help="test messages replied to under every tag")
    parser.add_argument(
        "--control_readers",
        nargs="*",
        choices=("classifier", "light"),
        default=["classifier", "light"],
        help="who reads the emotion of the emotion-control replies: the --classifier (when given) and/or "
        "the light classifier fitted on the built-in demo set (independent of training); none: skip",
    )
    parser.add_argument("--max_new_tokens", type=int, help="default: the checkpoint's generation default")
    parser.add_argument("--eval_batch_size", type=int, default=16, help="conversations generated at once")
    parser.add_argument("--grid", action="store_true", help="also measure repetition over a small decoding grid")
    parser.add_argument(
        "--grid_min_tokens",
        type=int,
        default=32,
        help="grid replies are held to this many tokens (</s> suppressed): loops show only in long replies",
    )
    parser.add_argument("--quantize", action="store_true", help="evaluate the CPU int8 model")
    parser.add_argument("--device", default="auto", help="auto = CUDA if present")
    parser.add_argument("--output_file", help="JSON report path (default <model_dir>/eval_report.json)")
    parser.add_argument("--generation_seed", type=int, default=0, help="sampling seed (fixed: comparable runs)")
    add_debug_flag(parser)
    return parser.parse_args(argv)


def distinct_n(replies: list[str], n: int) -> float:
    """Unique word n-grams / all word n-grams over all replies (Li et al. 2016)."""
    grams = [tuple(w[i : i + n]) for w in (reply.split() for reply in replies) for i in range(len(w) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def repeated_ngram_rate(token_lists: list[list[int]], n: int = 3) -> float:
    """Share of token n-grams that repeat an earlier n-gram of the same reply (0 = no loops)."""
    repeated = total = 0
    for tokens in token_lists:
        seen = set()
        for i in range(len(tokens) - n + 1):
            gram = tuple(tokens[i : i + n])
            total += 1
            repeated += gram in seen
            seen.add(gram)
    return repeated / total if total else 0.0


def reply_statistics(generator, replies: list[str]) -> dict:
    tokens = [generator.formatter.text_ids(r) for r in replies]
    return {
        "replies": len(replies),
        "distinct_1": distinct_n(replies, 1),
        "distinct_2": distinct_n(replies, 2),
        "mean_reply_chars": sum(map(len, replies)) / max(len(replies), 1),
        "mean_reply_tokens": sum(map(len, tokens)) / max(len(tokens), 1),
        "repeated_3gram_rate": repeated_ngram_rate(tokens, 3),
        "empty_replies": sum(1 for r in replies if not r.strip()),
    }


def forced_length_replies(
    generator, examples, setting: dict, min_tokens: int, batch_size: int, seed: int
) -> list[str]:
    """Replies of exactly `min_tokens` tokens (</s> held off): loops show only in long replies."""
    return generator.generate_batch(
        [e.turns for e in examples],
        [e.emotion for e in examples],
        batch_size=batch_size,
        **{**setting, "max_new_tokens": min_tokens, "min_new_tokens": min_tokens, "seed": seed},
    )


def perplexity(generator, examples, batch_size: int = 16) -> dict:
    """exp(token-weighted mean loss on `reply </s>`) over the examples."""
    features = encode_examples(generator.formatter, examples, generator.config.max_seq_len, progress=False)
    total_loss = total_tokens = 0.0
    with torch.inference_mode():
        for start in range(0, len(features), batch_size):
            batch = {
                k: v.to(generator.device)
                for k, v in collate(features[start : start + batch_size], generator.tokenizer.pad_token_id).items()
            }
            logits = generator.model(
                input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
            ).logits.float()
            labels = batch["labels"][:, 1:]  # (batch, seq-1) — next-token targets
            losses = torch.nn.functional.cross_entropy(
                logits[:, :-1].transpose(1, 2), labels, ignore_index=-100, reduction="sum"
            )
            total_loss += float(losses)
            total_tokens += int((labels != -100).sum())
    loss = total_loss / max(total_tokens, 1)
    return {
        "loss": loss,
        "perplexity": math.exp(min(loss, 50)),
        "tokens": int(total_tokens),
        "examples": len(features),
    }


def decoding_grid(generator, sample, args) -> list[dict]:
    """Reply statistics of forced-length replies under every `GRID` setting (and `GREEDY_GRID`), fewest loops first."""
    grid = []
    settings = [
        {"do_sample": True, **dict(zip(GRID, values, strict=True))} for values in itertools.product(*GRID.values())
    ]
    for setting in tqdm(settings + GREEDY_GRID, desc="decoding grid"):
        grid_replies = forced_length_replies(
            generator, sample, setting, args.grid_min_tokens, args.eval_batch_size, args.generation_seed
        )
        grid.append({**setting, **reply_statistics(generator, grid_replies)})
    return sorted(grid, key=lambda row: (row["repeated_3gram_rate"], -row["distinct_2"]))


def summary(report: dict) -> dict:
    """The report's headline figures (printed as one JSON line)."""
    figures = {
        "perplexity": report["test"]["perplexity"],
        **{
            k: report["generation"][k]
            for k in ("distinct_1", "distinct_2", "mean_reply_tokens", "repeated_3gram_rate")
        },
    }
    control = report.get("emotion_control", {})
    if "changed_share" in control:
        figures["tag_swap_changed_share"] = control["changed_share"]
    for name, reading in control.get("readers", {}).items():
        if "accuracy" in reading:
            figures[f"control_{name}_accuracy"] = reading["accuracy"]
            figures[f"control_{name}_lift"] = reading["lift"]
    return figures


def data_arguments(args: argparse.Namespace, trained: dict, model_dir: Path) -> argparse.Namespace:
    """The data arguments the test split is rebuilt from: as given, else as in `trained` (the checkpoint's
    training_args.json), else `generator.train`'s defaults."""
    data = argparse.Namespace(
        **{k: getattr(args, k) if getattr(args, k) is not None else trained.get(k) for k in DATA_ARGS}
    )
    data.data_files = data.data_files or []
    data.validation_split = 0.1 if data.validation_split is None else data.validation_split
    data.test_split = 0.1 if data.test_split is None else data.test_split
    data.seed = 42 if data.seed is None else data.seed
    if not data.data_dir and not data.data_files:
        raise ValueError(
            f"{model_dir}: no training_args.json to rebuild the test split from; give --data_dir or --data_files"
        )
    return data


def evaluate(argv=None) -> dict:
    """Evaluate as `python -m generator.evaluate argv…` does; return the report (also in the --output_file)."""
    args = parse_args(argv)
    model_dir = Path(args.model_dir)

    if looks_local(model_dir):
        model_dir = surviving_copy(model_dir)
        if not model_dir.is_dir():
            raise FileNotFoundError(
                f"--model_dir {args.model_dir}: no such directory; give the --output_dir of "
                f"`python -m generator.train`"
            )
    trained = (
        with_current_names(json.loads((model_dir / "training_args.json").read_text(encoding="utf-8")))
        if (model_dir / "training_args.json").is_file()
        else {}
    )
    data = data_arguments(args, trained, model_dir)

    generator = ResponseGenerator.from_pretrained(model_dir, device=args.device, quantize=args.quantize)
    # the split must be rebuilt with the tags training used (they stratify it): the training classifier, if any
    split_classifier_dir = trained.get("classifier") if trained else args.classifier
    control_classifier_dir = args.classifier or trained.get("classifier")
    classifiers = {}
    for directory in {d for d in (split_classifier_dir, control_classifier_dir) if d}:
        classifiers[directory] = load_classifier(directory, device=args.device)
    classifier = classifiers.get(control_classifier_dir)
    _, _, test_examples = prepare_splits(data, classifiers.get(split_classifier_dir))
    if not test_examples:
        raise ValueError("the test split is empty; give --test_split above 0 and enough data")
    options = {"seed": args.generation_seed}
    if args.max_new_tokens:
        options["max_new_tokens"] = args.max_new_tokens

    report: dict = {
        "model_dir": str(model_dir),
        "quantized": args.quantize,
        "test_examples": len(test_examples),
        "decoding": generator.generation_defaults.given(),
    }
    report["test"] = perplexity(generator, test_examples, args.eval_batch_size)
    sample = test_examples[: args.max_examples]
    replies = generator.generate_batch(
        [e.turns for e in sample], [e.emotion for e in sample], batch_size=args.eval_batch_size, **options
    )
    report["generation"] = reply_statistics(generator, replies)
    report["generation"]["examples"] = [
        {"message": e.message, "emotion": e.emotion, "reference": e.reply, "reply": r}
        for e, r in list(zip(sample, replies, strict=True))[:10]
    ]
    report["generation"]["per_emotion"] = per_emotion_examples(sample, replies)
    if args.grid:
        report["grid"] = decoding_grid(generator, sample, args)
    readers = {}
    if "classifier" in args.control_readers and classifier is not None:
        readers["classifier"] = classifier
    if "light" in args.control_readers:
        readers["light"] = light_reader()
    if readers and args.control_messages > 0:
        messages = list(dict.fromkeys(e.message for e in test_examples))[: args.control_messages]
        report["emotion_control"] = emotion_control(
            generator, readers, messages, args.eval_batch_size, args.max_new_tokens
        )
    output_file = Path(args.output_file) if args.output_file else model_dir / "eval_report.json"
    output_file.parent.mkdir(parents=True, exist_ok=True)
    output_file.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary(report), ensure_ascii=False))
    print(f"report: {output_file}")
    return report


main = command_main(evaluate)


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
