"""The path a user with internet takes, replayed on a replica of the hub (tests/conftest.py `hub_home`, built by
bench/hub_replica.py): `HF_HOME=<replica> HF_HUB_OFFLINE=1`, then the README's commands by hub id, unchanged —
classifier.train from skt/kobert-base-v1, generator.train from skt/kogpt2-base-v2, both evaluations,
Chatbot.default() on the outputs, and app.py answering /chat through gradio_client on a real local server.
Tiny widths; every published config key, the real tokenizer files and the published weight-file key names."""

import hashlib
import json
import os
import re
import socket
from pathlib import Path

import pytest

KOBERT, KOGPT2 = "skt/kobert-base-v1", "skt/kogpt2-base-v2"
EMOTIONS = {"일상", "기쁨", "분노", "불안", "슬픔", "우울"}
pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tiny models, one thread


def snapshot_of(home: Path, repo_id: str) -> Path:
    repo = home / "hub" / ("models--" + repo_id.replace("/", "--"))
    commit = (repo / "refs" / "main").read_text()
    assert re.fullmatch(r"[0-9a-f]{40}", commit), commit
    return repo / "snapshots" / commit


def test_the_replica_has_the_hub_layout_and_files(hub_home):
    import torch

    kogpt2, kobert = snapshot_of(hub_home, KOGPT2), snapshot_of(hub_home, KOBERT)
    assert sorted(p.name for p in kogpt2.iterdir()) == ["config.json", "pytorch_model.bin", "tokenizer.json"]
    assert sorted(p.name for p in kobert.iterdir()) == [
        "config.json",
        "pytorch_model.bin",
        "special_tokens_map.json",
        "spiece.model",
        "tokenizer_config.json",
    ]
    for entry in [*kogpt2.iterdir(), *kobert.iterdir()]:  # snapshot entries point into blobs/, named by etag
        blob = entry.resolve()
        assert entry.is_symlink() and blob.parent.name == "blobs" and not os.path.isabs(os.readlink(entry))
        if entry.suffix in (".bin", ".model"):
            assert blob.name == hashlib.sha256(blob.read_bytes()).hexdigest()
    config = json.loads((kogpt2 / "config.json").read_text())
    assert (config["bos_token_id"], config["eos_token_id"], config["pad_token_id"], config["_num_labels"]) == (
        0,
        1,
        3,
        1,
    )
    assert config["task_specific_params"] == {"text-generation": {"do_sample": True, "max_length": 50}}
    assert json.loads((kobert / "tokenizer_config.json").read_text())["tokenizer_class"] == "XLNetTokenizer"
    assert {"author", "kobert_version"} <= set(json.loads((kobert / "config.json").read_text()))
    bert_keys = set(torch.load(kobert / "pytorch_model.bin", weights_only=True))
    assert "embeddings.word_embeddings.weight" in bert_keys and "pooler.dense.weight" in bert_keys
    assert not any(k.startswith(("bert.", "classifier.")) for k in bert_keys)  # BertModel: no prefix, no head
    gpt2_keys = set(torch.load(kogpt2 / "pytorch_model.bin", weights_only=True))
    assert {"transformer.wte.weight", "lm_head.weight", "transformer.h.0.attn.masked_bias"} <= gpt2_keys


