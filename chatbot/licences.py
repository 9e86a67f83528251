"""Licences where they bite: the model cards `train_all` writes into each checkpoint, and the app footer's notice.

A fine-tuned generator is a derivative of KoGPT2 (CC BY-NC-SA 4.0): it may be used non-commercially only and shared
only under the same licence. KoBERT is Apache-2.0. The AI Hub corpora are under AI Hub's terms. The facts live in
`chatbot/licences.json`; which corpora a checkpoint was trained on is read from its `training_args.json`.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from classifier.data_prep import files_in
from data.loaders import detect_format
from generator.dataset import find_corpus_files

LICENCES_FILE = Path(__file__).with_name("licences.json")
KOGPT2_ID = "skt/kogpt2-base-v2"  # every ResponseGenerator uses KoGPT2's tokenizer and (fine-tuned) weights
KOBERT_ID = "skt/kobert-base-v1"  # every EmotionClassifier uses KoBERT's sentencepiece model and encoder
CARD_NAME = "README.md"
HUB_LICENCE_IDS = {"CC-BY-NC-SA-4.0": "cc-by-nc-sa-4.0", "Apache-2.0": "apache-2.0"}  # model-card front matter


@functools.lru_cache(maxsize=1)
def load_licences() -> dict:
    return json.loads(LICENCES_FILE.read_text(encoding="utf-8"))


def training_files(training_args: dict, kind: str) -> list[Path]:
    """The data files a trainer read, from its saved arguments (`kind`: "classifier" or "generator")."""
    files = [
        Path(f) for key in ("train_file", "validation_file", "data_files") for f in (training_args.get(key) or [])
    ]
    data_dir = training_args.get("data_dir")
    if data_dir and Path(data_dir).is_dir():
        if kind == "generator":
            files += find_corpus_files(data_dir)
        else:
            files += files_in(data_dir)
    return files


def corpora_of(files: list[Path]) -> tuple[list[str], list[str]]:
    """(known corpus names, files whose corpus is unknown or that are gone), recognised by their columns."""
    known = load_licences()["corpora"]
    names, unknown = [], []
    for path in files:
        try:
            name = detect_format(path)
        except Exception:  # noqa: BLE001 — a file that is gone or unreadable: its terms cannot be named
            name = None
        if name in known:
            if name not in names:
                names.append(name)
        else:
            unknown.append(str(path))
    return names, unknown


def checkpoint_sources(directory: str | os.PathLike | None, kind: str) -> dict:
    """What a checkpoint is built from: base model id, its licence entry, the corpora and their terms."""
    licences = load_licences()
    base_id = KOGPT2_ID if kind == "generator" else KOBERT_ID
    args: dict = {}
    if directory and (Path(directory) / "training_args.json").is_file():
        args = json.loads((Path(directory) / "training_args.json").read_text(encoding="utf-8"))
    corpora, unknown = corpora_of(training_files(args, kind)) if args else ([], [])
    return {
        "kind": kind,
        "base_model": args.get("model_dir") or base_id,
        "model": licences["models"][base_id],
        "corpora": corpora,
        "unknown_files": unknown,
        "trained": bool(args),
    }


def _data_line(corpora: list[str], language: str) -> str:
    licences = load_licences()
    by_terms: dict[str, list[str]] = {}
    for name in corpora:
        entry = licences["corpora"][name]
        by_terms.setdefault(entry["terms"], []).append(entry["name"])
    parts = [f"{', '.join(names)} — {licences['terms'][terms][language]}" for terms, names in by_terms.items()]
    return " ".join(parts)


def licence_notice(chatbot) -> str | None:
    """Footer text naming the licences of the models a chatbot runs (None for the offline engine: nothing to name).

    Markdown, Korean then English: KoGPT2's CC BY-NC-SA 4.0 (inherited by the fine-tuned generator), KoBERT's
    Apache-2.0, and the terms of the corpora the checkpoints were trained on (AI Hub's terms for the AI Hub sets).
    """
    parts = []
    if type(chatbot.responder).__name__ == "ResponseGenerator":
        parts.append(("generator", getattr(getattr(chatbot.responder, "model", None), "name_or_path", None)))
    if type(chatbot.classifier).__name__ == "EmotionClassifier":
        parts.append(("classifier", getattr(getattr(chatbot.classifier, "model", None), "name_or_path", None)))
    if not parts:
        return None
    sources = [checkpoint_sources(directory, kind) for kind, directory in parts]
    corpora = list(dict.fromkeys(name for source in sources for name in source["corpora"]))
    lines = []
    for language, label in (("ko", "라이선스"), ("en", "Licences")):
        text = " ".join(source["model"][language] for source in sources)
        if corpora:
            text += " " + ("학습 데이터: " if language == "ko" else "Training data: ") + _data_line(corpora, language)
        elif any(source["trained"] for source in sources):
            text += " " + (
                "학습 데이터는 그 데이터의 이용 조건을 따릅니다."
                if language == "ko"
                else "The training data's own terms apply."
            )
        lines.append(f"**{label}** — {text}")
    return "\n\n".join(lines)


def model_card(
    directory: str | os.PathLike, kind: str, metrics: dict | None = None, extra_sections: list[str] | None = None
) -> str:
    """A Hugging Face-style model card (README.md) for a trained checkpoint: what it is, licences, data, metrics."""
    source = checkpoint_sources(directory, kind)
    model = source["model"]
    licences = load_licences()
    what = (
        "Emotion-conditioned Korean reply generator (KoGPT2 fine-tuned on empathetic dialogue) — 감정 태그에 맞춰 "
        "공감하며 답하는 한국어 답변 생성 모델"
        if kind == "generator"
        else "Korean six-emotion classifier (KoBERT fine-tuned) — "
        "한국어 여섯 감정 분류 모델 (일상·기쁨·분노·불안·슬픔·우울)"
    )
    front = [
        "---",
        "language: ko",
        f"license: {HUB_LICENCE_IDS.get(model['licence'], 'other')}",
        f"base_model: {KOGPT2_ID if kind == 'generator' else KOBERT_ID}",
        f"pipeline_tag: {'text-generation' if kind == 'generator' else 'text-classification'}",
        "tags: [maeumchat, korean, emotion]",
        "---",
        "",
    ]
    lines = [
        *front,
        f"# MaeumChat {kind}",
        "",
        what,
        "",
        "## 라이선스 / Licence",
        "",
        f"- **{model['name']}** — {model['licence']} ({model['url']})",
        f"  - {model['ko']}",
        f"  - {model['en']}",
    ]
    if model.get("inherited"):
        lines += [
            (
                "- This checkpoint is a derivative work: the same CC BY-NC-SA 4.0 terms apply to it "
                "(이 체크포인트도 같은 조건을 따릅니다)."
            )
        ]
    lines += ["", "## 학습 데이터 / Training data", ""]
    for name in source["corpora"]:
        entry = licences["corpora"][name]
        terms = licences["terms"][entry["terms"]]
        lines.append(f"- {entry['name']} (`{name}`) — {entry['terms']}: {terms['ko']} / {terms['en']}")
    for path in source["unknown_files"]:
        lines.append(f"- `{path}` — not a corpus this project knows (or gone): check its own terms")
    if not source["corpora"] and not source["unknown_files"]:
        lines.append("- (no training_args.json with data files in this directory)")
    lines += ["", f"Base model used for training: `{source['base_model']}`.", ""]
    if metrics:
        lines += ["## 평가 / Evaluation", ""] + [f"- {key}: {value}" for key, value in metrics.items()] + [""]
    lines += [
        "## 사용 / Use",
        "",
        "```python",
        "from chatbot import Chatbot" if kind == "generator" else "from classifier import load_classifier",
        "bot = Chatbot.from_pretrained(classifier='checkpoints/classifier', responder='checkpoints/generator')"
        if kind == "generator"
        else "load_classifier('checkpoints/classifier').predict('오늘 너무 행복해요')",
        "```",
        "",
        (
            "MaeumChat answers suicide and self-harm messages with a fixed reply naming 109 and 1577-0199, never a "
            "generated one. It is not a clinical tool."
        ),
        "",
    ]
    for section in extra_sections or []:
        lines += [section, ""]
    return "\n".join(lines)


def write_model_card(
    directory: str | os.PathLike, kind: str, metrics: dict | None = None, extra_sections: list[str] | None = None
) -> Path:
    """Write `<directory>/README.md` (replacing only that file, atomically)."""
    path = Path(directory) / CARD_NAME
    partial = path.with_name(f".{CARD_NAME}.tmp-{os.getpid()}")
    partial.write_text(model_card(directory, kind, metrics, extra_sections), encoding="utf-8")
    os.replace(partial, path)
    return path
