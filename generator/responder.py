"""The responder contract: `GenerationOptions` (what a caller may ask of a reply) and `Responder` (what answers).

Both backends, `ResponseGenerator` (KoGPT2) and `RetrievalResponder` (reply bank + corpora), satisfy `Responder`;
`chatbot.Chatbot` takes any object that does. Nothing heavy is imported here.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Protocol, get_args, get_type_hints, runtime_checkable

Context = str | Sequence[str]  # oldest first, alternating user/bot, ending with the user message; a str is one message


@dataclass(frozen=True)
class GenerationOptions:
    """Decoding options, each None when not given (the responder's own default applies).

    A responder acts on the options that mean something to it and accepts the others, so the backends are
    interchangeable; a name that is no option at all is an error. Values are checked and normalised on
    construction (a slider's 48.0 is `max_new_tokens=48`).
    """

    temperature: float | None = None  # > 0 when sampling; higher = more varied
    top_p: float | None = None  # nucleus sampling: keep the smallest set of tokens with this mass
    top_k: int | None = None  # candidates per step (0 = no cap)
    max_new_tokens: int | None = None  # reply length cap, in tokens
    min_new_tokens: int | None = None  # `</s>` is held off until the reply has this many tokens
    repetition_penalty: float | None = None  # on the reply's own tokens only (the user's words may be echoed)
    no_repeat_ngram_size: int | None = None  # no n-gram twice within one reply (0 = off)
    do_sample: bool | None = None  # False = greedy / always the best match
    seed: int | None = None  # the call draws from its own generator: reproducible, thread-safe

    def __post_init__(self) -> None:
        for name, kind in _KINDS.items():
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _checked(name, value, kind))

    @classmethod
    def of(cls, options: Mapping[str, Any] | GenerationOptions | None = None) -> GenerationOptions:
        """Options from a mapping of names to values (None = not given); an unknown name is a `TypeError`."""
        if isinstance(options, GenerationOptions):
            return options
        options = dict(options or {})
        unknown = sorted(set(options) - set(_KINDS))
        if unknown:
            raise TypeError(f"unknown generation option {unknown[0]!r}; expected some of {', '.join(_KINDS)}")
        return cls(**options)

    def given(self) -> dict[str, Any]:
        """The options that were given, without the None ones (what is passed on as `**options`)."""
        return {name: value for name, value in asdict(self).items() if value is not None}

    def over(self, defaults: GenerationOptions) -> GenerationOptions:
        """These options where given, `defaults` elsewhere."""
        return replace(defaults, **self.given())


def _checked(name: str, value: Any, kind: type) -> Any:
    """`value` as `kind`, or a one-line `TypeError` naming the option."""
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise TypeError(f"{name}={value!r}: expected True or False")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}={value!r}: expected a number")
    if kind is int:
        if isinstance(value, numbers.Integral):  # exact, however large (a seed)
            return int(value)
        number = float(value)
        if not number.is_integer():
            raise TypeError(f"{name}={value!r}: expected a whole number")
        return int(number)
    return float(value)


_KINDS: dict[str, type] = {  # option name → the type of its value, in the order they are declared
    f.name: next(t for t in get_args(get_type_hints(GenerationOptions)[f.name]) if t is not type(None))
    for f in fields(GenerationOptions)
}


@runtime_checkable
class Responder(Protocol):
    """What `Chatbot` answers with. `options` are `GenerationOptions` names (see there)."""

    @property
    def generation_defaults(self) -> GenerationOptions:
        """Its defaults for the options that shape the text it writes; the others are unset."""
        ...

    def generate(self, context: Context, emotion: str | None = None, **options: Any) -> str:
        """One reply to the last user message of `context`, for `emotion` (None: no emotion given)."""
        ...

    def stream(self, context: Context, emotion: str | None = None, **options: Any) -> Iterator[str]:
        """The reply of `generate` as text increments that join to it exactly."""
        ...

    def generate_candidates(
        self, context: Context, emotion: str | None = None, n: int = 4, **options: Any
    ) -> list[str]:
        """Up to `n` replies for the caller to screen; the first is what `generate` would say."""
        ...

    def save_pretrained(
        self, directory: str | os.PathLike, *, training_args: dict | None = None, metrics: dict | None = None
    ) -> Path:
        """Everything `generator.load_responder` needs, written atomically (with `training_args.json` and
        `metrics.json` when given)."""
        ...
