"""One command from data to a running full engine: KoBERT classifier → KoGPT2 generator → evaluations → report.

    python -m chatbot.train_all --data_dir ../shared/data        # base models by hub id → checkpoints/
    python -m chatbot.train_all --data_dir DIR --tiny            # tiny models on a sample: the whole path in seconds
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
import importlib
import json
import shlex
import sys
import time
from pathlib import Path

from chatbot.train_data import TINY_SAMPLE, Plan, make_plan
from chatbot.train_estimate import describe, estimate, print_estimate
from chatbot.train_report import write_report
from classifier.tokenization import KOBERT_HUB_ID
from data.cli import EXIT_INTERRUPTED, add_debug_flag, make_parser, run_cli
from generator.tokenization import DEFAULT_KOGPT2
from training.files import write_json_atomic
from training.resume import STATE_FILE as TRAINER_STATE_FILE, resume_dir

STATE_FILE = "train_all_state.json"
STAGES = ("classifier", "classifier_eval", "generator", "generator_eval", "report")
TINY_ARGS = {  # --tiny: short sequences, few examples, a small evaluation (epochs: see parse_args)
    "classifier": "--max_seq_len 32 --learning_rate 2e-3 --train_batch_size 16 --early_stopping_patience 3".split(),
    "generator": "--max_seq_len 48 --learning_rate 1e-3 --train_batch_size 8 --max_train_examples 96".split(),
    "generator_eval": "--max_examples 12 --control_messages 4 --max_new_tokens 12".split(),
}


def parse_args(argv=None) -> argparse.Namespace:
    p = make_parser("python -m chatbot.train_all", __doc__)
    p.add_argument("--data_dir", required=True, help="folder with the corpus files (sub-folders are searched)")
    p.add_argument(
        "--output_dir",
        default="checkpoints",
        help="checkpoints go to OUTPUT_DIR/classifier and OUTPUT_DIR/generator (default %(default)s: "
        "where app.py and Chatbot.default() look)",
    )
    p.add_argument("--kobert", default=KOBERT_HUB_ID, help="base KoBERT: hub id or directory (default %(default)s)")
    p.add_argument("--kogpt2", default=DEFAULT_KOGPT2, help="base KoGPT2: hub id or directory (default %(default)s)")
    p.add_argument(
        "--tiny",
        action="store_true",
        help=f"tiny random-initialised models (2 layers) with the real tokenizers, {TINY_SAMPLE} rows per "
        "file, short runs: checks the whole path in seconds (CI, the notebook's test); replies are noise",
    )
    p.add_argument(
        "--sample",
        type=int,
        default=None,
        metavar="ROWS",
        help=f"use at most ROWS rows of each corpus file (wellness: whole categories); default all, "
        f"{TINY_SAMPLE} with --tiny",
    )
    p.add_argument(
        "--classifier_epochs",
        type=int,
        default=None,
        help="upper bound; training stops when validation macro-F1 stops improving (default 5, 6 with --tiny)",
    )
    p.add_argument(
        "--generator_epochs", type=int, default=None, help="passes over the dialogues (default 3, 1 with --tiny)"
    )
    p.add_argument("--classifier_args", default="", metavar="'ARGS'", help="more classifier.train options, quoted")
    p.add_argument("--generator_args", default="", metavar="'ARGS'", help="more generator.train options, quoted")
    p.add_argument(
        "--generator_eval_args", default="", metavar="'ARGS'", help="more generator.evaluate options, quoted"
    )
    p.add_argument(
        "--estimate_only", action="store_true", help="time a few steps, say how long training would take, stop"
    )
    p.add_argument("--no_estimate", action="store_true", help="skip the timing steps before training")
    p.add_argument("--estimate_steps", type=int, default=3, help="timed optimizer steps per model (after one warm-up)")
    p.add_argument("--seed", type=int, default=42, help="data sample, splits, initialisation")
    p.add_argument(
        "--no_progress", action="store_true", help="no progress bars from the classifier trainer (logs, CI)"
    )
    add_debug_flag(p)
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


# ----------------------------------------------------------------------------------------------------- stages
def trainer_argv(stage: str, plan: Plan, args) -> list[str]:
    """The argument list each stage hands to the trainer's or evaluator's `main(argv)`."""
    tiny = TINY_ARGS.get(stage, []) if args.tiny else []
    if stage == "classifier":
        extra = [*tiny, *shlex.split(args.classifier_args), *(["--no_progress"] if args.no_progress else [])]
        return [
            "--train_file",
            *map(str, plan.classifier_files),
            "--label_set",
            "six",
            *training_argv(plan.kobert, plan.classifier_dir, args.classifier_epochs, args.seed, extra),
        ]
    if stage == "classifier_eval":
        return [
            "--model_dir",
            str(plan.classifier_dir),
            "--test_file",
            *map(str, plan.classifier_files),
            "--label_set",
            "six",
            "--split",
            "test",
            "--seed",
            str(args.seed),
        ]
    if stage == "generator":
        extra = [*tiny, *shlex.split(args.generator_args)]
        return [
            "--data_files",
            *map(str, plan.generator_files),
            "--classifier",
            str(plan.classifier_dir),
            *training_argv(plan.kogpt2, plan.generator_dir, args.generator_epochs, args.seed, extra),
        ]
    if stage == "generator_eval":
        return [
            "--model_dir",
            str(plan.generator_dir),
            "--classifier",
            str(plan.classifier_dir),
            *tiny,
            *shlex.split(args.generator_eval_args),
        ]
    raise ValueError(f"no trainer for stage {stage!r}")


def training_argv(base: str, output_dir: Path, epochs: int, seed: int, extra: list[str]) -> list[str]:
    """The flags both trainers share (`training.arguments`): fine-tune `base` into `output_dir`, then the stage's
    `extra` flags, and `--resume` when a stopped run there left its state."""
    flags = ["--model_dir", base, "--output_dir", str(output_dir), "--num_train_epochs", str(epochs)]
    return [*flags, "--seed", str(seed), *extra, *resume_flag(output_dir)]


def resume_flag(output_dir: Path) -> list[str]:
    """`--resume` when a trainer's earlier run into `output_dir` left its resume state: a stopped stage continues."""
    return ["--resume"] if (resume_dir(output_dir) / TRAINER_STATE_FILE).is_file() else []


