"""One way for every command-line tool to fail: a single `error: …` line on stderr, exit code 2.

    if __name__ == "__main__":
        sys.exit(run_cli(main))

`main(argv)` raises as usual (tests call it directly and catch the exception); `run_cli` turns any exception
into one line that says what is wrong and, through the exception's message, what to do. `--debug` (add it to
the parser with `add_debug_flag`) prints the traceback instead. Lives in `data/`, the bottom layer, so the
model packages, the benchmarks and `app.py` share it without import cycles.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import Protocol

DEBUG_FLAG = "--debug"
EXIT_ERROR = 2  # argparse's own code for a bad command line: one code for "the command could not do its job"
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """The description keeps its layout (examples stay one per line); each option's help ends with its default,
    unless the help already says it or there is none to show."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (
            not action.option_strings
            or action.default in (None, False, [], argparse.SUPPRESS)
            or "default" in text.lower()
        ):
            return text
        return f"{text} (default: %(default)s)" if text else "default: %(default)s"


def make_parser(prog: str, description: str, **kwargs) -> argparse.ArgumentParser:
    """An ArgumentParser with the shared help layout; add --debug with `add_debug_flag` after the options."""
    return argparse.ArgumentParser(prog=prog, description=description, formatter_class=HelpFormatter, **kwargs)


def add_command(commands, name: str, *, summary: str, description: str) -> argparse.ArgumentParser:
    """A sub-command (`python -m data summary …`) of `commands` (from `add_subparsers`) with the shared help layout
    (argparse gives a sub-parser its own plain formatter unless told otherwise); `summary` is its line in the
    parent's --help."""
    return commands.add_parser(name, help=summary, description=description, formatter_class=HelpFormatter)


def add_choice(
    parser: argparse.ArgumentParser, name: str, meanings: Mapping[str, str], *, about: str = "", **kwargs
) -> argparse.Action:
    """An argument that takes one of `meanings`' keys; its help says what each choice does (`about: a = …; b = …`)
    and, through HelpFormatter, which is the default."""
    choices = "; ".join(f"{choice} = {meaning}" for choice, meaning in meanings.items())
    help_text = f"{about}: {choices}" if about else choices
    return parser.add_argument(name, choices=tuple(meanings), help=help_text, **kwargs)


def add_debug_flag(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(DEBUG_FLAG, action="store_true", help="on an error, print the full traceback too")
    return parser


def require_one_of(parser: argparse.ArgumentParser, args: argparse.Namespace, **inputs: str) -> None:
    """Stops with the usage error `give A and/or B` unless one of `inputs` was given (argparse has no "at least one
    of" group). `inputs` maps each argument's dest to how --help shows it: `test_file="--test_file FILE..."`."""
    if not any(getattr(args, dest) for dest in inputs):
        parser.error("give " + " and/or ".join(inputs.values()))


EXPECTED = (OSError, ValueError, TypeError, LookupError)  # bad input, missing files, busy ports: the message is enough


def _is_ours(error: BaseException) -> bool:
    return type(error).__module__.split(".")[0] in ("data", "classifier", "generator", "chatbot", "bench", "app")


def error_line(error: BaseException) -> str:
    """`error: <message>` on one line. Unexpected errors (a bug, a library failing) also name their type and
    point at --debug."""
    message = " ".join(str(error).split())  # one line, whatever the message held
    if isinstance(error, KeyError):
        message = f"missing key {message}"
    if isinstance(error, EXPECTED) or _is_ours(error):
        return f"error: {message or type(error).__name__}"
    return f"error: {type(error).__name__}: {message}  (add {DEBUG_FLAG} for the traceback)"


class Main(Protocol):
    def __call__(self, argv: list[str] | None = None) -> int: ...


def command_main(command: Callable[[list[str] | None], object]) -> Main:
    """The `main(argv) -> int` of a command whose function returns what it made (a report, predictions) to Python
    callers and tests: run it and return exit code 0 (a failure raises; `run_cli` makes it one line and code 2)."""

    def main(argv: list[str] | None = None) -> int:
        command(argv)
        return 0

    main.__doc__ = command.__doc__
    return main


def run_cli(main, argv: list[str] | None = None) -> int:
    """Run `main(argv)`; return its exit code (0 unless it returns an int), or 2 after one `error:` line."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        result = main(args)
    except KeyboardInterrupt:
        print("error: interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 — every failure ends here as one line (SystemExit passes: argparse)
        if DEBUG_FLAG in args:
            traceback.print_exc()
        print(error_line(error), file=sys.stderr, flush=True)
        return EXIT_ERROR
    return result if isinstance(result, int) and not isinstance(result, bool) else 0
