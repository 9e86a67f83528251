"""The real corpora in ../shared/data (skipped with a reason when absent): the documented shapes and counts.

The CSV copies are read (xlsx is slow) except in one xlsx check.
"""

import pytest

import data
from data import EMOTIONS, Taxonomy, split_dataset

pytestmark = pytest.mark.slow  # reads every real corpus in full


@pytest.fixture(scope="module")
def shared_file(shared_data_dir):
    """shared_file('wellness/…csv') → path under ../shared/data, or skip with the reason."""

    def path(relative):
        found = shared_data_dir / relative
        if not found.exists():
            pytest.skip(f"{found} not present")
        return found

    return path


@pytest.fixture(scope="module")
def wellness(shared_file):
    return data.load_wellness(shared_file("wellness/wellness_dialog_dataset.csv"))


def test_wellness_counts(wellness):
    report = wellness.report
    assert report.rows_read == 5231
    assert report.extra == {"categories": 359, "reply_rows": 1034, "categories_with_replies": 355}
    assert len({u.label for u in wellness.utterances}) == 359
    with_pairs = {d.label for d in wellness.dialogues}
    assert len(with_pairs) == 355
    assert {u.label for u in wellness.utterances} - with_pairs == {
        "현재상태/증상감소",
        "현재상태/증상지속",
        "배경/부모/죽음",
        "일반대화",
    }
    assert report.kept + report.dropped_duplicates + report.dropped_empty == 5231
    assert all(u.text == u.text.strip() for u in wellness.utterances)


def test_wellness_xlsx_matches_csv(wellness, shared_file):
    from_xlsx = data.load_wellness(shared_file("wellness/wellness_dialog_dataset.xlsx"))
    assert from_xlsx.utterances == wellness.utterances and from_xlsx.dialogues == wellness.dialogues


def test_keti_single_turn_counts(shared_file):
    corpus = data.load_keti_single_turn(shared_file("keti_single_turn/keti_single_turn.csv"))
    assert corpus.report.rows_read == 38594
    assert set(corpus.labels) == {"행복", "놀람", "분노", "공포", "혐오", "슬픔", "중립"}
    assert corpus.report.kept + corpus.report.dropped_duplicates == 38594
    assert len(corpus.report.conflicting) >= 19  # 19 in the raw file; more after whitespace-stripping


def test_emotional_dialogue_validation_counts(shared_file):
    corpus = data.load_emotional_dialogue(shared_file("emotional_dialogue/emotional_dialogue_validation.csv"))
    assert corpus.report.rows_read == 6641 and corpus.report.extra["dialogues_read"] == 6641
    assert set(corpus.labels) == {"분노", "기쁨", "불안", "당황", "상처", "슬픔"}
    assert len({u.labels for u in corpus.utterances}) == 60  # (대분류, 소분류) pairs
    assert sum(1 for d in corpus.dialogues if d.context == ()) == 6641
    assert max(len(d.context) for d in corpus.dialogues) == 4


def test_keti_multi_turn_counts(shared_file):
    corpus = data.load_keti_multi_turn(shared_file("keti_multi_turn/keti_multi_turn.csv"))
    assert corpus.report.rows_read == 55628
    assert corpus.report.extra["dialogues_read"] == 10000
    assert set(corpus.labels) == {"중립", "놀람", "분노", "슬픔", "행복", "혐오", "공포"}


def test_chatbot_data_counts(shared_file):
    corpus = data.load_chatbot_data(shared_file("chatbot_data/ChatbotData.csv"))
    assert corpus.report.rows_read == 11823 and len(corpus.dialogues) == 11823
    assert set(corpus.labels) == {"0", "1", "2"}


@pytest.mark.parametrize("name", ["val.tsv", "test.tsv"])
def test_kote_counts(name, shared_file):
    corpus = data.load_kote(shared_file(f"kote/{name}"))
    assert corpus.report.rows_read == 5000 and corpus.report.malformed == 0
    assert len({label for u in corpus.utterances for label in u.labels}) == 44
    assert any('"' in u.text for u in corpus.utterances)  # QUOTE_NONE keeps the quotes


def test_load_any_recognises_the_real_files(shared_data_dir):
    expected = {
        "wellness/wellness_dialog_dataset.csv": "wellness",
        "kote/val.tsv": "kote",
        "chatbot_data/ChatbotData.csv": "chatbot_data",
    }
    for relative, name in expected.items():
        assert data.load_any(shared_data_dir / relative).name == name


def test_every_emotion_has_examples_after_the_taxonomy(wellness, shared_file):
    taxonomy = Taxonomy.default()
    emotional = data.load_emotional_dialogue(shared_file("emotional_dialogue/emotional_dialogue_validation.csv"))
    counts = taxonomy.map_corpus(wellness).label_counts() + taxonomy.map_corpus(emotional).label_counts()
    assert set(counts) == set(EMOTIONS)
    assert counts["우울"] > 1000  # the wellness depression categories and 감성대화's depressed sub-labels
    splits = split_dataset(taxonomy.map_corpus(wellness).utterances, seed=42)
    assert {u.label for u in splits.test} == set(EMOTIONS)
