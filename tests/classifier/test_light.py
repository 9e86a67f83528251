"""LightEmotionClassifier: learns, same API, JSON + safetensors round trip (no pickle), edge inputs, real data."""

import json

import numpy as np
import pytest

from classifier import semantic
from classifier.light import LightConfig, LightEmotionClassifier
from classifier.prediction import Prediction


@pytest.fixture(scope="module")
def toy_light(make_toy_rows_module):
    rows = make_toy_rows_module(300, seed=7)
    return LightEmotionClassifier(LightConfig(char_min_df=1)).fit([t for t, _ in rows], [label for _, label in rows])


@pytest.fixture(scope="module")
def make_toy_rows_module(make_toy_rows):
    return make_toy_rows


def test_learns_toy_task_and_api_shape(toy_light, make_toy_rows, toy_labels):
    held_out = make_toy_rows(90, seed=8)
    predictions = toy_light.predict([t for t, _ in held_out])
    accuracy = np.mean([p.label == label for p, (_, label) in zip(predictions, held_out, strict=False)])
    assert accuracy >= 0.9
    assert toy_light.labels == toy_labels
    single = toy_light.predict("오늘 정말 행복해")
    assert isinstance(single, Prediction) and single.label == "기쁨"
    assert abs(sum(single.scores.values()) - 1) < 1e-5 and single.score == max(single.scores.values())
    assert toy_light.predict([]) == []
    assert 0 < toy_light.config.temperature  # fitted softmax scale for the SVM margins


def test_edge_inputs(toy_light):
    texts = ["", "   ", "😀😭", "오늘 meeting 너무 짜증나 ㅠㅠ", "ㅋ" * 3000]
    predictions = toy_light.predict(texts)
    assert len(predictions) == len(texts) and all(p.label in toy_light.labels for p in predictions)
    assert predictions[3].label == "분노"
    with pytest.raises(TypeError):
        toy_light.predict(["좋아", 3])


def test_save_load_round_trip_without_pickle(toy_light, tmp_path):
    target = tmp_path / "light"
    toy_light.save_pretrained(target, metrics={"macro_f1": 1.0})
    assert sorted(p.name for p in target.iterdir()) == ["light_config.json", "light_model.safetensors", "metrics.json"]
    meta = json.loads((target / "light_config.json").read_text(encoding="utf-8"))
    assert meta["backend"] == "light" and meta["labels"] == toy_light.labels
    loaded = LightEmotionClassifier.from_pretrained(target)
    texts = ["오늘 정말 행복해", "눈물나 진짜", "", "hello 짜증나"]
    assert np.allclose(loaded.predict_proba(texts), toy_light.predict_proba(texts), atol=1e-6)
    assert loaded.config == toy_light.config


def test_logreg_and_binary(make_toy_rows):
    rows = [(t, label) for t, label in make_toy_rows(200, seed=9) if label != "분노"]
    texts, labels = [t for t, _ in rows], [label for _, label in rows]
    for model in ("nbsvm", "svm", "logreg"):
        classifier = LightEmotionClassifier(
            LightConfig(char_min_df=1, model=model, C=3.0 if model == "logreg" else 0.1)
        )
        classifier.fit(texts, labels)
        assert classifier.coef.shape[0] == 2
        assert classifier.predict("너무 슬퍼").label == "슬픔" and classifier.predict("정말 기뻐").label == "기쁨"


def test_errors(tmp_path):
    with pytest.raises(RuntimeError, match="not fitted"):
        LightEmotionClassifier().predict("좋아")
    with pytest.raises(ValueError, match="two distinct labels"):
        LightEmotionClassifier().fit(["a", "b"], ["x", "x"])
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        LightEmotionClassifier().fit(["a", "b"], ["x"])
    with pytest.raises(FileNotFoundError, match="light_config.json"):
        LightEmotionClassifier.from_pretrained(tmp_path)


@pytest.mark.slow
def test_real_keti_subset_beats_chance_by_far(shared_data_dir):
    """2,000 KETI sentences for training, 1,000 held out: 7 classes, chance ≈ 0.14 macro-F1."""
    from data import load_keti_single_turn, split_dataset

    path = shared_data_dir / "keti_single_turn" / "keti_single_turn.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    import random

    utterances = random.Random(0).sample(load_keti_single_turn(path).utterances, 3000)  # the file is label-sorted
    splits = split_dataset(utterances, seed=0, validation=0.0, test=1 / 3)
    model = LightEmotionClassifier().fit([u.text for u in splits.train], [u.label for u in splits.train])
    from sklearn.metrics import f1_score

    predicted = [p.label for p in model.predict([u.text for u in splits.test])]
    assert f1_score([u.label for u in splits.test], predicted, average="macro") > 0.3


SAD = [
    "강아지가 아파서 울었어",
    "고양이가 무지개다리를 건넜어",
    "우리 강아지가 죽었어",
    "고양이가 하늘나라에 갔어",
    "강아지랑 이별했어",
    "고양이를 잃어버렸어",
    "강아지 병원비가 걱정이야 아파",
    "고양이가 밥을 안 먹고 아파",
    "키우던 강아지가 죽어서 슬퍼",
    "고양이 생각에 눈물이 나",
]
HAPPY = [
    "시험에 합격했어",
    "회사에서 승진했어",
    "시험 점수가 올랐어",
    "월급이 올라서 신나",
    "대회에서 우승했어",
    "면접에 합격했어",
    "승진 소식을 들었어",
    "시험을 잘 봤어",
    "우승 상금을 받았어",
    "월급날이라 신나",
]


def test_a_message_sharing_no_character_with_training_is_read_by_meaning():
    """ "토끼 떠남" shares no character with any training sentence; Kiwi's CoNg space puts 토끼 beside 강아지 and
    고양이, so it is read as the pet-loss sentences are. Without the semantic step the model can only guess."""
    texts, labels = SAD + HAPPY, ["슬픔"] * len(SAD) + ["기쁨"] * len(HAPPY)
    message = "토끼 떠남"
    assert not set(message.replace(" ", "")) & set("".join(texts))
    by_meaning = LightEmotionClassifier(LightConfig(char_min_df=1, calibration_folds=2)).fit(texts, labels)
    by_characters = LightEmotionClassifier(LightConfig(char_min_df=1, calibration_folds=2, semantic=False)).fit(
        texts, labels
    )
    assert by_meaning.predict(message).label == "슬픔" and by_meaning.predict(message).score > 0.8
    assert by_characters.predict(message).label != "슬픔"
    rabbit = next(token for token in semantic.tokens([message])[0] if token.form == "토끼")
    assert "고양이/NNG" in by_meaning.expansion.neighbours(rabbit)


def test_scores_are_calibrated_not_certain_on_what_the_model_cannot_know(toy_light):
    for text in ("ㅁㄴㅇㄹ", "asdf qwer", "12345"):
        assert max(toy_light.predict(text).scores.values()) < 0.9, text
