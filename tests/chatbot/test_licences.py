"""Licences where they bite: the footer notice names KoGPT2's CC BY-NC-SA 4.0, KoBERT's Apache-2.0 and the training
corpora's terms when KoBERT/KoGPT2 models run, nothing for the offline engine; model cards say the same."""

import csv
import json

from chatbot.licences import licence_notice, model_card, write_model_card


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def trained_dir(tmp_path, name, training_args):
    directory = tmp_path / name
    directory.mkdir()
    (directory / "training_args.json").write_text(json.dumps(training_args), encoding="utf-8")
    return directory


class _Model:
    def __init__(self, name_or_path):
        self.name_or_path = name_or_path


# stand-ins named like the real classes: licence_notice looks at what runs, not at how it was built
class ResponseGenerator:
    def __init__(self, directory):
        self.model = _Model(str(directory))


class EmotionClassifier(ResponseGenerator):
    pass


class Bot:
    def __init__(self, classifier, responder):
        self.classifier, self.responder = classifier, responder


def test_full_engine_notice_names_model_licences_and_corpus_terms(tmp_path):
    wellness = write_csv(
        tmp_path / "data" / "w.csv", ["구분", "유저", "챗봇"], [["감정/우울감", "우울해", "힘드시죠"]]
    )
    chatbot_data = write_csv(tmp_path / "data" / "c.csv", ["Q", "A", "label"], [["안녕", "반가워요", "0"]])
    generator = trained_dir(
        tmp_path, "generator", {"model_dir": "skt/kogpt2-base-v2", "data_files": [str(wellness), str(chatbot_data)]}
    )
    classifier = trained_dir(
        tmp_path, "classifier", {"model_dir": "skt/kobert-base-v1", "train_file": [str(wellness)]}
    )
    notice = licence_notice(Bot(EmotionClassifier(classifier), ResponseGenerator(generator)))
    korean, english = notice.split("\n\n")
    assert "CC BY-NC-SA 4.0" in korean and "비상업적" in korean and "Apache-2.0" in korean
    assert (
        "AI Hub 웰니스 대화 스크립트 데이터셋" in korean and "AI Hub 이용약관" in korean and "Chatbot_data" in korean
    )
    assert "non-commercial" in english and "AI Hub's terms" in english and "MIT" in english


def test_no_notice_for_the_offline_engine_and_a_generic_one_without_training_args(tmp_path):
    from classifier import LightEmotionClassifier
    from generator import RetrievalResponder

    assert licence_notice(Bot(LightEmotionClassifier(), RetrievalResponder.__new__(RetrievalResponder))) is None
    notice = licence_notice(Bot(LightEmotionClassifier(), ResponseGenerator(tmp_path / "nowhere")))
    assert "CC BY-NC-SA 4.0" in notice and "Apache-2.0" not in notice and "AI Hub" not in notice


def test_model_cards_carry_the_licence_the_data_terms_and_metrics(tmp_path):
    keti = write_csv(tmp_path / "k.csv", ["Sentence", "Emotion"], [["좋아", "행복"], ["싫어", "분노"]])
    generator = trained_dir(
        tmp_path,
        "generator",
        {"model_dir": "skt/kogpt2-base-v2", "data_files": [str(keti), str(tmp_path / "gone.csv")]},
    )
    card = write_model_card(generator, "generator", {"test perplexity": 12.5}).read_text(encoding="utf-8")
    assert card.startswith("---\nlanguage: ko\nlicense: cc-by-nc-sa-4.0\nbase_model: skt/kogpt2-base-v2\n")
    assert "derivative work" in card and "단발성 대화 데이터셋" in card and "AI Hub" in card
    assert "gone.csv" in card and "test perplexity: 12.5" in card
    classifier_card = model_card(trained_dir(tmp_path, "classifier", {}), "classifier")
    assert "license: apache-2.0" in classifier_card and "derivative work" not in classifier_card
