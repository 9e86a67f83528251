"""Training data for the generator: (context, message, emotion, reply) examples, splits, features, batches.

Sources (any file `data.load_any` recognises; a `--data_dir` is searched for the three below):
- wellness (AI Hub 웰니스): every utterance of a category paired with each reply of that category;
- 감성대화말뭉치: up to three turns per dialogue, earlier turns as context;
- ChatbotData (songys): Q → A.
The emotion tag is the trained classifier's reading of the message when one is given (`--classifier`: the same
signal the model sees at inference), else the corpus label through `data.Taxonomy`. Labels the taxonomy does not
map give the `none` tag (the reply is still good data), and a fraction of training examples has its tag dropped
to `none` so the model also answers without one.
Splits are `data.split_dataset` grouped by *reply*: no reply of the test split appears in training.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm.auto import tqdm

from data import Taxonomy, load_any, split_dataset
from generator.formatting import IGNORE_INDEX, NONE_EMOTION, TurnFormatter

KNOWN_CORPORA = (  # searched under --data_dir, the layout of ../shared/data and of the AI Hub downloads
    "wellness/wellness_dialog_dataset.csv",
    "wellness/wellness_dialog_dataset.xlsx",
    "emotional_dialogue/emotional_dialogue_training.csv",
    "emotional_dialogue/emotional_dialogue_validation.csv",
    "chatbot_data/ChatbotData.csv",
)


@dataclass(frozen=True)
class GenerationExample:
    context: tuple[str, ...]  # earlier turns, oldest first, ending with a bot turn (or empty)
    message: str  # the user turn being answered
    emotion: str | None  # tag the model is conditioned on; None → `none`
    reply: str  # target text
    source: str  # corpus name (wellness, emotional_dialogue, chatbot_data, …)

    @property
    def turns(self) -> list[str]:
        return [*self.context, self.message]


def find_corpus_files(data_dir: str | Path) -> list[Path]:
    """The known corpora present under `data_dir` (csv preferred over the xlsx of the same corpus)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"--data_dir {data_dir}: not a directory")
    found: list[Path] = []
    for relative in KNOWN_CORPORA:
        path = data_dir / relative
        if path.is_file() and not any(p.parent == path.parent and p.stem == path.stem for p in found):
            found.append(path)
    if not found:
        raise FileNotFoundError(
            f"--data_dir {data_dir}: none of {', '.join(KNOWN_CORPORA)}; pass files with --data_files instead"
        )
    return found


def load_dialogues(paths: Sequence[str | Path]):
    """DialogueExamples of every file (format recognised from its columns); files without dialogues are an error."""
    dialogues = []
    for path in paths:
        corpus = load_any(path)
        if not corpus.dialogues:
            raise ValueError(
                f"{path}: no (message, reply) pairs; expected a dialogue corpus "
                f"(wellness, 감성대화, ChatbotData, or a table with a reply/response column)"
            )
        dialogues.extend(corpus.dialogues)
    return dialogues


def build_examples(dialogues, taxonomy=None, classifier=None, batch_size: int = 64) -> list[GenerationExample]:
    """Examples with the emotion tag from `classifier` (its reading of the message) or the taxonomy."""
    messages = [d.message for d in dialogues]
    if classifier is not None:
        tags: list[str | None] = []
        for start in tqdm(range(0, len(messages), batch_size), desc="tagging messages", unit="batch"):
            tags.extend(p.label for p in classifier.predict(messages[start : start + batch_size]))
    else:
        if taxonomy is None:
            taxonomy = Taxonomy.default()
        tags = [taxonomy.map_record(d) for d in dialogues]  # (대분류, 소분류) for 감성대화
    return [
        GenerationExample(tuple(d.context), d.message, tag, d.reply, d.source)
        for d, tag in zip(dialogues, tags, strict=True)
    ]


def split_examples(examples: Sequence[GenerationExample], seed: int = 42, validation: float = 0.1, test: float = 0.1):
    """Deterministic stratified splits grouped by reply text (so no test reply is ever trained on)."""
    return split_dataset(
        list(examples),
        seed=seed,
        validation=validation,
        test=test,
        label=lambda e: e.emotion or NONE_EMOTION,
        text=lambda e: e.reply,
    )


def drop_tags(examples: Sequence[GenerationExample], fraction: float, seed: int = 42) -> list[GenerationExample]:
    """A copy where a deterministic `fraction` of examples has its tag replaced by `none`."""
    if not 0 <= fraction <= 1:
        raise ValueError(f"--none_fraction {fraction}: expected a fraction in [0, 1]")
    rng = random.Random(seed)
    return [replace(e, emotion=None) if rng.random() < fraction else e for e in examples]


def encode_examples(
    formatter: TurnFormatter, examples: Sequence[GenerationExample], max_seq_len: int, progress: bool = True
) -> list[dict[str, list[int]]]:
    """Features `{"input_ids", "labels"}` per example (lists; padding happens per batch)."""
    return [
        {"input_ids": enc.input_ids, "labels": enc.labels}
        for enc in (
            formatter.encode(e.turns, e.emotion, e.reply, max_seq_len=max_seq_len)
            for e in tqdm(examples, desc="encoding", unit="ex", disable=not progress)
        )
    ]


def collate(features: list[dict[str, list[int]]], pad_id: int):
    """Dynamic padding to the longest in the batch (right side: training needs no generation offsets)."""
    import torch  # why: torch only for batches; building examples (train_all's plan) needs none

    width = max(len(f["input_ids"]) for f in features)
    input_ids = torch.full((len(features), width), pad_id, dtype=torch.long)  # (batch, seq) — … [PAD]…
    labels = torch.full((len(features), width), IGNORE_INDEX, dtype=torch.long)  # (batch, seq) — -100 but reply </s>
    attention_mask = torch.zeros((len(features), width), dtype=torch.long)  # (batch, seq) — 1 on real tokens
    for row, feature in enumerate(features):
        n = len(feature["input_ids"])
        input_ids[row, :n] = torch.tensor(feature["input_ids"])
        labels[row, :n] = torch.tensor(feature["labels"])
        attention_mask[row, :n] = 1
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}
