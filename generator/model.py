"""`ResponseGenerator`: KoGPT2 replies conditioned on an emotion tag, with `GeneratorConfig` beside it.

String in → one reply; `generate_batch` for many conversations at once (left padding); `stream` yields text
increments that join to what `generate` returns for the same options and seed. Decoding always goes through
`model.generate` (KV cache); how is in `generator.decoding`.

Emotion tags the model was not trained on (not in `config.emotions`) are given as `none`, with one warning per tag.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, StoppingCriteriaList

from data.taxonomy import EMOTIONS
from generator import decoding
from generator.formatting import NONE_EMOTION, TurnFormatter, finish_reply, stable_prefix
from generator.quantize import quantize_int8
from generator.responder import Context, GenerationOptions
from generator.tokenization import DEFAULT_KOGPT2, KOGPT2_VOCAB_SIZE, load_kogpt2_tokenizer
from training import files
from training.device import compute_dtype, resolve_device

logger = logging.getLogger(__name__)

BACKEND = "kogpt2"
CONFIG_NAME = "generator_config.json"


@dataclass
class GeneratorConfig:
    """What a saved generator needs besides its weights: the prompt budget, tags and decoding defaults."""

    base_model: str = DEFAULT_KOGPT2  # where the weights started (provenance only)
    max_seq_len: int = 256  # prompt + reply tokens; wellness turns are < 60 tokens
    emotions: list[str] = field(default_factory=lambda: [*EMOTIONS, NONE_EMOTION])  # tags seen in training
    # decoding defaults — chosen on a tiny trained model by repeated-n-gram rate (see README, generator section)
    do_sample: bool = True  # greedy replies are flat and repeat the most common reply
    temperature: float = 0.7  # below 1: fewer off-topic words, still varied
    top_p: float = 0.9  # nucleus: cut the long tail of a 51k vocab
    top_k: int = 50  # hard cap on candidates per step (cheap, guards top_p)
    repetition_penalty: float = 1.2  # on reply tokens only; 1.2 stops loops without bending grammar
    no_repeat_ngram_size: int = 3  # no 3-gram twice within one reply
    max_new_tokens: int = 48  # about two short Korean sentences
    backend: str = BACKEND  # lets load_responder pick the class from the directory

    def to_json_file(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_json_file(cls, path: str | Path) -> GeneratorConfig:
        values = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{path}: unknown keys {unknown}; expected some of {sorted(known)}")
        return cls(**values)

    def generation_defaults(self) -> GenerationOptions:
        """The decoding defaults as options (`min_new_tokens` 1: a reply is never empty)."""
        return GenerationOptions(
            temperature=self.temperature,
            top_p=self.top_p,
            top_k=self.top_k,
            max_new_tokens=self.max_new_tokens,
            min_new_tokens=1,
            repetition_penalty=self.repetition_penalty,
            no_repeat_ngram_size=self.no_repeat_ngram_size,
            do_sample=self.do_sample,
        )


def set_kogpt2_special_ids(model, tokenizer) -> None:
    """bos = eos = `</s>` (1), pad `<pad>` (3) on the model and its generation config — never GPT-2's 50256."""
    for cfg in (model.config, model.generation_config):
        cfg.bos_token_id = tokenizer.bos_token_id
        cfg.eos_token_id = tokenizer.eos_token_id
        cfg.pad_token_id = tokenizer.pad_token_id


