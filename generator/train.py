"""Fine-tune KoGPT2 into the emotion-conditioned reply generator.

  python -m generator.train --data_dir ../shared/data --output_dir checkpoints/generator
  python -m generator.train --data_dir ../shared/data --classifier checkpoints/classifier   # tags = the classifier's readings
  python -m generator.train ... --resume                   # continue an interrupted run where it stopped
  accelerate launch -m generator.train --data_dir DATA    # several GPUs, bf16 autocast on CUDA

Reads top to bottom: args → data → model → optimizer → loop → save. The best epoch (validation perplexity)
is written to --output_dir with its generation defaults, tokenizer, training_args.json and metrics.json; the
last epoch's full state (for --resume) goes to <output_dir>_state/.
"""
from __future__ import annotations

import json
import math
import random
from dataclasses import replace
from pathlib import Path

from data.cli import add_debug_flag, make_parser, run_cli
from data.records import MAX_TEXT_CHARS


def parse_args(argv=None):
    parser = make_parser("python -m generator.train", __doc__)
    parser.add_argument("--model_dir", default="skt/kogpt2-base-v2", help="pretrained KoGPT2 (hub id or directory)")
    parser.add_argument("--data_dir", metavar="DIR", help="folder with wellness/, emotional_dialogue/, chatbot_data/ (like ../shared/data)")
    parser.add_argument("--data_files", nargs="+", default=[], metavar="FILE", help="extra dialogue files (any format data.load_any reads)")
    parser.add_argument("--taxonomy", metavar="JSON", help="taxonomy mapping corpus labels to emotions (default: data/taxonomy.json)")
    parser.add_argument("--classifier", metavar="DIR", help="trained classifier: its reading of each message is the tag")
    parser.add_argument("--none_fraction", type=float, default=0.1, help="training examples whose tag is dropped to 'none'")
    parser.add_argument("--validation", type=float, default=0.1, help="validation fraction (grouped by reply)")
    parser.add_argument("--test", type=float, default=0.1, help="test fraction, never trained on (generator.evaluate uses it)")
    parser.add_argument("--max_train_examples", type=int, help="cap on training examples (quick runs)")
    parser.add_argument("--max_seq_len", type=int, default=256, help="tokens per example; oldest turns dropped to fit")
    parser.add_argument("--train_batch_size", type=int, default=16, help="examples per device per step")
    parser.add_argument("--eval_batch_size", type=int, default=32, help="examples per device per evaluation batch")
    parser.add_argument("--gradient_accumulation_steps", type=int, default=1, help="batches per optimizer step")
    parser.add_argument("--num_train_epochs", type=int, default=3, help="passes over the training split")
    parser.add_argument("--learning_rate", type=float, default=5e-5, help="peak AdamW learning rate")
    parser.add_argument("--weight_decay", type=float, default=0.01, help="AdamW decay (not on biases/LayerNorm)")
    parser.add_argument("--warmup_ratio", type=float, default=0.06, help="share of steps with linear warmup")
    parser.add_argument("--max_grad_norm", type=float, default=1.0, help="gradient clipping")
    parser.add_argument("--output_dir", default="checkpoints/generator", metavar="DIR",
                        help="best checkpoint (load_responder reads it)")
    parser.add_argument("--overwrite_output_dir", action="store_true",
                        help="write into a non-empty --output_dir that holds other files (only our files are replaced)")
    parser.add_argument("--resume", action="store_true", help="continue from <output_dir>_state/ (same arguments)")
    parser.add_argument("--seed", type=int, default=42, help="data split, tag dropping, shuffling and init")
    add_debug_flag(parser)
    args = parser.parse_args(argv)
    if not args.data_dir and not args.data_files:
        parser.error("give --data_dir and/or --data_files")
    return args


def check_paths(args) -> tuple[Path, Path]:
    """Every path the run needs, checked before any data or model is read: (output_dir, state_dir)."""
    from data.files import check_output_dir, looks_local

    for option, value in (("--data_dir", args.data_dir), ("--classifier", args.classifier)):
        if value and not Path(value).is_dir():
            raise FileNotFoundError(f"{option} {value}: not a directory")
    for option, paths in (("--data_files", args.data_files), ("--taxonomy", [args.taxonomy] if args.taxonomy else [])):
        for path in map(Path, paths):
            if not path.is_file():
                raise FileNotFoundError(f"{option} {path}: {'not a regular file' if path.exists() else 'file not found'}")
    if looks_local(args.model_dir) and not Path(args.model_dir).expanduser().is_dir():
        raise FileNotFoundError(f"--model_dir {args.model_dir}: no such directory; give a KoGPT2 directory or a hub "
                                f"id such as skt/kogpt2-base-v2")
    output_dir, state_dir = Path(args.output_dir), Path(str(args.output_dir).rstrip("/") + "_state")
    check_output_dir(output_dir, args.overwrite_output_dir)
    check_output_dir(state_dir, args.overwrite_output_dir, option="resume state")
    if args.resume and not (state_dir / "trainer_state.json").is_file():
        raise FileNotFoundError(f"--resume: {state_dir / 'trainer_state.json'} not found (no earlier run with "
                                f"--output_dir {output_dir}); run without --resume to start training")
    return output_dir, state_dir


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS].rstrip()