def run_stage(stage: str, plan: Plan, args) -> None:
    if stage == "report":
        write_report(plan.output_dir, load_state(plan.output_dir))
        return
    module = {
        "classifier": "classifier.train",
        "classifier_eval": "classifier.evaluate",
        "generator": "generator.train",
        "generator_eval": "generator.evaluate",
    }[stage]

    argv = trainer_argv(stage, plan, args)
    print(f"$ python -m {module} {shlex.join(argv)}", flush=True)
    importlib.import_module(module).main(argv)


def settings_of(args) -> dict:
    """What must match for a run to continue an earlier one in the same --output_dir."""
    return {
        "data_dir": str(Path(args.data_dir).resolve()),
        "kobert": args.kobert,
        "kogpt2": args.kogpt2,
        "tiny": args.tiny,
        "sample": args.sample,
        "seed": args.seed,
        "classifier_epochs": args.classifier_epochs,
        "generator_epochs": args.generator_epochs,
        "classifier_args": args.classifier_args,
        "generator_args": args.generator_args,
        "generator_eval_args": args.generator_eval_args,
    }


def load_state(output_dir: Path) -> dict:
    path = Path(output_dir) / STATE_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def save_state(output_dir: Path, state: dict) -> None:
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    write_json_atomic(Path(output_dir) / STATE_FILE, state)


def train(argv=None) -> dict:
    """Run the stages as `python -m chatbot.train_all argv…` does; return the run's state (also in STATE_FILE):
    its settings, the stages done and the estimate."""
    args = parse_args(argv)
    output_dir = Path(args.output_dir)
    settings = settings_of(args)
    state = load_state(output_dir)
    if state and state.get("settings") != settings:
        changed = sorted(k for k in settings if state.get("settings", {}).get(k) != settings[k])
        raise ValueError(
            f"{output_dir / STATE_FILE}: this run was started with other settings ({', '.join(changed)}); "
            f"repeat the first command to continue it, or give a new --output_dir"
        )
    if not state:  # a fresh run never resumes or replaces checkpoints it did not start
        parts = [
            output_dir / "classifier",
            resume_dir(output_dir / "classifier"),
            output_dir / "generator",
            resume_dir(output_dir / "generator"),
            output_dir / "report",
        ]
        taken = [path.name for path in parts if path.exists()]
        if taken:
            raise FileExistsError(
                f"{output_dir}: {', '.join(taken)} already there and not started by train_all (no "
                f"{STATE_FILE}); give a new --output_dir, or move them away first"
            )
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
        state["estimate"] = estimate(
            plan,
            args,
            {stage: trainer_argv(stage, plan, args) for stage in ("classifier", "generator", "generator_eval")},
        )
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
        print(
            f"== {stage} done in {describe(seconds)}" + (f" (estimated {describe(expected)})" if expected else ""),
            flush=True,
        )
    print(f"\nreport: {plan.report_dir / 'report.md'}")
    chat = "python app.py" + ("" if output_dir == Path("checkpoints") else f" --checkpoints_dir {output_dir}")
    print(f"chat with the full engine: {chat}")
    return state


def main(argv=None) -> int:
    try:
        train(argv)
    except KeyboardInterrupt:  # said here, not by run_cli: how to continue is the one thing to know
        print("\ninterrupted: run the same command again to continue (finished stages are kept)", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
