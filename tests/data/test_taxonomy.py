"""The six-emotion taxonomy: documented default mapping, user overrides, and corpora mapped through it."""

import json
from pathlib import Path

import pytest

from data import EMOTIONS, Corpus, DataError, DialogueExample, LoadReport, Taxonomy, Utterance, load_demo


@pytest.fixture(scope="module")
def taxonomy():
    return Taxonomy.default()


def test_default_labels_are_the_six_emotions(taxonomy):
    assert EMOTIONS == ("일상", "기쁨", "분노", "불안", "슬픔", "우울")
    assert taxonomy.labels == list(EMOTIONS)


# source → [corpus label (a [major, minor] pair for 감성대화), the emotion it maps to (null: dropped)]: what
# data/README.md documents, written down once more to check data/taxonomy.json against
DOCUMENTED = json.loads((Path(__file__).parent / "documented_mapping.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "source,label,emotion",
    [
        (source, tuple(label) if isinstance(label, list) else label, emotion)
        for source, rows in DOCUMENTED.items()
        for label, emotion in rows
    ],
)
def test_documented_mapping(taxonomy, source, label, emotion):
    assert taxonomy.map(source, label) == emotion


def test_every_target_is_one_of_the_six(taxonomy):
    for source, spec in taxonomy.sources.items():
        pair_targets = [t for minors in spec.get("pairs", {}).values() for t in minors.values()]
        targets = list(spec["map"].values()) + pair_targets
        assert set(targets) <= set(EMOTIONS) | {None}, source


def test_map_corpus_maps_drops_and_keeps_the_original_label(taxonomy):
    utterances = [
        Utterance("무서워", "공포", "keti_single_turn"),
        Utterance("깜짝이야", "놀람", "keti_single_turn"),
        Utterance("싫다", "혐오", "keti_single_turn"),
        Utterance("싫다", "분노", "keti_single_turn"),
    ]
    dialogues = [DialogueExample((), "요즘 우울해", "힘드셨겠어요", "슬픔", "emotional_dialogue", ("슬픔", "우울한"))]
    corpus = Corpus("keti_single_turn", None, utterances, dialogues, LoadReport(kept=4, dialogues=1))
    mapped = taxonomy.map_corpus(corpus)
    assert mapped.utterances == [
        Utterance("무서워", "불안", "keti_single_turn", ("공포",)),
        Utterance("싫다", "분노", "keti_single_turn", ("혐오",)),
    ]
    assert mapped.report.extra == {"unmapped_utterances": 1, "unmapped_dialogues": 0, "merged_after_mapping": 1}
    assert mapped.dialogues[0].label == "우울" and mapped.dialogues[0].labels == ("슬픔", "우울한")
    assert taxonomy.map_record(dialogues[0]) == "우울" and taxonomy.map_record(utterances[1]) is None
    assert taxonomy.counts(corpus) == {"불안": 1, "분노": 2, None: 1}
    assert corpus.utterances[0].label == "공포"  # the input corpus is untouched


def test_override_file_extending_the_default(tmp_path, taxonomy):
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps(
            {
                "extends": "default",
                "sources": {
                    "keti": {"map": {"놀람": "불안"}},
                    "emotional_dialogue": {"pairs": {"슬픔": {"비통한": "우울"}}},
                },
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    mine = Taxonomy.from_json(path)
    assert mine.map("keti_single_turn", "놀람") == "불안"
    assert mine.map("keti_single_turn", "중립") == "일상"  # the rest of the default stays
    assert mine.map("emotional_dialogue", ("슬픔", "비통한")) == "우울"
    assert mine.map("emotional_dialogue", ("슬픔", "우울한")) == "우울"
    assert taxonomy.map("keti_single_turn", "놀람") is None  # the default is not changed


def test_a_whole_other_label_set(tmp_path):
    path = tmp_path / "binary.json"
    path.write_text(
        json.dumps(
            {"labels": ["긍정", "부정"], "sources": {"keti": {"map": {"행복": "긍정", "분노": "부정"}}}},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    binary = Taxonomy.from_json(path)
    assert binary.labels == ["긍정", "부정"]
    assert binary.map("keti_single_turn", "행복") == "긍정"  # aliases are optional: source name used as is
    round_trip = tmp_path / "again.json"
    binary.to_json(round_trip)
    assert Taxonomy.from_json(round_trip).map("keti", "분노") == "부정"


@pytest.mark.parametrize(
    "document,message",
    [
        (
            {"labels": ["a"], "sources": {"s": {"map": {"x": "b"}}}},
            r"sources\.s\.map\.x maps to 'b'; expected one of a",
        ),
        ({"labels": ["a"]}, "missing key 'sources'"),
        ({"extends": "mine", "sources": {}}, "'extends' is 'mine'"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_taxonomy_files(tmp_path, document, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataError, match=rf"bad\.json: .*{message}"):
        Taxonomy.from_json(path)


def test_missing_and_invalid_json(tmp_path):
    with pytest.raises(DataError, match="none.json: file not found"):
        Taxonomy.from_json(tmp_path / "none.json")
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(DataError, match="broken.json: not valid UTF-8 JSON"):
        Taxonomy.from_json(path)


def test_demo_corpus_maps_to_itself(taxonomy):
    demo = load_demo()
    assert taxonomy.map_corpus(demo).utterances == [
        Utterance(u.text, u.label, u.source, (u.label,)) for u in demo.utterances
    ]
