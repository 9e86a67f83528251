"""The offline default engine's parts, built once and loaded from the cache (`chatbot.cache`): the light emotion
classifier trained on the reply bank's messages and the spent evaluation sets' turns (or the user's own in
`<checkpoints>/light`) and the retrieval responder over the bank and any `--data` corpora; and how `Chatbot.default()`
tells whether full checkpoints are there instead.
"""

from __future__ import annotations

import logging
from pathlib import Path

from chatbot.cache import cached_directory, file_fingerprint
from classifier.contract import CONFIG_FILES as CLASSIFIER_CONFIGS
from classifier.loading import saved_backend
from data import EMOTIONS, load_demo
from data.replybank import REPLYBANK_DIR

logger = logging.getLogger(__name__)

DEFAULT_CHECKPOINTS_DIR = "checkpoints"  # where training scripts write and Chatbot.default() looks
OFFLINE_BUILD_VERSION = (
    10  # bump when the offline classifier's training recipe or the responder's defaults change: the cache rebuilds
)
BANK_CLASSIFIER_MODEL = "svm"  # multi-class SVM: best of nbsvm/svm/logreg on the development conversations
BANK_CLASSIFIER_C = 1.0  # best of 0.1–3 there (flat from 1 up)


def offline_classifier(light_dir: Path, allow_label_mismatch: bool):
    """`light_dir`'s classifier when there is one (checked), else the offline classifier from the cache."""
    from classifier import LightEmotionClassifier  # why: sklearn, not on `import chatbot.engine`

    if light_dir.is_dir() and saved_backend(light_dir) == "light":
        classifier = LightEmotionClassifier.from_pretrained(light_dir)
        missing = sorted(set(EMOTIONS) - set(classifier.labels))
        logger.info("using the light classifier in %s (labels: %s)", light_dir, ", ".join(classifier.labels))
        if missing and not allow_label_mismatch:
            raise ValueError(
                f"{light_dir}: this light classifier has no {', '.join(missing)} — the chatbot needs all "
                f"six emotions. Move it away, retrain with --label_set six, or pass --allow_label_mismatch"
            )
        return classifier
    return LightEmotionClassifier.from_pretrained(offline_classifier_dir())


def offline_responder(bank, corpora, data_files, taxonomy):
    """The retrieval responder over the bank and the corpora' dialogues, from the cache (built when missing)."""
    from generator import RetrievalResponder  # why: sklearn, not on `import chatbot.engine`

    key = {
        "kind": "responder",
        "version": OFFLINE_BUILD_VERSION,
        "taxonomy": [taxonomy.labels, taxonomy.sources, taxonomy.aliases],
        "bank": [file_fingerprint(path) for path in sorted(REPLYBANK_DIR.glob("*.jsonl"))],
        "data": [file_fingerprint(path) for path in data_files],
    }

    def build(directory: Path) -> None:
        RetrievalResponder.from_reply_bank(bank, (d for c in corpora for d in c.dialogues), taxonomy).save_pretrained(
            directory
        )

    return RetrievalResponder.from_pretrained(cached_directory("responder", key, build, what="the reply index"))


def offline_classifier_dir() -> Path:
    """The cache directory of the light classifier trained on the reply bank's messages and the turns of the spent
    evaluation sets (built when missing)."""
    from chatbot.evaluate import spent_eval_files, spent_turns  # why: chatbot.evaluate imports this module
    from classifier.light import LightConfig  # why: sklearn, not on `import chatbot.engine`

    config = LightConfig(model=BANK_CLASSIFIER_MODEL, C=BANK_CLASSIFIER_C)
    key = {
        "kind": "reply_bank_classifier",
        "version": OFFLINE_BUILD_VERSION,
        "config": repr(config),
        "bank": [file_fingerprint(path) for path in sorted(REPLYBANK_DIR.glob("*.jsonl"))],
        "spent": [file_fingerprint(path) for path in spent_eval_files()],
    }

    def build(directory: Path) -> None:
        from classifier import LightEmotionClassifier  # why: sklearn, not on `import chatbot.engine`

        labelled = [(u.text, u.label) for u in load_demo().utterances if u.label is not None]
        # the spent held-out sets: realistic messages labelled by writers who never saw the engine, already evaluated
        # once; a bank message says a situation plainly, these say it the way people type (read on dev_a* turns)
        labelled += [(turn["text"], turn["emotion"]) for turn in spent_turns()]
        texts, labels = [text for text, _ in labelled], [label for _, label in labelled]
        LightEmotionClassifier(config).fit(texts, labels, progress=True).save_pretrained(directory)

    return cached_directory("classifier", key, build, what="the offline emotion classifier")


def find_full_checkpoints(checkpoints_dir=DEFAULT_CHECKPOINTS_DIR) -> tuple[bool, str]:
    """(True, "") when both trained checkpoints are there, else (False, what is missing)."""
    root = Path(checkpoints_dir)
    directory = root / "classifier"
    if not directory.is_dir():
        return False, f"no {directory}/ — train with `python -m classifier.train --output_dir {directory}`"
    if not any((directory / name).is_file() for name in CLASSIFIER_CONFIGS.values()):
        return False, f"{directory}/ has no {' or '.join(CLASSIFIER_CONFIGS.values())}"
    if not any(directory.glob("*.safetensors")):
        return False, f"{directory}/ has no *.safetensors weights"
    from generator.loading import checkpoint_problem  # why: torch; only when classifier checkpoints exist

    problem = checkpoint_problem(root / "generator")
    return (False, problem) if problem else (True, "")
