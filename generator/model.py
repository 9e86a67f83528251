"""`ResponseGenerator`: KoGPT2 replies conditioned on an emotion tag, with `GeneratorConfig` beside it.

String in → one reply; `generate_batch` for many conversations at once (left padding); `stream` yields text
increments that join to what `generate` returns for the same options and seed. Decoding always goes through
`model.generate` (KV cache); repetition controls look only at the reply being written, not the user's words.

Seeds: `seed=` never touches torch's process-global RNG (which concurrent requests share). A seeded call draws
from its own `torch.Generator`: `model.generate` (transformers 5.x) has no `generator=` argument, so the seeded
path runs `generate` greedily behind logits processors that apply temperature / top-k / top-p and draw the token
with that generator (`_SeededDraw`) — the same distribution as `do_sample=True`, reproducible under parallel
calls. Unseeded calls sample from the global RNG as usual.

Emotion tags the model was not trained on (not in `config.emotions`) are given as `none`, with one warning per tag.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import warnings
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Iterator, Sequence

from generator.formatting import NONE_EMOTION, TurnFormatter, finish_reply, stable_prefix
from training.device import resolve_device
from generator.tokenization import DEFAULT_KOGPT2, KOGPT2_VOCAB_SIZE, load_kogpt2_tokenizer

logger = logging.getLogger(__name__)

CONFIG_NAME = "generator_config.json"
EMOTION_TAGS = ("일상", "기쁨", "분노", "불안", "슬픔", "우울")  # data.EMOTIONS; copied so importing stays light
GENERATION_OPTIONS = ("temperature", "top_p", "top_k", "max_new_tokens", "repetition_penalty",
                      "no_repeat_ngram_size", "do_sample", "seed")


@dataclass
class GeneratorConfig:
    """What a saved generator needs besides its weights: the prompt budget, tags and decoding defaults."""
    base_model: str = DEFAULT_KOGPT2          # where the weights started (provenance only)
    max_seq_len: int = 256                    # prompt + reply tokens; wellness turns are < 60 tokens
    emotions: list[str] = field(default_factory=lambda: [*EMOTION_TAGS, NONE_EMOTION])  # tags seen in training
    # decoding defaults — chosen on a tiny trained model by repeated-n-gram rate (see README, generator section)
    do_sample: bool = True                    # greedy replies are flat and repeat the most common reply
    temperature: float = 0.7                  # below 1: fewer off-topic words, still varied
    top_p: float = 0.9                        # nucleus: cut the long tail of a 51k vocab
    top_k: int = 50                           # hard cap on candidates per step (cheap, guards top_p)
    repetition_penalty: float = 1.2           # on reply tokens only; 1.2 stops loops without bending grammar
    no_repeat_ngram_size: int = 3             # no 3-gram twice within one reply
    max_new_tokens: int = 48                  # ~2 short Korean sentences; about a second on CPU with int8

    def to_json_file(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_json_file(cls, path: str | Path) -> "GeneratorConfig":
        values = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{path}: unknown keys {unknown}; expected some of {sorted(known)}")
        return cls(**values)




def inference_dtype(device):
    """bf16 on a CUDA device that supports it (halves memory and time), else fp32 (GPT-2 can overflow in fp16)."""
    import torch

    device = torch.device(device)
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


def set_kogpt2_special_ids(model, tokenizer) -> None:
    """bos = eos = `</s>` (1), pad `<pad>` (3) on the model and its generation config — never GPT-2's 50256."""
    for cfg in (model.config, model.generation_config):
        cfg.bos_token_id = tokenizer.bos_token_id
        cfg.eos_token_id = tokenizer.eos_token_id
        cfg.pad_token_id = tokenizer.pad_token_id


