"""The flags that choose a Chatbot's engine, shared by `app.py` and `python -m chatbot.evaluate`, and the Chatbot they
ask for: so an evaluation runs the engine the app would serve with the same flags."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from chatbot.offline import DEFAULT_CHECKPOINTS_DIR

if TYPE_CHECKING:
    from chatbot.engine import Chatbot


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """--classifier, --generator, --data, --offline, --checkpoints_dir, --device, --quantize."""
    parser.add_argument("--classifier", metavar="DIR_OR_HUB_ID", help="emotion classifier checkpoint (full engine)")
    parser.add_argument("--generator", metavar="DIR_OR_HUB_ID", help="reply generator checkpoint (full engine)")
    parser.add_argument(
        "--data",
        nargs="+",
        default=[],
        metavar="FILE",
        help="wellness / 감성대화 / ChatbotData / KETI / own CSV files: replies (and labels) for the offline engine",
    )
    parser.add_argument("--offline", action="store_true", help="use the offline default even when checkpoints exist")
    parser.add_argument(
        "--checkpoints_dir", default=DEFAULT_CHECKPOINTS_DIR, help="where trained checkpoints are looked for"
    )
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto", help="auto = CUDA when present")
    parser.add_argument("--quantize", action="store_true", help="int8 generator on CPU (faster, slightly different)")


def check_engine_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Exits through `parser.error` when the engine flags contradict each other."""
    if args.offline and (args.classifier or args.generator):
        parser.error("--offline cannot be combined with --classifier/--generator")


def build_chatbot(args: argparse.Namespace, **kwargs) -> Chatbot:
    """The Chatbot the engine flags ask for: the named checkpoints (the rest from --checkpoints_dir), the offline
    default with --offline, else the full engine when --checkpoints_dir holds trained checkpoints, otherwise offline.
    `kwargs` go to the Chatbot (max_message_chars …)."""
    from chatbot import Chatbot  # why: chatbot.safety compiles the crisis rules on import; every --help stays light

    if args.classifier or args.generator:
        if args.data:
            print("note: --data feeds only the offline engine; ignored with --classifier/--generator", file=sys.stderr)
        return Chatbot.from_pretrained(
            classifier=args.classifier or f"{args.checkpoints_dir}/classifier",
            responder=args.generator or f"{args.checkpoints_dir}/generator",
            device=args.device,
            quantize=args.quantize,
            **kwargs,
        )
    if args.offline:
        return Chatbot.offline(data_files=args.data, checkpoints_dir=args.checkpoints_dir, **kwargs)
    return Chatbot.default(
        checkpoints_dir=args.checkpoints_dir,
        data_files=args.data,
        device=args.device,
        quantize=args.quantize,
        **kwargs,
    )
