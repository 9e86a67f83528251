"""EmotionClassifier: KoBERT (`BertForSequenceClassification`) with labels, long-text handling and batched predict.

A checkpoint is one Hugging Face-style directory:

    config.json + model.safetensors     BertForSequenceClassification (labels in id2label / label2id)
    spiece.model + tokenizer_config.json KoBertTokenizer
    classifier_config.json              ClassifierConfig (max_seq_len, long-text mode, …)
    training_args.json, metrics.json    written by classifier.train when present

Constructing an `EmotionClassifier` moves and switches nothing: the model stays on its device, in its mode. The
factories (`from_pretrained`, `from_base`, `from_config`) return one on `device`, in eval mode, ready to predict;
training switches to train mode itself.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import cast, overload

import huggingface_hub
import torch
from tqdm.auto import tqdm
from transformers import BertConfig, BertForSequenceClassification

from classifier.contract import CONFIG_FILES, LONG_TEXT_MODES
from classifier.prediction import Prediction, check_texts
from classifier.tokenization import KOBERT_HUB_ID, KoBertTokenizer, load_kobert_tokenizer
from data import EMOTIONS
from training.device import autocast, resolve_device, use_bf16
from training.files import atomic_directory, looks_local, surviving_copy, write_json, write_training_record

BACKEND = "kobert"
CLASSIFIER_CONFIG = CONFIG_FILES[BACKEND]


@dataclass
class ClassifierConfig:
    """Inference settings saved beside the weights (training hyper-parameters go to training_args.json)."""

    backend: str = BACKEND  # lets load_classifier pick the class from the directory
    base_model: str = KOBERT_HUB_ID  # where the encoder weights came from, for the record
    max_seq_len: int = 64  # nearly every KETI sentence fits in 64 KoBERT tokens; longer costs time for nothing
    long_text: str = "truncate"  # "truncate" (keep the first tokens) or "window" (average overlapping windows)
    window_stride: int = 32  # tokens between window starts in "window" mode: half of 64, so windows overlap by half
    batch_size: int = 64  # sentences per forward pass in predict()

    def __post_init__(self):
        if self.long_text not in LONG_TEXT_MODES:
            raise ValueError(f"long_text={self.long_text!r}: expected one of {tuple(LONG_TEXT_MODES)}")
        if self.max_seq_len < 3:
            raise ValueError(f"max_seq_len={self.max_seq_len}: need at least 3 ([CLS] token [SEP])")
        if self.window_stride < 1:
            raise ValueError(f"window_stride={self.window_stride}: expected a positive number of tokens")

    @classmethod
    def from_dict(cls, values: dict) -> ClassifierConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def pad_batch(sequences: list[list[int]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad to the longest sequence of this batch (dynamic padding), as tensors."""
    longest = max(len(s) for s in sequences)
    input_ids = torch.full((len(sequences), longest), pad_id, dtype=torch.long)  # (batch, seq) [CLS] … [SEP] [PAD]…
    attention_mask = torch.zeros((len(sequences), longest), dtype=torch.long)  # (batch, seq) 1 = real token
    for row, ids in enumerate(sequences):
        input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        attention_mask[row, : len(ids)] = 1
    return {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": torch.zeros_like(input_ids)}


class EmotionClassifier:
    """KoBERT emotion classifier. `predict("문장")` → Prediction; `predict([...])` → list of Prediction."""

    def __init__(
        self, model: BertForSequenceClassification, tokenizer: KoBertTokenizer, config: ClassifierConfig | None = None
    ):
        self.config = config or ClassifierConfig()
        positions = model.config.max_position_embeddings
        if self.config.max_seq_len > positions:
            raise ValueError(f"max_seq_len={self.config.max_seq_len} exceeds the model's {positions} positions")
        if not model.config.id2label:
            raise ValueError("model.config.id2label is empty: the classifier needs label names")
        self.model = model
        self.tokenizer = tokenizer

    # ---------------------------------------------------------------- construction
    @property
    def labels(self) -> list[str]:
        id2label = cast("dict[int, str]", self.model.config.id2label)
        return [id2label[i] for i in range(len(id2label))]

    @property
    def device(self) -> torch.device:
        """Where the model's weights are (prediction puts its inputs there)."""
        return next(self.model.parameters()).device

    def to(self, device: str | torch.device = "auto") -> EmotionClassifier:
        """Move the model to `device` ("auto": CUDA when present); returns self."""
        torch.nn.Module.to(self.model, resolve_device(device))  # (transformers' typed `.to` wrapper misleads mypy)
        return self

    def _ready(self, device: str | torch.device) -> EmotionClassifier:
        """On `device`, in eval mode: what every factory returns."""
        self.model.eval()
        return self.to(device)

    @staticmethod
    def label_config(labels: list[str]) -> dict:
        if len(set(labels)) != len(labels) or len(labels) < 2:
            raise ValueError(f"labels={labels!r}: expected at least two distinct label names")
        return {
            "num_labels": len(labels),
            "id2label": dict(enumerate(labels)),
            "label2id": {label: i for i, label in enumerate(labels)},
        }

    @classmethod
    def from_base(
        cls,
        base_model: str | os.PathLike = KOBERT_HUB_ID,
        labels: list[str] | None = None,
        tokenizer: KoBertTokenizer | None = None,
        config: ClassifierConfig | None = None,
        device: str | torch.device = "auto",
        random_init: bool = False,
    ) -> EmotionClassifier:
        """A new classification head on a pretrained KoBERT encoder (hub id or local dir): the start of training.

        `random_init=True` builds the encoder from the base's config.json only (tests, benchmarks: no weights).
        """
        if labels is None:
            labels = list(EMOTIONS)
        tokenizer = tokenizer or load_kobert_tokenizer(base_model)
        config = config or ClassifierConfig()
        config.base_model = str(base_model)
        if random_init:
            bert_config = BertConfig.from_pretrained(str(base_model), **cls.label_config(labels))
            model = BertForSequenceClassification(bert_config)
        else:
            model = BertForSequenceClassification.from_pretrained(str(base_model), **cls.label_config(labels))
        return cls(model, tokenizer, config)._ready(device)

    @classmethod
    def from_config(
        cls,
        bert_config: BertConfig,
        tokenizer: KoBertTokenizer,
        labels: list[str],
        config: ClassifierConfig | None = None,
        device: str | torch.device = "auto",
    ) -> EmotionClassifier:
        """A randomly initialised classifier of any size (tests and benchmarks build tiny ones)."""
        bert_config = BertConfig.from_dict({**bert_config.to_dict(), **cls.label_config(labels)})
        return cls(BertForSequenceClassification(bert_config), tokenizer, config)._ready(device)

    @classmethod
    def from_pretrained(
        cls, name_or_dir: str | os.PathLike, device: str | torch.device = "auto", **overrides
    ) -> EmotionClassifier:
        """Load a directory written by `save_pretrained` (or a hub repo with the same layout).

        `overrides` replace saved ClassifierConfig fields, e.g. `long_text="window"`.
        """
        local = looks_local(name_or_dir)
        path = surviving_copy(Path(name_or_dir).expanduser()) if local else Path(name_or_dir)
        name_or_dir = path if local else name_or_dir
        if local and not path.is_dir():
            raise FileNotFoundError(
                f"{path}: no such directory (a local path, so the hub is not asked); give the "
                f"directory classifier.train wrote, or a hub id such as owner/name"
            )
        if path.is_dir():
            if not (path / CLASSIFIER_CONFIG).is_file():
                raise FileNotFoundError(
                    f"{path}: no {CLASSIFIER_CONFIG} — not a fine-tuned classifier directory. To start training "
                    f"from a base KoBERT use EmotionClassifier.from_base({str(path)!r}, labels=[...])"
                )
            settings = json.loads((path / CLASSIFIER_CONFIG).read_text(encoding="utf-8"))
        else:
            try:
                settings = json.loads(
                    Path(huggingface_hub.hf_hub_download(str(name_or_dir), CLASSIFIER_CONFIG)).read_text("utf-8")
                )
            except Exception:  # noqa: BLE001 — any hub failure here means: a plain fine-tuned BERT repo
                warnings.warn(
                    f"{name_or_dir}: no {CLASSIFIER_CONFIG}; assuming a fine-tuned BERT classifier repo", stacklevel=2
                )
                settings = {}
        config = ClassifierConfig.from_dict({**settings, **overrides})
        model = BertForSequenceClassification.from_pretrained(str(name_or_dir))
        tokenizer = load_kobert_tokenizer(name_or_dir)
        return cls(model, tokenizer, config)._ready(device)

    def save_pretrained(
        self, directory: str | os.PathLike, *, training_args: dict | None = None, metrics: dict | None = None
    ) -> Path:
        """Write weights (safetensors), tokenizer, settings and optional args/metrics atomically to `directory`."""

        def write(tmp: Path) -> None:
            self.model.save_pretrained(tmp)
            self.tokenizer.save_pretrained(tmp)
            write_json(tmp / CLASSIFIER_CONFIG, asdict(self.config))
            write_training_record(tmp, training_args, metrics)

        return atomic_directory(directory, write)

    # ---------------------------------------------------------------- encoding
    def encode(self, texts: list[str], long_text: str | None = None) -> tuple[list[list[int]], list[int]]:
        """(sequences, owner): model inputs with [CLS]/[SEP]; owner[i] = index of the text sequence i came from.

        "truncate" gives one sequence per text; "window" splits long texts into overlapping windows.
        """
        mode = long_text or self.config.long_text
        if mode not in LONG_TEXT_MODES:
            raise ValueError(f"long_text={mode!r}: expected one of {tuple(LONG_TEXT_MODES)}")
        body = self.config.max_seq_len - 2  # room left after [CLS] and [SEP]
        cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        sequences, owner = [], []
        for index, ids in enumerate(self.tokenizer.sp_model.encode(texts)):
            if mode == "truncate" or len(ids) <= body:  # same cut as KoBertTokenizer.encode_fast(max_length=…)
                chunks = [ids[:body]]
            else:
                stride = min(self.config.window_stride, body)
                starts = list(range(0, len(ids) - body, stride)) + [len(ids) - body]  # last window ends at the end
                chunks = [ids[start : start + body] for start in starts]
            for chunk in chunks:
                sequences.append([cls_id, *chunk, sep_id])
                owner.append(index)
        return sequences, owner

    # ---------------------------------------------------------------- inference
    @torch.inference_mode()
    def logits(
        self, texts: list[str], batch_size: int | None = None, long_text: str | None = None, progress: bool = False
    ) -> torch.Tensor:
        """(len(texts), num_labels) float32 logits on CPU; windows of one text are averaged."""
        sequences, owner = self.encode(texts, long_text)
        batch_size = batch_size or self.config.batch_size
        order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))  # similar lengths → less padding
        window_logits = torch.empty((len(sequences), len(self.labels)))
        device = self.device
        bf16 = use_bf16(device)
        starts = range(0, len(order), batch_size)
        if progress:
            starts = tqdm(starts, desc="predict", unit="batch")
        for start in starts:
            rows = order[start : start + batch_size]
            batch = {
                k: v.to(device)
                for k, v in pad_batch([sequences[i] for i in rows], self.tokenizer.pad_token_id).items()
            }
            with autocast(device, bf16):
                out = self.model(**batch).logits  # (batch, num_labels)
            window_logits[rows] = out.float().cpu()
        owner_index = torch.tensor(owner, dtype=torch.long)
        summed = torch.zeros((len(texts), window_logits.shape[1])).index_add_(0, owner_index, window_logits)
        counts = torch.bincount(owner_index, minlength=len(texts)).clamp(min=1).unsqueeze(1)
        return summed / counts  # (texts, num_labels) mean over each text's windows

    @overload
    def predict(self, text: str, batch_size: int | None = None, long_text: str | None = None) -> Prediction: ...

    @overload
    def predict(
        self, text: list[str], batch_size: int | None = None, long_text: str | None = None
    ) -> list[Prediction]: ...

    def predict(
        self, text: str | list[str], batch_size: int | None = None, long_text: str | None = None
    ) -> Prediction | list[Prediction]:
        """One text → Prediction; a list → list of Prediction (same order)."""
        texts, single = check_texts(text)
        if not texts:
            return []
        probabilities = torch.softmax(self.logits(texts, batch_size, long_text), dim=-1).tolist()
        labels = self.labels
        predictions = [Prediction.from_probabilities(labels, row) for row in probabilities]
        return predictions[0] if single else predictions

    def __repr__(self) -> str:
        size = sum(p.numel() for p in self.model.parameters())
        return f"EmotionClassifier(labels={self.labels}, params={size:,}, device={self.device}, {self.config})"
