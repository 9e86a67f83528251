"""The KoGPT2 tokenizer with its special tokens set in code.

The hub repo `skt/kogpt2-base-v2` ships only `tokenizer.json`; without the lines below `transformers` falls back
to GPT-2's `<|endoftext|>` (id 50256) for bos/eos/pad, which is a *different* KoGPT2 piece and makes `generate`
never stop. KoGPT2's own ids: `<s>`0 `</s>`1 `<usr>`2 `<pad>`3 `<sys>`4 `<unk>`5 `<mask>`6 `<d>`7 `</d>`8
`<unused0>`9….
"""

from __future__ import annotations

from pathlib import Path

import huggingface_hub
from transformers import PreTrainedTokenizerFast

DEFAULT_KOGPT2 = "skt/kogpt2-base-v2"  # the pretrained model users fine-tune; hub id, never fetched in tests
KOGPT2_VOCAB_SIZE = 51200  # model vocab; every id the tokenizer produces is below it
KOGPT2_SHAPE = {  # skt/kogpt2-base-v2's GPT2Config: its vocab, special ids and widths
    "vocab_size": KOGPT2_VOCAB_SIZE,
    "bos_token_id": 1,  # </s>: KoGPT2 was trained with it as both bos and eos (SPECIAL_TOKENS)
    "eos_token_id": 1,
    "pad_token_id": 3,  # <pad>
    "n_positions": 1024,
    "n_embd": 768,
    "n_layer": 12,
    "n_head": 12,
}
SPECIAL_TOKENS = {  # set in code because the hub repo has no tokenizer_config.json
    "bos_token": "</s>",  # KoGPT2 was trained with </s> as both bos and eos
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}


def kogpt2_config(**widths):
    """A `GPT2Config` of KoGPT2's shape (`KOGPT2_SHAPE`) with `widths` (n_layer, n_embd, n_head, n_positions …) in
    place of its own: random-initialised models that read this tokenizer's ids (tests, benchmarks)."""
    from transformers import GPT2Config  # why: importing the tokenizer module stays light

    return GPT2Config(**{**KOGPT2_SHAPE, **widths})


def load_kogpt2_tokenizer(dir_or_hub_id: str | Path = DEFAULT_KOGPT2):
    """`PreTrainedTokenizerFast` from a local directory holding `tokenizer.json` or from a hub id.

    Special tokens are always set from `SPECIAL_TOKENS`, whatever the directory's own config says.
    """
    path = Path(dir_or_hub_id)
    if path.is_dir():
        tokenizer_file = path / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise FileNotFoundError(f"{path}: no tokenizer.json (expected a KoGPT2 tokenizer directory)")
    elif path.is_file():
        tokenizer_file = path
    elif path.exists() or str(dir_or_hub_id).startswith((".", "/")):
        raise FileNotFoundError(f"{dir_or_hub_id}: not a tokenizer directory or tokenizer.json")
    else:  # a hub id: download only tokenizer.json (the repo's only tokenizer file)
        tokenizer_file = Path(huggingface_hub.hf_hub_download(str(dir_or_hub_id), "tokenizer.json"))
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(tokenizer_file), model_max_length=1024, **SPECIAL_TOKENS)
    if len(tokenizer) > KOGPT2_VOCAB_SIZE:
        raise ValueError(
            f"{tokenizer_file}: {len(tokenizer)} tokens, more than the KoGPT2 vocab of {KOGPT2_VOCAB_SIZE}"
        )
    tokenizer.padding_side = "left"  # decoder-only batched generation pads on the left; training pads itself
    return tokenizer
