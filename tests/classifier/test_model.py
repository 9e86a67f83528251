"""EmotionClassifier with tiny random-initialised BERTs: learning, round trip, long text, edge inputs, API shape."""

import json

import pytest
import torch

from classifier.model import CLASSIFIER_CONFIG, ClassifierConfig, EmotionClassifier
from classifier.prediction import Prediction
from classifier.tokenization import SPIECE_FILE
from training.files import METRICS_FILE, TRAINING_ARGS_FILE

LABELS = ["기쁨", "분노", "슬픔"]  # the toy task's labels (tests/classifier/conftest.py), sorted


@pytest.fixture()
def tiny_classifier(toy_tokenizer, make_tiny_bert_config, toy_labels):
    assert toy_labels == LABELS
    tiny_bert_config = make_tiny_bert_config
    torch.manual_seed(0)
    return EmotionClassifier.from_config(
        tiny_bert_config(len(toy_tokenizer)),
        toy_tokenizer,
        LABELS,
        ClassifierConfig(max_seq_len=32, window_stride=16),
        device="cpu",
    )


@pytest.mark.slow
def test_tiny_model_learns_separable_task(tiny_classifier, make_toy_rows):
    """A few dozen AdamW steps on the toy task take held-out accuracy from chance (1/3) to near 1."""
    torch.manual_seed(0)
    train, held_out = make_toy_rows(240, seed=3), make_toy_rows(60, seed=4)
    model = tiny_classifier.model
    label_id = {label: i for i, label in enumerate(tiny_classifier.labels)}
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)

    def accuracy():
        predictions = tiny_classifier.predict([text for text, _ in held_out])
        return sum(p.label == label for p, (_, label) in zip(predictions, held_out, strict=False)) / len(held_out)

    before = accuracy()
    from classifier.model import pad_batch

    model.train()
    for _epoch in range(6):
        for start in range(0, len(train), 16):
            rows = train[start : start + 16]
            sequences, _ = tiny_classifier.encode([text for text, _ in rows])
            batch = pad_batch(sequences, tiny_classifier.tokenizer.pad_token_id)
            labels = torch.tensor([label_id[label] for _, label in rows])
            loss = model(**batch, labels=labels).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    model.eval()
    after = accuracy()
    assert after >= 0.9 and after > before + 0.3, (before, after)


def test_predict_api_shape(tiny_classifier):
    single = tiny_classifier.predict("오늘 정말 행복해")
    assert isinstance(single, Prediction) and single.label in LABELS
    assert set(single.scores) == set(LABELS) and abs(sum(single.scores.values()) - 1) < 1e-5
    assert single.score == max(single.scores.values()) and single.scores[single.label] == single.score
    many = tiny_classifier.predict(["오늘 슬퍼", "짜증나", "좋아"])
    assert isinstance(many, list) and len(many) == 3 and all(isinstance(p, Prediction) for p in many)
    # batching and length-sorting inside predict do not change results or order
    one_by_one = [tiny_classifier.predict(t) for t in ["오늘 슬퍼", "짜증나", "좋아"]]
    assert [p.label for p in many] == [p.label for p in one_by_one]
    assert all(abs(a.score - b.score) < 1e-5 for a, b in zip(many, one_by_one, strict=False))
    assert tiny_classifier.predict([]) == []
    with pytest.raises(TypeError, match="item 1"):
        tiny_classifier.predict(["좋아", None])
    with pytest.raises(TypeError, match="expected str"):
        tiny_classifier.predict(42)


def test_edge_inputs(tiny_classifier):
    texts = ["", "   \n\t", "😀😭🔥", "오늘 meeting 너무 stressful 했어 ㅠㅠ", "ㅋㅋㅋㅋㅋㅋㅋㅋ"]
    predictions = tiny_classifier.predict(texts)
    assert len(predictions) == len(texts)
    for prediction in predictions:
        assert prediction.label in LABELS and 0 < prediction.score <= 1


