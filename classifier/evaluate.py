"""Evaluate a saved classifier (KoBERT or light): accuracy, macro-F1, per-class P/R/F1, confusion-matrix PNG, JSON.

  python -m classifier.evaluate --model_dir checkpoints/classifier --test_file FILE --label_set six --split test
  python -m classifier.evaluate --model_dir checkpoints/light --test_file other.csv --label_set six --split all

Metrics are computed over all examples at once (never averaged per batch). `--split test` re-creates the
training run's held-out test split (same --seed/--validation_split/--test_split); `--split all` uses every row.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm.auto import tqdm

from classifier.data_prep import LABEL_SETS, check_data_paths, load_labelled, split_labelled
from classifier.predict import add_model_arguments, check_model_dir, load_model
from data.cli import add_choice, add_debug_flag, command_main, make_parser, require_one_of, run_cli
from data.fonts import installed_korean_font
from training.files import write_json

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType


def parse_args(argv=None):
    p = make_parser("python -m classifier.evaluate", __doc__)
    add_model_arguments(p)
    p.add_argument(
        "--test_file", nargs="+", default=[], metavar="FILE", help="labelled data, any format data.load_any reads"
    )
    p.add_argument("--data_dir", default=None, metavar="DIR", help="also read every table file under this directory")
    add_choice(p, "--label_set", LABEL_SETS, about="the label set the model was trained on", default="six")
    p.add_argument(
        "--taxonomy", default=None, metavar="JSON", help="taxonomy for --label_set six (default: data/taxonomy.json)"
    )
    splits = {
        "test": "the training run's held-out test part (same seed and fractions)",
        "validation": "its validation part",
        "all": "every row",
    }
    add_choice(p, "--split", splits, default="test")
    p.add_argument("--seed", type=int, default=42, help="split seed (as in training)")
    p.add_argument("--validation_split", type=float, default=0.1, help="validation fraction (as in training)")
    p.add_argument("--test_split", type=float, default=0.1, help="test fraction (as in training)")
    p.add_argument("--eval_batch_size", type=int, default=128, help="sentences per batch")
    p.add_argument(
        "--output_dir",
        default=None,
        metavar="DIR",
        help="where report.json and confusion_matrix.png go (default: <model_dir>/eval)",
    )
    p.add_argument("--no_progress", action="store_true", help="no progress bars (logs, CI)")
    add_debug_flag(p)
    args = p.parse_args(argv)
    require_one_of(p, args, test_file="--test_file FILE...", data_dir="--data_dir DIR")
    return args


def plot_confusion(matrix, labels: list[str], path: Path, title: str) -> str | None:
    """Row-normalised confusion matrix with counts; returns the font used (None = fallback, Hangul may be boxes)."""
    import matplotlib  # why: matplotlib only when a confusion plot is drawn

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = installed_korean_font()
    rc: dict[RcKeyType, list[str]] = {"font.family": [font, "sans-serif"]} if font else {}
    if font is None:
        print("note: no CJK font found (install fonts-noto-cjk); Korean labels may not render")
    with plt.rc_context({**rc, "axes.unicode_minus": False}):
        counts = np.asarray(matrix)
        rows = counts.sum(axis=1, keepdims=True)
        share = np.divide(counts, rows, out=np.zeros_like(counts, dtype=float), where=rows > 0)
        size = 1.2 + 0.75 * len(labels)
        fig, ax = plt.subplots(figsize=(size + 1.5, size))
        image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("예측 (predicted)")
        ax.set_ylabel("정답 (true)")
        ax.set_title(title)
        for i in range(len(labels)):
            for j in range(len(labels)):
                ax.text(
                    j,
                    i,
                    f"{counts[i, j]}\n{share[i, j]:.0%}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if share[i, j] > 0.5 else "black",
                )
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return font


def evaluate(argv=None) -> dict:
    """Evaluate as `python -m classifier.evaluate argv…` does; return the report (also in report.json)."""
    args = parse_args(argv)
    from sklearn.metrics import confusion_matrix  # why: sklearn, torch; `--help` stays light

    from classifier.training_utils import classification_metrics

    # ---- paths first (fast), then data, then model
    check_data_paths({"--test_file": args.test_file, "--taxonomy": [args.taxonomy]}, args.data_dir)
    check_model_dir(args.model_dir, args.long_text)
    data = load_labelled(args.test_file, args.data_dir, args.label_set, args.taxonomy, progress=not args.no_progress)
    if args.split != "all":
        _, validation, test = split_labelled(data, args.seed, args.validation_split, args.test_split)
        data = test if args.split == "test" else validation
    # ---- model
    classifier = load_model(args)
    labels = classifier.labels
    unknown = sorted(set(data.labels) - set(labels))
    if unknown:
        raise ValueError(
            f"{', '.join(args.test_file) or args.data_dir}: labels {unknown} are not among the "
            f"model's {labels} — wrong --label_set? (model: {args.model_dir})"
        )
    # ---- predict
    started = time.perf_counter()
    if hasattr(classifier, "logits"):
        predicted = (
            classifier.logits(data.texts, batch_size=args.eval_batch_size, progress=not args.no_progress)
            .argmax(-1)
            .tolist()
        )
    else:
        index = {label: i for i, label in enumerate(labels)}
        predicted = []
        for start in tqdm(
            range(0, len(data.texts), args.eval_batch_size), desc="predict", unit="batch", disable=args.no_progress
        ):
            predicted += [index[p.label] for p in classifier.predict(data.texts[start : start + args.eval_batch_size])]
    seconds = time.perf_counter() - started
    gold = [labels.index(label) for label in data.labels]
    # ---- report
    report = classification_metrics(labels, gold, predicted)
    matrix = confusion_matrix(gold, predicted, labels=list(range(len(labels))))
    output_dir = Path(args.output_dir or Path(args.model_dir) / "eval")
    output_dir.mkdir(parents=True, exist_ok=True)
    font = plot_confusion(
        matrix,
        labels,
        output_dir / "confusion_matrix.png",
        f"{Path(args.model_dir).name} · {args.split} · macro-F1 {report['macro_f1']:.3f}",
    )
    report.update(
        {
            "model_dir": str(args.model_dir),
            "backend": type(classifier).__name__,
            "split": args.split,
            "files": args.test_file,
            "data_dir": args.data_dir,
            "label_set": args.label_set,
            "labels": labels,
            "confusion_matrix": matrix.tolist(),
            "dropped": data.dropped,
            "predict_seconds": round(seconds, 3),
            "font": font,
        }
    )
    write_json(output_dir / "report.json", report)
    print(f"{report['examples']} sentences: accuracy {report['accuracy']:.4f}, macro-F1 {report['macro_f1']:.4f}")
    width = max(len(label) for label in labels) + 2
    print(f"{'':{width}} precision recall   f1   support")
    for label, row in report["per_class"].items():
        print(f"{label:{width}} {row['precision']:9.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:8d}")
    print(f"report: {output_dir / 'report.json'}, confusion matrix: {output_dir / 'confusion_matrix.png'}")
    return report


main = command_main(evaluate)


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