class _ReplyLogitsProcessor:
    """Reply-only repetition penalty and no-repeat-n-gram, banned ids, and no empty reply.

    `transformers`' repetition processors also count the prompt, which forbids echoing the user's words
    ("우울하시군요"); its `suppress_tokens`/`min_new_tokens` use `torch.isin` over the 51k vocab every step
    (~2 ms on CPU), so they are done here by indexing.
    """

    def __init__(self, prompt_length: int, penalty: float, ngram_size: int, banned_ids, eos_id: int):
        self.prompt_length, self.penalty, self.ngram_size, self.eos_id = prompt_length, penalty, ngram_size, eos_id
        self.banned_ids = banned_ids  # (n_banned,) long tensor on the model's device

    def __call__(self, input_ids, scores):
        import torch

        scores[:, self.banned_ids] = float("-inf")
        reply = input_ids[:, self.prompt_length:]  # (batch, generated so far)
        if reply.shape[1] == 0:
            scores[:, self.eos_id] = float("-inf")  # at least one token before </s>
            return scores
        if self.penalty != 1.0:
            seen = torch.gather(scores, 1, reply)
            seen = torch.where(seen < 0, seen * self.penalty, seen / self.penalty)
            scores = scores.scatter(1, reply, seen)
        n = self.ngram_size
        if n and reply.shape[1] >= n:
            for row, tokens in enumerate(reply.tolist()):
                prefix = tokens[len(tokens) - n + 1:]
                banned = [tokens[i + n - 1] for i in range(len(tokens) - n + 1) if tokens[i:i + n - 1] == prefix]
                if banned:
                    scores[row, banned] = float("-inf")
        return scores


class _SeededDraw:
    """Last logits processor of a seeded call: samples the next token with its own `torch.Generator`.

    Runs after temperature / top-k / top-p (given as processors before it) and returns scores that are -inf
    everywhere but the drawn token, so `generate(do_sample=False)` picks exactly that token and the global RNG
    is never used.
    """

    def __init__(self, generator):
        self.generator = generator

    def __call__(self, input_ids, scores):
        import torch

        probs = torch.softmax(scores.float(), dim=-1)  # (batch, vocab)
        drawn = torch.multinomial(probs, num_samples=1, generator=self.generator)  # (batch, 1)
        forced = torch.full_like(scores, float("-inf"))
        return forced.scatter_(1, drawn, 0.0)


class _IdStreamer:
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


class _Cancelled:
    """Stopping criterion: ends `generate` once the stream's consumer has gone away (closed or abandoned)."""

    def __init__(self):
        self.event = threading.Event()

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool, device=input_ids.device)


