"""Run a conversation evaluation file through a `Chatbot` and report what a person would meet.

    python -m chatbot.evaluate chatbot/eval_cases/dev.jsonl                       # the offline default engine
    python -m chatbot.evaluate FILE --data ../shared/data/wellness/wellness_dialog_dataset.csv …
    python -m chatbot.evaluate FILE --classifier checkpoints/classifier --generator checkpoints/generator
    python -m chatbot.evaluate FILE --table all --json report.json

A file has one conversation per line, `{"id", "topic", "turns": [{"text", "emotion", "also"}]}` (user turns only;
the bot's replies come from the chatbot and go into the history as they would in a chat). Printed:

- **emotion accuracy**: the read emotion is the gold one or an `also` one (and strict: the gold one only);
  per-emotion recall;
- **inversions**: a cheering reply to a negative message or a consoling one to a positive message. A reply from
  the reply bank has its group's emotion; any other reply is read by `chatbot.quality.reply_valence`;
- **repeated replies**: replies the bot had already given earlier in the same conversation; and the share of the
  most common reply over the whole file;
- open questions (the engine was unsure of the emotion), crisis replies, safety check-ins (care mode begun on a
  warning sign, without a crisis reply), and a table of message → emotion → reply.

`chatbot/eval_cases/heldout.jsonl` is the blind held-out set: evaluate on it once, at the end of a piece of work
(the numbered `heldout_v*.jsonl` are earlier ones, already evaluated and so development material now).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from chatbot.engine_flags import add_engine_arguments, build_chatbot, check_engine_arguments
from chatbot.quality import is_inverted, reply_valence, valence
from data import EMOTIONS
from data.cli import make_parser
from data.replybank import load_reply_bank

EVAL_CASES_DIR = Path(__file__).resolve().parent / "eval_cases"
# already evaluated, so development material (the crisis detector trains on their turns as everyday messages);
# heldout.jsonl is the blind one and is never among them
SPENT_EVAL_CASES = ("dev.jsonl", "heldout_v*.jsonl")


def spent_eval_files() -> list[Path]:
    """The evaluation files already evaluated (`SPENT_EVAL_CASES`), never the blind heldout.jsonl."""
    return sorted({path for pattern in SPENT_EVAL_CASES for path in EVAL_CASES_DIR.glob(pattern)})


def spent_turns() -> list[dict]:
    """Every user turn (`{"text", "emotion", "also"}`) of the spent evaluation files: realistic everyday messages,
    labelled by writers who never saw the engine, with no crisis in them."""
    return [
        turn
        for path in spent_eval_files()
        for conversation in load_conversations(path)
        for turn in conversation["turns"]
    ]


def load_conversations(path) -> list[dict]:
    """The conversations of an evaluation file, each checked (a bad line names the file and line)."""
    path = Path(path)
    conversations = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{where}: not JSON ({error.msg})") from None
        turns = row.get("turns") if isinstance(row, dict) else None
        if not turns or not all(isinstance(t, dict) and isinstance(t.get("text"), str) for t in turns):
            raise ValueError(f"{where}: expected {{'id', 'turns': [{{'text', 'emotion', 'also'}}]}}")
        for turn in turns:
            if turn.get("emotion") not in EMOTIONS or not set(turn.get("also", [])) <= set(EMOTIONS):
                raise ValueError(
                    f"{where}: emotion {turn.get('emotion')!r} / also {turn.get('also')!r} "
                    f"not among {', '.join(EMOTIONS)}"
                )
        conversations.append({"id": str(row.get("id", number)), "topic": row.get("topic"), "turns": turns})
    return conversations


def bank_reply_emotions() -> dict[str, str | None]:
    """Reply text → its bank group's emotion (None for open questions)."""
    return {reply: group.emotion for group in load_reply_bank() for reply in group.replies}


def run(chatbot, conversations: list[dict], seed: int = 0) -> list[dict]:
    """One row per user turn: the gold labels, what the engine read and what it answered."""
    rows = []
    for conversation in conversations:
        history: list[dict] = []
        for index, turn in enumerate(conversation["turns"]):
            reply = chatbot.reply(turn["text"], history, seed=seed + index)
            rows.append(
                {
                    "id": conversation["id"],
                    "turn": index + 1,
                    "topic": conversation["topic"],
                    "text": turn["text"],
                    "gold": turn["emotion"],
                    "also": list(turn.get("also", [])),
                    "emotion": reply.emotion,
                    "score": reply.scores.get(reply.emotion, 0.0) if reply.emotion else 0.0,
                    "reply": reply.text,
                    "safety": reply.safety,
                    "care": reply.care,
                    "uncertain": getattr(reply, "uncertain", False),
                    "said_before": any(reply.text == m["content"] for m in history if m["role"] == "assistant"),
                }
            )
            history += [{"role": "user", "content": turn["text"]}, {"role": "assistant", "content": reply.text}]
    return rows


