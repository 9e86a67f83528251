"""Records are frozen value objects; importing the data package does no work and pulls no heavy library."""

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from data import Corpus, DialogueExample, LoadReport, Utterance

REPO = Path(__file__).resolve().parents[2]


def test_records_are_frozen_and_hashable():
    utterance = Utterance("안녕", "일상", "demo")
    with pytest.raises(dataclasses.FrozenInstanceError):
        utterance.label = "기쁨"
    dialogue = DialogueExample(("a", "b"), "c", "d", None, "toy")
    assert len({utterance, Utterance("안녕", "일상", "demo")}) == 1 and hash(dialogue)
    assert utterance.labels == () and dialogue.labels == ()


def test_corpus_helpers_and_report_as_dict():
    report = LoadReport(rows_read=3, kept=2, conflicting={"싫어": {"분노", "혐오"}})
    corpus = Corpus("toy", None, [Utterance("a", "x", "toy"), Utterance("b", None, "toy")], [], report)
    assert corpus.labels == ["x"] and corpus.label_counts() == {"x": 1, None: 1}
    assert report.as_dict()["conflicting"] == {"싫어": ["분노", "혐오"]}
    assert "utterances=2" in repr(corpus)


def test_import_is_lazy_and_light():
    code = (
        "import sys, data; assert 'data.loaders' not in sys.modules; "
        "from data import load_any, Taxonomy, split_dataset, load_demo; "
        "heavy = {'openpyxl', 'pandas', 'sklearn', 'torch'} & set(sys.modules); assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
