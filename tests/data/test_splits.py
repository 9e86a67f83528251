"""split_dataset: stratified, deterministic from the seed, and no sentence in two splits."""

from collections import Counter

import pytest

from data import DataError, DialogueExample, Utterance, split_dataset


def _items():
    items = [
        Utterance(f"문장 {label} {i}", label, "toy")
        for label, n in (("가", 100), ("나", 50), ("다", 10))
        for i in range(n)
    ]
    # the same sentence in different spacing / width and with two labels: one group, one split
    items += [
        Utterance("같은  문장", "가", "toy"),
        Utterance(" 같은 문장 ", "나", "toy"),
        Utterance("같은 문장", "가", "toy"),
        Utterance("ＡＢＣ 문장", "다", "toy"),
        Utterance("abc 문장", "다", "toy"),
    ]
    return items


def test_no_normalised_text_in_two_splits():
    splits = split_dataset(_items(), seed=1)
    from data.text import dedupe_key

    seen = [{dedupe_key(u.text) for u in part} for part in splits]
    assert not (seen[0] & seen[1]) and not (seen[0] & seen[2]) and not (seen[1] & seen[2])
    assert sum(splits.sizes().values()) == len(_items())


def test_stratified_per_label():
    _, validation, test = split_dataset(_items(), seed=3, validation=0.1, test=0.2)
    for part, fraction in ((validation, 0.1), (test, 0.2)):
        counts = Counter(u.label for u in part if not u.text.replace(" ", "").startswith(("같은", "ＡＢＣ", "abc")))
        assert abs(counts["가"] - 100 * fraction) <= 2
        assert abs(counts["나"] - 50 * fraction) <= 2
        assert abs(counts["다"] - 10 * fraction) <= 1


def test_deterministic_from_seed_and_independent_of_order():
    items = _items()
    first = split_dataset(items, seed=7)
    assert split_dataset(items, seed=7) == first
    reordered = split_dataset(list(reversed(items)), seed=7)
    assert {u.text for u in reordered.test} == {u.text for u in first.test}
    assert {u.text for u in split_dataset(items, seed=8).test} != {u.text for u in first.test}


def test_single_item_labels_stay_in_train():
    items = [Utterance("혼자", "희귀", "toy")] + [Utterance(f"s{i}", "흔함", "toy") for i in range(20)]
    assert Utterance("혼자", "희귀", "toy") in split_dataset(items).train


def test_dialogue_examples_grouped_by_message():
    dialogues = [
        DialogueExample((), f"메시지 {i % 30}", f"답 {i}", "기쁨" if i % 2 else "슬픔", "toy") for i in range(120)
    ]
    splits = split_dataset(dialogues, seed=0)
    messages = [{d.message for d in part} for part in splits]
    assert not (messages[0] & messages[1] | messages[0] & messages[2] | messages[1] & messages[2])
    assert splits.validation and splits.test


@pytest.mark.parametrize("validation,test", [(-0.1, 0.1), (0.5, 0.5), (0.1, 1.0)])
def test_bad_fractions(validation, test):
    with pytest.raises(DataError, match="split_dataset"):
        split_dataset(_items(), validation=validation, test=test)
