"""Run every benchmark in one process, one after another.

  python -m bench.run_all                  # every benchmark at full size (minutes)
  python -m bench.run_all --quick          # tiny sizes: a smoke run, not a measurement
  python -m bench.run_all --only chatbot   # one of them (repeatable)

Each benchmark prints its own baseline and the ratio against it, measured in the same run. The soak benchmark
runs on its own: `python -m bench.bench_soak` (10 minutes by default).
"""

import importlib
import sys
import traceback

from data.cli import EXIT_ERROR, add_debug_flag, make_parser, run_cli

BENCHMARKS = ("bench.bench_classifier", "bench.bench_generator", "bench.bench_chatbot", "bench.bench_conversation")


def main(argv=None) -> int:
    parser = make_parser("python -m bench.run_all", __doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run, not a measurement")
    parser.add_argument(
        "--only",
        choices=[name.rsplit("_", 1)[-1] for name in BENCHMARKS],
        action="append",
        help="run only these (classifier, generator, chatbot); repeatable",
    )
    add_debug_flag(parser)
    args = parser.parse_args(argv)
    failed = []
    for module_name in BENCHMARKS:
        if args.only and module_name.rsplit("_", 1)[-1] not in args.only:
            continue
        print(f"\n===== {module_name} =====", flush=True)
        try:
            result = importlib.import_module(module_name).main(["--quick"] if args.quick else [])
        except Exception as error:  # noqa: BLE001 — report it and go on with the other benchmarks
            if args.debug:
                traceback.print_exc()
            print(f"{module_name} failed: {type(error).__name__}: {' '.join(str(error).split())}", file=sys.stderr)
            result = 1
        if result != 0:
            failed.append(module_name)
    if failed:
        print(f"error: {', '.join(failed)} failed (see above; --debug shows the tracebacks)", file=sys.stderr)
    return EXIT_ERROR if failed else 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