@pytest.mark.slow
def test_long_input_truncate_and_window(tiny_classifier, make_toy_rows):
    long_text = " ".join(text for text, _ in make_toy_rows(700, seed=5))
    assert len(tiny_classifier.tokenizer.sp_model.encode(long_text)) > 2000
    for mode in ("truncate", "window"):
        prediction = tiny_classifier.predict(long_text, long_text=mode)
        assert prediction.label in LABELS
    # window mode = mean of the logits of overlapping windows, each within max_seq_len
    sequences, owner = tiny_classifier.encode([long_text, "짧은 문장"], long_text="window")
    assert max(len(s) for s in sequences) <= 32 and owner.count(0) > 100 and owner.count(1) == 1
    pieces = tiny_classifier.tokenizer.sp_model.encode(long_text)
    covered = [piece for s in sequences[: owner.count(0)] for piece in s[1:-1]]
    assert covered[:30] == pieces[:30] and covered[-30:] == pieces[-30:]  # first and last tokens both seen
    from classifier.model import pad_batch

    with torch.inference_mode():
        window_logits = tiny_classifier.model(**pad_batch(sequences[: owner.count(0)], 1)).logits
    expected = window_logits.mean(dim=0)
    got = tiny_classifier.logits([long_text], long_text="window")[0]
    assert torch.allclose(got, expected, atol=1e-5)
    truncated, _ = tiny_classifier.encode([long_text])
    assert len(truncated) == 1 and len(truncated[0]) == 32 and truncated[0][-1] == 3


def test_save_load_round_trip(tiny_classifier, tmp_path, saved_file_names):
    texts = ["오늘 정말 행복해", "짜증나 진짜", "", "눈물나 " * 50]
    target = tmp_path / "ckpt"
    tiny_classifier.save_pretrained(target, training_args={"seed": 1}, metrics={"macro_f1": 0.5})
    names = saved_file_names(target)  # none of them a pickle
    assert {"model.safetensors", "config.json", SPIECE_FILE, "tokenizer_config.json", CLASSIFIER_CONFIG} <= names
    assert {TRAINING_ARGS_FILE, METRICS_FILE} <= names  # both were given
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    assert config["id2label"] == {str(i): label for i, label in enumerate(LABELS)}
    loaded = EmotionClassifier.from_pretrained(target, device="cpu")
    assert loaded.labels == LABELS and loaded.config == tiny_classifier.config
    assert torch.allclose(loaded.logits(texts), tiny_classifier.logits(texts), atol=1e-6)
    # saving again over the same directory (atomic replace) keeps it loadable, with no temp dirs left behind
    loaded.save_pretrained(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt"]
    assert torch.allclose(EmotionClassifier.from_pretrained(target).logits(texts), loaded.logits(texts), atol=1e-6)
    override = EmotionClassifier.from_pretrained(target, long_text="window")
    assert override.config.long_text == "window"


def test_bad_configuration_errors(toy_tokenizer, tmp_path, make_tiny_bert_config):
    tiny_bert_config = make_tiny_bert_config
    with pytest.raises(ValueError, match="exceeds the model's 128 positions"):
        EmotionClassifier.from_config(
            tiny_bert_config(len(toy_tokenizer)), toy_tokenizer, LABELS, ClassifierConfig(max_seq_len=512)
        )
    with pytest.raises(ValueError, match="long_text"):
        ClassifierConfig(long_text="chunks")
    with pytest.raises(ValueError, match="distinct"):
        EmotionClassifier.from_config(tiny_bert_config(len(toy_tokenizer)), toy_tokenizer, ["a", "a"])
    with pytest.raises(FileNotFoundError, match="classifier_config.json"):
        EmotionClassifier.from_pretrained(tmp_path)


def test_from_base_random_init_uses_base_config(tiny_base_dir):
    classifier = EmotionClassifier.from_base(tiny_base_dir, LABELS, random_init=True, device="cpu")
    assert classifier.labels == LABELS and classifier.model.config.hidden_size == 32
    assert classifier.config.base_model == str(tiny_base_dir)
    assert type(classifier.model).__name__ == "BertForSequenceClassification"


def test_training_encoding_equals_prediction_truncation(tiny_classifier):
    """Training (`encode_fast(max_length=…)`) and prediction (`encode`, truncate mode) cut texts the same way."""
    texts = ["짧은 문장", "오늘 정말 " * 80, ""]
    max_len = tiny_classifier.config.max_seq_len
    train_ids = tiny_classifier.tokenizer.encode_fast(texts, max_length=max_len)
    predict_ids, owner = tiny_classifier.encode(texts, "truncate")
    assert train_ids == predict_ids and owner == [0, 1, 2]
    assert len(train_ids[1]) == max_len and train_ids[1][0] == 2 and train_ids[1][-1] == 3
    with pytest.raises(ValueError, match="max_length=2"):
        tiny_classifier.tokenizer.encode_fast(texts, max_length=2)
