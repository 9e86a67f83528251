"""KoBERT tokenizer: BERT layout, right padding, pad id 1, token types, round trip; pinned ids with the real model."""

import json

import pytest

from classifier.tokenization import KoBertTokenizer, load_kobert_tokenizer

README_SENTENCE = "한국어 모델을 공유합니다."
README_IDS = [2, 4958, 6855, 2046, 7088, 1050, 7843, 54, 3]


def test_special_ids_and_layout(toy_tokenizer):
    assert (
        toy_tokenizer.unk_token_id,
        toy_tokenizer.pad_token_id,
        toy_tokenizer.cls_token_id,
        toy_tokenizer.sep_token_id,
        toy_tokenizer.mask_token_id,
    ) == (0, 1, 2, 3, 4)
    pieces = toy_tokenizer.sp_model.encode("오늘 정말 행복해")
    assert toy_tokenizer("오늘 정말 행복해")["input_ids"] == [2, *pieces, 3]


def test_pair_token_types_and_right_padding(toy_tokenizer):
    a, b = toy_tokenizer.sp_model.encode("오늘 슬퍼"), toy_tokenizer.sp_model.encode("왜 그래")
    pair = toy_tokenizer("오늘 슬퍼", "왜 그래")
    assert pair["input_ids"] == [2, *a, 3, *b, 3]
    assert pair["token_type_ids"] == [0] * (len(a) + 2) + [1] * (len(b) + 1)
    batch = toy_tokenizer(["오늘", "오늘 정말 너무 행복해"], padding=True, return_tensors="pt")
    short = len(toy_tokenizer("오늘")["input_ids"])
    assert batch["input_ids"][0, 0].item() == 2  # [CLS] first: padding is on the right
    assert batch["input_ids"][0, short:].eq(1).all() and batch["attention_mask"][0, short:].eq(0).all()
    assert batch["attention_mask"][0, :short].eq(1).all()


def test_edge_inputs(toy_tokenizer):
    assert toy_tokenizer("")["input_ids"] == [2, 3]
    assert toy_tokenizer("   \t ")["input_ids"] == [2, 3]
    emoji = toy_tokenizer("😀🔥")["input_ids"]
    assert emoji[0] == 2 and emoji[-1] == 3 and 0 in emoji  # unknown symbols become [UNK], never a crash
    assert toy_tokenizer.encode_fast(["", "오늘 hello 행복해"]) == [
        [2, 3],
        toy_tokenizer("오늘 hello 행복해")["input_ids"],
    ]


def test_save_load_round_trip(toy_tokenizer, tmp_path):
    toy_tokenizer.save_pretrained(tmp_path / "tok")
    config = json.loads((tmp_path / "tok" / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["tokenizer_class"] == "KoBertTokenizer" and config["padding_side"] == "right"
    loaded = load_kobert_tokenizer(tmp_path / "tok")
    assert isinstance(loaded, KoBertTokenizer)
    texts = ["오늘 정말 행복해", "한국어 모델을 공유합니다.", ""]
    assert loaded(texts, padding=True)["input_ids"] == toy_tokenizer(texts, padding=True)["input_ids"]
    assert loaded("가", "나")["token_type_ids"] == toy_tokenizer("가", "나")["token_type_ids"]


def test_hub_id_builds_from_spiece_model(toy_spm_dir, monkeypatch):
    """For a hub id we download only spiece.model (XLNet config ignored); the download is faked here."""
    calls = []

    def fake_download(repo_id, filename, cache_dir=None):
        calls.append((repo_id, filename))
        return str(toy_spm_dir / "spiece.model")

    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake_download)
    tokenizer = load_kobert_tokenizer("skt/kobert-base-v1")
    assert calls == [("skt/kobert-base-v1", "spiece.model")]
    assert tokenizer.padding_side == "right" and tokenizer("오늘")["input_ids"][0] == 2


def test_missing_spiece_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="spiece.model"):
        load_kobert_tokenizer(tmp_path)


# ---------------------------------------------------------------------------------------- real KoBERT vocab
def test_real_kobert_readme_ids(kobert_tokenizer_dir):
    """The shared dir names XLNet/KoBERTTokenizer in its config: the loader must still give BERT-style ids."""
    tokenizer = load_kobert_tokenizer(kobert_tokenizer_dir)
    assert isinstance(tokenizer, KoBertTokenizer) and len(tokenizer) == 8002
    assert tokenizer(README_SENTENCE)["input_ids"] == README_IDS
    assert tokenizer.encode_fast([README_SENTENCE]) == [README_IDS]
    assert tokenizer.convert_ids_to_tokens([0, 1, 2, 3, 4]) == ["[UNK]", "[PAD]", "[CLS]", "[SEP]", "[MASK]"]
    assert tokenizer.pad_token_id == 1


@pytest.mark.slow
def test_real_kobert_matches_sentencepiece_on_keti(kobert_tokenizer_dir, shared_data_dir):
    """Every KETI single-turn sentence: tokenizer ids == [CLS] + sentencepiece ids + [SEP]."""
    import sentencepiece as spm

    from data import load_keti_single_turn

    path = shared_data_dir / "keti_single_turn" / "keti_single_turn.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    texts = [u.text for u in load_keti_single_turn(path).utterances]
    assert len(texts) > 38000
    tokenizer = load_kobert_tokenizer(kobert_tokenizer_dir)
    reference = spm.SentencePieceProcessor(model_file=str(kobert_tokenizer_dir / "spiece.model"))
    expected = [[2, *ids, 3] for ids in reference.encode(texts)]
    assert tokenizer(texts)["input_ids"] == expected  # the full (slow-path) tokenizer call
    assert tokenizer.encode_fast(texts) == expected
    pieces = sum(len(ids) - 2 for ids in expected)
    unknown = sum(ids.count(0) for ids in expected)
    assert unknown < 0.03 * pieces  # ~1% (emoji, rare symbols); XLNetTokenizer turned all Hangul into [UNK]
