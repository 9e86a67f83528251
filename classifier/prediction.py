"""The one result type both classifier backends return."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Prediction:
    """label = the most probable class, score = its probability, scores = every class's probability (sum 1)."""

    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_probabilities(cls, labels: list[str], probabilities) -> Prediction:
        """Build from one row of class probabilities, in `labels` order."""
        scores = {label: float(p) for label, p in zip(labels, probabilities, strict=True)}
        best = max(scores, key=lambda label: scores[label])
        return cls(label=best, score=scores[best], scores=scores)

    def to_dict(self) -> dict:
        return asdict(self)


def check_texts(text) -> tuple[list[str], bool]:
    """(texts, was_single): accepts one `str` or a list/tuple of `str`; anything else is a clear TypeError."""
    if isinstance(text, str):
        return [text], True
    if isinstance(text, (list, tuple)):
        for index, item in enumerate(text):
            if not isinstance(item, str):
                raise TypeError(f"predict(): item {index} is {type(item).__name__}, expected str")
        return list(text), False
    raise TypeError(f"predict(): expected str or list of str, got {type(text).__name__}")
