"""A Hugging Face cache holding `skt/kobert-base-v1` and `skt/kogpt2-base-v2` the way the hub publishes them.

The hub is unreachable where this project is developed, so the path a user with internet takes (load the two base
models by hub id, fine-tune, chat) is replayed against this replica: `HF_HOME=<home> HF_HUB_OFFLINE=1` and every
command runs unchanged, by hub id.

What is replicated (see issue 12):
- the cache layout of `huggingface_hub`: `<home>/hub/models--skt--kobert-base-v1/{refs/main, snapshots/<40-hex
  commit>/<file>, blobs/<etag>}`; snapshot entries are relative symlinks into `blobs/`, blobs are named as the hub's
  etags (sha256 for LFS files such as `*.bin`/`*.model`, the git blob sha1 for plain files) — as a download leaves
  them (plain copies where the file system has no symlinks, as huggingface_hub itself does on Windows);
- `skt/kogpt2-base-v2` main: `config.json` (the published keys: bos 0, eos 1, pad 3, `_num_labels`, `id2label`,
  `task_specific_params`, …), `pytorch_model.bin` (GPT2LMHeadModel keys, no safetensors) and `tokenizer.json` only:
  no `tokenizer_config.json`, no `special_tokens_map.json`. (`flax_model.msgpack` is on the hub too, but no
  PyTorch command downloads it, so a user's cache never holds it.)
- `skt/kobert-base-v1` main: `config.json` (BertModel, vocab 8002, pad 1, 512 positions, `author`,
  `kobert_version`), `pytorch_model.bin` (BertModel keys, no classification head), `spiece.model`,
  `special_tokens_map.json` and a `tokenizer_config.json` naming `XLNetTokenizer`.
- weight files as transformers 4.x of 2021 wrote them (`torch.save` of the state dict), with the buffers it saved
  then and 5.x no longer has: BERT's `embeddings.position_ids`, GPT-2's `attn.bias` / `attn.masked_bias`.

Weights are random (the real ones cannot be fetched here). `size="tiny"` keeps every published config key but makes
the networks a few layers of width 32–64 (tests); `size="full"` is the published shape (125M KoGPT2, 92M KoBERT).
Tokenizer files are the real ones, read from `tokenizers_dir` (`../shared/tokenizers`): never copied into the repo.

    python -m bench.hub_replica --home /tmp/hf_home [--size full]     # then: HF_HOME=/tmp/hf_home HF_HUB_OFFLINE=1 …
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from data.cli import make_parser

KOBERT_ID = "skt/kobert-base-v1"
KOGPT2_ID = "skt/kogpt2-base-v2"
DEFAULT_TOKENIZERS = Path(__file__).resolve().parents[1].parent / "shared" / "tokenizers"
LFS_SUFFIXES = (".bin", ".model", ".msgpack", ".safetensors", ".h5")  # stored with git LFS on the hub: etag = sha256

KOGPT2_CONFIG = {  # skt/kogpt2-base-v2 main config.json, key for key
    "_num_labels": 1,
    "activation_function": "gelu_new",
    "architectures": ["GPT2LMHeadModel"],
    "attn_pdrop": 0.1,
    "bos_token_id": 0,
    "embd_pdrop": 0.1,
    "eos_token_id": 1,
    "gradient_checkpointing": False,
    "id2label": {"0": "LABEL_0"},
    "initializer_range": 0.02,
    "label2id": {"LABEL_0": 0},
    "layer_norm_epsilon": 1e-05,
    "model_type": "gpt2",
    "n_ctx": 1024,
    "n_embd": 768,
    "n_head": 12,
    "n_inner": None,
    "n_layer": 12,
    "n_positions": 1024,
    "pad_token_id": 3,
    "resid_pdrop": 0.1,
    "summary_activation": None,
    "summary_first_dropout": 0.1,
    "summary_proj_to_labels": True,
    "summary_type": "cls_index",
    "summary_use_proj": True,
    "task_specific_params": {"text-generation": {"do_sample": True, "max_length": 50}},
    "use_cache": True,
    "vocab_size": 51200,
}
KOBERT_TOKENIZER_CLASS = (
    "XLNetTokenizer"  # what the hub's tokenizer_config.json names (../shared's copy says KoBERTTokenizer)
)
TINY = {  # widths for tests: every other published key stays as it is
    "kobert": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64},
    "kogpt2": {"n_embd": 64, "n_layer": 2, "n_head": 2},
}


def _etag(name: str, content: bytes) -> str:
    """The hub's etag for a file: sha256 of LFS files, the git blob id of plain ones."""
    if name.endswith(LFS_SUFFIXES):
        return hashlib.sha256(content).hexdigest()
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def write_cached_repo(hub_cache: Path, repo_id: str, files: dict[str, bytes], symlinks: bool = True) -> Path:
    """`models--owner--name/{blobs,refs/main,snapshots/<commit>}` for `files` (name → bytes); returns the snapshot."""
    repo = hub_cache / ("models--" + repo_id.replace("/", "--"))
    commit = hashlib.sha1(
        b"".join(name.encode() + _etag(name, data).encode() for name, data in sorted(files.items()))
    ).hexdigest()  # 40 hex, like a git commit
    snapshot = repo / "snapshots" / commit
    (repo / "blobs").mkdir(parents=True, exist_ok=True)
    snapshot.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        blob = repo / "blobs" / _etag(name, data)
        blob.write_bytes(data)
        entry = snapshot / name
        if entry.is_symlink() or entry.exists():
            entry.unlink()
        if symlinks:
            entry.symlink_to(os.path.relpath(blob, entry.parent))
        else:
            shutil.copyfile(blob, entry)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(commit)  # no newline, as huggingface_hub writes it
    return snapshot


