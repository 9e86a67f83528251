"""One command from data to a running full engine: KoBERT classifier → KoGPT2 generator → evaluations → report.

    python -m chatbot.train_all --data_dir ../shared/data        # base models by hub id → checkpoints/
    python -m chatbot.train_all --data_dir DIR --tiny            # tiny models on a data sample: the whole path in seconds
    python -m chatbot.train_all --data_dir DIR --estimate_only   # only say how long it would take on this device
    make train DATA=DIR                                          # the first command through make
    python app.py                                                # then chat: the full engine from checkpoints/

Stages, in order: the classifier (KoBERT → six emotions) and its evaluation; the generator (KoGPT2, each message
tagged by that classifier) and its evaluation; the report (<output_dir>/report/report.md with PNGs) and a model card
(README.md with the licences) in each checkpoint. Before training it times a few steps of both models on this device
and says how long the whole run will take. Finished stages are recorded in <output_dir>/train_all_state.json: after
an interruption, the same command skips them and continues an unfinished trainer with its --resume.

Data: every table file under --data_dir is recognised by its columns (data.detect_format), whatever its name: the
classifier learns from KETI single-turn, 감성대화 and wellness; the generator from wellness, 감성대화 and ChatbotData.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from chatbot.train_estimate import describe, estimate, print_estimate
from training.files import write_json_atomic
from training.resume import STATE_FILE as TRAINER_STATE_FILE
from training.resume import resume_dir

KOBERT_ID = "skt/kobert-base-v1"
KOGPT2_ID = "skt/kogpt2-base-v2"
STATE_FILE = "train_all_state.json"
WORK_DIR = "train_all"  # <output_dir>/train_all: data sample and tiny base models (re-made identically when missing)
STAGES = ("classifier", "classifier_eval", "generator", "generator_eval", "report")
CLASSIFIER_FORMATS = ("keti_single_turn", "emotional_dialogue", "wellness")  # the README's classifier corpora
GENERATOR_FORMATS = ("wellness", "emotional_dialogue", "chatbot_data")  # dialogue corpora with replies
TINY_WIDTHS = {  # --tiny: every other config key stays the base model's
    "kobert": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64},
    "kogpt2": {"n_embd": 64, "n_layer": 2, "n_head": 2},
}
TINY_SAMPLE = 120  # rows per corpus file with --tiny: every six-emotion label still present, seconds per stage
TINY_ARGS = {  # --tiny: short sequences, few examples, a small evaluation (epochs: see parse_args)
    "classifier": ["--max_seq_len", "32", "--learning_rate", "2e-3", "--train_batch_size", "16",
                   "--early_stopping_patience", "3"],
    "generator": ["--max_seq_len", "48", "--learning_rate", "1e-3", "--train_batch_size", "8", "--max_train_examples", "96"],
    "generator_eval": ["--max_examples", "12", "--control_messages", "4", "--max_new_tokens", "12"],
}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m chatbot.train_all", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data_dir", required=True, help="folder with the corpus files (sub-folders are searched)")
    p.add_argument("--output_dir", default="checkpoints",
                   help="checkpoints go to OUTPUT_DIR/classifier and OUTPUT_DIR/generator (default %(default)s: "
                        "where app.py and Chatbot.default() look)")
    p.add_argument("--kobert", default=KOBERT_ID, help="base KoBERT: hub id or directory (default %(default)s)")
    p.add_argument("--kogpt2", default=KOGPT2_ID, help="base KoGPT2: hub id or directory (default %(default)s)")
    p.add_argument("--tiny", action="store_true",
                   help=f"tiny random-initialised models (2 layers) with the real tokenizers, {TINY_SAMPLE} rows per "
                        "file, short runs: checks the whole path in seconds (CI, the notebook's test); replies are noise")
    p.add_argument("--sample", type=int, default=None, metavar="ROWS",
                   help=f"use at most ROWS rows of each corpus file (wellness: whole categories); default all, "
                        f"{TINY_SAMPLE} with --tiny")
    p.add_argument("--classifier_epochs", type=int, default=None,
                   help="upper bound; training stops when validation macro-F1 stops improving (default 5, 6 with --tiny)")
    p.add_argument("--generator_epochs", type=int, default=None, help="passes over the dialogues (default 3, 1 with --tiny)")
    p.add_argument("--classifier_args", default="", metavar="'ARGS'", help="more classifier.train options, quoted")
    p.add_argument("--generator_args", default="", metavar="'ARGS'", help="more generator.train options, quoted")
    p.add_argument("--generator_eval_args", default="", metavar="'ARGS'", help="more generator.evaluate options, quoted")
    p.add_argument("--estimate_only", action="store_true", help="time a few steps, say how long training would take, stop")
    p.add_argument("--no_estimate", action="store_true", help="skip the timing steps before training")
    p.add_argument("--estimate_steps", type=int, default=3, help="timed optimizer steps per model (after one warm-up)")
    p.add_argument("--seed", type=int, default=42, help="data sample, splits, initialisation")
    p.add_argument("--no_progress", action="store_true", help="no progress bars from the classifier trainer (logs, CI)")
    args = p.parse_args(argv)
    if not Path(args.data_dir).is_dir():
        p.error(f"--data_dir {args.data_dir}: not a directory (give the folder holding the corpus files)")
    if args.sample is not None and args.sample < 10:
        p.error(f"--sample {args.sample}: expected at least 10 rows per file")
    if args.estimate_only and args.no_estimate:
        p.error("--estimate_only and --no_estimate contradict each other")
    if args.sample is None and args.tiny:
        args.sample = TINY_SAMPLE
    args.classifier_epochs = args.classifier_epochs or (6 if args.tiny else 5)
    args.generator_epochs = args.generator_epochs or (1 if args.tiny else 3)
    return args


# ------------------------------------------------------------------------------------------------------- data
@dataclass
class Plan:
    """What the run reads and where it writes."""

    output_dir: Path
    classifier_files: list[Path]
    generator_files: list[Path]
    kobert: str
    kogpt2: str
    skipped: dict[str, str] = field(default_factory=dict)  # file → why it is not used

    @property
    def classifier_dir(self) -> Path:
        return self.output_dir / "classifier"

    @property
    def generator_dir(self) -> Path:
        return self.output_dir / "generator"

    @property
    def report_dir(self) -> Path:
        return self.output_dir / "report"


def find_corpora(data_dir: Path) -> tuple[dict[str, list[Path]], dict[str, str]]:
    """Corpus files under `data_dir` by format (recognised from their columns), and the files left out (why)."""
    from classifier.data_prep import files_in
    from data import DataError
    from data.loaders import detect_format

    by_format: dict[str, list[Path]] = {}
    skipped = {}
    for path in files_in(data_dir):
        try:
            kind = detect_format(path)
        except DataError as error:
            skipped[str(path)] = str(error).split(";")[0]
            continue
        except Exception as error:  # noqa: BLE001 — any other file in the folder (a huge or odd JSON …): not a corpus
            skipped[str(path)] = f"unreadable as a table ({type(error).__name__})"
            continue
        if kind in CLASSIFIER_FORMATS or kind in GENERATOR_FORMATS:
            by_format.setdefault(kind, []).append(path)
        else:
            skipped[str(path)] = f"{kind}: not used by train_all"
    return by_format, skipped


def sample_file(source: Path, target: Path, rows: int, seed: int) -> Path:
    """A CSV copy of `source` (same columns) with at most `rows` rows, in file order; wellness keeps whole categories.

    Written once (atomically); an existing sample is kept, so a resumed run reads exactly the same rows.
    """
    from data.loaders import read_table

    if target.is_file():
        return target
    table = read_table(source)
    rng = random.Random(seed)
    if "구분" in table.columns:  # wellness: replies sit on the first rows of a category, so keep categories whole
        position = table.columns.index("구분")
        categories = sorted({cells[position] for _, cells in table.rows})
        rng.shuffle(categories)
        chosen, count = set(), 0
        sizes = {}
        for _, cells in table.rows:
            sizes[cells[position]] = sizes.get(cells[position], 0) + 1
        for category in categories:
            if count >= rows:
                break
            chosen.add(category)
            count += sizes[category]
        kept = [cells for _, cells in table.rows if cells[position] in chosen]
    else:
        picked = sorted(rng.sample(range(len(table.rows)), min(rows, len(table.rows))))
        kept = [table.rows[i][1] for i in picked]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.columns)
        writer.writerows(kept)
    os.replace(partial, target)
    return target


def build_tiny_bases(work_dir: Path, kobert: str, kogpt2: str, seed: int) -> tuple[str, str]:
    """Tiny random-initialised KoBERT and KoGPT2 directories with the real tokenizers and the base configs."""
    import torch
    from transformers import AutoConfig, BertModel, GPT2LMHeadModel

    from classifier.tokenization import load_kobert_tokenizer
    from training.files import atomic_directory
    from generator.tokenization import load_kogpt2_tokenizer

    kobert_dir, kogpt2_dir = work_dir / "base" / "kobert", work_dir / "base" / "kogpt2"
    if not (kobert_dir / "config.json").is_file():
        config = AutoConfig.from_pretrained(kobert, **TINY_WIDTHS["kobert"])
        tokenizer = load_kobert_tokenizer(kobert)
        torch.manual_seed(seed)
        model = BertModel(config)

        def write_kobert(tmp: Path) -> None:
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)

        atomic_directory(kobert_dir, write_kobert)
    if not (kogpt2_dir / "config.json").is_file():
        try:
            config = AutoConfig.from_pretrained(kogpt2, **TINY_WIDTHS["kogpt2"])
        except OSError as error:
            raise FileNotFoundError(f"--kogpt2 {kogpt2}: no config.json ({str(error).splitlines()[0]}); give the hub "
                                    f"id {KOGPT2_ID} or a directory holding config.json and tokenizer.json") from None
        tokenizer = load_kogpt2_tokenizer(kogpt2)
        torch.manual_seed(seed + 1)
        model = GPT2LMHeadModel(config)

        def write_kogpt2(tmp: Path) -> None:
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)

        atomic_directory(kogpt2_dir, write_kogpt2)
    return str(kobert_dir), str(kogpt2_dir)


def make_plan(args) -> Plan:
    output_dir = Path(args.output_dir)
    by_format, skipped = find_corpora(Path(args.data_dir))
    work_dir = output_dir / WORK_DIR
    if args.sample:
        from tqdm.auto import tqdm

        jobs = [(kind, path) for kind, paths in by_format.items() for path in paths]
        sampled: dict[str, list[Path]] = {}
        for kind, path in tqdm(jobs, desc=f"sampling {args.sample} rows per file", unit="file"):
            target = work_dir / "data" / f"{kind}__{path.stem}.csv"
            sampled.setdefault(kind, []).append(sample_file(path, target, args.sample, args.seed))
        by_format = sampled
    classifier_files = [p for kind in CLASSIFIER_FORMATS for p in by_format.get(kind, [])]
    generator_files = [p for kind in GENERATOR_FORMATS for p in by_format.get(kind, [])]
    for name, files, kinds in (("classifier", classifier_files, CLASSIFIER_FORMATS),
                               ("generator", generator_files, GENERATOR_FORMATS)):
        if not files:
            raise FileNotFoundError(f"--data_dir {args.data_dir}: no corpus for the {name} (expected one of "
                                    f"{', '.join(kinds)}: AI Hub wellness, 감성대화, KETI, ChatbotData files)")
    kobert, kogpt2 = args.kobert, args.kogpt2
    if args.tiny:
        kobert, kogpt2 = build_tiny_bases(work_dir, args.kobert, args.kogpt2, args.seed)
    return Plan(output_dir, classifier_files, generator_files, kobert, kogpt2, skipped)


# ----------------------------------------------------------------------------------------------------- stages
def trainer_argv(stage: str, plan: Plan, args) -> list[str]:
    """The argument list each stage hands to the trainer's or evaluator's `main(argv)`."""
    tiny = TINY_ARGS.get(stage, []) if args.tiny else []
    if stage == "classifier":
        argv = ["--train_file", *map(str, plan.classifier_files), "--label_set", "six", "--model_dir", plan.kobert,
                "--output_dir", str(plan.classifier_dir), "--num_train_epochs", str(args.classifier_epochs),
                "--seed", str(args.seed), *tiny, *shlex.split(args.classifier_args)]
        if args.no_progress:
            argv.append("--no_progress")
        if (resume_dir(plan.classifier_dir) / TRAINER_STATE_FILE).is_file():
            argv.append("--resume")
        return argv
    if stage == "classifier_eval":
        return ["--model_dir", str(plan.classifier_dir), "--test_file", *map(str, plan.classifier_files),
                "--label_set", "six", "--split", "test", "--seed", str(args.seed)]
    if stage == "generator":
        argv = ["--data_files", *map(str, plan.generator_files), "--classifier", str(plan.classifier_dir),
                "--model_dir", plan.kogpt2, "--output_dir", str(plan.generator_dir),
                "--num_train_epochs", str(args.generator_epochs), "--seed", str(args.seed),
                *tiny, *shlex.split(args.generator_args)]
        if (resume_dir(plan.generator_dir) / TRAINER_STATE_FILE).is_file():
            argv.append("--resume")
        return argv
    if stage == "generator_eval":
        return ["--model_dir", str(plan.generator_dir), "--classifier", str(plan.classifier_dir),
                *tiny, *shlex.split(args.generator_eval_args)]
    raise ValueError(f"no trainer for stage {stage!r}")


def run_stage(stage: str, plan: Plan, args) -> None:
    if stage == "report":
        from chatbot.train_report import write_report

        write_report(plan.output_dir, load_state(plan.output_dir))
        return
    module = {"classifier": "classifier.train", "classifier_eval": "classifier.evaluate",
              "generator": "generator.train", "generator_eval": "generator.evaluate"}[stage]
    import importlib

    argv = trainer_argv(stage, plan, args)
    print(f"$ python -m {module} {shlex.join(argv)}", flush=True)
    importlib.import_module(module).main(argv)


def settings_of(args) -> dict:
    """What must match for a run to continue an earlier one in the same --output_dir."""
    return {"data_dir": str(Path(args.data_dir).resolve()), "kobert": args.kobert, "kogpt2": args.kogpt2,
            "tiny": args.tiny, "sample": args.sample, "seed": args.seed, "classifier_epochs": args.classifier_epochs,
            "generator_epochs": args.generator_epochs, "classifier_args": args.classifier_args,
            "generator_args": args.generator_args, "generator_eval_args": args.generator_eval_args}


def load_state(output_dir: Path) -> dict:
    path = Path(output_dir) / STATE_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def save_state(output_dir: Path, state: dict) -> None:
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    write_json_atomic(Path(output_dir) / STATE_FILE, state)


def main(argv=None) -> dict:
    args = parse_args(argv)
    output_dir = Path(args.output_dir)
    settings = settings_of(args)
    state = load_state(output_dir)
    if state and state.get("settings") != settings:
        changed = sorted(k for k in settings if state.get("settings", {}).get(k) != settings[k])
        raise ValueError(f"{output_dir / STATE_FILE}: this run was started with other settings ({', '.join(changed)}); "
                         f"repeat the first command to continue it, or give a new --output_dir")
    if not state:  # a fresh run never resumes or replaces checkpoints it did not start
        parts = [output_dir / "classifier", resume_dir(output_dir / "classifier"), output_dir / "generator",
                 resume_dir(output_dir / "generator"), output_dir / "report"]
        taken = [path.name for path in parts if path.exists()]
        if taken:
            raise FileExistsError(f"{output_dir}: {', '.join(taken)} already there and not started by train_all (no "
                                  f"{STATE_FILE}); give a new --output_dir, or move them away first")
    state = state or {"settings": settings, "done": {}}
    # ---- data (and tiny base models)
    plan = make_plan(args)
    print(f"classifier data: {', '.join(map(str, plan.classifier_files))}")
    print(f"generator data: {', '.join(map(str, plan.generator_files))}")
    for path, why in plan.skipped.items():
        print(f"not used: {path} ({why})")
    # ---- how long: timed steps on this device, before any training
    remaining = [s for s in STAGES if s not in state["done"]]
    if not remaining:
        print(f"all stages already done in {output_dir} (report: {plan.report_dir / 'report.md'})")
        return state
    if not args.no_estimate:
        state["estimate"] = estimate(plan, args, {stage: trainer_argv(stage, plan, args)
                                                   for stage in ("classifier", "generator", "generator_eval")})
        print_estimate(state["estimate"])
        if args.estimate_only:
            return state
    if state["done"]:
        print(f"continuing {output_dir}: done {', '.join(state['done'])}; next {', '.join(remaining)}")
    save_state(output_dir, state)
    # ---- stages
    for number, stage in enumerate(STAGES, start=1):
        if stage in state["done"]:
            continue
        print(f"\n== [{number}/{len(STAGES)}] {stage} ==", flush=True)
        started = time.perf_counter()
        run_stage(stage, plan, args)
        seconds = time.perf_counter() - started
        expected = state.get("estimate", {}).get("seconds", {}).get(stage)
        state["done"][stage] = {"seconds": round(seconds, 2), "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
        save_state(output_dir, state)
        print(f"== {stage} done in {describe(seconds)}" + (f" (estimated {describe(expected)})" if expected else ""),
              flush=True)
    print(f"\nreport: {plan.report_dir / 'report.md'}")
    chat = "python app.py" + ("" if output_dir == Path("checkpoints") else f" --checkpoints_dir {output_dir}")
    print(f"chat with the full engine: {chat}")
    return state


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\ninterrupted: run the same command again to continue (finished stages are kept)", file=sys.stderr)
        sys.exit(130)
    except (OSError, ValueError) as error:  # bad data, paths or settings: one line (MAEUMCHAT_DEBUG=1: traceback)
        if os.environ.get("MAEUMCHAT_DEBUG"):
            raise
        print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
        sys.exit(2)
