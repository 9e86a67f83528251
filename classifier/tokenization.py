"""KoBERT tokenizer for transformers 5.x — no gluonnlp, no mxnet, no git-only `kobert_tokenizer` package.

The hub repo `skt/kobert-base-v1` names `XLNetTokenizer`/`KoBERTTokenizer` in its config. Under transformers 5
`AutoTokenizer` then gives the XLNet layout (`x <sep> <cls>`, left padding) and maps Hangul to `[UNK]`, so we never
go through `AutoTokenizer`: we build a BERT-style tokenizer straight from the repo's `spiece.model`:

    single: [CLS] x [SEP]            pair: [CLS] a [SEP] b [SEP]      token types 0 … 0 1 … 1
    ids 0–4 = [UNK] [PAD] [CLS] [SEP] [MASK]; pad id 1; right padding.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import huggingface_hub
from transformers import SentencePieceBackend

KOBERT_HUB_ID = "skt/kobert-base-v1"  # user default; tests only ever pass local directories
SPIECE_FILE = "spiece.model"
KOBERT_SHAPE = {  # skt/kobert-base-v1's BertConfig: its vocab, [PAD] id and widths
    "vocab_size": 8002,
    "pad_token_id": 1,
    "max_position_embeddings": 512,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
}


def kobert_config(**widths):
    """A `BertConfig` of KoBERT's shape (`KOBERT_SHAPE`) with `widths` (hidden_size, num_hidden_layers …) in place of
    its own: random-initialised models that read this tokenizer's ids (tests, benchmarks)."""
    from transformers import BertConfig

    return BertConfig(**{**KOBERT_SHAPE, **widths})


class KoBertTokenizer(SentencePieceBackend):
    """BERT-style ([CLS] x [SEP]) tokenizer over KoBERT's sentencepiece model; `save_pretrained` round-trips."""

    vocab_files_names = {"vocab_file": SPIECE_FILE}
    model_input_names = ["input_ids", "token_type_ids", "attention_mask"]
    padding_side = "right"  # BERT reads position 0 ([CLS]); XLNet's left padding would move it

    def __init__(
        self,
        vocab_file: str,
        unk_token: str = "[UNK]",
        sep_token: str = "[SEP]",
        pad_token: str = "[PAD]",
        cls_token: str = "[CLS]",
        mask_token: str = "[MASK]",
        model_max_length: int = 512,  # KoBERT has 512 position embeddings
        **kwargs,
    ):
        # Keys of the hub/XLNet config that mean nothing here (or would change the layout) are dropped.
        for key in (
            "special_tokens_pattern",
            "token_type_ids_pattern",
            "token_type_ids_include_special_tokens",
            "padding_side",
            "bos_token",
            "eos_token",
            "tokenizer_class",
            "do_lower_case",
            "remove_space",
            "keep_accents",
            "additional_special_tokens",
            "backend",
        ):
            kwargs.pop(key, None)
        super().__init__(
            vocab_file=vocab_file,
            unk_token=unk_token,
            sep_token=sep_token,
            pad_token=pad_token,
            cls_token=cls_token,
            mask_token=mask_token,
            model_max_length=model_max_length,
            padding_side="right",
            special_tokens_pattern="cls_sep",  # [CLS] a [SEP] (b [SEP])
            token_type_ids_pattern="bert_style",  # 0 for [CLS] a [SEP], 1 for b [SEP]
            token_type_ids_include_special_tokens=True,
            **kwargs,
        )

    def encode_fast(self, texts: list[str], max_length: int | None = None) -> list[list[int]]:
        """[CLS] + sentencepiece ids + [SEP] for many texts at once, without the Python added-token machinery.

        Same ids as `tokenizer(text)["input_ids"]` for plain text (no literal "[CLS]"-style strings inside), about
        an order of magnitude faster — used for training data and batched prediction. With `max_length`, the
        pieces are cut so the sequence (with [CLS] and [SEP]) has at most that many ids.
        """
        body = None if max_length is None else max_length - 2  # room left after [CLS] and [SEP]
        if body is not None and body < 1:
            raise ValueError(f"max_length={max_length}: expected at least 3 ([CLS] token [SEP])")
        pieces = self.sp_model.encode(list(texts))  # list of lists of ints, batched in C++
        return [[self.cls_token_id, *ids[:body], self.sep_token_id] for ids in pieces]


def _resolve_spiece(name_or_dir: str | os.PathLike, cache_dir: str | None = None) -> Path:
    """Path of spiece.model for a local directory, a direct file path, or a hub id (downloaded once, then cached)."""
    path = Path(name_or_dir)
    if path.is_file():
        return path
    if path.is_dir():
        spiece = path / SPIECE_FILE
        if not spiece.is_file():
            raise FileNotFoundError(
                f"{path}: no {SPIECE_FILE} in this directory (expected KoBERT's sentencepiece model)"
            )
        return spiece
    if str(name_or_dir).count("/") != 1 or str(name_or_dir).startswith((".", "/")):
        raise FileNotFoundError(f"{name_or_dir}: neither a local directory/file nor a hub id like {KOBERT_HUB_ID!r}")

    return Path(huggingface_hub.hf_hub_download(repo_id=str(name_or_dir), filename=SPIECE_FILE, cache_dir=cache_dir))


def load_kobert_tokenizer(name_or_dir: str | os.PathLike = KOBERT_HUB_ID, **kwargs) -> KoBertTokenizer:
    """The right KoBERT tokenizer for a local directory (ours or the hub's layout), a spiece.model path or a hub id.

    Directories written by `KoBertTokenizer.save_pretrained` keep their settings; anything else (the hub repo,
    `../shared/tokenizers/kobert`) is rebuilt from its spiece.model, ignoring the XLNet tokenizer class it names.
    """
    path = Path(name_or_dir)
    if path.is_dir() and (path / "tokenizer_config.json").is_file():
        config = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8"))
        if config.get("tokenizer_class") == KoBertTokenizer.__name__:
            return KoBertTokenizer.from_pretrained(str(path), **kwargs)
    return KoBertTokenizer(vocab_file=str(_resolve_spiece(name_or_dir, kwargs.pop("cache_dir", None))), **kwargs)
