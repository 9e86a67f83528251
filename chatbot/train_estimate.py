"""How long `python -m chatbot.train_all` will take on this device: a few real optimizer steps of both models on
real batches, with the trainers' own settings (batch sizes, lengths, epochs), times the steps the run needs."""

from __future__ import annotations

import argparse
import gc
import math
import random
import time
from typing import TYPE_CHECKING

from tqdm.auto import tqdm

from classifier.data_prep import load_labelled
from generator.dataset import build_examples, collate, encode_examples, load_dialogues
from generator.formatting import TurnFormatter
from generator.tokenization import load_kogpt2_tokenizer

if TYPE_CHECKING:
    from chatbot.train_all import Plan


def timed_steps(model, batches, steps: int, device, bf16: bool | None = None) -> tuple[float, float]:
    """(seconds per optimizer step, seconds per forward-only batch) over `steps` steps after one warm-up step;
    in bf16 as `bf16` says (by default: as the trainers decide for `device`)."""
    import torch  # why: torch only when steps are timed; `train_all --help` stays light

    from training.device import autocast, use_bf16

    bf16 = use_bf16(device) if bf16 is None else bf16
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    model.to(device).train()

    def step(batch):
        with autocast(device, bf16):
            loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    batches = [{k: v.to(device) for k, v in b.items()} for b in batches]
    step(batches[0])  # warm-up: allocations, optimizer state, kernel choice
    sync()
    started = time.perf_counter()
    for i in tqdm(range(steps), desc=f"timing {type(model).__name__} steps", unit="step", leave=False):
        step(batches[i % len(batches)])
    sync()
    per_step = (time.perf_counter() - started) / steps
    model.eval()
    started = time.perf_counter()
    with torch.inference_mode():
        for i in range(steps):
            with autocast(device, bf16):
                model(**{k: v for k, v in batches[i % len(batches)].items() if k != "labels"})
    sync()
    return per_step, (time.perf_counter() - started) / steps


def _timed_reply_tokens(model, tokenizer, features, device, new_tokens: int = 8) -> float:
    """Seconds per generated token for a batch of replies (KV cache), from one short `generate` call."""
    import torch  # why: torch only when steps are timed; `train_all --help` stays light

    prompts = [f["input_ids"][: len(f["input_ids"]) - sum(1 for x in f["labels"] if x != -100)] for f in features]
    width = max(map(len, prompts))
    pad = tokenizer.pad_token_id
    input_ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts], device=device)
    attention_mask = (
        torch.arange(width, device=device)[None, :]
        >= torch.tensor([width - len(p) for p in prompts], device=device)[:, None]
    ).long()
    model.to(device).eval()
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    with torch.inference_mode():
        started = time.perf_counter()
        prompt = {"input_ids": input_ids, "attention_mask": attention_mask}
        length = {"max_new_tokens": new_tokens, "min_new_tokens": new_tokens}  # every reply full length
        model.generate(**prompt, **length, do_sample=False, pad_token_id=pad, eos_token_id=tokenizer.eos_token_id)
        sync()
    return (time.perf_counter() - started) / new_tokens


def time_classifier(plan: Plan, clf: argparse.Namespace, steps: int, rng: random.Random, device) -> dict:
    """The classifier's data size, loading time, and timed steps on real sentences."""
    import torch  # why: torch only when steps are timed; `train_all --help` stays light

    from classifier.model import EmotionClassifier, pad_batch
    from training.device import use_bf16

    started = time.perf_counter()
    labelled = load_labelled(plan.classifier_files, None, clf.label_set)
    labels = sorted(set(labelled.labels))
    classifier = EmotionClassifier.from_base(plan.kobert, labels, device="cpu")
    loading = time.perf_counter() - started
    picked = rng.sample(range(len(labelled)), min(clf.train_batch_size * 2, len(labelled)))
    batches = []
    for start in range(0, len(picked), clf.train_batch_size):
        chunk = picked[start : start + clf.train_batch_size]
        batch = pad_batch(
            classifier.tokenizer.encode_fast([labelled.texts[i] for i in chunk], max_length=clf.max_seq_len),
            classifier.tokenizer.pad_token_id,
        )
        batch["labels"] = torch.tensor([labels.index(labelled.labels[i]) for i in chunk])
        batches.append(batch)
    step, forward = timed_steps(classifier.model, batches, steps, device, use_bf16(device, cpu=clf.cpu_bf16))
    del classifier, batches
    gc.collect()
    return {
        "sentences": len(labelled),
        "loading": loading,
        "step": step,
        "per_sentence": forward / clf.train_batch_size,
    }


