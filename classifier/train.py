"""Fine-tune KoBERT (or fit the light TF-IDF backend) for emotion classification.

  python -m classifier.train --train_file keti_single_turn.csv --label_set six --output_dir checkpoints/classifier
  python -m classifier.train --backend light --train_file my_labels.csv --label_set six --output_dir checkpoints/light
  python -m classifier.train ... --resume                  # continue an interrupted run where it stopped
  accelerate launch -m classifier.train ...                # the same script on several GPUs

The chatbot needs --label_set six (the generator's emotion tags); --label_set original keeps a corpus's own
labels, for research. Reads top to bottom: args → data → model → optimizer → loop → save. The best epoch
(validation macro-F1) is kept in --output_dir; the last epoch's full state sits in <output_dir>-resume/.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertForSequenceClassification

from classifier.contract import LONG_TEXT_MODES
from classifier.data_prep import LABEL_SETS, check_data_paths, label_order, load_labelled, split_labelled
from classifier.model import ClassifierConfig, EmotionClassifier
from classifier.tokenization import KOBERT_HUB_ID, load_kobert_tokenizer
from classifier.training_utils import classification_metrics, collate
from data.cli import add_choice, add_debug_flag, command_main, make_parser, require_one_of, run_cli
from training.arguments import add_training_arguments
from training.batches import LengthGroupedBatches, batch_loader
from training.device import autocast, use_bf16
from training.files import check_output_dir, fault_point, looks_local, write_json_atomic
from training.optim import Schedule, optimizer_and_scheduler
from training.resume import Progress, check_resume_dir, load_resume_state, resume_dir, save_resume_state


def parse_args(argv=None):
    p = make_parser("python -m classifier.train", __doc__)
    backends = {"kobert": "fine-tune KoBERT (GPU advised)", "light": "TF-IDF + NB-SVM, seconds on a CPU"}
    add_choice(p, "--backend", backends, default="kobert")
    p.add_argument(
        "--from_scratch", action="store_true", help="random-init the encoder from --model_dir's config.json"
    )
    p.add_argument(
        "--train_file", nargs="+", default=[], metavar="FILE", help="labelled data, any format data.load_any reads"
    )
    p.add_argument("--data_dir", default=None, metavar="DIR", help="also read every table file under this directory")
    p.add_argument(
        "--validation_file",
        nargs="+",
        default=[],
        metavar="FILE",
        help="validation data (default: split off the training data)",
    )
    add_choice(p, "--label_set", LABEL_SETS, default="six")
    p.add_argument(
        "--taxonomy", default=None, metavar="JSON", help="taxonomy for --label_set six (default: data/taxonomy.json)"
    )
    add_training_arguments(p, model_dir=KOBERT_HUB_ID, output_dir="checkpoints/classifier")
    p.set_defaults(max_seq_len=64, train_batch_size=64, eval_batch_size=128, num_train_epochs=5, warmup_ratio=0.1)
    about = "how the saved model reads texts over --max_seq_len"
    add_choice(p, "--long_text", LONG_TEXT_MODES, about=about, default="truncate")
    p.add_argument("--early_stopping_patience", type=int, default=2, help="epochs without a better macro-F1")
    p.add_argument("--light_C", type=float, default=None, help="light backend: inverse regularisation strength")
    add_debug_flag(p)
    args = p.parse_args(argv)
    require_one_of(p, args, train_file="--train_file FILE...", data_dir="--data_dir DIR")
    return args


def check_paths(args) -> None:
    """Every path the run needs, checked before any data is read."""
    check_data_paths(
        {"--train_file": args.train_file, "--validation_file": args.validation_file, "--taxonomy": [args.taxonomy]},
        args.data_dir,
    )
    check_output_dir(args.output_dir, args.overwrite_output_dir)
    if args.backend == "kobert":
        if looks_local(args.model_dir) and not Path(args.model_dir).expanduser().is_dir():
            raise FileNotFoundError(
                f"--model_dir {args.model_dir}: no such directory; give a KoBERT directory or "
                f"a hub id such as {KOBERT_HUB_ID}"
            )
        check_resume_dir(args.output_dir, args.resume, args.overwrite_output_dir)


def load_splits(args):
    """(data, train, validation, test, labels): load_any → taxonomy → de-dup → stratified split, or
    --validation_file."""
    data = load_labelled(args.train_file, args.data_dir, args.label_set, args.taxonomy, progress=not args.no_progress)
    if args.validation_file:
        validation = load_labelled(args.validation_file, None, args.label_set, args.taxonomy)
        train, _, test = split_labelled(data, args.seed, validation=0.0, test=args.test_split)
    else:
        train, validation, test = split_labelled(data, args.seed, args.validation_split, args.test_split)
    if args.backend == "kobert" and not len(validation):
        raise ValueError(
            "the KoBERT loop selects epochs on validation macro-F1: give --validation_file or a "
            "--validation_split above 0"
        )
    labels = label_order(train.labels, args.label_set)
    unknown = sorted(set(validation.labels) - set(labels))
    if unknown:
        raise ValueError(f"--validation_file has labels {unknown} that the training data lacks ({labels})")
    print(
        f"data: train {len(train)}, validation {len(validation)}, test {len(test)}; labels {labels}; "
        f"dropped {data.dropped}"
    )
    return data, train, validation, test, labels


def scores_of(classifier, part) -> dict:
    """Accuracy, macro-F1 and per-class scores of a trained classifier (either backend) on a labelled split."""
    index = {label: i for i, label in enumerate(classifier.labels)}
    if hasattr(classifier, "logits"):  # KoBERT: batched logits, no Prediction objects
        predicted = classifier.logits(part.texts).argmax(-1).tolist()
    else:
        predicted = [index[p.label] for p in classifier.predict(part.texts)]
    return classification_metrics(classifier.labels, [index[label] for label in part.labels], predicted)


# ------------------------------------------------------------------------------------------------------ light
def train_light(args, train, validation, test) -> dict:
    """Fit the light backend (seconds on a CPU), score it on validation and test, save it."""
    from classifier.light import LightConfig, LightEmotionClassifier  # why: sklearn only on the light path

    config = LightConfig() if args.light_C is None else LightConfig(C=args.light_C)
    started = time.perf_counter()
    model = LightEmotionClassifier(config).fit(train.texts, train.labels)
    metrics: dict[str, Any] = {"train_seconds": round(time.perf_counter() - started, 2), "train_examples": len(train)}
    for name, part in (("validation", validation), ("test", test)):
        if len(part):
            metrics[name] = scores_of(model, part)
            print(
                f"{name}: accuracy {metrics[name]['accuracy']:.4f}, macro-F1 {metrics[name]['macro_f1']:.4f} "
                f"({metrics[name]['examples']} sentences)"
            )
    model.save_pretrained(args.output_dir, training_args=vars(args), metrics=metrics)
    print(f"light backend fitted in {metrics['train_seconds']} s, saved to {args.output_dir}")
    return metrics


# ------------------------------------------------------------------------------------------------------ KoBERT
def new_classifier(args, labels: list[str]):
    """A new head on the base encoder, or with --resume the last epoch's weights; on CPU (accelerate places it)."""
    config = ClassifierConfig(
        base_model=str(args.model_dir),
        max_seq_len=args.max_seq_len,
        long_text=args.long_text,
        batch_size=args.eval_batch_size,
    )
    if not args.resume:
        return EmotionClassifier.from_base(
            args.model_dir, labels, config=config, device="cpu", random_init=args.from_scratch
        )

    model = BertForSequenceClassification.from_pretrained(resume_dir(args.output_dir))
    classifier = EmotionClassifier(model, load_kobert_tokenizer(args.model_dir), config)
    if classifier.labels != labels:
        raise ValueError(f"--resume: checkpoint labels {classifier.labels} differ from the data's {labels}")
    return classifier