def test_base_models_and_tokenizers_load_by_hub_id_with_their_weights(offline_hub):
    """Weights really come from pytorch_model.bin (not a silent random init), tokenizers get KoGPT2's special ids
    without a tokenizer_config.json, and the XLNetTokenizer config is not used for KoBERT."""
    import torch
    from transformers import AutoModelForCausalLM, BertForSequenceClassification

    from classifier.tokenization import KoBertTokenizer, load_kobert_tokenizer
    from generator.tokenization import load_kogpt2_tokenizer

    kobert_tokenizer = load_kobert_tokenizer(KOBERT)
    assert isinstance(kobert_tokenizer, KoBertTokenizer)
    assert kobert_tokenizer("한국어 모델을 공유합니다.")["input_ids"] == [2, 4958, 6855, 2046, 7088, 1050, 7843, 54, 3]
    kogpt2_tokenizer = load_kogpt2_tokenizer(KOGPT2)
    assert (kogpt2_tokenizer.bos_token_id, kogpt2_tokenizer.eos_token_id, kogpt2_tokenizer.pad_token_id) == (1, 1, 3)

    bert = BertForSequenceClassification.from_pretrained(KOBERT, num_labels=6)
    published = torch.load(snapshot_of(offline_hub, KOBERT) / "pytorch_model.bin", weights_only=True)
    for key in (
        "embeddings.word_embeddings.weight",
        "encoder.layer.0.attention.self.query.weight",
        "pooler.dense.weight",
    ):
        assert torch.equal(bert.bert.state_dict()[key], published[key]), key
    gpt2 = AutoModelForCausalLM.from_pretrained(KOGPT2)
    published = torch.load(snapshot_of(offline_hub, KOGPT2) / "pytorch_model.bin", weights_only=True)
    for key in ("transformer.wte.weight", "transformer.h.1.mlp.c_fc.weight", "transformer.ln_f.bias"):
        assert torch.equal(gpt2.state_dict()[key], published[key]), key
    assert gpt2.lm_head.weight.data_ptr() == gpt2.transformer.wte.weight.data_ptr()  # tied, as published


def test_an_uncached_repo_fails_at_once_offline(offline_hub):
    from generator.tokenization import load_kogpt2_tokenizer

    with pytest.raises(Exception, match="(?i)offline|cannot find|local"):
        load_kogpt2_tokenizer("skt/not-in-this-cache")


@pytest.mark.parametrize("shape", ["plain copies in snapshots", "with .no_exist markers"])
def test_other_cache_shapes_load_too(shape, tmp_path, kobert_tokenizer_dir, monkeypatch):
    """huggingface_hub writes plain copies where there are no symlinks, and `.no_exist/<commit>/<file>` markers for
    files a repo lacks (model.safetensors, tokenizer_config.json …) after an online run."""
    import huggingface_hub.constants as constants
    from transformers import AutoModelForCausalLM

    from bench.hub_replica import build_hub_replica
    from generator.tokenization import load_kogpt2_tokenizer

    snapshots = build_hub_replica(tmp_path, kobert_tokenizer_dir.parent, symlinks=shape.startswith("plain"))
    if "no_exist" in shape:
        snapshot = snapshots[KOGPT2]
        marker_dir = snapshot.parents[1] / ".no_exist" / snapshot.name
        marker_dir.mkdir(parents=True)
        for name in (
            "model.safetensors",
            "model.safetensors.index.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "generation_config.json",
            "added_tokens.json",
        ):
            (marker_dir / name).touch()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert load_kogpt2_tokenizer(KOGPT2).eos_token_id == 1
    assert AutoModelForCausalLM.from_pretrained(KOGPT2).config.n_embd == 64


# ------------------------------------------------------------------------------ the documented commands by hub id
@pytest.fixture(scope="module")
def trained(offline_hub, sampled_corpora, tmp_path_factory):
    """classifier.train then generator.train through `main(argv)`, both from the default --model_dir: the hub ids.
    (The notebook's test runs the same hub-id loading in a fresh process with the real environment variables.)"""
    from classifier import train as classifier_train
    from generator import train as generator_train

    out = tmp_path_factory.mktemp("hub_run") / "checkpoints"
    classifier_files = [
        sampled_corpora / f
        for f in (
            "keti_single_turn/keti_single_turn.csv",
            "emotional_dialogue/emotional_dialogue_validation.csv",
            "wellness/wellness_dialog_dataset.csv",
        )
    ]
    classifier_train.main(
        [
            "--train_file",
            *map(str, classifier_files),
            "--label_set",
            "six",
            "--output_dir",
            str(out / "classifier"),
            "--num_train_epochs",
            "2",
            "--max_seq_len",
            "32",
            "--train_batch_size",
            "16",
            "--learning_rate",
            "2e-3",
            "--no_progress",
        ]
    )
    generator_train.main(
        [
            "--data_dir",
            str(sampled_corpora),
            "--output_dir",
            str(out / "generator"),
            "--classifier",
            str(out / "classifier"),
            "--num_train_epochs",
            "1",
            "--max_seq_len",
            "48",
            "--train_batch_size",
            "8",
            "--max_train_examples",
            "48",
        ]
    )
    return {"out": out, "classifier_files": classifier_files}


