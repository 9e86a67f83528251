"""Fine-tune KoBERT (or fit the light TF-IDF backend) for emotion classification.

  python -m classifier.train --train_file ../shared/data/keti_single_turn/keti_single_turn.csv --label_set six --output_dir checkpoints/classifier
  python -m classifier.train --backend light --train_file my_labels.csv --label_set six --output_dir checkpoints/light
  python -m classifier.train ... --resume                  # continue an interrupted run where it stopped
  accelerate launch -m classifier.train ...                # the same script on several GPUs

The chatbot needs --label_set six (the generator's emotion tags); --label_set original keeps a corpus's own
labels, for research. Reads top to bottom: args → data → model → optimizer → loop → save. The best epoch
(validation macro-F1) is kept in --output_dir; the last epoch's full state sits in <output_dir>-resume/.
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import torch

from classifier.data_prep import LABEL_SETS, check_data_paths, label_order, load_labelled, split_labelled
from classifier.tokenization import KOBERT_HUB_ID
from classifier.training_utils import classification_metrics, collate
from data.cli import add_debug_flag, make_parser, run_cli
from data.files import check_output_dir, fault_point, looks_local
from data.training import LengthGroupedBatches, load_training_state, save_training_state


def parse_args(argv=None):
    p = make_parser("python -m classifier.train", __doc__)
    p.add_argument("--backend", choices=("kobert", "light"), default="kobert",
                   help="kobert = fine-tune KoBERT (GPU advised); light = TF-IDF + NB-SVM, seconds on a CPU")
    p.add_argument("--model_dir", default=KOBERT_HUB_ID, help="base KoBERT: hub id or local directory")
    p.add_argument("--from_scratch", action="store_true", help="random-init the encoder from --model_dir's config.json")
    p.add_argument("--train_file", nargs="+", default=[], metavar="FILE", help="labelled data, any format data.load_any reads")
    p.add_argument("--data_dir", default=None, metavar="DIR", help="also read every table file under this directory")
    p.add_argument("--validation_file", nargs="+", default=[], metavar="FILE",
                   help="validation data (default: split off the training data)")
    p.add_argument("--label_set", choices=LABEL_SETS, default="six",
                   help="six = the chatbot's emotions through data/taxonomy.json; original = the corpus's own labels")
    p.add_argument("--taxonomy", default=None, metavar="JSON", help="taxonomy for --label_set six (default: data/taxonomy.json)")
    p.add_argument("--validation_split", type=float, default=0.1, help="fraction held out for model selection")
    p.add_argument("--test_split", type=float, default=0.1, help="fraction held out for the final test metrics")
    p.add_argument("--output_dir", default="checkpoints/classifier", metavar="DIR", help="where the best model is saved")
    p.add_argument("--overwrite_output_dir", action="store_true",
                   help="write into a non-empty --output_dir that holds other files (only our files are replaced)")
    p.add_argument("--max_seq_len", type=int, default=64, help="tokens incl. [CLS]/[SEP], the notebook's length")
    p.add_argument("--long_text", choices=("truncate", "window"), default="truncate",
                   help="how the saved model reads texts over --max_seq_len (window = average overlapping windows)")
    p.add_argument("--train_batch_size", type=int, default=64, help="sentences per training step")
    p.add_argument("--eval_batch_size", type=int, default=128, help="sentences per evaluation batch")
    p.add_argument("--num_train_epochs", type=int, default=5, help="upper bound; early stopping usually ends first")
    p.add_argument("--max_train_steps", type=int, default=None, help="stop after this many optimizer steps")
    p.add_argument("--learning_rate", type=float, default=5e-5, help="peak AdamW learning rate")
    p.add_argument("--weight_decay", type=float, default=0.01, help="AdamW decay (not on biases and LayerNorm)")
    p.add_argument("--warmup_ratio", type=float, default=0.1, help="share of steps with linear warmup")
    p.add_argument("--lr_scheduler_type", choices=("linear", "cosine"), default="linear", help="decay after warmup")
    p.add_argument("--max_grad_norm", type=float, default=1.0, help="gradient clipping")
    p.add_argument("--gradient_accumulation_steps", type=int, default=1, help="batches per optimizer step")
    p.add_argument("--early_stopping_patience", type=int, default=2, help="epochs without a better macro-F1")
    p.add_argument("--resume", action="store_true", help="continue from <output_dir>-resume/ (same arguments)")
    p.add_argument("--cpu_bf16", action="store_true",
                   help="bf16 autocast on CPU too (off by default: measured 2.6x faster for BERT-base on an idle "
                        "AVX512-BF16 CPU, slower under load and for small models; see bench/bench_classifier.py)")
    p.add_argument("--seed", type=int, default=42, help="split, shuffling and initialisation")
    p.add_argument("--light_C", type=float, default=None, help="light backend: inverse regularisation strength")
    p.add_argument("--no_progress", action="store_true", help="no progress bars (logs, CI)")
    add_debug_flag(p)
    args = p.parse_args(argv)
    if not args.train_file and not args.data_dir:
        p.error("give --train_file FILE... and/or --data_dir DIR")
    return args


def check_paths(args) -> Path:
    """Every path the run needs, checked before any data is read; returns the resume directory."""
    check_data_paths({"--train_file": args.train_file, "--validation_file": args.validation_file,
                      "--taxonomy": [args.taxonomy]}, args.data_dir)
    resume_dir = Path(f"{str(args.output_dir).rstrip('/')}-resume")
    check_output_dir(args.output_dir, args.overwrite_output_dir)
    if args.backend == "kobert":
        if looks_local(args.model_dir) and not Path(args.model_dir).expanduser().is_dir():
            raise FileNotFoundError(f"--model_dir {args.model_dir}: no such directory; give a KoBERT directory or "
                                    f"a hub id such as {KOBERT_HUB_ID}")
        check_output_dir(resume_dir, args.overwrite_output_dir, option="resume state")
        if args.resume and not (resume_dir / "trainer_state.json").is_file():
            raise FileNotFoundError(f"--resume: {resume_dir}/trainer_state.json not found (nothing to resume); "
                                    f"run without --resume to start training")
    return resume_dir


# ------------------------------------------------------------------------------------------------------ light
def train_light(args, train, validation, test) -> dict:
    from classifier.light import LightConfig, LightEmotionClassifier

    config = LightConfig() if args.light_C is None else LightConfig(C=args.light_C)
    started = time.perf_counter()
    model = LightEmotionClassifier(config).fit(train.texts, train.labels)
    seconds = time.perf_counter() - started
    metrics = {"train_seconds": round(seconds, 2), "train_examples": len(train)}
    for name, part in (("validation", validation), ("test", test)):
        if len(part):
            index = {label: i for i, label in enumerate(model.labels)}
            predicted = [index[p.label] for p in model.predict(part.texts)]
            metrics[name] = classification_metrics(model.labels, [index[l] for l in part.labels], predicted)
    model.save_pretrained(args.output_dir, training_args=vars(args), metrics=metrics)
    return metrics


# ------------------------------------------------------------------------------------------------------- main
def main(argv=None) -> dict:
    args = parse_args(argv)
    resume_dir = check_paths(args)
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    set_seed(args.seed)
    # ---- data: load_any → taxonomy → de-dup → stratified split (or --validation_file)
    data = load_labelled(args.train_file, args.data_dir, args.label_set, args.taxonomy, progress=not args.no_progress)
    if args.validation_file:
        validation = load_labelled(args.validation_file, None, args.label_set, args.taxonomy)
        train, _, test = split_labelled(data, args.seed, validation=0.0, test=args.test_split)
    else:
        train, validation, test = split_labelled(data, args.seed, args.validation_split, args.test_split)
    labels = label_order(train.labels, args.label_set)
    unknown = sorted(set(validation.labels) - set(labels))
    if unknown:
        raise ValueError(f"--validation_file has labels {unknown} that the training data lacks ({labels})")
    print(f"data: train {len(train)}, validation {len(validation)}, test {len(test)}; labels {labels}; "
          f"dropped {data.dropped}")
    if args.backend == "light":
        metrics = train_light(args, train, validation, test)
        for name in ("validation", "test"):
            if name in metrics:
                print(f"{name}: accuracy {metrics[name]['accuracy']:.4f}, macro-F1 {metrics[name]['macro_f1']:.4f} "
                      f"({metrics[name]['examples']} sentences)")
        print(f"light backend fitted in {metrics['train_seconds']} s, saved to {args.output_dir}")
        return metrics
    if not len(validation):
        raise ValueError("the KoBERT loop selects epochs on validation macro-F1: give --validation_file or a "
                         "--validation_split above 0")

    from tqdm.auto import tqdm
    from transformers import get_scheduler

    from classifier.model import ClassifierConfig, EmotionClassifier

    accelerator = Accelerator(gradient_accumulation_steps=args.gradient_accumulation_steps)
    # ---- model: new head on the base encoder (or the last epoch's weights with --resume)
    config = ClassifierConfig(max_seq_len=args.max_seq_len, long_text=args.long_text,
                              batch_size=args.eval_batch_size)
    if args.resume:
        classifier = EmotionClassifier.from_pretrained(resume_dir, device="cpu")
        if classifier.labels != labels:
            raise ValueError(f"--resume: checkpoint labels {classifier.labels} differ from the data's {labels}")
    else:
        classifier = EmotionClassifier.from_base(args.model_dir, labels, config=config, device="cpu",
                                                 random_init=args.from_scratch)
    tokenizer, model = classifier.tokenizer, classifier.model
    label_id = {label: i for i, label in enumerate(labels)}

    def examples(part):
        ids = tokenizer.encode_fast(part.texts, max_length=args.max_seq_len)  # [CLS] pieces… [SEP], cut to fit
        return [(seq, label_id[label]) for seq, label in zip(ids, part.labels)]

    train_examples, eval_examples = examples(train), examples(validation)
    train_sampler = LengthGroupedBatches([len(s) for s, _ in train_examples], args.train_batch_size, args.seed)
    train_loader = torch.utils.data.DataLoader(train_examples, batch_sampler=train_sampler,
                                               collate_fn=collate(tokenizer.pad_token_id))
    eval_loader = torch.utils.data.DataLoader(
        eval_examples, collate_fn=collate(tokenizer.pad_token_id),
        batch_sampler=LengthGroupedBatches([len(s) for s, _ in eval_examples], args.eval_batch_size, 0, False))

    # ---- optimizer: AdamW without decay on biases and LayerNorm weights; warmup then linear/cosine decay
    no_decay = ("bias", "LayerNorm.weight", "LayerNorm.bias")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
         "weight_decay": args.weight_decay},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.learning_rate)
    steps_per_epoch = math.ceil(len(train_loader) / accelerator.num_processes / args.gradient_accumulation_steps)
    total_steps = args.max_train_steps or steps_per_epoch * args.num_train_epochs
    epochs = min(args.num_train_epochs, math.ceil(total_steps / steps_per_epoch))
    scheduler = get_scheduler(args.lr_scheduler_type, optimizer,
                              num_warmup_steps=int(args.warmup_ratio * total_steps) * accelerator.num_processes,
                              num_training_steps=total_steps * accelerator.num_processes)
    state = {"epoch": 0, "step": 0, "best_macro_f1": -1.0, "best_epoch": None, "bad_epochs": 0, "history": []}
    if args.resume:
        state = load_training_state(resume_dir, optimizer, scheduler)
        accelerator.print(f"resumed from {resume_dir} after epoch {state['epoch']}")
    model, optimizer, train_loader, eval_loader, scheduler = accelerator.prepare(
        model, optimizer, train_loader, eval_loader, scheduler)
    use_bf16 = (torch.cuda.is_bf16_supported() if accelerator.device.type == "cuda"  # bf16 on CUDA by default;
                else accelerator.device.type == "cpu" and args.cpu_bf16)  # on CPU only when asked (measured)

    def evaluate() -> dict:
        model.eval()
        gold, predicted = [], []
        with torch.inference_mode():
            for batch in eval_loader:
                with torch.autocast(accelerator.device.type, dtype=torch.bfloat16, enabled=use_bf16):
                    logits = model(**{k: v for k, v in batch.items() if k != "labels"}).logits
                logits, batch_labels = accelerator.gather_for_metrics((logits.argmax(-1), batch["labels"]))
                predicted += logits.tolist()
                gold += batch_labels.tolist()
        model.train()
        return classification_metrics(labels, gold, predicted)

    # ---- loop
    progress = tqdm(total=total_steps, initial=state["step"], desc="train", unit="step",
                    disable=args.no_progress or not accelerator.is_local_main_process)
    started, seen = time.perf_counter(), 0
    model.train()
    for epoch in range(state["epoch"], epochs):
        # the prepared loader, not the sampler: accelerate's loader calls set_epoch with its own counter on every
        # pass, which starts at 0 in each process, so a resumed run would replay epoch 0's order
        train_loader.set_epoch(epoch)
        running = 0.0
        for batch in train_loader:
            with accelerator.accumulate(model):
                with torch.autocast(accelerator.device.type, dtype=torch.bfloat16, enabled=use_bf16):
                    loss = model(**batch).loss  # BertForSequenceClassification computes cross-entropy
                accelerator.backward(loss)
                if accelerator.sync_gradients:
                    accelerator.clip_grad_norm_(model.parameters(), args.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            seen += batch["labels"].shape[0]
            if accelerator.sync_gradients:
                state["step"] += 1
                running = 0.9 * running + 0.1 * loss.item() if running else loss.item()
                progress.update(1)
                progress.set_postfix(epoch=epoch + 1, loss=f"{running:.3f}")
                fault_point("train:step")
                if state["step"] >= total_steps:
                    break
        scores = evaluate()
        state["epoch"] = epoch + 1
        state["history"].append({"epoch": epoch + 1, "step": state["step"], "train_loss": running,
                                 "validation_accuracy": scores["accuracy"], "validation_macro_f1": scores["macro_f1"]})
        accelerator.print(f"epoch {epoch + 1}: validation accuracy {scores['accuracy']:.4f}, "
                          f"macro-F1 {scores['macro_f1']:.4f}")
        improved = scores["macro_f1"] > state["best_macro_f1"]
        if improved:
            state.update(best_macro_f1=scores["macro_f1"], best_epoch=epoch + 1, bad_epochs=0,
                         best_validation=scores)
        else:
            state["bad_epochs"] += 1
        accelerator.wait_for_everyone()
        if accelerator.is_main_process:
            trained = EmotionClassifier(accelerator.unwrap_model(model), tokenizer, classifier.config,
                                        device=accelerator.device)  # same device: nothing moves
            if improved:
                trained.save_pretrained(args.output_dir, training_args=vars(args), metrics={
                    "best_epoch": state["best_epoch"], "validation": scores, "history": state["history"],
                    "label_counts": {"train": train.label_counts(), "validation": validation.label_counts()},
                    "dropped": data.dropped})
            trained.save_pretrained(  # weights + optimizer state swapped in together: a killed run leaves a whole state
                resume_dir, training_args=vars(args), metrics={"history": state["history"]},
                write_extra=lambda tmp: save_training_state(
                    tmp, optimizer, scheduler.scheduler if hasattr(scheduler, "scheduler") else scheduler, state))
            model.train()  # EmotionClassifier() switched it to eval mode
        fault_point("train:epoch")
        accelerator.wait_for_everyone()
        if state["bad_epochs"] >= args.early_stopping_patience:
            accelerator.print(f"early stopping: no better validation macro-F1 for {state['bad_epochs']} epochs")
            break
        if state["step"] >= total_steps:
            break
    progress.close()
    seconds = time.perf_counter() - started
    # ---- save: test metrics of the best checkpoint, added to its metrics.json
    metrics = {"best_epoch": state["best_epoch"], "best_validation_macro_f1": state["best_macro_f1"],
               "history": state["history"], "train_seconds": round(seconds, 2),
               "train_samples_per_second": round(seen / max(seconds, 1e-9), 2)}
    if accelerator.is_main_process:
        best = EmotionClassifier.from_pretrained(args.output_dir, device=accelerator.device)
        if len(test):
            index = {label: i for i, label in enumerate(best.labels)}
            predicted = best.logits(test.texts).argmax(-1).tolist()
            metrics["test"] = classification_metrics(best.labels, [index[l] for l in test.labels], predicted)
            accelerator.print(f"test: accuracy {metrics['test']['accuracy']:.4f}, "
                              f"macro-F1 {metrics['test']['macro_f1']:.4f} ({len(test)} sentences)")
        saved = json.loads((Path(args.output_dir) / "metrics.json").read_text(encoding="utf-8"))
        from data.files import write_json_atomic

        write_json_atomic(Path(args.output_dir) / "metrics.json", {**saved, **metrics})
    return metrics


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
