"""`python -m data summary FILE...` — what each corpus file holds, before and after the emotion taxonomy.

Prints, per file: the recognised format and encoding, rows read, utterances and dialogue examples kept,
dropped (empty, duplicate) and malformed rows, conflicting sentences, the rows per original label and the
label each maps to; then one table of utterances per emotion per source.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from data.cli import add_command, add_debug_flag, make_parser, run_cli
from data.demo import load_demo
from data.loaders import detect_format, load_any
from data.taxonomy import Taxonomy

MAX_CONFLICT_EXAMPLES = 3  # conflicting sentences quoted per file
LINE_WIDTH = 100  # characters per line of the packed label list
DEMO_ARGUMENT = "demo"  # `python -m data summary demo` summarises the built-in demo set


def build_parser() -> argparse.ArgumentParser:
    parser = make_parser("python -m data", __doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    summary = add_command(
        commands,
        "summary",
        summary="summarise corpus files (any supported format)",
        description="Summarise corpus files: rows, labels (original → six emotions), dropped rows and conflicts.",
    )
    summary.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="xlsx / csv / tsv / txt / jsonl corpus files, or 'demo' for the built-in demo set",
    )
    summary.add_argument(
        "--taxonomy", default=None, metavar="JSON", help="mapping JSON (default: data/taxonomy.json, the six emotions)"
    )
    summary.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    add_debug_flag(summary)
    return parser


def _summarise(path, taxonomy) -> dict:
    corpus = load_demo() if path == DEMO_ARGUMENT else load_any(path)
    report = corpus.report
    original: Counter[str | None] = Counter()
    for utterance in corpus.utterances:
        if utterance.label is None and utterance.labels:  # multi-label (KOTE): count each label
            original.update(utterance.labels)
        else:
            original[utterance.label] += 1
    mapped_to = {}
    for utterance in corpus.utterances:
        if utterance.label is not None and utterance.label not in mapped_to:
            mapped_to[utterance.label] = taxonomy.map(utterance.source, utterance.label)
    mapped = taxonomy.map_corpus(corpus)
    pair_overrides: Counter[tuple[tuple[str, ...], str | None]] = (
        Counter()
    )  # (대분류, 소분류) rows whose emotion differs from the major label's
    for utterance in corpus.utterances:
        if len(utterance.labels) == 2 and utterance.label == utterance.labels[0]:
            emotion = taxonomy.map(utterance.source, utterance.labels)
            if emotion != mapped_to.get(utterance.label):
                pair_overrides[(utterance.labels, emotion)] += 1
    return {
        "file": str(corpus.path),
        "format": "demo" if path == DEMO_ARGUMENT else detect_format(path),
        "source": corpus.name,
        "report": report.as_dict(),
        "labels": {
            str(label): {"rows": count, "maps_to": mapped_to.get(label)} for label, count in original.most_common()
        },
        "pair_overrides": [
            {"labels": list(pair), "maps_to": emotion, "rows": count}
            for (pair, emotion), count in pair_overrides.most_common()
        ],
        "mapped_utterances": dict(mapped.label_counts()),
        "mapped_dialogues": dict(Counter(d.label for d in mapped.dialogues)),
        "unmapped_utterances": mapped.report.extra["unmapped_utterances"],
        "merged_after_mapping": mapped.report.extra["merged_after_mapping"],
    }


def _pack(entries: list[str]) -> list[str]:
    """Join entries with ' · ' into lines of at most LINE_WIDTH characters (long label lists stay readable)."""
    lines, current = [], ""
    for entry in entries:
        candidate = f"{current} · {entry}" if current else entry
        if current and len(candidate) > LINE_WIDTH:
            lines.append(current)
            candidate = entry
        current = candidate
    return lines + ([current] if current else [])


def _print_text(summaries: list[dict], taxonomy, out) -> None:
    for item in summaries:
        report = item["report"]
        print(f"== {item['file']}", file=out)
        print(
            f"format {item['format']} | source {item['source']} | encoding {report['encoding'] or '(binary xlsx)'}",
            file=out,
        )
        print(
            f"rows read {report['rows_read']:,} | utterances kept {report['kept']:,} | dialogue examples "
            f"{report['dialogues']:,} | dropped empty {report['dropped_empty']:,} | dropped duplicates "
            f"{report['dropped_duplicates']:,} (dialogues {report['dropped_duplicate_dialogues']:,}) | "
            f"malformed {report['malformed']:,} | conflicting sentences {len(report['conflicting']):,}",
            file=out,
        )
        if report["extra"]:
            print("extra: " + ", ".join(f"{key} {value:,}" for key, value in report["extra"].items()), file=out)
        for text, labels in list(report["conflicting"].items())[:MAX_CONFLICT_EXAMPLES]:
            print(f"  conflicting: {text!r} → {', '.join(labels)}", file=out)
        for warning in report["warnings"]:
            print(f"  warning: {warning}", file=out)
        print(f"labels ({len(item['labels'])}): original → mapped", file=out)
        entries = [f"{label} {info['rows']:,}→{info['maps_to'] or '-'}" for label, info in item["labels"].items()]
        for line in _pack(entries):
            print(f"  {line}", file=out)
        overrides = [f"{'/'.join(o['labels'])} {o['rows']:,}→{o['maps_to'] or '-'}" for o in item["pair_overrides"]]
        for line in _pack(overrides):
            print(f"  override: {line}", file=out)
        mapped = item["mapped_utterances"]
        print(
            "mapped utterances: "
            + " ".join(f"{e} {mapped.get(e, 0):,}" for e in taxonomy.labels)
            + f" | not mapped {item['unmapped_utterances']:,}"
            + f" | merged after mapping {item['merged_after_mapping']:,}",
            file=out,
        )
        dialogues = item["mapped_dialogues"]
        print(
            "mapped dialogue examples: " + " ".join(f"{e} {dialogues.get(e, 0):,}" for e in taxonomy.labels), file=out
        )
        print(file=out)
    if len(summaries) > 1:
        print("utterances per emotion per file (after the taxonomy; 'all' sums the files listed)", file=out)
        header = f"{'file':<48}" + "".join(f"{e:>8}" for e in taxonomy.labels) + f"{'total':>9}"
        print(header, file=out)
        totals: Counter[str] = Counter()
        for item in summaries:
            mapped = item["mapped_utterances"]
            totals.update(mapped)
            name = item["file"].rsplit("/", 2)[-1]
            print(
                f"{name:<48}"
                + "".join(f"{mapped.get(e, 0):>8,}" for e in taxonomy.labels)
                + f"{sum(mapped.values()):>9,}",
                file=out,
            )
        print(
            f"{'all':<48}"
            + "".join(f"{totals.get(e, 0):>8,}" for e in taxonomy.labels)
            + f"{sum(totals.values()):>9,}",
            file=out,
        )


def main(argv=None) -> int:
    """The command line: 0, or 2 after one `error:` line on stderr (`--debug` adds the traceback)."""
    return run_cli(_main, argv)


def _main(argv) -> int:
    args = build_parser().parse_args(argv)

    taxonomy = Taxonomy.from_json(args.taxonomy) if args.taxonomy else Taxonomy.default()
    summaries = [_summarise(path, taxonomy) for path in args.files]
    if args.json:
        print(json.dumps(summaries, ensure_ascii=False, indent=1))
    else:
        _print_text(summaries, taxonomy, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
