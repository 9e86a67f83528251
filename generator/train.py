"""Fine-tune KoGPT2 into the emotion-conditioned reply generator.

  python -m generator.train --data_dir ../shared/data --output_dir checkpoints/generator
  python -m generator.train --data_dir ../shared/data --classifier checkpoints/classifier   # the classifier's tags
  python -m generator.train ... --resume                   # continue an interrupted run where it stopped
  accelerate launch -m generator.train --data_dir DATA    # several GPUs, bf16 autocast on CUDA

Reads top to bottom: args → data → model → optimizer → loop → save. The best epoch (validation perplexity)
is written to --output_dir with its generation defaults, tokenizer, training_args.json and metrics.json; the
last epoch's full state (for --resume) goes to <output_dir>-resume/.
"""

from __future__ import annotations

import functools
import json
import math
import random
from dataclasses import replace
from pathlib import Path

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import AutoModelForCausalLM

from classifier import load_classifier
from data import Taxonomy
from data.cli import add_debug_flag, command_main, make_parser, require_one_of, run_cli
from data.records import MAX_TEXT_CHARS
from generator import dataset
from generator.formatting import NONE_EMOTION, TurnFormatter
from generator.model import GeneratorConfig, ResponseGenerator, set_kogpt2_special_ids
from generator.tokenization import DEFAULT_KOGPT2, load_kogpt2_tokenizer
from training.arguments import add_training_arguments
from training.batches import LengthGroupedBatches, batch_loader
from training.device import autocast, use_bf16
from training.files import check_output_dir, fault_point, looks_local, write_json_atomic
from training.optim import Schedule, optimizer_and_scheduler
from training.resume import Progress, check_resume_dir, load_resume_state, resume_dir, save_resume_state


def parse_args(argv=None):
    parser = make_parser("python -m generator.train", __doc__)
    parser.add_argument(
        "--data_dir",
        metavar="DIR",
        help="folder with wellness/, emotional_dialogue/, chatbot_data/ (like ../shared/data)",
    )
    parser.add_argument(
        "--data_files",
        nargs="+",
        default=[],
        metavar="FILE",
        help="extra dialogue files (any format data.load_any reads)",
    )
    parser.add_argument(
        "--taxonomy", metavar="JSON", help="taxonomy mapping corpus labels to emotions (default: data/taxonomy.json)"
    )
    parser.add_argument(
        "--classifier", metavar="DIR", help="trained classifier: its reading of each message is the tag"
    )
    parser.add_argument(
        "--none_fraction", type=float, default=0.1, help="training examples whose tag is dropped to 'none'"
    )
    parser.add_argument("--max_train_examples", type=int, help="cap on training examples (quick runs)")
    add_training_arguments(parser, model_dir=DEFAULT_KOGPT2, output_dir="checkpoints/generator")
    parser.set_defaults(
        max_seq_len=256, train_batch_size=16, eval_batch_size=32, num_train_epochs=3, warmup_ratio=0.06
    )
    add_debug_flag(parser)
    args = parser.parse_args(argv)
    require_one_of(parser, args, data_dir="--data_dir DIR", data_files="--data_files FILE...")
    return args


def check_paths(args) -> None:
    """Every path the run needs, checked before any data or model is read."""
    for option, value in (("--data_dir", args.data_dir), ("--classifier", args.classifier)):
        if value and not Path(value).is_dir():
            raise FileNotFoundError(f"{option} {value}: not a directory")
    for option, paths in (("--data_files", args.data_files), ("--taxonomy", [args.taxonomy] if args.taxonomy else [])):
        for path in map(Path, paths):
            if not path.is_file():
                raise FileNotFoundError(
                    f"{option} {path}: {'not a regular file' if path.exists() else 'file not found'}"
                )
    if looks_local(args.model_dir) and not Path(args.model_dir).expanduser().is_dir():
        raise FileNotFoundError(
            f"--model_dir {args.model_dir}: no such directory; give a KoGPT2 directory or a hub "
            f"id such as {DEFAULT_KOGPT2}"
        )
    check_output_dir(args.output_dir, args.overwrite_output_dir)
    check_resume_dir(args.output_dir, args.resume, args.overwrite_output_dir)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS].rstrip()


