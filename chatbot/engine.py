"""`Chatbot`: safety → classify → respond, behind `reply(message, history)` and `stream(message, history)`.

Two engines share the API:
- full: KoBERT `EmotionClassifier` + KoGPT2 `ResponseGenerator` checkpoints (`Chatbot.from_pretrained`);
- offline default: `LightEmotionClassifier` + `RetrievalResponder` over the built-in demo set and any
  `--data` files (`Chatbot.offline`). No download, ready in seconds.
`Chatbot.default()` picks full when `checkpoints/classifier` and `checkpoints/generator` hold trained
checkpoints, otherwise the offline default, and logs which.

One object serves many conversations: it keeps no per-conversation state (the history comes with each call),
models are loaded once in the constructor, and the reply path is classification + generation only.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chatbot.safety import CRISIS_REPLY, detect_crisis
from chatbot.text import DEFAULT_MAX_MESSAGE_CHARS, EMPTY_MESSAGE_REPLY, build_context, clean_message

logger = logging.getLogger(__name__)

DEFAULT_CHECKPOINTS_DIR = "checkpoints"  # where training scripts write and Chatbot.default() looks
DEFAULT_MAX_CONTEXT_MESSAGES = 9          # 4 earlier exchanges + the message; the generator cuts to its token budget, retrieval avoids these replies
EMPTY_GENERATION_REPLY = "음, 조금 더 이야기해 줄래요?"  # when a generator returns nothing (e.g. an undertrained model)
ENGINE_DESCRIPTIONS = {
    "full": "전체 엔진: KoBERT 감정 분류 + KoGPT2 응답 생성",
    "offline": "오프라인 기본 엔진: 가벼운 감정 분류기(TF-IDF) + 예시 응답 검색 (다운로드 없음)",
}
CLASSIFIER_FILES = ("classifier_config.json", "light_config.json")  # what a trained classifier dir holds
GENERATOR_FILES = ("generator_config.json",)
RESPONDER_FILE = "responder_config.json"  # a saved RetrievalResponder may stand in for the generator


@dataclass(frozen=True)
class Reply:
    """One bot turn. `scores` = every emotion's probability; `safety` = the crisis reply was sent (not generated);
    `engine` = which engine answered; `note` = something the user should see (message cut, empty message…);
    `care` = the conversation is in care mode (a crisis reply was given in it): the UI keeps the help lines in view."""

    text: str
    emotion: str | None
    scores: dict[str, float] = field(default_factory=dict)
    safety: bool = False
    engine: str = ""
    note: str | None = None
    care: bool = False


class Chatbot:
    """`Chatbot(classifier, responder, engine_name)`: classifier has `predict(str) -> Prediction`; responder has
    `generate(context, emotion, **options) -> str` and `stream(...) -> Iterator[str]`."""

    def __init__(self, classifier, responder, engine_name: str = "custom", *, description: str | None = None,
                 max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
                 max_context_messages: int = DEFAULT_MAX_CONTEXT_MESSAGES, generation_options: dict | None = None):
        for name, obj, method in (("classifier", classifier, "predict"), ("responder", responder, "generate"),
                                  ("responder", responder, "stream")):
            if not callable(getattr(obj, method, None)):
                raise TypeError(f"{name} must have a {method}() method, got {type(obj).__name__}")
        if max_message_chars < 1 or max_context_messages < 1:
            raise ValueError("max_message_chars and max_context_messages must be at least 1")
        self.classifier = classifier
        self.responder = responder
        self.engine = engine_name
        self.description = description or ENGINE_DESCRIPTIONS.get(engine_name, engine_name)
        self.max_message_chars = max_message_chars
        self.max_context_messages = max_context_messages
        self.generation_options = dict(generation_options or {})

    # ------------------------------------------------------------------------------------------ constructors
    @classmethod
    def from_pretrained(cls, classifier=f"{DEFAULT_CHECKPOINTS_DIR}/classifier",
                        generator=f"{DEFAULT_CHECKPOINTS_DIR}/generator", device: str = "auto",
                        quantize: bool = False, **kwargs) -> "Chatbot":
        """Full engine from two checkpoint directories or hub ids (`classifier.load_classifier`,
        `generator.load_generator`). Either may also be an already-loaded object."""
        from classifier import load_classifier

        if isinstance(classifier, (str, Path)):
            logger.info("loading classifier from %s", classifier)
            classifier = load_classifier(classifier, device=device)
        if isinstance(generator, (str, Path)):
            logger.info("loading generator from %s", generator)
            if (Path(generator) / RESPONDER_FILE).is_file():
                from generator import RetrievalResponder

                generator = RetrievalResponder.from_pretrained(generator)
            else:
                from generator import load_generator

                generator = load_generator(generator, device=device, quantize=quantize)
        trained_tags = getattr(getattr(generator, "config", None), "emotions", None)
        untrained = sorted(set(getattr(classifier, "labels", None) or ()) - set(trained_tags or ()))
        if trained_tags and untrained:  # e.g. a KETI-label classifier with a six-emotion generator
            logger.warning("classifier labels %s are not among the generator's training tags %s: those messages "
                           "are answered with the 'none' tag (train both with the same label set)", untrained, trained_tags)
        if "engine_name" not in kwargs:  # "full" only when it really is KoBERT + KoGPT2
            names = type(classifier).__name__, type(generator).__name__
            if names == ("EmotionClassifier", "ResponseGenerator"):
                kwargs["engine_name"] = "full"
            else:
                kwargs["engine_name"] = "custom"
                kwargs.setdefault("description", f"사용자 구성 엔진: {names[0]} + {names[1]}")
        return cls(classifier, generator, **kwargs)

    @classmethod
    def offline(cls, data_files: Sequence = (), checkpoints_dir=DEFAULT_CHECKPOINTS_DIR, taxonomy=None,
                **kwargs) -> "Chatbot":
        """Offline default: light classifier + retrieval responder, built from the demo set and `data_files`.

        The classifier is loaded from `<checkpoints_dir>/light` when present, else trained now on the demo
        utterances plus the mapped labelled utterances of `data_files` (seconds). The responder answers from
        the demo replies plus every dialogue (wellness, 감성대화, ChatbotData, …) in `data_files`.
        """
        import data
        from classifier import LightEmotionClassifier
        from generator import RetrievalResponder

        taxonomy = taxonomy or data.Taxonomy.default()
        corpora = [data.load_demo()]
        for path in data_files:
            corpus = data.load_any(path)
            logger.info("read %s: %d utterances, %d dialogues", path, len(corpus.utterances), len(corpus.dialogues))
            corpora.append(corpus)
        light_dir = Path(checkpoints_dir) / "light"
        if (light_dir / "light_config.json").is_file():
            logger.info("loading the light classifier from %s", light_dir)
            classifier = LightEmotionClassifier.from_pretrained(light_dir)
        else:
            texts, labels = [], []
            for corpus in corpora:
                for utterance in taxonomy.map_corpus(corpus).utterances:
                    texts.append(utterance.text)
                    labels.append(utterance.label)
            logger.info("training the light classifier on %d utterances", len(texts))
            classifier = LightEmotionClassifier().fit(texts, labels)
        responder = RetrievalResponder.from_corpora(corpora, taxonomy=taxonomy)
        logger.info("retrieval responder: %d known replies", len(responder))
        kwargs.setdefault("engine_name", "offline")
        return cls(classifier, responder, **kwargs)

    @classmethod
    def default(cls, checkpoints_dir=DEFAULT_CHECKPOINTS_DIR, data_files: Sequence = (), device: str = "auto",
                quantize: bool = False, **kwargs) -> "Chatbot":
        """Full engine when `<checkpoints_dir>/classifier` and `/generator` hold trained checkpoints, else offline."""
        found, reason = find_full_checkpoints(checkpoints_dir)
        if found:
            logger.warning("MaeumChat engine: full (KoBERT + KoGPT2 from %s)", checkpoints_dir)
            return cls.from_pretrained(Path(checkpoints_dir) / "classifier", Path(checkpoints_dir) / "generator",
                                       device=device, quantize=quantize, **kwargs)
        logger.warning("MaeumChat engine: offline default (%s)", reason)
        return cls.offline(data_files=data_files, checkpoints_dir=checkpoints_dir, **kwargs)

    @property
    def sampling_defaults(self) -> dict:
        """The sampling options this engine's responder acts on, at their defaults (`temperature`, `top_p`,
        `max_new_tokens`); empty when it ignores them (the retrieval responder of the offline engine)."""
        config = getattr(self.responder, "config", None)
        if not getattr(self.responder, "uses_sampling_options", False) or config is None:
            return {}
        return {name: getattr(config, name) for name in ("temperature", "top_p", "max_new_tokens")
                if getattr(config, name, None) is not None}

    # ------------------------------------------------------------------------------------------ replying
    def reply(self, message, history=None, **options) -> Reply:
        """Answer `message` given the earlier `history` ({"role", "content"} messages; content str or parts)."""
        final = None
        for item in self._run(message, history, options, streaming=False):
            final = item
        return final

    def stream(self, message, history=None, **options) -> Iterator[str | Reply]:
        """Yield the reply as text increments, then the final `Reply` (whose text is the increments joined)."""
        yield from self._run(message, history, options, streaming=True)

    def _run(self, message, history, options: dict, streaming: bool) -> Iterator[str | Reply]:
        cleaned = clean_message(message, self.max_message_chars)
        if not cleaned.text:
            yield EMPTY_MESSAGE_REPLY
            yield Reply(EMPTY_MESSAGE_REPLY, None, {}, False, self.engine)
            return
        if detect_crisis(cleaned.text):  # first: the fixed reply must not depend on any model working
            yield CRISIS_REPLY
            try:
                prediction = self.classifier.predict(cleaned.text)  # only for the emotion display
                emotion, scores = prediction.label, {k: float(v) for k, v in prediction.scores.items()}
            except Exception:  # noqa: BLE001 — a failing classifier must not block the crisis reply
                logger.exception("classifier failed on a crisis message; sending the crisis reply without emotion")
                emotion, scores = None, {}
            yield Reply(CRISIS_REPLY, emotion, scores, True, self.engine, cleaned.note, care=True)
            return
        prediction = self.classifier.predict(cleaned.text)
        scores = {label: float(score) for label, score in prediction.scores.items()}
        context = build_context(history, cleaned.text, self.max_context_messages, self.max_message_chars)
        options = {**self.generation_options, **{k: v for k, v in options.items() if v is not None}}
        note = cleaned.note
        if streaming:
            pieces = []
            for piece in self.responder.stream(context, emotion=prediction.label, **options):
                if piece:
                    pieces.append(piece)
                    yield piece
            text = "".join(pieces)
        else:
            text = self.responder.generate(context, emotion=prediction.label, **options)
        if not text.strip():
            note = "; ".join(filter(None, (note, "생성된 답이 비어 있어 기본 답을 보냈어요.")))
            text = EMPTY_GENERATION_REPLY
            if streaming:
                yield text
        if not streaming:
            yield text
        yield Reply(text, prediction.label, scores, False, self.engine, note)

    def __repr__(self) -> str:
        return f"Chatbot(engine={self.engine!r}, classifier={type(self.classifier).__name__}, " \
               f"responder={type(self.responder).__name__})"


def find_full_checkpoints(checkpoints_dir=DEFAULT_CHECKPOINTS_DIR) -> tuple[bool, str]:
    """(True, "") when both trained checkpoints are there, else (False, what is missing)."""
    root = Path(checkpoints_dir)
    for part, config_names in (("classifier", CLASSIFIER_FILES), ("generator", GENERATOR_FILES + (RESPONDER_FILE,))):
        directory = root / part
        if not directory.is_dir():
            return False, f"no {directory}/ — train with `python -m {part}.train --output_dir {directory}`"
        if not any((directory / name).is_file() for name in config_names):
            return False, f"{directory}/ has no {' or '.join(config_names)}"
        if not any(directory.glob("*.safetensors")) and not (directory / RESPONDER_FILE).is_file():
            return False, f"{directory}/ has no *.safetensors weights"
    return True, ""
