"""Classify the emotion of Korean sentences with a saved classifier (KoBERT or light).

python -m classifier.predict "오늘 너무 행복해요"
python -m classifier.predict "문장 하나" "문장 둘" --model_dir checkpoints/classifier
python -m classifier.predict --file sentences.txt --json        # one sentence per line; "-" = stdin
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.contract import LONG_TEXT_MODES
from classifier.loading import load_classifier, saved_backend
from data.cli import add_choice, add_debug_flag, command_main, make_parser, require_one_of, run_cli
from training.files import looks_local, surviving_copy

if TYPE_CHECKING:
    from classifier.contract import Classifier
    from classifier.prediction import Prediction


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    """--model_dir and --long_text: which saved classifier to read and how (also classifier.evaluate's flags)."""
    p.add_argument(
        "--model_dir",
        default="checkpoints/classifier",
        metavar="DIR",
        help="classifier directory (either backend) or hub id",
    )
    about = "KoBERT only; how texts over max_seq_len are read, as saved unless given"
    add_choice(p, "--long_text", LONG_TEXT_MODES, about=about, default=None)


def check_model_dir(model_dir: str, long_text: str | None) -> None:
    """Fail before the data is read: a missing local model, or --long_text given for a light model."""
    if not looks_local(model_dir):
        return  # a hub id: checked when it is loaded
    path = surviving_copy(Path(model_dir).expanduser())
    if not path.is_dir():
        raise FileNotFoundError(
            f"--model_dir {model_dir}: no trained classifier there — train one with `python -m "
            f"classifier.train --train_file FILE --label_set six --output_dir {model_dir}`"
        )
    if long_text and saved_backend(path) == "light":
        raise ValueError(
            f"--long_text applies to KoBERT classifiers only; {model_dir} is a light classifier "
            f"(leave --long_text out)"
        )


def load_model(args: argparse.Namespace) -> Classifier:
    """The classifier --model_dir names, reading long texts as --long_text says (KoBERT only; default: as saved)."""
    return load_classifier(args.model_dir, **({"long_text": args.long_text} if args.long_text else {}))


def parse_args(argv=None):
    p = make_parser("python -m classifier.predict", __doc__)
    p.add_argument("sentences", nargs="*", help="sentences to classify")
    p.add_argument("--file", default=None, help="text file, one sentence per line (UTF-8); '-' reads stdin")
    add_model_arguments(p)
    p.add_argument("--top_k", type=int, default=3, help="class scores shown per sentence")
    p.add_argument("--json", action="store_true", help="one JSON object per line instead of text")
    add_debug_flag(p)
    args = p.parse_args(argv)
    require_one_of(p, args, sentences="sentences", file="--file FILE")
    return args


def read_sentences(path: str) -> list[str]:
    if path == "-":
        return [line.rstrip("\n") for line in sys.stdin if line.strip()]
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"--file {file}: not found")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"--file {file}: not UTF-8 ({error}); save it as UTF-8") from None
    return [line for line in text.splitlines() if line.strip()]


def predict(argv=None) -> list[Prediction]:
    """Predict and print as `python -m classifier.predict argv…` does; return the predictions, one per sentence."""
    args = parse_args(argv)
    check_model_dir(args.model_dir, args.long_text)  # before reading stdin or a file
    sentences = list(args.sentences) + (read_sentences(args.file) if args.file else [])
    classifier = load_model(args)
    predictions = classifier.predict(sentences)
    for sentence, prediction in zip(sentences, predictions, strict=True):
        if args.json:
            print(json.dumps({"text": sentence, **prediction.to_dict()}, ensure_ascii=False))
            continue
        top = sorted(prediction.scores.items(), key=lambda item: -item[1])[: args.top_k]
        print(f"{prediction.label}\t{prediction.score:.3f}\t{sentence}")
        print("\t" + "  ".join(f"{label} {score:.3f}" for label, score in top))
    return predictions


main = command_main(predict)


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
