"""Turn format, loss mask, plain-text encoding of user text, and reply clean-up.

One example is laid out as (earlier turns first, most recent kept):

    <usr> user₁ <sys> bot₁ </s> … <usr> message <unused1> emotion <sys> reply </s>

Loss is taken only on `reply </s>`; every other label is -100. The emotion is a plain word (a classifier label or
`none`) after the `<unused1>` marker. User and reply text are encoded with `split_special_tokens=True`, so text
such as "</s>" or "<sys>" a user types becomes ordinary pieces and can never end, switch or hijack a turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from data.text import tidy_spacing

USER_TOKEN = "<usr>"  # KoGPT2 id 2: starts a user turn
SYSTEM_TOKEN = "<sys>"  # KoGPT2 id 4: starts the bot's reply
EMOTION_TOKEN = "<unused1>"  # KoGPT2 id 10: marks the emotion tag (an unused slot, free to fine-tune)
END_TOKEN = "</s>"  # KoGPT2 id 1: ends the reply (bos = eos)
NONE_EMOTION = "none"  # tag for "no emotion given"; trained by dropping the tag for a fraction of examples
IGNORE_INDEX = -100  # label value the loss skips
STRUCTURAL_TOKENS = ("<s>", "</s>", "<usr>", "<pad>", "<sys>", "<unk>", "<mask>", "<d>", "</d>")
UNUSED_SLOT = re.compile(r"<unused\d+>")


def structural_ids(tokenizer) -> frozenset[int]:
    """Ids plain text must never produce: the structural tokens and every `<unusedN>` slot."""
    vocab = tokenizer.get_vocab()  # only the few pieces that start with "<" go to the regex (51,200 in KoGPT2)
    return frozenset(
        i for tok, i in vocab.items() if tok[:1] == "<" and (tok in STRUCTURAL_TOKENS or UNUSED_SLOT.fullmatch(tok))
    )


def encode_text(tokenizer, text: str, forbidden: frozenset[int] | None = None) -> list[int]:
    """Ids of `text` as plain text: special-token look-alikes become ordinary pieces, never special ids."""
    if not text:
        return []
    forbidden = structural_ids(tokenizer) if forbidden is None else forbidden
    ids = tokenizer(text, add_special_tokens=False, split_special_tokens=True)["input_ids"]
    if forbidden.intersection(ids):  # never seen with KoGPT2; guard anyway: one character at a time is always plain
        ids = [
            i
            for ch in text
            for i in tokenizer(ch, add_special_tokens=False, split_special_tokens=True)["input_ids"]
            if i not in forbidden
        ]
    return ids


@dataclass(frozen=True)
class EncodedTurn:
    input_ids: list[int]  # (seq,) — <usr> … <unused1> emotion <sys> [reply </s>]
    labels: list[int]  # (seq,) — -100 except on reply </s>
    prompt_length: int  # tokens before the reply (where generation starts)


class TurnFormatter:
    """Encodes (context, emotion, reply) into ids; one instance per tokenizer (ids looked up once)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.user_id, self.system_id, self.emotion_id, self.end_id = (
            tokenizer.convert_tokens_to_ids(t) for t in (USER_TOKEN, SYSTEM_TOKEN, EMOTION_TOKEN, END_TOKEN)
        )
        unk = tokenizer.unk_token_id
        for name, i in zip(
            (USER_TOKEN, SYSTEM_TOKEN, EMOTION_TOKEN, END_TOKEN),
            (self.user_id, self.system_id, self.emotion_id, self.end_id),
            strict=True,
        ):
            if i is None or i == unk:
                raise ValueError(f"tokenizer has no {name} token (expected the KoGPT2 tokenizer)")
        self.forbidden = structural_ids(tokenizer)

    def text_ids(self, text: str) -> list[int]:
        return encode_text(self.tokenizer, text, self.forbidden)

    def encode(
        self,
        context: str | Sequence[str],
        emotion: str | None,
        reply: str | None = None,
        max_seq_len: int = 256,
        max_reply_len: int | None = None,
    ) -> EncodedTurn:
        """Ids (and labels when `reply` is given) for the last user turn of `context`.

        `context` is oldest first, alternating user/bot, ending with the user message. Oldest whole turns are
        dropped to fit `max_seq_len`; a message too long on its own keeps its end; the reply is cut to
        `max_reply_len` (default half of `max_seq_len`), keeping `</s>` only when the reply is complete.
        """
        turns = [context] if isinstance(context, str) else list(context)
        if not turns:
            raise ValueError("context is empty: expected at least the user message")
        if max_seq_len < 8:
            raise ValueError(f"max_seq_len={max_seq_len}: expected at least 8 tokens")
        tag = NONE_EMOTION if emotion is None or emotion == "" else str(emotion)
        reply_ids: list[int] = []
        if reply is not None:
            max_reply_len = max_reply_len or max_seq_len // 2
            reply_ids = self.text_ids(reply) + [self.end_id]
            if len(reply_ids) > max_reply_len:
                reply_ids = reply_ids[:max_reply_len]  # cut reply: no </s>, the model must not learn to stop mid-way
        tail = [self.emotion_id] + self.text_ids(tag) + [self.system_id]
        room = max_seq_len - len(reply_ids) - len(tail) - 1  # -1 for the <usr> of the message
        message_ids = self.text_ids(turns[-1])[-max(room, 1) :]
        prompt = [self.user_id] + message_ids + tail
        # earlier turns, most recent first, kept whole while they fit
        history = turns[:-1]
        kept: list[int] = []
        budget = max_seq_len - len(prompt) - len(reply_ids)
        pairs = _pair_turns(history)
        for user_text, bot_text in reversed(pairs):
            block = (
                ([self.user_id] + self.text_ids(user_text) if user_text is not None else [])
                + [self.system_id]
                + self.text_ids(bot_text)
                + [self.end_id]
            )
            if len(block) > budget:
                break
            kept = block + kept
            budget -= len(block)
        input_ids = kept + prompt + reply_ids
        labels = [IGNORE_INDEX] * (len(kept) + len(prompt)) + reply_ids
        return EncodedTurn(input_ids=input_ids, labels=labels, prompt_length=len(kept) + len(prompt))