def time_generator(
    plan: Plan, gen: argparse.Namespace, gen_eval: argparse.Namespace, steps: int, rng: random.Random, device
) -> dict:
    """The generator's data size, loading time, timed steps and reply tokens on real examples."""
    import torch  # why: torch only when steps are timed; `train_all --help` stays light
    from transformers import AutoModelForCausalLM

    from training.device import use_bf16

    started = time.perf_counter()
    dialogues = load_dialogues(plan.generator_files)
    examples = build_examples(dialogues)
    tokenizer = load_kogpt2_tokenizer(plan.kogpt2)
    model = AutoModelForCausalLM.from_pretrained(plan.kogpt2)
    loading = time.perf_counter() - started
    picked = rng.sample(examples, min(gen.train_batch_size * 2, len(examples)))
    features = encode_examples(TurnFormatter(tokenizer), picked, gen.max_seq_len, progress=False)
    batches = [
        collate(features[i : i + gen.train_batch_size], tokenizer.pad_token_id)
        for i in range(0, len(features), gen.train_batch_size)
    ]
    step, forward = timed_steps(model, batches, steps, device, use_bf16(device, cpu=gen.cpu_bf16))
    token_seconds = _timed_reply_tokens(model, tokenizer, features[: gen_eval.eval_batch_size], device)
    del model, batches
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return {
        "examples": len(examples),
        "messages": len(dialogues),
        "loading": loading,
        "step": step,
        "per_example": forward / gen.train_batch_size,
        "token": token_seconds,
    }


def estimate(plan: Plan, args, argv: dict[str, list[str]]) -> dict:
    """Seconds each stage will take on this device. `argv` holds the argument lists train_all hands the classifier
    and generator trainers and the generator's evaluation. Epochs are upper bounds for the classifier (it stops
    early); replies are timed at full length (an upper bound too)."""
    from classifier import train as classifier_train  # why: torch; `train_all --help` stays light
    from generator import evaluate as generator_evaluate, train as generator_train
    from training.device import resolve_device

    device = resolve_device("auto")
    rng = random.Random(args.seed)
    clf = classifier_train.parse_args(argv["classifier"])
    gen = generator_train.parse_args(argv["generator"])
    gen_eval = generator_evaluate.parse_args(argv["generator_eval"])
    c = time_classifier(plan, clf, args.estimate_steps, rng, device)  # loading is timed too: every stage reloads
    g = time_generator(plan, gen, gen_eval, args.estimate_steps, rng, device)
    # ---- the steps and passes the run makes
    clf_steps = math.ceil((1 - clf.validation_split - clf.test_split) * c["sentences"] / clf.train_batch_size)
    clf_steps = min(clf_steps * clf.num_train_epochs, clf.max_train_steps or math.inf)
    clf_validation = clf.validation_split * c["sentences"] * c["per_sentence"]
    clf_test = clf.test_split * c["sentences"] * c["per_sentence"]
    tagging = g["messages"] * c["per_sentence"]  # generator.train and generator.evaluate each tag every message
    gen_train = (1 - gen.validation_split - gen.test_split) * g["examples"]
    if gen.max_train_examples:
        gen_train = min(gen_train, gen.max_train_examples)
    gen_steps = math.ceil(gen_train / gen.train_batch_size / gen.gradient_accumulation_steps) * gen.num_train_epochs
    gen_steps = min(gen_steps, gen.max_train_steps or math.inf)
    gen_validation = gen.validation_split * g["examples"] * g["per_example"]
    gen_test = gen.test_split * g["examples"] * g["per_example"]
    replies = gen_eval.max_examples + gen_eval.control_messages * 6  # test replies + each message under six tags
    reply_seconds = math.ceil(replies / gen_eval.eval_batch_size) * (gen_eval.max_new_tokens or 48) * g["token"]
    both_loading = c["loading"] + g["loading"]  # each stage reads its data and models again
    seconds = {
        "classifier": c["loading"] + clf_steps * c["step"] + clf.num_train_epochs * clf_validation + clf_test,
        "classifier_eval": c["loading"] + clf_test,
        "generator": both_loading + tagging + gen_steps * g["step"] + gen.num_train_epochs * gen_validation,
        "generator_eval": both_loading + tagging + gen_test + reply_seconds,
        "report": 1.0,
    }
    return {
        "device": str(device),
        "seconds": seconds,
        "total_seconds": sum(seconds.values()),
        "classifier": {"sentences": c["sentences"], "steps": clf_steps, "seconds_per_step": c["step"]},
        "generator": {
            "examples": g["examples"],
            "steps": gen_steps,
            "seconds_per_step": g["step"],
            "seconds_per_reply_token": g["token"],
        },
    }


def describe(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def print_estimate(result: dict) -> None:
    clf, gen, seconds = result["classifier"], result["generator"], result["seconds"]
    rest = sum(seconds[stage] for stage in ("classifier_eval", "generator_eval", "report"))
    print(
        f"estimate on {result['device']}: about {describe(result['total_seconds'])} in all (timed "
        f"{clf['seconds_per_step']:.3g} s per classifier step, {gen['seconds_per_step']:.3g} s per generator step)"
    )
    print(
        f"  classifier: {clf['sentences']:,} sentences, ≤ {clf['steps']:,} steps "
        f"(fewer if it stops early) ≈ {describe(seconds['classifier'])}"
    )
    print(f"  generator: {gen['examples']:,} examples, {gen['steps']:,} steps ≈ {describe(seconds['generator'])}")
    print(f"  evaluations + report ≈ {describe(rest)}", flush=True)