class ResponseGenerator:
    """KoGPT2 reply generator. Device auto (CUDA if present, bf16 there when supported, else fp32); all inference
    under `inference_mode`."""

    uses_sampling_options = True  # temperature / top_p / max_new_tokens change what it says (Chatbot.sampling_defaults)

    def __init__(self, model, tokenizer, config: GeneratorConfig | None = None, device: str | None = "auto"):
        import torch

        self.config = config or GeneratorConfig()
        self.tokenizer = tokenizer
        self.device = resolve_device(device)
        vocab = getattr(model.config, "vocab_size", None)
        if vocab is not None and vocab < len(tokenizer):
            raise ValueError(f"model vocab {vocab} is smaller than the tokenizer's {len(tokenizer)} tokens")
        set_kogpt2_special_ids(model, tokenizer)
        if self.device.type == "cuda":
            model = model.to(self.device, dtype=inference_dtype(self.device))
        else:
            model = model.to(self.device)
        self.model = model.eval()
        self.formatter = TurnFormatter(tokenizer)
        # never emit structural tokens (only </s> ends a reply) nor ids past the tokenizer's vocab
        vocab_size = vocab or KOGPT2_VOCAB_SIZE
        self.suppress_ids = torch.tensor(sorted((set(self.formatter.forbidden) - {tokenizer.eos_token_id})
                                                | set(range(len(tokenizer), vocab_size))), device=self.device)
        self.quantized = False
        self._warned_tags: set[str] = set()
        self._warn_lock = threading.Lock()

    # ---------------------------------------------------------------- loading / saving
    @classmethod
    def from_pretrained(cls, dir_or_hub_id: str | Path = DEFAULT_KOGPT2, device: str | None = "auto",
                        quantize: bool = False) -> "ResponseGenerator":
        """A saved generator directory, or a hub id such as `skt/kogpt2-base-v2` (untuned: replies ignore tags)."""
        from transformers import AutoModelForCausalLM

        path = Path(dir_or_hub_id)
        if path.exists() and not (path / "config.json").is_file():
            raise FileNotFoundError(f"{path}: no config.json (expected a directory written by save_pretrained)")
        config = GeneratorConfig.from_json_file(path / CONFIG_NAME) if (path / CONFIG_NAME).is_file() \
            else GeneratorConfig(base_model=str(dir_or_hub_id))
        tokenizer = load_kogpt2_tokenizer(dir_or_hub_id)
        model = AutoModelForCausalLM.from_pretrained(str(dir_or_hub_id))
        target = resolve_device(device)
        if quantize and target.type != "cpu":
            if device not in (None, "auto"):
                raise ValueError(f"quantize=True is the CPU int8 option, not for device={device!r} (GPUs run bf16)")
            warnings.warn("quantize=True ignored: a GPU is present, the generator runs there (bf16 when supported)")
            quantize = False
        if quantize:
            from generator.quantize import quantize_int8

            model = quantize_int8(model)
        generator = cls(model, tokenizer, config, device=target)
        generator.quantized = quantize
        return generator

    def save_pretrained(self, save_directory: str | Path) -> None:
        """Weights (safetensors), config, generation defaults, tokenizer and `generator_config.json`, atomically."""
        if self.quantized:
            raise ValueError("an int8 model is an inference form: save the fp32 generator and quantize when loading")
        save_pretrained_atomic(self.model, self.tokenizer, self.config, save_directory)

    # ---------------------------------------------------------------- generation
    def _options(self, options: dict) -> dict:
        unknown = sorted(set(options) - set(GENERATION_OPTIONS))
        if unknown:
            raise TypeError(f"unknown generation option(s) {unknown}; expected some of {list(GENERATION_OPTIONS)}")
        merged = {name: getattr(self.config, name) for name in GENERATION_OPTIONS if name != "seed"}
        merged.update({k: v for k, v in options.items() if v is not None})
        if merged["max_new_tokens"] < 1:
            raise ValueError(f"max_new_tokens={merged['max_new_tokens']}: expected at least 1")
        if merged["do_sample"] and not merged["temperature"] > 0:
            raise ValueError(f"temperature={merged['temperature']}: expected > 0 when sampling")
        return merged

    def _tag(self, emotion: str | None) -> str | None:
        """`emotion`, or `none` when the model never saw that tag in training (warned once per tag)."""
        if emotion is None or emotion == "" or not self.config.emotions or emotion in self.config.emotions:
            return emotion
        with self._warn_lock:
            first = emotion not in self._warned_tags
            self._warned_tags.add(emotion)
        if first:
            logger.warning("emotion tag %r was not used in training (known: %s); generating with %r instead",
                           emotion, ", ".join(self.config.emotions), NONE_EMOTION)
        return NONE_EMOTION

    def _prompt_ids(self, context, emotion, max_new_tokens: int) -> list[int]:
        positions = getattr(self.model.config, "n_positions", None) or getattr(self.model.config, "max_position_embeddings", 1024)
        budget = min(self.config.max_seq_len, positions - max_new_tokens)
        if budget < 8:
            raise ValueError(f"max_new_tokens={max_new_tokens} leaves no room for the prompt in {positions} positions")
        return self.formatter.encode(context, self._tag(emotion), None, max_seq_len=budget).input_ids

    def _generate_kwargs(self, prompts: list[list[int]], opts: dict, streamer=None, rng=None) -> dict:
        import torch
        from transformers import LogitsProcessorList, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

        width = max(len(p) for p in prompts)
        pad = self.tokenizer.pad_token_id
        input_ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts], device=self.device)  # (batch, width) — left padded
        attention_mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts], device=self.device)
        processors = LogitsProcessorList([_ReplyLogitsProcessor(
            width, opts["repetition_penalty"], opts["no_repeat_ngram_size"], self.suppress_ids,
            self.tokenizer.eos_token_id)])
        do_sample = opts["do_sample"]
        sampling = {"temperature": opts["temperature"], "top_p": opts["top_p"], "top_k": opts["top_k"]} \
            if do_sample else {"temperature": None, "top_p": None, "top_k": None}
        if do_sample and rng is not None:
            # own RNG per call (see module docstring): the warpers transformers would add, then the draw; greedy
            # decoding then takes the drawn token
            if opts["temperature"] is not None and opts["temperature"] != 1.0:
                processors.append(TemperatureLogitsWarper(opts["temperature"]))
            if opts["top_k"] is not None and opts["top_k"] != 0:
                processors.append(TopKLogitsWarper(top_k=opts["top_k"], min_tokens_to_keep=1))
            if opts["top_p"] is not None and opts["top_p"] < 1.0:
                processors.append(TopPLogitsWarper(top_p=opts["top_p"], min_tokens_to_keep=1))
            processors.append(_SeededDraw(rng))
            do_sample, sampling = False, {"temperature": None, "top_p": None, "top_k": None}
        return dict(
            input_ids=input_ids, attention_mask=attention_mask, max_new_tokens=opts["max_new_tokens"],
            do_sample=do_sample, **sampling, use_cache=True, streamer=streamer,
            eos_token_id=self.tokenizer.eos_token_id, pad_token_id=pad, bos_token_id=self.tokenizer.bos_token_id,
            repetition_penalty=1.0, no_repeat_ngram_size=0,  # done reply-only in _ReplyLogitsProcessor
            logits_processor=processors,
        )

    def _rng(self, seed):
        """The call's own `torch.Generator` for `seed`, or None (unseeded: the global RNG)."""
        import torch

        if seed is None:
            return None
        rng = torch.Generator(device=self.device)
        rng.manual_seed(int(seed))
        return rng

    def _decode(self, new_ids: Sequence[int]) -> tuple[str, bool]:
        """Reply text up to the first `</s>`, and whether that `</s>` was reached."""
        eos = self.tokenizer.eos_token_id
        ids = list(new_ids)
        finished = eos in ids
        if finished:
            ids = ids[:ids.index(eos)]
        text = self.tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        return text, finished

    def generate(self, context: str | list[str], emotion: str | None = None, **options) -> str:
        """One reply to `context` (oldest first, ending with the user message; a `str` is one message)."""
        return self.generate_batch([context], [emotion], **options)[0]

    def generate_candidates(self, context: str | list[str], emotion: str | None = None, n: int = 4,
                            **options) -> list[str]:
        """`n` sampled replies to one `context` from one batched `generate` call (same options as `generate`).

        The caller screens them and keeps the best. With `seed` the list is reproducible; each candidate is a
        different draw (one generator for the batch). `do_sample=False` gives `n` copies of the greedy reply.
        `n=1` with a seed gives exactly `generate(..., seed=seed)`.
        """
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n={n!r}: expected a whole number of candidates, at least 1")
        return self.generate_batch([context] * n, [emotion] * n, batch_size=n, **options)

    def generate_batch(self, contexts: Sequence[str | list[str]], emotions: str | None | Sequence[str | None] = None,
                       batch_size: int = 32, **options) -> list[str]:
        """Replies for many conversations at once (left padding, `batch_size` per forward pass)."""
        import torch

        contexts = list(contexts)
        if emotions is None or isinstance(emotions, str):
            emotions = [emotions] * len(contexts)
        emotions = list(emotions)
        if len(emotions) != len(contexts):
            raise ValueError(f"{len(contexts)} contexts but {len(emotions)} emotions; expected one emotion per context")
        opts = self._options(options)
        rng = self._rng(options.get("seed"))
        replies: list[str] = []
        with torch.inference_mode():
            for start in range(0, len(contexts), batch_size):
                prompts = [self._prompt_ids(c, e, opts["max_new_tokens"])
                           for c, e in zip(contexts[start:start + batch_size], emotions[start:start + batch_size])]
                kwargs = self._generate_kwargs(prompts, opts, rng=rng)
                output = self.model.generate(**kwargs)  # (batch, width + new) — prompt then reply ids
                for row in output[:, kwargs["input_ids"].shape[1]:].tolist():
                    replies.append(finish_reply(*self._decode(row)))
        return replies

    def stream(self, context: str | list[str], emotion: str | None = None, **options) -> Iterator[str]:
        """Text increments of the reply as sentences complete; joined, they equal `generate(...)`'s reply."""
        import torch

        opts = self._options(options)
        prompt = self._prompt_ids(context, emotion, opts["max_new_tokens"])
        from transformers import StoppingCriteriaList

        streamer = _IdStreamer()
        kwargs = self._generate_kwargs([prompt], opts, streamer=streamer, rng=self._rng(options.get("seed")))
        cancelled = _Cancelled()
        kwargs["stopping_criteria"] = StoppingCriteriaList([cancelled])
        failure: list[BaseException] = []

        def run():
            try:
                with torch.inference_mode():
                    self.model.generate(**kwargs)
            except BaseException as error:  # re-raised in the caller's thread below
                failure.append(error)
                streamer.end()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        new_ids: list[int] = []
        emitted = ""
        eos = self.tokenizer.eos_token_id
        try:
            while True:
                step = streamer.queue.get()
                if step is None or failure:
                    break
                new_ids.extend(step)
                if eos in new_ids:
                    continue  # the reply is over; wait for generate to return
                text = stable_prefix(self._decode(new_ids)[0])
                if len(text) > len(emitted) and text.startswith(emitted):
                    yield text[len(emitted):]
                    emitted = text
        finally:  # also when the caller stops iterating: stop generating instead of finishing in the background
            cancelled.event.set()
            worker.join()
        if failure:
            raise failure[0]
        final = finish_reply(*self._decode(new_ids))
        if not final.startswith(emitted):  # cannot happen with prefix-stable clean-up; never lose the reply
            raise RuntimeError(f"stream emitted {emitted!r}, which is not a prefix of the reply {final!r}")
        if len(final) > len(emitted):
            yield final[len(emitted):]

    # ---------------------------------------------------------------- scoring
    def loss(self, context, emotion, reply) -> float:
        """Mean cross-entropy of `reply </s>` given the prompt (what perplexity is built from)."""
        import torch

        encoded = self.formatter.encode(context, self._tag(emotion), reply, max_seq_len=self.config.max_seq_len)
        with torch.inference_mode():
            ids = torch.tensor([encoded.input_ids], device=self.device)
            labels = torch.tensor([encoded.labels], device=self.device)
            return float(self.model(input_ids=ids, labels=labels).loss)