class ResponseGenerator:
    """KoGPT2 reply generator; all inference under `inference_mode`.

    The constructor takes the model as it is (device, dtype and train/eval mode untouched), so a training loop
    can wrap its model to save it; `from_pretrained` and `to_inference` prepare a model for replying.
    """

    def __init__(self, model, tokenizer, config: GeneratorConfig | None = None):
        self.config = config or GeneratorConfig()
        self.tokenizer = tokenizer
        vocab = getattr(model.config, "vocab_size", None)
        if vocab is not None and vocab < len(tokenizer):
            raise ValueError(f"model vocab {vocab} is smaller than the tokenizer's {len(tokenizer)} tokens")
        self.model = model
        self.formatter = TurnFormatter(tokenizer)
        # never emit structural tokens (only </s> ends a reply) nor ids past the tokenizer's vocab
        self.banned_ids = sorted(
            (set(self.formatter.forbidden) - {tokenizer.eos_token_id})
            | set(range(len(tokenizer), vocab or KOGPT2_VOCAB_SIZE))
        )
        self._banned_tensor: torch.Tensor | None = None  # banned_ids on the model's device, made on first use
        self.quantized = False
        self._warned_tags: set[str] = set()
        self._warn_lock = threading.Lock()

    @property
    def device(self):
        """Where the model is (its first parameter's device)."""
        return next(self.model.parameters()).device

    @property
    def generation_defaults(self) -> GenerationOptions:
        return self.config.generation_defaults()

    def to_inference(self, device: str | torch.device | None = "auto") -> ResponseGenerator:
        """Ready the model for replying: on `device` (auto = CUDA if present), bf16 on a CUDA device that supports
        it, else fp32, in eval mode. Returns `self`."""
        target = resolve_device(device)
        if target.type == "cuda":  # a CPU model keeps the dtype it was loaded in (fp32, or int8 when quantized)
            self.model = self.model.to(target, dtype=compute_dtype(target))
        else:
            self.model = self.model.to(target)
        self.model.eval()
        self._banned_tensor = None
        return self

    # ---------------------------------------------------------------- loading / saving
    @classmethod
    def from_pretrained(
        cls, dir_or_hub_id: str | Path = DEFAULT_KOGPT2, device: str | None = "auto", quantize: bool = False
    ) -> ResponseGenerator:
        """A saved generator directory, or a hub id such as `skt/kogpt2-base-v2` (untuned: replies ignore tags)."""
        path = Path(dir_or_hub_id)
        if path.exists() and not (path / "config.json").is_file():
            raise FileNotFoundError(f"{path}: no config.json (expected a directory written by save_pretrained)")
        config = (
            GeneratorConfig.from_json_file(path / CONFIG_NAME)
            if (path / CONFIG_NAME).is_file()
            else GeneratorConfig(base_model=str(dir_or_hub_id))
        )
        tokenizer = load_kogpt2_tokenizer(dir_or_hub_id)
        model = AutoModelForCausalLM.from_pretrained(str(dir_or_hub_id))
        set_kogpt2_special_ids(model, tokenizer)
        target = resolve_device(device)
        if quantize and target.type != "cpu":
            if device not in (None, "auto"):
                raise ValueError(f"quantize=True is the CPU int8 option, not for device={device!r} (GPUs run bf16)")
            warnings.warn(
                "quantize=True ignored: a GPU is present, the generator runs there (bf16 when supported)",
                stacklevel=2,
            )
            quantize = False
        if quantize:
            model = quantize_int8(model)
        generator = cls(model, tokenizer, config).to_inference(target)
        generator.quantized = quantize
        return generator

    def save_pretrained(
        self, directory: str | os.PathLike, *, training_args: dict | None = None, metrics: dict | None = None
    ) -> Path:
        """Weights (safetensors), config, generation defaults, tokenizer and `generator_config.json` (plus
        `training_args.json` and `metrics.json` when given), written to a temporary sibling and swapped into place
        (`training.files.atomic_directory`: no half-written or mixed directories)."""
        if self.quantized:
            raise ValueError("an int8 model is an inference form: save the fp32 generator and quantize when loading")

        def write(staging: Path) -> None:
            set_kogpt2_special_ids(self.model, self.tokenizer)
            write_generation_defaults(self.model.generation_config, self.config)
            self.model.save_pretrained(staging, safe_serialization=True)  # config.json, generation_config.json
            self.tokenizer.save_pretrained(staging)
            self.config.to_json_file(staging / CONFIG_NAME)
            files.write_training_record(staging, training_args, metrics)

        return files.atomic_directory(directory, write)  # through the module: tests record each staged directory

    # ---------------------------------------------------------------- generation
    def _options(self, options: dict) -> GenerationOptions:
        """`options` over this generator's defaults, checked."""
        opts = GenerationOptions.of(options).over(self.generation_defaults)
        max_new, min_new, temperature = opts.max_new_tokens, opts.min_new_tokens, opts.temperature
        if max_new is None or min_new is None or temperature is None:  # the defaults set them all
            raise ValueError("generation_defaults must set max_new_tokens, min_new_tokens and temperature")
        if max_new < 1:
            raise ValueError(f"max_new_tokens={max_new}: expected at least 1")
        if not 1 <= min_new <= max_new:
            raise ValueError(f"min_new_tokens={min_new}: expected 1 to max_new_tokens ({max_new})")
        if opts.do_sample and not temperature > 0:
            raise ValueError(f"temperature={opts.temperature}: expected > 0 when sampling")
        return opts

    def _tag(self, emotion: str | None) -> str | None:
        """`emotion`, or `none` when the model never saw that tag in training (warned once per tag)."""
        if emotion is None or emotion == "" or not self.config.emotions or emotion in self.config.emotions:
            return emotion
        with self._warn_lock:
            first = emotion not in self._warned_tags
            self._warned_tags.add(emotion)
        if first:
            logger.warning(
                "emotion tag %r was not used in training (known: %s); generating with %r instead",
                emotion,
                ", ".join(self.config.emotions),
                NONE_EMOTION,
            )
        return NONE_EMOTION

    def prompt_ids(self, context: Context, emotion: str | None = None, max_new_tokens: int | None = None) -> list[int]:
        """The ids `generate` continues for this turn: as much of `context` as fits beside `max_new_tokens`."""
        max_new_tokens = max_new_tokens or self.config.max_new_tokens
        model_config = self.model.config
        positions = getattr(model_config, "n_positions", 0) or getattr(model_config, "max_position_embeddings", 1024)
        budget = min(self.config.max_seq_len, positions - max_new_tokens)
        if budget < 8:
            raise ValueError(f"max_new_tokens={max_new_tokens} leaves no room for the prompt in {positions} positions")
        return self.formatter.encode(context, self._tag(emotion), None, max_seq_len=budget).input_ids

    def _generate_kwargs(self, prompts: list[list[int]], opts: GenerationOptions, rng, streamer=None) -> dict:
        if self._banned_tensor is None or self._banned_tensor.device != self.device:
            self._banned_tensor = torch.tensor(self.banned_ids, dtype=torch.long, device=self.device)
        return decoding.generate_kwargs(
            prompts, opts, self.tokenizer, self._banned_tensor, self.device, streamer=streamer, rng=rng
        )

    def generate(self, context: Context, emotion: str | None = None, **options) -> str:
        """One reply to `context` (oldest first, ending with the user message; a `str` is one message)."""
        return self.generate_batch([context], [emotion], **options)[0]

    def generate_candidates(self, context: Context, emotion: str | None = None, n: int = 4, **options) -> list[str]:
        """`n` sampled replies to one `context` from one batched `generate` call (same options as `generate`).

        The caller screens them and keeps the best. With `seed` the list is reproducible; each candidate is a
        different draw (one generator for the batch). `do_sample=False` gives `n` copies of the greedy reply.
        `n=1` with a seed gives exactly `generate(..., seed=seed)`.
        """
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n={n!r}: expected a whole number of candidates, at least 1")
        return self.generate_batch([context] * n, [emotion] * n, batch_size=n, **options)

    def generate_batch(
        self,
        contexts: Sequence[Context],
        emotions: str | None | Sequence[str | None] = None,
        batch_size: int = 32,
        **options,
    ) -> list[str]:
        """Replies for many conversations at once (left padding, `batch_size` per forward pass)."""
        contexts = list(contexts)
        if emotions is None or isinstance(emotions, str):
            emotions = [emotions] * len(contexts)
        emotions = list(emotions)
        if len(emotions) != len(contexts):
            raise ValueError(
                f"{len(contexts)} contexts but {len(emotions)} emotions; expected one emotion per context"
            )
        opts = self._options(options)
        rng = decoding.call_rng(opts.seed, self.device)  # one generator for the whole call
        replies: list[str] = []
        with torch.inference_mode():
            for start in range(0, len(contexts), batch_size):
                prompts = [
                    self.prompt_ids(c, e, opts.max_new_tokens)
                    for c, e in zip(
                        contexts[start : start + batch_size], emotions[start : start + batch_size], strict=True
                    )
                ]
                kwargs = self._generate_kwargs(prompts, opts, rng)
                output = self.model.generate(**kwargs)  # (batch, width + new) — prompt then reply ids
                for row in output[:, kwargs["input_ids"].shape[1] :].tolist():
                    replies.append(finish_reply(*decoding.decode_reply(self.tokenizer, row)))
        return replies

    def stream(self, context: Context, emotion: str | None = None, **options) -> Iterator[str]:
        """Text increments of the reply as sentences complete; joined, they equal `generate(...)`'s reply."""
        opts = self._options(options)
        streamer = decoding.IdStreamer()
        prompt = self.prompt_ids(context, emotion, opts.max_new_tokens)
        kwargs = self._generate_kwargs([prompt], opts, decoding.call_rng(opts.seed, self.device), streamer)
        cancelled = decoding.Cancelled()
        kwargs["stopping_criteria"] = StoppingCriteriaList([cancelled])
        failure: list[BaseException] = []

        def run():
            try:
                with torch.inference_mode():
                    self.model.generate(**kwargs)
            except BaseException as error:  # noqa: BLE001 — re-raised in the caller's thread below
                failure.append(error)
                streamer.end()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        new_ids: list[int] = []
        emitted = ""
        try:
            while True:
                step = streamer.queue.get()
                if step is None or failure:
                    break
                new_ids.extend(step)
                if self.tokenizer.eos_token_id in new_ids:
                    continue  # the reply is over; wait for generate to return
                text = stable_prefix(decoding.decode_reply(self.tokenizer, new_ids)[0])
                if len(text) > len(emitted) and text.startswith(emitted):
                    yield text[len(emitted) :]
                    emitted = text
        finally:  # also when the caller stops iterating: stop generating instead of finishing in the background
            cancelled.event.set()
            worker.join()
        if failure:
            raise failure[0]
        final = finish_reply(*decoding.decode_reply(self.tokenizer, new_ids))
        if not final.startswith(emitted):  # cannot happen with prefix-stable clean-up; never lose the reply
            raise RuntimeError(f"stream emitted {emitted!r}, which is not a prefix of the reply {final!r}")
        if len(final) > len(emitted):
            yield final[len(emitted) :]

    # ---------------------------------------------------------------- scoring
    def loss(self, context, emotion, reply) -> float:
        """Mean cross-entropy of `reply </s>` given the prompt (what perplexity is built from)."""
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