def prepare_splits(args, classifier=None):
    """(train, validation, test) GenerationExamples — also used by generator.evaluate to rebuild the test split.

    Every turn is cut at data.records.MAX_TEXT_CHARS, as chat cuts the history it passes to the generator.
    """
    files = (dataset.find_corpus_files(args.data_dir) if args.data_dir else []) + [Path(f) for f in args.data_files]
    taxonomy = None
    if getattr(args, "taxonomy", None):
        taxonomy = Taxonomy.from_json(args.taxonomy)
    dialogues = [
        replace(d, context=tuple(map(_cut, d.context)), message=_cut(d.message), reply=_cut(d.reply))
        for d in dataset.load_dialogues(files)
    ]
    examples = dataset.build_examples(dialogues, taxonomy=taxonomy, classifier=classifier)
    return dataset.split_examples(examples, seed=args.seed, validation=args.validation_split, test=args.test_split)


def load_examples(args, device):
    """(train, validation, test) examples: tagged by --classifier when given, --max_train_examples drawn at random,
    --none_fraction of the training tags dropped."""
    classifier = None
    if args.classifier:
        classifier = load_classifier(args.classifier, device=str(device))
    train, validation, test = prepare_splits(args, classifier)
    if args.max_train_examples and args.max_train_examples < len(train):  # a random subset, not one corpus
        train = random.Random(args.seed).sample(train, args.max_train_examples)

    train = dataset.drop_tags(train, args.none_fraction, seed=args.seed)
    if not train or not validation:
        raise ValueError(
            f"{len(train)} training / {len(validation)} validation examples; expected both non-empty "
            f"(more data or a larger --validation_split)"
        )
    return train, validation, test


def loaders(tokenizer, train, validation, args, progress: bool):
    """(train, validation) DataLoaders of length-grouped, dynamically padded batches."""
    formatter = TurnFormatter(tokenizer)
    train_features = dataset.encode_examples(formatter, train, args.max_seq_len, progress)
    validation_features = dataset.encode_examples(formatter, validation, args.max_seq_len, progress)
    pad = functools.partial(dataset.collate, pad_id=tokenizer.pad_token_id)
    train_batches = LengthGroupedBatches(
        [len(f["input_ids"]) for f in train_features], args.train_batch_size, args.seed
    )
    validation_batches = LengthGroupedBatches(
        [len(f["input_ids"]) for f in validation_features], args.eval_batch_size, shuffle=False
    )
    return (
        batch_loader(train_features, train_batches, pad),
        batch_loader(validation_features, validation_batches, pad),
    )


def evaluate_loss(model, dataloader, accelerator, bf16: bool) -> float:
    """Token-weighted mean cross-entropy over reply tokens (perplexity = exp of it)."""
    model.eval()
    total_loss, total_tokens = torch.zeros((), device=accelerator.device), torch.zeros((), device=accelerator.device)
    with torch.inference_mode():
        for batch in dataloader:
            with autocast(accelerator.device, bf16):
                loss = model(**batch).loss.float()
            tokens = (batch["labels"][:, 1:] != -100).sum()  # the model shifts labels by one
            total_loss += loss * tokens
            total_tokens += tokens
    total_loss, total_tokens = accelerator.reduce(total_loss), accelerator.reduce(total_tokens)
    model.train()
    return float(total_loss / total_tokens.clamp(min=1))


def new_model(args, tokenizer, emotions: list[str]):
    """(model, GeneratorConfig): the base KoGPT2, or with --resume the last epoch's weights."""
    model = AutoModelForCausalLM.from_pretrained(resume_dir(args.output_dir) if args.resume else args.model_dir)
    set_kogpt2_special_ids(model, tokenizer)
    if model.config.vocab_size < len(tokenizer):
        raise ValueError(f"{args.model_dir}: vocab {model.config.vocab_size} < tokenizer's {len(tokenizer)}")
    config = GeneratorConfig(
        base_model=str(args.model_dir), max_seq_len=args.max_seq_len, emotions=emotions + [NONE_EMOTION]
    )
    return model, config


