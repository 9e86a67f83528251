"""The learned crisis detector beside the rules: risk read by meaning, per message and over the conversation.

People say it in endless ways, so a rule list alone misses indirect phrasings. `CrisisDetector` adds a light
text classifier (`classifier.LightEmotionClassifier`: character and morpheme n-grams, unknown words read through
Kiwi's CoNg meaning space) trained on three levels written for this project (`chatbot/safety_cases/`):
`crisis` (must get the crisis reply on its own), `warning` (a sign that counts when several build up: hopelessness,
exhaustion with giving up, worthlessness) and `none` (hard everyday messages that look like crisis talk). The reply
bank's messages (`data/replybank/`: greetings, sadness, anger, plans — everything people say that is not a
crisis) are added as `none` too, so ordinary talk is not read as risk. With the user's AI Hub wellness file, its
감정/자살충동, 증상/자해 and 증상/자살시도 utterances are added as `crisis`.

A message gets the crisis reply when (`assess`):
1. a rule matches it (`chatbot.safety.match_rules`), or
2. P(crisis | message) ≥ `thresholds.message`, or that of its last part after a contrast word ("점심 맛있었어 ㅋㅋ
   근데 …": the news before it does not soften what follows), or
3. P(crisis | the last few user turns read as one text) ≥ `thresholds.context`, or
4. the warning and crisis probabilities of those turns add up to `thresholds.accumulated` — lower-grade signals
   that build up ("회사 일이 버거워" → "아무것도 의미가 없어" → "이대로 사라져도 아무도 모르겠지");
   3. and 4. only when the message itself carries some risk (`thresholds.own_signs`).
The detector reads a message without its laughter and crying marks (ㅋㅋ, ㅎㅎ, ㅠㅠ), in training and in use:
everyday talk is full of them, so they taught it "not a crisis", yet beside a plan they take nothing away from it.
Thresholds are set for recall: a false alarm costs a kind message with phone numbers; a miss can cost a life.
A message with no crisis in it that alone still reads as a strong warning sign (`check`: P(warning) + P(crisis)
≥ `thresholds.check_in`) gets a gentle, direct question about safety with the lines under it, not a reply to its words.

Built once and cached on disk (`chatbot.cache`; a first start of the offline engine trains it in a child process
beside the emotion classifier); `python -m chatbot.crisis_model --tune` prints how the thresholds
behave on the development splits.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

import data
from chatbot.cache import cached_directory, file_fingerprint, is_cached, waits_for_other_builders
from chatbot.cues import after_contrast, says_goodbye
from chatbot.evaluate import spent_eval_files, spent_turns
from chatbot.safety import (
    BLIND_SPLIT,
    CASES_DIR,
    TRAINED_SPLITS,
    CrisisMatch,
    evaluate_conversations,
    load_cases,
    match_rules,
)
from data.cli import make_parser
from data.replybank import REPLYBANK_DIR, load_reply_bank
from data.text import compose_jamo
from training.files import atomic_directory, write_json, write_training_record

LEVELS = ("none", "warning", "crisis")  # level 0, 1, 2 of chatbot/safety_cases
CONFIG_NAME = "crisis_config.json"
WELLNESS_CRISIS_CATEGORIES = ("감정/자살충동", "증상/자해", "증상/자살시도")
BUILD_VERSION = 13  # bump when the training data recipe changes, so cached detectors are rebuilt
MODEL = "svm"  # multi-class SVM: the best recall at a fixed false-alarm rate in 5-fold CV (beside nbsvm, logreg, kNN)
MODEL_C = (
    1.0  # its regularisation: a little better than 0.3 in 5-fold CV at a fixed false-alarm rate on the hard lists
)
CHAR_MIN_DF = 1  # crisis wording is rare: keep every character n-gram
ANALYZER = (
    "char"  # n-grams across word boundaries: spacing tricks and split words; best recall at a fixed FA in 5-fold CV
)


@dataclass
class CrisisThresholds:
    """When the learned scores mean "send the crisis reply". Set for recall: in 5-fold cross-validation over the
    training lists, and on their escalating and safe conversations (`python -m chatbot.crisis_model --tune`)."""

    message: float = 0.55  # P(crisis) of the message alone: on a spent blind list, with the detector trained
    # without it, the highest that kept every crisis message (fewer alarms on everyday wishes: "집 사고 싶어")
    context: float = 0.4  # P(crisis) of the last `context_turns` user turns read as one text
    accumulated: float = 1.0  # Σ P(warning) + P(crisis) over those turns: warning signs building up (lower caught a
    # farewell after weeks of numbness on a spent blind list, with no more false alarms on its safe conversations)
    context_turns: int = 3  # the message and the two user turns before it: an escalation fits in three
    own_signs: float = 0.2  # P(warning) + P(crisis) the message itself needs before 3. or 4. may fire on it: a
    # plainly everyday turn after heavy ones ("끝나면 치킨 시켜 먹을 거야", "이제 좀 진정됐어") is not where risk rose
    # (a goodbye needs none for 3.: it is where a conversation may end)
    check_in: float = 0.8  # P(warning) + P(crisis) of the message alone, when it is no crisis: a strong warning sign
    # gets a gentle question about safety (`check`); high, so a low day is answered as one, and only the strongest
    # signs are asked about

    @classmethod
    def from_dict(cls, values: dict) -> CrisisThresholds:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


class CrisisDetector:
    """Rules + a learned three-level risk model + conversation-level scoring. Thread-safe (read-only)."""

    def __init__(self, model=None, thresholds: CrisisThresholds | None = None):
        self.model = model  # LightEmotionClassifier with labels LEVELS, or None for rules only
        self.thresholds = thresholds or CrisisThresholds()
        if model is not None and sorted(model.labels) != sorted(LEVELS):
            raise ValueError(f"crisis model labels {model.labels}: expected {list(LEVELS)}")

    # ------------------------------------------------------------------------------------------ scoring
    def scores(self, texts: list[str]) -> np.ndarray:
        """(texts, 3) probabilities in `LEVELS` order."""
        composed = [detector_text(text) for text in texts]  # as when it was trained
        probabilities = self.model.predict_proba(composed)  # (texts, labels) in the model's label order
        order = [self.model.labels.index(level) for level in LEVELS]
        return probabilities[:, order]

    def assess(self, message: str, earlier_user_turns=()) -> CrisisMatch | None:
        """Crisis or not for `message`, said after `earlier_user_turns` (the user's earlier messages, oldest first)."""
        return self.check(message, earlier_user_turns)[0]

    def check(self, message: str, earlier_user_turns=()) -> tuple[CrisisMatch | None, bool]:
        """(`assess`'s answer, whether to check in): a message with no crisis in it that alone still reads as a strong
        warning sign (hopelessness, giving up, wanting to vanish: "다 내려놓고 아무도 모르는 데로 가버리고 싶다") at
        `thresholds.check_in` gets a gentle question about safety rather than a reply to its words alone."""
        match, p = self._assess(message, earlier_user_turns)
        if match is not None or p is None:
            return match, False
        return None, float(p[LEVELS.index("warning")] + p[LEVELS.index("crisis")]) >= self.thresholds.check_in

    def _assess(self, message: str, earlier_user_turns) -> tuple[CrisisMatch | None, np.ndarray | None]:
        """(the crisis match or None, (3,) the message's own scores; None when a rule decided or there is no model)."""
        rule = match_rules(message)
        if rule or self.model is None:
            return rule, None
        t = self.thresholds
        recent = [turn for turn in list(earlier_user_turns)[-(t.context_turns - 1) :] if turn.strip()]
        tail = after_contrast(message)
        texts = [message] + recent + ([" ".join([*recent, message])] if recent else []) + ([tail] if tail else [])
        p = self.scores(texts)  # (texts, 3): message, earlier turns…, the turns read together, then its last part
        crisis, warning = LEVELS.index("crisis"), LEVELS.index("warning")
        if tail:
            if p[-1, crisis] > p[0, crisis]:  # the message reads as its riskier part
                p[0] = p[-1]
            p = p[:-1]
        if p[0, crisis] >= t.message:
            return CrisisMatch("detector", "the message reads as crisis talk", f"P(crisis)={p[0, crisis]:.2f}"), p[0]
        own_signs = p[0, warning] + p[0, crisis] >= t.own_signs
        # a goodbye carries no sign of its own, but after "아무도 나를 필요로 하지 않아", "이제 갈게" may be the last
        # word
        if recent and (own_signs or says_goodbye(message)):
            together = p[-1, crisis]
            if together >= t.context:
                match = CrisisMatch(
                    "conversation", "the last turns read together are crisis talk", f"P(crisis)={together:.2f}"
                )
                return match, p[0]
        if recent and own_signs:
            signs = float((p[:-1, warning] + p[:-1, crisis]).sum())
            if signs >= t.accumulated:
                match = CrisisMatch(
                    "accumulated", "warning signs built up over the last turns", f"Σ P(warning or crisis)={signs:.2f}"
                )
                return match, p[0]
        return None, p[0]

    # ------------------------------------------------------------------------------------------ building
    @classmethod
    def fit(
        cls, texts: list[str], levels: list[int], thresholds: CrisisThresholds | None = None, progress: bool = False
    ) -> CrisisDetector:
        from classifier.light import LightConfig, LightEmotionClassifier  # why: sklearn; `--help` stays light

        labels = [LEVELS[level] for level in levels]
        config = LightConfig(
            analyzer=ANALYZER, char_min_df=CHAR_MIN_DF, model=MODEL, C=MODEL_C, coverage_scaling=False
        )
        model = LightEmotionClassifier(config).fit([detector_text(text) for text in texts], labels, progress=progress)
        return cls(model, thresholds)

    @classmethod
    def default(cls, data_files=()) -> CrisisDetector:
        """The detector trained on this project's lists (and the wellness crisis categories of `data_files`),
        built on first use and cached on disk; later calls in the process reuse it."""
        key = tuple(str(path) for path in data_files)
        if key not in _DEFAULTS:
            _DEFAULTS[key] = cls._build_cached(data_files)
            while not key and _BUILDERS:  # the entry is written: the child that built it (or waited) is done
                _reap(_BUILDERS.pop())
        return _DEFAULTS[key]

    @classmethod
    def build_in_background(cls) -> subprocess.Popen | None:
        """Start building the default detector's cache entry in a child process, so that a first start trains it
        beside the emotion classifier instead of after it; `default()` then waits for that entry (the cache's
        lock) rather than training it again, and reaps the child. None when it is loaded or cached already, on
        one core (the two would only slow each other) or without file locks (both would build it)."""
        if () in _DEFAULTS or (os.cpu_count() or 1) < 2 or not waits_for_other_builders():
            return None
        if is_cached("crisis", cls._cache_key(())):
            return None
        package_root = str(Path(__file__).resolve().parents[1])  # importable whatever the working directory
        path = os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH"))))
        child = subprocess.Popen(  # its output is dropped: should it fail, default() builds here and says why
            [sys.executable, "-c", "from chatbot.crisis_model import CrisisDetector; CrisisDetector.default()"],
            env={**os.environ, "PYTHONPATH": path},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _BUILDERS.append(child)
        return child

    @classmethod
    def _cache_key(cls, data_files) -> dict:
        files = [
            *sorted(CASES_DIR.glob("*.jsonl")),
            *sorted(REPLYBANK_DIR.glob("*.jsonl")),
            *spent_eval_files(),
            *[Path(p) for p in data_files],
        ]
        return {
            "kind": "crisis_detector",
            "version": BUILD_VERSION,
            "inputs": [file_fingerprint(path) for path in files],
        }

    @classmethod
    def _build_cached(cls, data_files) -> CrisisDetector:
        def build(directory: Path) -> None:
            texts, levels = training_cases(data_files)
            cls.fit(texts, levels).save_pretrained(directory)

        key = cls._cache_key(data_files)
        return cls.from_pretrained(cached_directory("crisis", key, build, what="the crisis detector"))

    # ------------------------------------------------------------------------------------------ saving
    def save_pretrained(
        self, directory: str | os.PathLike, *, training_args: dict | None = None, metrics: dict | None = None
    ) -> Path:
        """The light model (in `model/`), levels and thresholds, and args/metrics when given, written atomically."""

        def write(staging: Path) -> None:
            self.model.save_pretrained(staging / "model")
            write_json(staging / CONFIG_NAME, {"levels": list(LEVELS), "thresholds": asdict(self.thresholds)})
            write_training_record(staging, training_args, metrics)

        return atomic_directory(directory, write)

    @classmethod
    def from_pretrained(cls, directory) -> CrisisDetector:
        from classifier.light import LightEmotionClassifier  # why: sklearn; `--help` stays light

        directory = Path(directory)
        config = json.loads((directory / CONFIG_NAME).read_text(encoding="utf-8"))
        return cls(
            LightEmotionClassifier.from_pretrained(directory / "model"),
            CrisisThresholds.from_dict(config["thresholds"]),
        )

    def __repr__(self) -> str:
        return f"CrisisDetector(model={'light' if self.model is not None else None}, {self.thresholds})"


LAUGHTER_AND_TEARS = re.compile(r"[ㅋㅎㅠㅜ]{2,}|[ㅋㅎㅠㅜ](?=\s|$)")  # runs, or one letter ending a word


def detector_text(text: str) -> str:
    """What the detector reads: jamo typed apart composed ("ㅈㅜㄱㄱㅗ" → "죽고"), laughter and crying dropped."""
    return " ".join(LAUGHTER_AND_TEARS.sub(" ", compose_jamo(text)).split())


_DEFAULTS: dict[tuple, CrisisDetector] = {}
_BUILDERS: list[subprocess.Popen] = []  # children building the default detector's entry (build_in_background)
CHILD_GRACE_S = 30  # a child still running this long after the entry was read is stuck: a start never hangs on it


def _reap(child: subprocess.Popen) -> None:
    """Wait for a background builder whose entry is already written (it only has to exit), killing it if stuck."""
    try:
        child.wait(timeout=CHILD_GRACE_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def training_cases(data_files=(), splits=TRAINED_SPLITS, everyday: bool = True) -> tuple[list[str], list[int]]:
    """(texts, levels) from the project's lists of `splits`, the reply bank's messages and the spent evaluation
    conversations' turns as `none` (`everyday`), and the wellness crisis categories in `data_files`."""
    messages, conversations = load_cases()
    blind = {row["text"] for row in messages if row["split"] == BLIND_SPLIT}  # measured on, so never trained on,
    blind |= {turn for c in conversations if c["split"] == BLIND_SPLIT for turn in c["turns"]}  # even if written twice
    texts, levels, seen = [], [], set(blind)
    for row in messages:
        if row["split"] in splits and row["level"] is not None and row["text"] not in seen:
            seen.add(row["text"])
            texts.append(row["text"])
            levels.append(row["level"])
    if everyday:
        everyday_texts = [text for group in load_reply_bank() for text in group.messages]
        everyday_texts += [turn["text"] for turn in spent_turns()]
        for text in everyday_texts:
            if text not in seen:
                seen.add(text)
                texts.append(text)
                levels.append(LEVELS.index("none"))
    for path in data_files:
        corpus = data.load_any(path)
        if corpus.name != "wellness":
            continue
        for utterance in corpus.utterances:
            if utterance.label in WELLNESS_CRISIS_CATEGORIES and utterance.text not in seen:
                seen.add(utterance.text)
                texts.append(utterance.text)
                levels.append(LEVELS.index("crisis"))
    return texts, levels


def main(argv=None) -> int:
    parser = make_parser(
        "python -m chatbot.crisis_model",
        "Train the learned crisis detector and see how its thresholds behave (the blind split is never used here).",
    )
    parser.add_argument(
        "--tune",
        action="store_true",
        help="print recall and false alarms for a grid of thresholds: messages by 5-fold "
        "cross-validation, conversations on the training conversations",
    )
    parser.add_argument("--output_dir", help="save a detector trained on every non-blind split here")
    parser.add_argument(
        "--data", nargs="*", default=[], metavar="FILE", help="wellness file(s) for more crisis examples"
    )
    args = parser.parse_args(argv)
    if not (args.tune or args.output_dir):
        parser.error("give --tune or --output_dir")
    if args.output_dir:
        texts, levels = training_cases(args.data)
        CrisisDetector.fit(texts, levels, progress=True).save_pretrained(args.output_dir)
        print(f"saved to {args.output_dir} ({len(texts)} messages)")
    if args.tune:
        _tune(args.data)
    return 0


def _tune(data_files) -> None:
    """Message thresholds by 5-fold cross-validation over the training lists (recall on crisis messages, false
    alarms on the hard everyday lists and on the reply bank's ordinary messages), then the conversation thresholds
    on the training conversations with a detector fitted on every training message."""
    from sklearn.model_selection import StratifiedKFold  # why: sklearn only when tuning; `--help` stays light

    texts, levels = training_cases(data_files)
    messages, conversations = load_cases()
    hard = {row["text"] for row in messages if row["split"] != BLIND_SPLIT and row["level"] == 0}
    levels_array = np.array(levels)
    probability = np.zeros(len(texts))
    for train_rows, held_rows in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, levels_array):
        fold = CrisisDetector.fit([texts[i] for i in train_rows], [levels[i] for i in train_rows])
        probability[held_rows] = fold.scores([texts[i] for i in held_rows])[:, LEVELS.index("crisis")]
    rules = np.array([bool(match_rules(text)) for text in texts])
    crisis = levels_array == 2
    hard_rows = np.array([level == 0 and text in hard for text, level in zip(texts, levels, strict=True)])
    everyday_rows = (levels_array == 0) & ~hard_rows
    print(
        f"5-fold CV over {len(texts)} messages ({crisis.sum()} crisis, {hard_rows.sum()} hard everyday, "
        f"{everyday_rows.sum()} ordinary); rules alone: recall {rules[crisis].mean():.3f}"
    )
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        fired = rules | (probability >= threshold)
        print(
            f"  message ≥ {threshold:.1f}: recall {fired[crisis].mean():.3f}, false alarms "
            f"{fired[hard_rows].mean():.3f} hard / {fired[everyday_rows].mean():.4f} ordinary"
        )
    detector = CrisisDetector.fit(texts, levels)
    talks = [c for c in conversations if c["split"] in TRAINED_SPLITS]
    for message, context, accumulated in ((0.5, 0.5, 1.5), (0.5, 0.4, 1.2), (0.6, 0.5, 1.5)):
        detector.thresholds = CrisisThresholds(message=message, context=context, accumulated=accumulated)
        result = evaluate_conversations(talks, detector)
        print(
            f"  conversations (message {message}, context {context}, accumulated {accumulated}): recall "
            f"{result['recall']:.3f}, false alarms {result['false_positive_rate']:.3f} of {result['negatives']}"
        )


if __name__ == "__main__":
    sys.exit(main())
