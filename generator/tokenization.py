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
SPECIAL_TOKENS = {  # set in code because the hub repo has no tokenizer_config.json
    "bos_token": "</s>",  # KoGPT2 was trained with </s> as both bos and eos
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}


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
