"""Like/dislike on the chatbot's replies, kept in a local SQLite file, and its export as training data.

    python app.py --feedback_db feedback.db                               # the UI shows 👍/👎 and says they are stored
    python -m chatbot.feedback export --db feedback.db --out liked.jsonl  # liked replies → rows data.load_any reads
    python -m chatbot.feedback export --db feedback.db --out all.csv --rating all

One row per rated reply (conversation, turn and reply text): rating again replaces the vote, withdrawing it removes
the row. The export has the columns `message` (what the person wrote), `reply`, `emotion` (the classifier's reading,
not a human label), `rating`, `engine` and `created_at`; `data.load_any` reads it as message → reply dialogue pairs.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

from data.cli import add_choice, add_command, make_parser

RATINGS = ("like", "dislike")
EXPORT_RATINGS = {
    "like": "liked replies, the training pairs",
    "dislike": "disliked replies",
    "all": "every rated reply",
}
EXPORT_COLUMNS = ("message", "reply", "emotion", "rating", "engine", "created_at")
EXPORT_SUFFIXES = (".jsonl", ".csv")
SQLITE_TIMEOUT_S = 10.0  # replies rated at the same moment wait for each other's write, never fail
SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    turn INTEGER NOT NULL,
    message TEXT NOT NULL,
    reply TEXT NOT NULL,
    emotion TEXT,
    scores TEXT NOT NULL,
    engine TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('like', 'dislike')),
    created_at TEXT NOT NULL,
    UNIQUE (conversation_id, turn, reply)
)
"""


class FeedbackStore:
    """The SQLite file at `path` (created with its table on first use; the folder must exist). Thread-safe: each
    call opens its own connection."""

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise FileNotFoundError(
                f"feedback database {self.path}: folder {self.path.parent} does not exist "
                f"(create it, or give another --feedback_db path)"
            )
        with closing(self._connect()) as connection, connection:
            connection.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        try:
            return sqlite3.connect(self.path, timeout=SQLITE_TIMEOUT_S)
        except sqlite3.Error as error:
            raise OSError(f"feedback database {self.path}: cannot open it ({error})") from error

    def rate(
        self,
        conversation_id: str,
        turn: int,
        message: str,
        reply: str,
        emotion: str | None,
        scores: dict,
        engine: str,
        rating: str | None,
    ) -> None:
        """Store `rating` ("like"/"dislike") for this reply, replacing an earlier vote on it; None withdraws it."""
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS} or None, got {rating!r}")
        key = (conversation_id, int(turn), reply)
        with closing(self._connect()) as connection, connection:
            if rating is None:
                connection.execute("DELETE FROM feedback WHERE conversation_id = ? AND turn = ? AND reply = ?", key)
                return
            connection.execute(
                "INSERT INTO feedback (conversation_id, turn, message, reply, emotion, scores, engine, rating,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (conversation_id, turn, reply) DO UPDATE SET rating = excluded.rating,"
                " created_at = excluded.created_at",
                (
                    *key[:2],
                    message,
                    reply,
                    emotion,
                    json.dumps(scores, ensure_ascii=False),
                    engine,
                    rating,
                    time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                ),
            )

    def rows(self, rating: str = "all") -> list[dict]:
        """Stored ratings oldest first, as dicts; `rating` "like", "dislike" or "all"."""
        query = "SELECT * FROM feedback" + ("" if rating == "all" else " WHERE rating = ?") + " ORDER BY id"
        with closing(self._connect()) as connection:
            connection.row_factory = sqlite3.Row
            return [dict(row) for row in connection.execute(query, () if rating == "all" else (rating,))]


def export(db, out, rating: str = "like") -> int:
    """Write the ratings as JSONL or CSV (by `out`'s suffix) with `EXPORT_COLUMNS`; returns the number of rows.

    Written to a temporary sibling and renamed into place, so an interrupted export never leaves half a file.
    """
    db, out = Path(db), Path(out)
    if not db.is_file():
        raise FileNotFoundError(f"--db {db}: no such file (the app writes it when started with --feedback_db {db})")
    if out.suffix.lower() not in EXPORT_SUFFIXES:
        raise ValueError(f"--out {out}: expected a file ending in {' or '.join(EXPORT_SUFFIXES)}")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"--out {out}: folder {out.parent} does not exist")
    rows = [{column: row[column] for column in EXPORT_COLUMNS} for row in FeedbackStore(db).rows(rating)]
    partial = out.with_name(f".{out.name}.partial")
    with open(partial, "w", encoding="utf-8", newline="") as handle:
        if out.suffix.lower() == ".jsonl":
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    partial.replace(out)
    return len(rows)


def main(argv=None) -> int:
    parser = make_parser("python -m chatbot.feedback", "Ratings stored by `python app.py --feedback_db PATH`.")
    commands = parser.add_subparsers(dest="command", required=True)
    export_parser = add_command(
        commands,
        "export",
        summary="write the ratings as training data (JSONL or CSV)",
        description="Write rated replies as rows data.load_any reads "
        "(message → reply, with the emotion the classifier read).",
    )
    export_parser.add_argument(
        "--db", required=True, metavar="PATH", help="the SQLite file given to app.py --feedback_db"
    )
    export_parser.add_argument("--out", required=True, metavar="FILE", help="output file: .jsonl or .csv")
    add_choice(export_parser, "--rating", EXPORT_RATINGS, about="which ratings to export", default="like")
    args = parser.parse_args(argv)
    try:
        count = export(args.db, args.out, args.rating)
    except (OSError, ValueError, sqlite3.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {count} rated {'replies' if args.rating == 'all' else args.rating + 'd replies'} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