def train(argv=None) -> dict:
    """Train as `python -m generator.train argv…` does; return the validation history, the best validation loss and
    the output directory."""
    # ---- args (every path checked before any slow work)
    args = parse_args(argv)
    check_paths(args)
    accelerator = Accelerator(gradient_accumulation_steps=args.gradient_accumulation_steps)
    set_seed(args.seed)
    # ---- data
    train, validation, test = load_examples(args, accelerator.device)
    tokenizer = load_kogpt2_tokenizer(args.model_dir)
    train_loader, validation_loader = loaders(
        tokenizer, train, validation, args, accelerator.is_main_process and not args.no_progress
    )
    # ---- model (with --resume: the last epoch's weights)
    model, config = new_model(args, tokenizer, sorted({e.emotion for e in [*train, *validation] if e.emotion}))
    # ---- optimizer: AdamW without decay on biases and norms; warmup then linear/cosine decay
    schedule = Schedule.of(len(train_loader), args, accelerator.num_processes)
    optimizer, scheduler = optimizer_and_scheduler(model, args, schedule, accelerator.num_processes)
    model, optimizer, train_loader, validation_loader, scheduler = accelerator.prepare(
        model, optimizer, train_loader, validation_loader, scheduler
    )
    progress = load_resume_state(resume_dir(args.output_dir), optimizer, scheduler) if args.resume else Progress()
    bf16 = use_bf16(accelerator.device, cpu=args.cpu_bf16)
    # ---- loop: one epoch of steps, then validation and the saves
    bar = schedule.bar(progress, "training", disable=args.no_progress or not accelerator.is_local_main_process)
    for epoch in range(progress.epoch, schedule.epochs):
        # the prepared loader, not the sampler: accelerate's loader calls set_epoch with its own counter on every
        # pass, which starts at 0 in each process, so a resumed run would replay epoch 0's order
        train_loader.set_epoch(epoch)
        model.train()
        running, seen = 0.0, 0
        for batch in train_loader:
            with accelerator.accumulate(model):
                with autocast(accelerator.device, bf16):
                    loss = model(**batch).loss
                accelerator.backward(loss)
                if accelerator.sync_gradients:
                    accelerator.clip_grad_norm_(model.parameters(), args.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            running, seen = running + float(loss.detach()), seen + 1
            if accelerator.sync_gradients:
                progress.step += 1
                bar.update(1)
                bar.set_postfix(loss=f"{running / seen:.3f}", lr=f"{scheduler.get_last_lr()[0]:.1e}")
                fault_point("train:step")
                if progress.step >= schedule.total_steps:
                    break
        validation_loss = evaluate_loss(model, validation_loader, accelerator, bf16)
        record = {
            "epoch": epoch + 1,
            "train_loss": running / max(seen, 1),
            "validation_loss": validation_loss,
            "validation_perplexity": perplexity(validation_loss),
        }
        improved = progress.finish_epoch(record, validation_loss, higher_is_better=False)
        accelerator.print(json.dumps(record))
        counts = {"train": len(train), "validation": len(validation), "test": len(test)}
        save_epoch(args, accelerator, (model, tokenizer, config), (optimizer, scheduler), progress, improved, counts)
        if progress.step >= schedule.total_steps:
            break
    bar.close()
    accelerator.end_training()
    return {"history": progress.history, "best_validation_loss": progress.best, "output_dir": str(args.output_dir)}


main = command_main(train)


def perplexity(loss: float) -> float:
    return math.exp(min(loss, 50))  # a diverged run's loss stays a number


def save_epoch(
    args, accelerator, generator: tuple, optimization: tuple, progress, improved: bool, counts: dict
) -> None:
    """The main process saves the epoch: the best checkpoint (training_args.json and metrics.json go in before the
    swap) or, when not better, only its metrics.json; then the resume state. `generator` is the prepared model with
    its tokenizer and GeneratorConfig; `optimization` the prepared optimizer and scheduler."""
    model, tokenizer, config = generator
    optimizer, scheduler = optimization
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        metrics = {
            "history": progress.history,
            "best_validation_loss": progress.best,
            "best_validation_perplexity": perplexity(progress.best),
            "examples": counts,
        }
        output_dir, trained = Path(args.output_dir), accelerator.unwrap_model(model)
        if improved:
            ResponseGenerator(trained, tokenizer, config).save_pretrained(
                output_dir, training_args=vars(args), metrics=metrics
            )
        elif output_dir.is_dir():  # later epochs' history: replace the one file atomically
            write_json_atomic(output_dir / "metrics.json", metrics)
        save_resume_state(resume_dir(output_dir), trained, optimizer, scheduler, progress)
    fault_point("train:epoch")


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