def _state_dict_bytes(state_dict) -> bytes:
    import torch

    buffer = io.BytesIO()
    torch.save(state_dict, buffer)  # zip format, as `save_pretrained` wrote pytorch_model.bin before safetensors
    return buffer.getvalue()


def kobert_files(tokenizers_dir: Path, size: str = "tiny", seed: int = 0) -> dict[str, bytes]:
    import torch
    from transformers import BertConfig, BertModel

    source = Path(tokenizers_dir) / "kobert"
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))  # the hub's config.json
    if size == "tiny":
        config.update(TINY["kobert"])
    torch.manual_seed(seed)
    model = BertModel(
        BertConfig(**{k: v for k, v in config.items() if k not in ("architectures", "model_type")}),
        add_pooling_layer=True,
    )
    state = dict(model.state_dict())  # tied lm_head/wte share one storage, saved once
    state["embeddings.position_ids"] = torch.arange(config["max_position_embeddings"]).unsqueeze(0)  # saved by 4.x
    tokenizer_config = json.loads((source / "tokenizer_config.json").read_text(encoding="utf-8"))
    tokenizer_config["tokenizer_class"] = KOBERT_TOKENIZER_CLASS
    return {
        "config.json": (json.dumps(config, indent=2) + "\n").encode(),
        "pytorch_model.bin": _state_dict_bytes(state),
        "spiece.model": (source / "spiece.model").read_bytes(),
        "special_tokens_map.json": (source / "special_tokens_map.json").read_bytes(),
        "tokenizer_config.json": json.dumps(tokenizer_config).encode(),
    }


def kogpt2_files(tokenizers_dir: Path, size: str = "tiny", seed: int = 0) -> dict[str, bytes]:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    config: dict[str, Any] = dict(KOGPT2_CONFIG)
    if size == "tiny":
        config.update(TINY["kogpt2"])
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(
        GPT2Config(**{k: v for k, v in config.items() if k not in ("architectures", "model_type")})
    )
    state = dict(model.state_dict())  # tied lm_head/wte share one storage, saved once
    positions = config["n_ctx"]
    for layer in range(config["n_layer"]):  # causal-mask buffers GPT-2 checkpoints of 2021 carried
        state[f"transformer.h.{layer}.attn.bias"] = torch.tril(
            torch.ones((positions, positions), dtype=torch.uint8)
        ).view(1, 1, positions, positions)
        state[f"transformer.h.{layer}.attn.masked_bias"] = torch.tensor(-1e4)
    return {
        "config.json": (json.dumps(config, indent=2) + "\n").encode(),
        "pytorch_model.bin": _state_dict_bytes(state),
        "tokenizer.json": (Path(tokenizers_dir) / "kogpt2" / "tokenizer.json").read_bytes(),
    }


def build_hub_replica(
    home: str | Path,
    tokenizers_dir: str | Path = DEFAULT_TOKENIZERS,
    size: str = "tiny",
    symlinks: bool = True,
    seed: int = 0,
) -> dict[str, Path]:
    """Write both repos under `<home>/hub` (the cache `HF_HOME=<home>` points huggingface_hub at).

    Returns {repo id: snapshot directory}.
    """
    if size not in ("tiny", "full"):
        raise ValueError(f"size={size!r}: expected 'tiny' or 'full'")
    tokenizers_dir = Path(tokenizers_dir)
    for needed in (
        "kobert/spiece.model",
        "kobert/config.json",
        "kobert/tokenizer_config.json",
        "kobert/special_tokens_map.json",
        "kogpt2/tokenizer.json",
    ):
        if not (tokenizers_dir / needed).is_file():
            raise FileNotFoundError(
                f"{tokenizers_dir / needed}: missing (the real tokenizer files, ../shared/tokenizers)"
            )
    hub_cache = Path(home) / "hub"
    return {
        KOBERT_ID: write_cached_repo(hub_cache, KOBERT_ID, kobert_files(tokenizers_dir, size, seed), symlinks),
        KOGPT2_ID: write_cached_repo(hub_cache, KOGPT2_ID, kogpt2_files(tokenizers_dir, size, seed + 1), symlinks),
    }


def main(argv=None) -> int:
    parser = make_parser("python -m bench.hub_replica", __doc__)
    parser.add_argument("--home", required=True, help="HF_HOME to write (the cache goes to HOME/hub)")
    parser.add_argument(
        "--size", choices=("tiny", "full"), default="tiny", help="network widths (configs stay the hub's)"
    )
    parser.add_argument(
        "--tokenizers_dir", default=str(DEFAULT_TOKENIZERS), help="real tokenizer files (kobert/, kogpt2/)"
    )
    parser.add_argument(
        "--copies", action="store_true", help="plain files in snapshots/ instead of symlinks to blobs/"
    )
    args = parser.parse_args(argv)
    for repo_id, snapshot in build_hub_replica(args.home, args.tokenizers_dir, args.size, not args.copies).items():
        print(f"{repo_id}: {snapshot}")
    print(f"use it with: HF_HOME={args.home} HF_HUB_OFFLINE=1 python -m …")
    return 0


if __name__ == "__main__":
    sys.exit(main())