def loaders(tokenizer, train, validation, labels: list[str], args):
    """(train, validation) DataLoaders of length-grouped, dynamically padded batches."""
    label_id = {label: i for i, label in enumerate(labels)}

    def examples(part):
        ids = tokenizer.encode_fast(part.texts, max_length=args.max_seq_len)  # [CLS] pieces… [SEP], cut to fit
        return [(seq, label_id[label]) for seq, label in zip(ids, part.labels, strict=True)]

    pad = collate(tokenizer.pad_token_id)
    train_examples, eval_examples = examples(train), examples(validation)
    train_batches = LengthGroupedBatches([len(s) for s, _ in train_examples], args.train_batch_size, args.seed)
    eval_batches = LengthGroupedBatches([len(s) for s, _ in eval_examples], args.eval_batch_size, shuffle=False)
    return (
        batch_loader(train_examples, train_batches, pad),
        batch_loader(eval_examples, eval_batches, pad),
    )


def evaluate(model, loader, accelerator, labels: list[str], bf16: bool) -> dict:
    """Validation scores over every example (gathered across processes); the model goes back to train mode."""
    model.eval()
    gold, predicted = [], []
    with torch.inference_mode():
        for batch in loader:
            with autocast(accelerator.device, bf16):
                logits = model(**{k: v for k, v in batch.items() if k != "labels"}).logits
            guesses, batch_labels = accelerator.gather_for_metrics((logits.argmax(-1), batch["labels"]))
            predicted += guesses.tolist()
            gold += batch_labels.tolist()
    model.train()
    return classification_metrics(labels, gold, predicted)