def prepare_splits(args, classifier=None):
    """(train, validation, test) GenerationExamples — also used by generator.evaluate to rebuild the test split.

    Every turn is cut at data.records.MAX_TEXT_CHARS, as chat cuts the history it passes to the generator.
    """
    from generator.dataset import build_examples, find_corpus_files, load_dialogues, split_examples

    files = (find_corpus_files(args.data_dir) if args.data_dir else []) + [Path(f) for f in args.data_files]
    taxonomy = None
    if getattr(args, "taxonomy", None):
        from data import Taxonomy

        taxonomy = Taxonomy.from_json(args.taxonomy)
    dialogues = [replace(d, context=tuple(map(_cut, d.context)), message=_cut(d.message), reply=_cut(d.reply))
                 for d in load_dialogues(files)]
    examples = build_examples(dialogues, taxonomy=taxonomy, classifier=classifier)
    return split_examples(examples, seed=args.seed, validation=args.validation, test=args.test)


def evaluate_loss(model, dataloader, accelerator, autocast) -> float:
    """Token-weighted mean cross-entropy over reply tokens (perplexity = exp of it)."""
    import torch

    model.eval()
    total_loss, total_tokens = torch.zeros((), device=accelerator.device), torch.zeros((), device=accelerator.device)
    with torch.inference_mode():
        for batch in dataloader:
            with autocast():
                loss = model(**batch).loss.float()
            tokens = (batch["labels"][:, 1:] != -100).sum()  # the model shifts labels by one
            total_loss += loss * tokens
            total_tokens += tokens
    total_loss, total_tokens = accelerator.reduce(total_loss), accelerator.reduce(total_tokens)
    model.train()
    return float(total_loss / total_tokens.clamp(min=1))


