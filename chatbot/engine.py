"""`Chatbot`: safety → read the emotion → respond → screen, behind `reply(message, history)` and `stream(...)`.

Two engines share the API:
- full: KoBERT `EmotionClassifier` + KoGPT2 `ResponseGenerator` checkpoints (`Chatbot.from_pretrained`);
- offline default: `LightEmotionClassifier` + `RetrievalResponder` over the reply bank written for this project
  and any `--data` corpora (`Chatbot.offline`). No download; built once, then loaded from a cache in well under
  a second (`chatbot.cache`).
`Chatbot.default()` picks full when `checkpoints/classifier` and `checkpoints/generator` hold trained
checkpoints, otherwise the offline default, and logs which.

One reply, in order:
1. **Safety** (`chatbot.safety`, `chatbot.crisis_model`): rules and the learned detector on the message and the
   last user turns. A crisis gets the fixed crisis reply; after one, the conversation stays in care mode: every
   reply consoles or asks (never cheers) and carries the help lines; good news gets a fixed gentle reply. A message
   that is no crisis but alone reads as a strong warning sign gets a gentle question about safety, and care mode.
2. **Emotion** (`chatbot.reading`): calibrated scores, leaning on earlier turns when the message says little.
   When unsure, the responder is asked for an open question instead of a reply to a guessed emotion.
3. **Candidates** from the responder (`generate_candidates`), the first one kept that passes every check: safety
   screening of the bot's own words, no inversion (no cheer to a loss, no consolation to good news), not said
   before in this conversation, not empty, not the message handed back.

One object serves many conversations: it keeps no per-conversation state (the history comes with each call),
models are loaded once in the constructor, and the reply path is classification + retrieval/generation only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import data
from chatbot import cues, quality, safety
from chatbot.crisis_model import CrisisDetector
from chatbot.offline import DEFAULT_CHECKPOINTS_DIR, find_full_checkpoints, offline_classifier, offline_responder
from chatbot.reading import ReadingPolicy, forbidden_tones, read_emotion
from chatbot.safety import CARE_FOOTER, care_reply, crisis_reply, in_care_mode, screen_reply, screened_reply
from chatbot.text import DEFAULT_MAX_MESSAGE_CHARS, EMPTY_MESSAGE_REPLY, build_context, clean_message
from classifier import load_classifier
from data.replybank import load_reply_bank
from generator.entries import asks_what
from generator.responder import GenerationOptions

logger = logging.getLogger(__name__)

DEFAULT_MAX_CONTEXT_MESSAGES = 9  # 4 earlier exchanges + the message: enough for care mode and follow-ups
DEFAULT_CANDIDATES = 4  # replies drawn per turn; the first that passes every check is shown
DEFAULT_MORE_CANDIDATES = 16  # asked for once all of those are refused, before an open question: the best replies
# for the emotion may all name a pet while the person spoke of their father ("아빠 수술 잘 끝났대")
ENGINE_DESCRIPTIONS = {
    "full": "전체 엔진: KoBERT 감정 분류 + KoGPT2 응답 생성",
    "offline": "오프라인 기본 엔진: 가벼운 감정 분류기 + 직접 쓴 답변 검색 (다운로드 없음)",
}


@dataclass(frozen=True)
class Reply:
    """One bot turn. `scores` = every emotion's probability; `safety` = the crisis reply was sent (not generated);
    `engine` = which engine answered; `note` = something the user should see (message cut, empty message…);
    `care` = the conversation is in care mode (a crisis reply was given in it): the UI keeps the help lines in view;
    `uncertain` = the emotion was not clear enough to answer it, so the reply asks an open question."""

    text: str
    emotion: str | None
    scores: dict[str, float] = field(default_factory=dict)
    safety: bool = False
    engine: str = ""
    note: str | None = None
    care: bool = False
    uncertain: bool = False


class Chatbot:
    """`Chatbot(classifier, responder, engine_name)`: classifier has `predict(str | list) -> Prediction | list`;
    responder is a `generator.Responder` (at least `generate(context, emotion, **options) -> str` and
    `stream(...)`). `generation_options` (`generator.GenerationOptions` names) apply to every reply unless a call
    gives its own. `safety` is a `chatbot.crisis_model.CrisisDetector` (default: the one built from this project's
    lists)."""

    def __init__(
        self,
        classifier,
        responder,
        engine_name: str = "custom",
        *,
        description: str | None = None,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        max_context_messages: int = DEFAULT_MAX_CONTEXT_MESSAGES,
        generation_options: dict | GenerationOptions | None = None,
        safety=None,
        candidates: int = DEFAULT_CANDIDATES,
        more_candidates: int = DEFAULT_MORE_CANDIDATES,
        reading_policy: ReadingPolicy | None = None,
    ):
        for name, obj, method in (
            ("classifier", classifier, "predict"),
            ("responder", responder, "generate"),
            ("responder", responder, "stream"),
        ):
            if not callable(getattr(obj, method, None)):
                raise TypeError(f"{name} must have a {method}() method, got {type(obj).__name__}")
        if max_message_chars < 1 or max_context_messages < 1 or candidates < 1:
            raise ValueError("max_message_chars, max_context_messages and candidates must be at least 1")
        if more_candidates < 0:
            raise ValueError(f"more_candidates={more_candidates}: expected 0 (no second round) or more")
        if safety is None:
            safety = CrisisDetector.default()
        self.classifier = classifier
        self.responder = responder
        self.safety = safety
        self.engine = engine_name
        self.description = description or ENGINE_DESCRIPTIONS.get(engine_name, engine_name)
        self.max_message_chars = max_message_chars
        self.max_context_messages = max_context_messages
        self.generation_options = GenerationOptions.of(generation_options)
        self.candidates = candidates
        self.more_candidates = more_candidates
        self.reading_policy = reading_policy or ReadingPolicy()

    # ------------------------------------------------------------------------------------------ constructors
    @classmethod
    def from_pretrained(
        cls,
        classifier=f"{DEFAULT_CHECKPOINTS_DIR}/classifier",
        responder=f"{DEFAULT_CHECKPOINTS_DIR}/generator",
        device: str = "auto",
        quantize: bool = False,
        allow_label_mismatch: bool = False,
        **kwargs,
    ) -> Chatbot:
        """Full engine from two checkpoint directories or hub ids (`classifier.load_classifier`,
        `generator.load_responder`). Either may also be an already-loaded object. A classifier that lacks emotions
        the generator was trained on is refused unless `allow_label_mismatch`; labels the generator was not trained
        on are answered with its 'none' tag (a warning says so)."""
        from generator import load_responder  # why: torch; the offline engine never loads it

        if isinstance(classifier, (str, Path)):
            logger.info("loading classifier from %s", classifier)
            classifier = load_classifier(classifier, device=device)
        if isinstance(responder, (str, Path)):
            logger.info("loading responder from %s", responder)
            responder = load_responder(responder, device=device, quantize=quantize)
        trained_tags = getattr(getattr(responder, "config", None), "emotions", None)
        labels = set(getattr(classifier, "labels", None) or ())
        untrained = sorted(labels - set(trained_tags or ()))
        if trained_tags and untrained:  # e.g. a KETI-label classifier with a six-emotion generator
            logger.warning(
                "classifier labels %s are not among the generator's training tags %s: those messages "
                "are answered with the 'none' tag (train both with --label_set six)",
                untrained,
                list(trained_tags),
            )
        unread = sorted(set(trained_tags or ()) - labels - {"none"})
        if trained_tags and labels and unread:
            message = (
                f"the classifier has no {', '.join(unread)}, which the generator was trained to answer: "
                f"train both with --label_set six (or pass allow_label_mismatch=True / --allow_label_mismatch)"
            )
            if not allow_label_mismatch:
                raise ValueError(message)
            logger.warning(message)
        kwargs.setdefault("more_candidates", 0)  # a generator samples every candidate: a second round of 16 would
        # be the slowest reply of all on the path where the first few were refused (the retrieval responder's
        # runners-up cost nothing extra)
        if "engine_name" not in kwargs:  # "full" only when it really is KoBERT + KoGPT2
            names = type(classifier).__name__, type(responder).__name__
            if names == ("EmotionClassifier", "ResponseGenerator"):
                kwargs["engine_name"] = "full"
            else:
                kwargs["engine_name"] = "custom"
                kwargs.setdefault("description", f"사용자 구성 엔진: {names[0]} + {names[1]}")
        return cls(classifier, responder, **kwargs)

    @classmethod
    def offline(
        cls,
        data_files: Sequence = (),
        checkpoints_dir=DEFAULT_CHECKPOINTS_DIR,
        taxonomy=None,
        allow_label_mismatch: bool = False,
        **kwargs,
    ) -> Chatbot:
        """Offline default: light classifier + retrieval over the reply bank and `data_files`' dialogues.

        The classifier is `<checkpoints_dir>/light` when present (its labels must be the six emotions unless
        `allow_label_mismatch`), else the one trained on the reply bank's messages and the spent evaluation sets,
        built once and cached. Corpus labels are noisy and skewed, so the corpora feed retrieval only (their replies,
        filtered by emotion and re-ranked by meaning): the emotion classifier and the crisis detector read the same
        with or without them.
        """
        taxonomy = taxonomy or data.Taxonomy.default()
        corpora = []
        for path in data_files:
            corpus = data.load_any(path)
            logger.info("read %s: %d utterances, %d dialogues", path, len(corpus.utterances), len(corpus.dialogues))
            corpora.append(corpus)
        bank = load_reply_bank()
        from classifier.semantic import shared_analysis  # why: kiwipiepy, not on `import chatbot.engine`

        if "safety" not in kwargs:  # a first start trains the crisis detector in a child beside the classifier
            CrisisDetector.build_in_background()
        with shared_analysis():  # a first start builds all three from the bank's messages: Kiwi reads each once
            classifier = offline_classifier(Path(checkpoints_dir) / "light", allow_label_mismatch)
            responder = offline_responder(bank, corpora, data_files, taxonomy)
            if "safety" not in kwargs:  # not setdefault: that would build (or load) a detector the caller replaces
                # the corpora's crisis categories are not added: measured on the development conversations, they
                # doubled the false alarms (python -m chatbot.crisis_model --data trains a detector with them)
                kwargs["safety"] = CrisisDetector.default()
        logger.info(
            "replies: %d written for this project over %d topics, %d from your corpora",
            sum(len(group.replies) for group in bank),
            len({group.topic for group in bank}),
            len({e.reply for e in responder.entries if e.topic is None}),
        )
        kwargs.setdefault("engine_name", "offline")
        return cls(classifier, responder, **kwargs)

    @classmethod
    def default(
        cls,
        checkpoints_dir=DEFAULT_CHECKPOINTS_DIR,
        data_files: Sequence = (),
        device: str = "auto",
        quantize: bool = False,
        **kwargs,
    ) -> Chatbot:
        """Full engine when `<checkpoints_dir>/classifier` and `/generator` hold trained checkpoints, else offline."""
        found, reason = find_full_checkpoints(checkpoints_dir)
        if found:
            logger.info("MaeumChat engine: full (KoBERT + KoGPT2 from %s)", checkpoints_dir)
            return cls.from_pretrained(
                Path(checkpoints_dir) / "classifier",
                Path(checkpoints_dir) / "generator",
                device=device,
                quantize=quantize,
                **kwargs,
            )
        logger.info("MaeumChat engine: offline default (%s)", reason)
        return cls.offline(data_files=data_files, checkpoints_dir=checkpoints_dir, **kwargs)

    # ------------------------------------------------------------------------------------------ replying
    @property
    def generation_defaults(self) -> dict:
        """What a reply is written with unless a call says otherwise: the responder's defaults for the options
        that shape its text, with this chatbot's `generation_options` over them. Empty when the responder writes
        no text (the retrieval responder of the offline engine picks written replies)."""
        defaults = getattr(self.responder, "generation_defaults", GenerationOptions())
        if not defaults.given():
            return {}
        return self.generation_options.over(defaults).given()

    def reply(self, message, history=None, **options) -> Reply:
        """Answer `message` given the earlier `history` ({"role", "content"} messages; content str or parts)."""
        for item in self._run(message, history, options):
            if isinstance(item, Reply):
                return item
        raise RuntimeError("the reply loop ended without a Reply")

    def stream(self, message, history=None, **options) -> Iterator[str | Reply]:
        """Yield the reply as text increments, then the final `Reply` (whose text is the increments joined).
        The reply is chosen and screened whole before the first increment: nothing unscreened is ever shown."""
        yield from self._run(message, history, options)

    def _run(self, message, history, options: dict) -> Iterator[str | Reply]:
        cleaned = clean_message(message, self.max_message_chars)
        if not cleaned.text:
            yield EMPTY_MESSAGE_REPLY
            yield Reply(EMPTY_MESSAGE_REPLY, None, {}, False, self.engine)
            return
        context = build_context(history, cleaned.text, self.max_context_messages, self.max_message_chars)
        earlier_user, bot_turns = context[-3::-2][::-1], context[-2::-2]
        care = in_care_mode(bot_turns)  # after a crisis reply, only a new crisis message brings it back
        crisis, check_in = self.safety.check(cleaned.text, [] if care else earlier_user)  # first: before any model
        if cues.opens_new_subject(cleaned.text):  # "그건 그렇고 …": read and answered on its own (not for safety)
            context, earlier_user = context[-1:], []
        try:
            reading = read_emotion(
                self.classifier,
                cleaned.text,
                earlier_user,
                self.reading_policy,
                getattr(self.responder, "emotion_votes", None),
            )
        except Exception:
            if not crisis:
                raise
            logger.exception("classifier failed on a crisis message; sending the crisis reply without emotion")
            reading = None
        emotion, scores = (reading.label, reading.scores) if reading else (None, {})
        after_pain = reading is not None and reading.valence == "negative"
        plan_alone = cues.states_plan(cleaned.text) and (after_pain or cues.thanks_in_words(cleaned.text))
        # "내일은 좀 움직여볼게" after a heavy turn, "고마워 내일도 힘내볼게", "ㅇㅋ 고마워" after advice: a reply
        # for the plan or the thanks, in the feeling of the earlier turns, not more consolation or advice for the
        # earlier story
        answered = context[-1:] if plan_alone or cues.only_thanks(cleaned.text) else context
        taken = (crisis or care) and safety.took_something(cleaned.text, earlier_user, bot_turns)  # 119 first
        if crisis:
            text, flags = crisis_reply(bot_turns, taken), {"safety": True, "care": True}
        elif care and taken:
            text, flags = care_reply("taken", bot_turns), {"care": True}
        elif care:
            text, flags = self._care(answered, reading, bot_turns, options), {"care": True}
        elif check_in:  # a strong warning sign alone
            text, flags = care_reply("check_in", bot_turns), {"care": True}
        else:
            assert reading is not None  # only a crisis message goes on without a reading
            text = self._choose(answered, reading, bot_turns, options)
            flags = {"uncertain": not reading.sure}
        yield from re.findall(r"\s*\S+\s*", text)
        yield Reply(text, emotion, scores, engine=self.engine, note=cleaned.note, **flags)

    def _choose(self, context: list[str], reading, bot_turns: list[str], options: dict) -> str:
        """The first candidate that passes every check: answering the emotion when sure (from `more_candidates` once
        the first few are all refused), else an open question; when every candidate for the conversation is
        refused, the message is answered on its own ("ㅎㅇ → 그냥 심심해서 와봄": the greeting would keep winning,
        and every greeting is refused once the bot has spoken)."""
        options = GenerationOptions.of(options).over(self.generation_options).given()
        forbidden = forbidden_tones(reading, self.reading_policy)
        glad_question = asks_what(context[-1]) and reading.readers_joy >= self.reading_policy.agreed_cheer_at
        turns_away = not glad_question  # "근데 뭐부터 해야되지" after a pass asks about the news, gladly: both readers
        # see joy in the question itself
        if reading.contrast and turns_away and bot_turns and self._tone(bot_turns[-1]) == "positive":
            forbidden.add("positive")  # "근데 일은 더 많아지겠지ㅋㅋ" after a cheer: the other side, no more cheer
        rounds = [(reading.label, self.candidates)] if reading.sure else []
        if reading.sure and self.more_candidates > self.candidates:
            rounds.append((reading.label, self.more_candidates))
        rounds.append((None, self.candidates))
        for answered in (context, context[-1:]) if len(context) > 1 else (context,):
            for tag, n in rounds:
                for text in self._candidates(answered, tag, options, n):
                    why = self._refusal(text, context, forbidden, bot_turns, self._tone(text))
                    if why is None:
                        return text
                    logger.debug("candidate refused (%s): %s", why, text)
        return screened_reply(bot_turns, goodbye=cues.says_goodbye(context[-1]))

    def _care(self, context: list[str], reading, bot_turns: list[str], options: dict) -> str:
        """Care mode: a reply that consoles or asks (never one that cheers), with the help lines under it; good
        news or a failing check gets one of the fixed care replies; a goodbye, one that asks them to call if it gets
        heavier (after "나 같은 건 없어도 돼", "잘 있어" may be the last word: never a plain "잘 가요")."""
        if cues.says_goodbye(context[-1]):
            return care_reply("goodbye", bot_turns)
        if reading is None or reading.valence == "positive":
            return care_reply("positive" if reading is not None else "neutral", bot_turns)
        options = GenerationOptions.of(options).over(self.generation_options).given()
        forbidden = forbidden_tones(reading, self.reading_policy) | {"positive", "mixed"}
        for tag in (reading.label, None) if reading.sure else (None,):
            for text in self._candidates(context, tag, options):
                if self._refusal(text, context, forbidden, bot_turns, self._tone(text)) is None:
                    return f"{text}\n\n{CARE_FOOTER}"
        return care_reply(reading.valence or "neutral", bot_turns)

    def _candidates(self, context: list[str], emotion: str | None, options: dict, n: int | None = None) -> list[str]:
        if callable(getattr(self.responder, "generate_candidates", None)):
            return self.responder.generate_candidates(context, emotion=emotion, n=n or self.candidates, **options)
        return [self.responder.generate(context, emotion=emotion, **options)]

    def _tone(self, text: str) -> str:
        """The reply's valence: from the emotion it was written for when the responder knows it (the reply bank),
        else read from its words."""
        known = getattr(self.responder, "reply_emotions", {}).get(text)
        return quality.valence(known) or quality.reply_valence(text)

    @staticmethod
    def _refusal(text: str, context: list[str], forbidden: set[str], bot_turns: list[str], tone: str) -> str | None:
        """Why a candidate may not be shown, or None. `context`: the turns oldest first, the message last."""
        if not text or not text.strip():
            return "empty"
        unsafe = screen_reply(text)
        if unsafe:
            return f"unsafe: {unsafe}"
        if tone in forbidden:
            return "inverted"
        if quality.is_repeat(text, bot_turns):
            return "said before"
        if quality.is_echo(text, context[-1]):
            return "echo"
        user_turns = context[::-2]  # the message and every second turn before it
        if quality.names_stranger(text, user_turns):
            return "names someone not mentioned"
        if quality.tells_unsaid_event(text, user_turns):
            return "tells an event not mentioned"
        if quality.asks_what_was_told(text, user_turns):
            return "asks what was already told"
        if quality.greets_again(text, bot_turns, context[-1]):
            return "greets again"
        return quality.farewell_refusal(text, context[-1])

    def __repr__(self) -> str:
        return (
            f"Chatbot(engine={self.engine!r}, classifier={type(self.classifier).__name__}, "
            f"responder={type(self.responder).__name__})"
        )