def _pair_turns(history: list[str]) -> list[tuple[str | None, str]]:
    """Earlier turns (oldest first, ending with a bot turn) as (user, bot) pairs; a leading bot turn has no user."""
    pairs: list[tuple[str | None, str]] = []
    index = len(history)
    while index > 0:
        bot = history[index - 1]
        user = history[index - 2] if index >= 2 else None
        pairs.append((user, bot))
        index -= 2
    return pairs[::-1]


_FINAL_BOUNDARY = re.compile(r"[.!?…~]+[\"'」』)]*(?=\s|$)")
_STREAM_BOUNDARY = re.compile(r"[.!?…~]+[\"'」』)]*(?=\s)")


def stable_prefix(text: str, final: bool = False) -> str:
    """`text` cleaned, up to its last sentence end that later tokens cannot change.

    While streaming (`final=False`) a sentence end counts only once a space follows it ("3." may become "3.5");
    on the finished text the very end counts too.
    """
    cleaned = tidy_spacing(text) if final else re.sub(r"\s+", " ", text).lstrip()
    boundary = _FINAL_BOUNDARY if final else _STREAM_BOUNDARY
    ends = [m.end() for m in boundary.finditer(cleaned)]
    return tidy_spacing(cleaned[: ends[-1]]) if ends else ""


def finish_reply(text: str, finished: bool) -> str:
    """Clean a decoded reply; when generation stopped at the token limit, drop the unfinished last sentence.

    A cut-off reply with no complete sentence is kept whole (better a fragment than nothing).
    """
    cleaned = tidy_spacing(text)
    if finished:
        return cleaned
    return stable_prefix(cleaned, final=True) or cleaned