@pytest.mark.slow
def test_training_started_from_the_hub_models(trained):
    out = trained["out"]
    assert json.loads((out / "classifier" / "training_args.json").read_text())["model_dir"] == KOBERT
    assert json.loads((out / "classifier" / "classifier_config.json").read_text())["base_model"] == KOBERT
    config = json.loads((out / "classifier" / "config.json").read_text())
    assert config["vocab_size"] == 8002 and config["kobert_version"] == 1.0 and len(config["id2label"]) == 6
    assert json.loads((out / "generator" / "generator_config.json").read_text())["base_model"] == KOGPT2
    generator_config = json.loads((out / "generator" / "config.json").read_text())
    assert (generator_config["bos_token_id"], generator_config["eos_token_id"], generator_config["pad_token_id"]) == (
        1,
        1,
        3,
    )
    assert {p.name for p in (out / "generator").iterdir()} >= {
        "model.safetensors",
        "tokenizer.json",
        "generator_config.json",
    }


@pytest.mark.slow
def test_both_evaluations_run(trained):
    from classifier import evaluate as classifier_evaluate
    from generator import evaluate as generator_evaluate

    out = trained["out"]
    report = classifier_evaluate.evaluate(
        [
            "--model_dir",
            str(out / "classifier"),
            "--label_set",
            "six",
            "--test_file",
            *map(str, trained["classifier_files"]),
        ]
    )
    assert report["examples"] > 0 and set(report["labels"]) == EMOTIONS
    report = generator_evaluate.evaluate(
        [
            "--model_dir",
            str(out / "generator"),
            "--max_examples",
            "6",
            "--max_new_tokens",
            "8",
            "--control_messages",
            "3",
        ]
    )
    assert report["test"]["perplexity"] > 1 and report["generation"]["replies"] == 6
    assert "changed_share" in report["emotion_control"] or "note" in report["emotion_control"]


@pytest.mark.slow
def test_chatbot_default_and_the_app_answer_on_the_full_engine(trained):
    from gradio_client import Client

    import app
    from chatbot import Chatbot

    out = trained["out"]
    bot = Chatbot.default(checkpoints_dir=out, device="cpu")
    reply = bot.reply("오늘 회사에서 너무 힘들었어", max_new_tokens=8, seed=0)
    assert bot.engine == "full" and reply.engine == "full" and reply.text.strip() and reply.emotion in EMOTIONS

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    blocks, local_url, _ = app.launch(app.parse_args(["--checkpoints_dir", str(out), "--port", str(port)]))
    try:
        text, emotion, _ = Client(local_url, verbose=False).predict(
            "요즘 잠을 잘 못 자", 0.7, 0.9, 8, api_name="/chat"
        )
        assert text.strip() and set(emotion) == EMOTIONS
        values = {c["props"].get("elem_id"): c["props"].get("value") for c in blocks.config["components"]}
        assert "전체 엔진" in values["engine-banner"]
        assert "CC BY-NC-SA 4.0" in values["licence-notice"] and "AI Hub" in values["licence-notice"]
    finally:
        blocks.close()


@pytest.mark.slow
def test_fine_tuned_checkpoints_shared_on_the_hub_load_by_id(trained, offline_hub):
    """A user who uploads the two checkpoints gets them back by hub id (load_classifier took every id with a '/'
    for a missing local directory)."""
    from bench.hub_replica import write_cached_repo
    from chatbot import Chatbot

    out = trained["out"]
    for name in ("classifier", "generator"):
        files = {p.name: p.read_bytes() for p in (out / name).iterdir() if p.is_file()}
        write_cached_repo(offline_hub / "hub", f"someone/maeumchat-{name}", files)
    bot = Chatbot.from_pretrained(
        classifier="someone/maeumchat-classifier", responder="someone/maeumchat-generator", device="cpu"
    )
    local = Chatbot.from_pretrained(classifier=out / "classifier", responder=out / "generator", device="cpu")
    assert bot.engine == "full" and bot.classifier.labels == local.classifier.labels
    message = "시험에 떨어져서 속상해"
    assert bot.reply(message, max_new_tokens=8, seed=1) == local.reply(message, max_new_tokens=8, seed=1)