def write_generation_defaults(generation_config, config: GeneratorConfig) -> None:
    """Sampling defaults into `generation_config.json` (for plain `transformers` users of the directory).

    The repetition controls stay in `generator_config.json`: `ResponseGenerator` applies them to the reply only.
    """
    generation_config.do_sample = config.do_sample
    generation_config.temperature = config.temperature if config.do_sample else None
    generation_config.top_p = config.top_p if config.do_sample else None
    generation_config.top_k = config.top_k if config.do_sample else None
    generation_config.max_new_tokens = config.max_new_tokens


def save_pretrained_atomic(model, tokenizer, config: GeneratorConfig, save_directory: str | Path,
                           extra_json: dict | None = None) -> None:
    """Write everything (plus `extra_json`: file name → object, e.g. training_args.json) into a temporary sibling
    directory, then swap it into place (`training.files.atomic_directory`: no half-written or mixed directories)."""
    from training.files import atomic_directory, write_json

    def write(staging: Path) -> None:
        set_kogpt2_special_ids(model, tokenizer)
        write_generation_defaults(model.generation_config, config)
        model.save_pretrained(staging, safe_serialization=True)  # config.json, generation_config.json, safetensors
        tokenizer.save_pretrained(staging)
        config.to_json_file(staging / CONFIG_NAME)
        for name, obj in (extra_json or {}).items():
            write_json(staging / name, obj)

    atomic_directory(save_directory, write)