def score(rows: list[dict]) -> dict:
    """The figures `python -m chatbot.evaluate` prints, from `run`'s rows."""
    bank = bank_reply_emotions()
    for row in rows:
        row["correct"] = row["emotion"] == row["gold"] or row["emotion"] in row["also"]
        tone = (
            "neutral"
            if row["reply"] in bank and bank[row["reply"]] is None
            else (valence(bank[row["reply"]]) if row["reply"] in bank else reply_valence(row["reply"]))
        )
        row["reply_tone"] = tone
        row["inverted"] = not (row["safety"] or row["care"]) and is_inverted(tone, valence(row["gold"]))
    total = len(rows)
    recall = {}
    for emotion in EMOTIONS:
        gold = [row for row in rows if row["gold"] == emotion]
        if gold:
            recall[emotion] = {"recall": sum(row["correct"] for row in gold) / len(gold), "turns": len(gold)}
    replies = Counter(row["reply"] for row in rows)
    common, common_count = replies.most_common(1)[0] if replies else ("", 0)
    return {
        "turns": total,
        "conversations": len({row["id"] for row in rows}),
        "emotion_accuracy": sum(row["correct"] for row in rows) / total if total else float("nan"),
        "strict_accuracy": sum(row["emotion"] == row["gold"] for row in rows) / total if total else float("nan"),
        "per_emotion": recall,
        "confusions": Counter(f"{row['gold']}→{row['emotion']}" for row in rows if not row["correct"]).most_common(),
        "inversions": [row for row in rows if row["inverted"]],
        "repeated": [row for row in rows if row["said_before"]],
        "repeated_rate": sum(row["said_before"] for row in rows) / total if total else float("nan"),
        "most_common_reply": {"text": common, "share": common_count / total if total else 0.0},
        "distinct_replies": len(replies),
        "uncertain": sum(bool(row["uncertain"]) for row in rows),
        "crisis_replies": [row for row in rows if row["safety"]],
        "check_ins": _check_ins(rows),
    }


def _check_ins(rows: list[dict]) -> list[dict]:
    """The rows where care mode began without a crisis reply: a gentle question about safety on a warning sign."""
    started: set = set()
    found = []
    for row in rows:
        if (row["safety"] or row["care"]) and row["id"] not in started:
            started.add(row["id"])
            if not row["safety"]:
                found.append(row)
    return found


def report(figures: dict, rows: list[dict], table: int | None, out=sys.stdout) -> None:
    """Print the figures, every inversion and repeat, and `table` rows of the reply table (None = all)."""
    f = figures
    print(f"conversations {f['conversations']} | user turns {f['turns']}", file=out)
    print(f"emotion accuracy {f['emotion_accuracy']:.3f} (gold or also) | strict {f['strict_accuracy']:.3f}", file=out)
    print(
        "per-emotion recall: "
        + " · ".join(f"{e} {v['recall']:.2f} ({v['turns']})" for e, v in f["per_emotion"].items()),
        file=out,
    )
    print("misread as: " + (", ".join(f"{k} {v}" for k, v in f["confusions"]) or "-"), file=out)
    print(
        f"inverted replies {len(f['inversions'])} | repeated replies {len(f['repeated'])} "
        f"({f['repeated_rate']:.1%}) | distinct replies {f['distinct_replies']} | most common reply "
        f"{f['most_common_reply']['share']:.1%} | open questions (unsure) {f['uncertain']} | "
        f"crisis replies {len(f['crisis_replies'])} | safety check-ins {len(f['check_ins'])}",
        file=out,
    )
    listed = (("INVERTED", f["inversions"]), ("REPEATED", f["repeated"]), ("CRISIS", f["crisis_replies"]))
    for title, items in (*listed, ("CHECK-IN", f["check_ins"])):
        for row in items:
            print(
                f"  {title} {row['id']}#{row['turn']} [{row['gold']}] {row['text']} → {row['reply']}".replace(
                    "\n", " "
                ),
                file=out,
            )
    shown = rows if table is None else rows[:table]
    if shown:
        print("\nid#turn | gold → read (score) | message → reply", file=out)
    for row in shown:
        mark = " " if row["correct"] else "✗"
        print(
            f"{mark} {row['id']}#{row['turn']} | {row['gold']} → {row['emotion']} ({row['score']:.2f}) | "
            f"{row['text']} → {row['reply']}".replace("\n", " "),
            file=out,
        )


def main(argv=None) -> int:
    parser = make_parser(
        "python -m chatbot.evaluate",
        "Run conversation evaluation files through a Chatbot: emotion "
        "accuracy, inverted and repeated replies, and the replies to read.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="evaluation JSONL files (chatbot/eval_cases/*.jsonl)")
    add_engine_arguments(parser)  # as app.py's, except that the offline engine is the default (below)
    parser.add_argument(
        "--seed", type=int, default=0, help="sampling seed (replies are drawn at random among the best)"
    )
    parser.add_argument(
        "--table", default="40", help="rows of the reply table to print: a number or 'all' (default 40)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write every row and figure as JSON")
    args = parser.parse_args(argv)
    check_engine_arguments(parser, args)
    table = None if args.table == "all" else int(args.table)
    # the offline engine unless a checkpoint is named: results stay comparable whatever checkpoints/ holds
    args.offline = args.offline or not (args.classifier or args.generator)
    bot = build_chatbot(args)
    conversations = [c for path in args.files for c in load_conversations(path)]
    print(f"engine: {bot.engine} — {bot.description}")
    rows = run(bot, conversations, seed=args.seed)
    figures = score(rows)
    report(figures, rows, table)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"figures": figures, "rows": rows}, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
