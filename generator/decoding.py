"""How `ResponseGenerator` decodes: the arguments of its `model.generate` call and the helpers behind them.

Repetition controls look only at the reply being written, not at the user's words (`ReplyLogitsProcessor`).

Seeds: `seed=` never touches torch's process-global RNG (which concurrent requests share). A seeded call draws
from its own `torch.Generator`: `model.generate` (transformers 5.x) has no `generator=` argument, so the seeded
path runs `generate` greedily behind logits processors that apply temperature / top-k / top-p and draw the token
with that generator (`SeededDraw`) — the same distribution as `do_sample=True`, reproducible under parallel
calls. Unseeded calls sample from the global RNG as usual.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence

import torch
from transformers import LogitsProcessorList, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

from generator.responder import GenerationOptions


class ReplyLogitsProcessor:
    """Reply-only repetition penalty and no-repeat-n-gram, banned ids, and `</s>` held off for `min_new_tokens`.

    `transformers`' repetition processors also count the prompt, which forbids echoing the user's words
    ("우울하시군요"); its `suppress_tokens`/`min_new_tokens` run `torch.isin` over the 51k vocab every step, so
    they are done here by indexing.
    """

    def __init__(
        self, prompt_length: int, penalty: float, ngram_size: int, banned_ids, eos_id: int, min_new_tokens: int = 1
    ):
        self.prompt_length, self.penalty, self.ngram_size, self.eos_id = prompt_length, penalty, ngram_size, eos_id
        self.banned_ids = banned_ids  # (n_banned,) long tensor on the model's device
        self.min_new_tokens = min_new_tokens

    def __call__(self, input_ids, scores):
        scores[:, self.banned_ids] = float("-inf")
        reply = input_ids[:, self.prompt_length :]  # (batch, generated so far)
        if reply.shape[1] < self.min_new_tokens:
            scores[:, self.eos_id] = float("-inf")
        if reply.shape[1] == 0:
            return scores
        if self.penalty != 1.0:
            seen = torch.gather(scores, 1, reply)
            seen = torch.where(seen < 0, seen * self.penalty, seen / self.penalty)
            scores = scores.scatter(1, reply, seen)
        n = self.ngram_size
        if n and reply.shape[1] >= n:
            for row, tokens in enumerate(reply.tolist()):
                prefix = tokens[len(tokens) - n + 1 :]
                banned = [tokens[i + n - 1] for i in range(len(tokens) - n + 1) if tokens[i : i + n - 1] == prefix]
                if banned:
                    scores[row, banned] = float("-inf")
        return scores


class SeededDraw:
    """Last logits processor of a seeded call: samples the next token with its own `torch.Generator`.

    Runs after temperature / top-k / top-p (given as processors before it) and returns scores that are -inf
    everywhere but the drawn token, so `generate(do_sample=False)` picks exactly that token and the global RNG
    is never used.
    """

    def __init__(self, generator):
        self.generator = generator

    def __call__(self, input_ids, scores):
        probs = torch.softmax(scores.float(), dim=-1)  # (batch, vocab)
        drawn = torch.multinomial(probs, num_samples=1, generator=self.generator)  # (batch, 1)
        forced = torch.full_like(scores, float("-inf"))
        return forced.scatter_(1, drawn, 0.0)


class IdStreamer:
    """`generate(streamer=…)` target: hands each step's new token ids to a queue (the prompt is skipped)."""

    def __init__(self):
        self.queue: queue.Queue = queue.Queue()
        self._prompt_seen = False

    def put(self, value):
        if not self._prompt_seen:
            self._prompt_seen = True
            return
        self.queue.put(value.reshape(-1).tolist())

    def end(self):
        self.queue.put(None)


class Cancelled:
    """Stopping criterion: ends `generate` once the stream's consumer has gone away (closed or abandoned)."""

    def __init__(self):
        self.event = threading.Event()

    def __call__(self, input_ids, scores, **kwargs):
        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool, device=input_ids.device)


def call_rng(seed: int | None, device):
    """The call's own `torch.Generator` for `seed`, or None (unseeded: the global RNG)."""
    if seed is None:
        return None
    rng = torch.Generator(device=device)
    rng.manual_seed(int(seed))
    return rng


def generate_kwargs(
    prompts: list[list[int]], options: GenerationOptions, tokenizer, banned_ids, device, streamer=None, rng=None
) -> dict:
    """Keyword arguments of `model.generate` for left-padded `prompts` under complete `options`."""
    penalty, ngram_size, min_new_tokens = (
        options.repetition_penalty,
        options.no_repeat_ngram_size,
        options.min_new_tokens,
    )
    if penalty is None or ngram_size is None or min_new_tokens is None:
        raise ValueError(
            "repetition_penalty, no_repeat_ngram_size and min_new_tokens must be set: pass options over the "
            "generator's generation_defaults"
        )
    width = max(len(p) for p in prompts)
    pad = tokenizer.pad_token_id
    input_ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts], device=device)  # (batch, width)
    attention_mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts], device=device)
    processors = LogitsProcessorList(
        [ReplyLogitsProcessor(width, penalty, ngram_size, banned_ids, tokenizer.eos_token_id, min_new_tokens)]
    )
    do_sample = options.do_sample
    unset = {"temperature": None, "top_p": None, "top_k": None}
    sampling = (
        {"temperature": options.temperature, "top_p": options.top_p, "top_k": options.top_k} if do_sample else unset
    )
    if do_sample and rng is not None:
        # own RNG per call (see module docstring): the warpers transformers would add, then the draw; greedy
        # decoding then takes the drawn token
        if options.temperature is not None and options.temperature != 1.0:
            processors.append(TemperatureLogitsWarper(options.temperature))
        if options.top_k is not None and options.top_k != 0:
            processors.append(TopKLogitsWarper(top_k=options.top_k, min_tokens_to_keep=1))
        if options.top_p is not None and options.top_p < 1.0:
            processors.append(TopPLogitsWarper(top_p=options.top_p, min_tokens_to_keep=1))
        processors.append(SeededDraw(rng))
        do_sample, sampling = False, unset
    return dict(
        input_ids=input_ids,
        attention_mask=attention_mask,
        max_new_tokens=options.max_new_tokens,
        do_sample=do_sample,
        **sampling,
        use_cache=True,
        streamer=streamer,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=pad,
        bos_token_id=tokenizer.bos_token_id,
        repetition_penalty=1.0,
        no_repeat_ngram_size=0,  # done reply-only in ReplyLogitsProcessor
        logits_processor=processors,
    )


def decode_reply(tokenizer, new_ids: Sequence[int]) -> tuple[str, bool]:
    """Reply text up to the first `</s>`, and whether that `</s>` was reached."""
    eos = tokenizer.eos_token_id
    ids = list(new_ids)
    finished = eos in ids
    if finished:
        ids = ids[: ids.index(eos)]
    text = tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
    return text, finished
