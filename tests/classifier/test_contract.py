"""The classifier role: both backends satisfy `Classifier`, share one save signature, and `load_classifier` picks
the backend from the saved `backend` key. A constructed EmotionClassifier moves and switches nothing."""

import inspect
import json
import re

import pytest
import torch

from classifier import Classifier, EmotionClassifier, LightEmotionClassifier, load_classifier
from classifier.loading import saved_backend
from classifier.model import ClassifierConfig

LABELS = ["기쁨", "분노", "슬픔"]


@pytest.fixture()
def tiny_kobert(toy_tokenizer, make_tiny_bert_config):
    torch.manual_seed(0)
    return EmotionClassifier.from_config(
        make_tiny_bert_config(len(toy_tokenizer)),
        toy_tokenizer,
        LABELS,
        ClassifierConfig(max_seq_len=32),
        device="cpu",
    )


@pytest.fixture()
def tiny_light(make_toy_rows):
    rows = make_toy_rows(90, seed=2)
    return LightEmotionClassifier().fit([text for text, _ in rows], [label for _, label in rows])


def test_both_backends_are_classifiers_and_other_objects_are_not(tiny_kobert, tiny_light):
    assert isinstance(tiny_kobert, Classifier) and isinstance(tiny_light, Classifier)

    class PredictOnly:  # a predictor that cannot be saved is not a classifier
        labels = LABELS

        def predict(self, text):
            return text

    assert not isinstance(PredictOnly(), Classifier)


def test_one_save_signature_for_every_saved_model():
    from chatbot.crisis_model import CrisisDetector

    for cls in (EmotionClassifier, LightEmotionClassifier, CrisisDetector):
        parameters = inspect.signature(cls.save_pretrained).parameters
        assert list(parameters) == ["self", "directory", "training_args", "metrics"], cls
        assert all(
            parameters[name].kind is inspect.Parameter.KEYWORD_ONLY and parameters[name].default is None
            for name in ("training_args", "metrics")
        ), cls


def test_load_classifier_follows_the_saved_backend_key(tiny_kobert, tiny_light, tmp_path):
    texts = ["오늘 정말 행복해", "짜증나 진짜", ""]
    tiny_kobert.save_pretrained(tmp_path / "kobert", training_args={"seed": 0}, metrics={"macro_f1": 0.5})
    tiny_light.save_pretrained(tmp_path / "light", training_args={"seed": 0}, metrics={"macro_f1": 0.5})
    for name, original in (("kobert", tiny_kobert), ("light", tiny_light)):
        directory = tmp_path / name
        assert saved_backend(directory) == name
        assert json.loads((directory / "metrics.json").read_text(encoding="utf-8")) == {"macro_f1": 0.5}
        loaded = load_classifier(directory, device="cpu")
        assert type(loaded) is type(original) and loaded.labels == original.labels
        before = torch.tensor([list(p.scores.values()) for p in original.predict(texts)])
        after = torch.tensor([list(p.scores.values()) for p in loaded.predict(texts)])
        assert torch.allclose(before, after, atol=1e-6)
    # the key decides, not which file is there: a light directory whose key says "kobert" is read as KoBERT
    config = tmp_path / "light" / "light_config.json"
    config.write_text(
        json.dumps({**json.loads(config.read_text(encoding="utf-8")), "backend": "kobert"}), encoding="utf-8"
    )
    with pytest.raises(FileNotFoundError, match="classifier_config.json"):
        load_classifier(tmp_path / "light")


def test_a_missing_or_unknown_backend_key_is_one_line_naming_the_directory(tiny_light, tmp_path):
    directory = tmp_path / "light"
    tiny_light.save_pretrained(directory)
    config = directory / "light_config.json"
    settings = json.loads(config.read_text(encoding="utf-8"))
    for backend in (None, "svm"):
        config.write_text(
            json.dumps(
                {**settings, "backend": backend} if backend else {k: v for k, v in settings.items() if k != "backend"}
            ),
            encoding="utf-8",
        )
        with pytest.raises(ValueError) as error:
            load_classifier(directory)
        message = str(error.value)
        assert str(directory) in message and "backend" in message and "\n" not in message
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match=re.escape(f"{empty}: no trained classifier there")):
        load_classifier(empty)


def test_a_constructed_classifier_stays_where_it_was_put_in_the_mode_it_was_given(
    toy_tokenizer, make_tiny_bert_config
):
    from transformers import BertConfig, BertForSequenceClassification

    bert_config = BertConfig.from_dict(
        {**make_tiny_bert_config(len(toy_tokenizer)).to_dict(), **EmotionClassifier.label_config(LABELS)}
    )
    model = BertForSequenceClassification(bert_config).to("meta")  # a device nothing would move it to by itself
    assert model.training
    classifier = EmotionClassifier(model, toy_tokenizer)
    assert classifier.device.type == "meta" and model.training  # not moved, still in train mode
    model.eval()
    EmotionClassifier(model, toy_tokenizer)
    assert not model.training  # eval stays eval
    ready = EmotionClassifier.from_config(
        make_tiny_bert_config(len(toy_tokenizer)), toy_tokenizer, LABELS, device="cpu"
    )
    assert ready.device.type == "cpu" and not ready.model.training  # factories give one ready to predict
    assert ready.to("cpu") is ready