def main(argv=None) -> dict:
    import functools
    from contextlib import nullcontext

    import torch
    from accelerate import Accelerator
    from accelerate.utils import set_seed
    from torch.utils.data import DataLoader
    from tqdm.auto import tqdm
    from transformers import AutoModelForCausalLM, get_linear_schedule_with_warmup

    from data.files import atomic_directory, fault_point, write_json_atomic
    from data.training import LengthGroupedBatches, load_training_state, save_training_state
    from generator.dataset import collate, drop_tags, encode_examples
    from generator.formatting import NONE_EMOTION, TurnFormatter
    from generator.model import GeneratorConfig, ResponseGenerator, set_kogpt2_special_ids
    from generator.tokenization import load_kogpt2_tokenizer

    # ---- args (every path checked before any slow work)
    args = parse_args(argv)
    output_dir, state_dir = check_paths(args)
    accelerator = Accelerator(gradient_accumulation_steps=args.gradient_accumulation_steps)
    set_seed(args.seed)
    use_bf16 = accelerator.device.type == "cuda" and torch.cuda.is_bf16_supported()
    autocast = functools.partial(torch.autocast, device_type="cuda", dtype=torch.bfloat16) if use_bf16 else nullcontext

    # ---- data
    classifier = None
    if args.classifier:
        from classifier import load_classifier

        classifier = load_classifier(args.classifier, device=str(accelerator.device))
    train_examples, validation_examples, test_examples = prepare_splits(args, classifier)
    if args.max_train_examples and args.max_train_examples < len(train_examples):  # a random subset, not one corpus
        train_examples = random.Random(args.seed).sample(train_examples, args.max_train_examples)
    train_examples = drop_tags(train_examples, args.none_fraction, seed=args.seed)
    if not train_examples or not validation_examples:
        raise ValueError(f"{len(train_examples)} training / {len(validation_examples)} validation examples; "
                         f"expected both non-empty (more data or a larger --validation)")
    tokenizer = load_kogpt2_tokenizer(args.model_dir)
    formatter = TurnFormatter(tokenizer)
    train_features = encode_examples(formatter, train_examples, args.max_seq_len, accelerator.is_main_process)
    validation_features = encode_examples(formatter, validation_examples, args.max_seq_len, accelerator.is_main_process)
    pad = functools.partial(collate, pad_id=tokenizer.pad_token_id)
    train_batches = LengthGroupedBatches([len(f["input_ids"]) for f in train_features], args.train_batch_size, args.seed)
    train_loader = DataLoader(train_features, batch_sampler=train_batches, collate_fn=pad)
    validation_loader = DataLoader(validation_features, collate_fn=pad, batch_sampler=LengthGroupedBatches(
        [len(f["input_ids"]) for f in validation_features], args.eval_batch_size, shuffle=False))
    emotions = sorted({e.emotion for e in train_examples if e.emotion} | {e.emotion for e in validation_examples if e.emotion})

    # ---- model
    model = AutoModelForCausalLM.from_pretrained(state_dir if args.resume else args.model_dir)  # resume: last epoch's weights
    set_kogpt2_special_ids(model, tokenizer)
    if model.config.vocab_size < len(tokenizer):
        raise ValueError(f"{args.model_dir}: vocab {model.config.vocab_size} < tokenizer's {len(tokenizer)}")
    config = GeneratorConfig(base_model=str(args.model_dir), max_seq_len=args.max_seq_len, emotions=emotions + [NONE_EMOTION])

    # ---- optimizer: no decay on biases and LayerNorm weights
    no_decay = ("bias", "ln_", "LayerNorm", "layer_norm", "norm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": args.weight_decay},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.learning_rate)
    steps_per_epoch = math.ceil(len(train_loader) / args.gradient_accumulation_steps)
    total_steps = steps_per_epoch * args.num_train_epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(args.warmup_ratio * total_steps), total_steps)
    model, optimizer, train_loader, validation_loader, scheduler = accelerator.prepare(
        model, optimizer, train_loader, validation_loader, scheduler)

    start_epoch, best, history = 0, math.inf, []
    if args.resume:
        progress = load_training_state(state_dir, optimizer, scheduler)
        start_epoch, best, history = progress["epochs_done"], progress["best_validation_loss"], progress["history"]

    # ---- loop
    bar = tqdm(total=total_steps, initial=start_epoch * steps_per_epoch, desc="training", unit="step",
               disable=not accelerator.is_local_main_process)
    for epoch in range(start_epoch, args.num_train_epochs):
        # the prepared loader, not the sampler: accelerate's loader calls set_epoch with its own counter on every
        # pass, which starts at 0 in each process, so a resumed run would replay epoch 0's order
        train_loader.set_epoch(epoch)
        model.train()
        running, seen = 0.0, 0
        for batch in train_loader:
            with accelerator.accumulate(model):
                with autocast():
                    loss = model(**batch).loss
                accelerator.backward(loss)
                if accelerator.sync_gradients:
                    accelerator.clip_grad_norm_(model.parameters(), args.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            running, seen = running + float(loss.detach()), seen + 1
            if accelerator.sync_gradients:
                bar.update(1)
                bar.set_postfix(loss=f"{running / seen:.3f}", lr=f"{scheduler.get_last_lr()[0]:.1e}")
                fault_point("train:step")
        validation_loss = evaluate_loss(model, validation_loader, accelerator, autocast)
        record = {"epoch": epoch + 1, "train_loss": running / max(seen, 1), "validation_loss": validation_loss,
                  "validation_perplexity": math.exp(min(validation_loss, 50))}
        history.append(record)
        accelerator.print(json.dumps(record))

        # ---- save: best checkpoint (atomic) + last state for --resume
        improved = validation_loss < best
        best = min(best, validation_loss)
        accelerator.wait_for_everyone()
        if accelerator.is_main_process:
            metrics = {"history": history, "best_validation_loss": best, "best_validation_perplexity": math.exp(min(best, 50)),
                       "examples": {"train": len(train_examples), "validation": len(validation_examples), "test": len(test_examples)}}
            if improved:  # training_args.json (generator.evaluate reads it) and metrics go in before the swap
                ResponseGenerator(accelerator.unwrap_model(model), tokenizer, config).save_pretrained(
                    output_dir, training_args=vars(args), metrics=metrics)
            elif output_dir.is_dir():  # later epochs' history: replace the one file atomically
                write_json_atomic(output_dir / "metrics.json", metrics)
        if accelerator.is_main_process:  # last epoch for --resume: weights (safetensors) + optimizer state, no pickle
            def write_state(staging: Path) -> None:
                accelerator.unwrap_model(model).save_pretrained(staging)
                save_training_state(staging, optimizer, scheduler,
                                    {"epochs_done": epoch + 1, "best_validation_loss": best, "history": history})

            atomic_directory(state_dir, write_state)
        fault_point("train:epoch")
    bar.close()
    accelerator.end_training()
    return {"history": history, "best_validation_loss": best, "output_dir": str(output_dir)}


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