def train_kobert(args, data, train, validation, test, labels: list[str]) -> dict:
    """The KoBERT run: model → optimizer → epochs (train, validate, save the best and the resume state) → test."""
    accelerator = Accelerator(gradient_accumulation_steps=args.gradient_accumulation_steps)
    # ---- model and batches
    classifier = new_classifier(args, labels)
    model = classifier.model
    train_loader, eval_loader = loaders(classifier.tokenizer, train, validation, labels, args)
    # ---- optimizer: AdamW without decay on biases and norms; warmup then linear/cosine decay
    schedule = Schedule.of(len(train_loader), args, accelerator.num_processes)
    optimizer, scheduler = optimizer_and_scheduler(model, args, schedule, accelerator.num_processes)
    model, optimizer, train_loader, eval_loader, scheduler = accelerator.prepare(
        model, optimizer, train_loader, eval_loader, scheduler
    )
    progress = load_resume_state(resume_dir(args.output_dir), optimizer, scheduler) if args.resume else Progress()
    bf16 = use_bf16(accelerator.device, cpu=args.cpu_bf16)
    # ---- loop: one epoch of steps, then validation, the saves, and early stopping
    bar = schedule.bar(progress, "train", disable=args.no_progress or not accelerator.is_local_main_process)
    started, seen = time.perf_counter(), 0
    model.train()
    for epoch in range(progress.epoch, schedule.epochs):
        # the prepared loader, not the sampler: accelerate's loader calls set_epoch with its own counter on every
        # pass, which starts at 0 in each process, so a resumed run would replay epoch 0's order
        train_loader.set_epoch(epoch)
        running = 0.0
        for batch in train_loader:
            with accelerator.accumulate(model):
                with autocast(accelerator.device, bf16):
                    loss = model(**batch).loss  # BertForSequenceClassification computes cross-entropy
                accelerator.backward(loss)
                if accelerator.sync_gradients:
                    accelerator.clip_grad_norm_(model.parameters(), args.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            seen += batch["labels"].shape[0]
            if accelerator.sync_gradients:
                progress.step += 1
                running = 0.9 * running + 0.1 * loss.item() if running else loss.item()
                bar.update(1)
                bar.set_postfix(epoch=epoch + 1, loss=f"{running:.3f}")
                fault_point("train:step")
                if progress.step >= schedule.total_steps:
                    break
        scores = evaluate(model, eval_loader, accelerator, labels, bf16)
        record = epoch_record(epoch + 1, progress.step, running, scores)
        improved = progress.finish_epoch(record, scores["macro_f1"], higher_is_better=True)
        accelerator.print(
            f"epoch {epoch + 1}: validation accuracy {record['validation_accuracy']:.4f}, "
            f"macro-F1 {record['validation_macro_f1']:.4f}"
        )
        best = best_metrics(progress, scores, data, train, validation) if improved else None
        save_epoch(args, accelerator, classifier, (model, optimizer, scheduler), progress, best)
        if progress.bad_epochs >= args.early_stopping_patience:
            accelerator.print(f"early stopping: no better validation macro-F1 for {progress.bad_epochs} epochs")
            break
        if progress.step >= schedule.total_steps:
            break
    bar.close()
    seconds = time.perf_counter() - started
    metrics = {
        "best_epoch": progress.best_epoch,
        "best_validation_macro_f1": progress.best,
        "history": progress.history,
        "train_seconds": round(seconds, 2),
        "train_samples_per_second": round(seen / max(seconds, 1e-9), 2),
    }
    if accelerator.is_main_process:
        add_test_metrics(args.output_dir, test, metrics, accelerator.device)
    return metrics


def epoch_record(epoch: int, step: int, train_loss: float, scores: dict) -> dict:
    """One row of the history: the epoch's last smoothed training loss and its validation scores."""
    return {
        "epoch": epoch,
        "step": step,
        "train_loss": train_loss,
        "validation_accuracy": scores["accuracy"],
        "validation_macro_f1": scores["macro_f1"],
    }


def save_epoch(args, accelerator, classifier, training: tuple, progress: Progress, best: dict | None) -> None:
    """The main process saves the epoch: as the best checkpoint when `best` holds its metrics, and as the resume
    state (weights and optimizer swapped in together: a killed run leaves a whole state). `training` is the
    prepared (model, optimizer, scheduler)."""
    model, optimizer, scheduler = training
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        trained = accelerator.unwrap_model(model)
        if best is not None:
            EmotionClassifier(trained, classifier.tokenizer, classifier.config).save_pretrained(
                args.output_dir, training_args=vars(args), metrics=best
            )
        save_resume_state(resume_dir(args.output_dir), trained, optimizer, scheduler, progress)
    fault_point("train:epoch")
    accelerator.wait_for_everyone()


def best_metrics(progress: Progress, scores: dict, data, train, validation) -> dict:
    """metrics.json of the best epoch's checkpoint."""
    return {
        "best_epoch": progress.best_epoch,
        "validation": scores,
        "history": progress.history,
        "label_counts": {"train": train.label_counts(), "validation": validation.label_counts()},
        "dropped": data.dropped,
    }


def add_test_metrics(output_dir: str, test, metrics: dict, device) -> None:
    """The best checkpoint's test scores (when there is a test split), added to `metrics` and its metrics.json."""
    if len(test):
        metrics["test"] = scores_of(EmotionClassifier.from_pretrained(output_dir, device=device), test)
        print(
            f"test: accuracy {metrics['test']['accuracy']:.4f}, macro-F1 {metrics['test']['macro_f1']:.4f} "
            f"({len(test)} sentences)"
        )
    saved = json.loads((Path(output_dir) / "metrics.json").read_text(encoding="utf-8"))
    write_json_atomic(Path(output_dir) / "metrics.json", {**saved, **metrics})


# ------------------------------------------------------------------------------------------------------- main
def train(argv=None) -> dict:
    """Train as `python -m classifier.train argv…` does; return the metrics (also in <output_dir>/metrics.json)."""
    args = parse_args(argv)
    check_paths(args)

    set_seed(args.seed)
    data, train, validation, test, labels = load_splits(args)
    if args.backend == "light":
        return train_light(args, train, validation, test)
    return train_kobert(args, data, train, validation, test, labels)


main = command_main(train)


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
