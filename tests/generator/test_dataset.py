"""Training-data builder: sources, emotion tags, reply-grouped splits, tag dropping, batching."""

from collections import Counter

import pytest

from generator.dataset import (
    GenerationExample,
    build_examples,
    collate,
    drop_tags,
    encode_examples,
    find_corpus_files,
    load_dialogues,
    split_examples,
)
from generator.formatting import TurnFormatter
from training.batches import LengthGroupedBatches


def test_examples_from_the_three_corpora(fixture_data_dir):
    files = find_corpus_files(fixture_data_dir)
    assert [f.parent.name for f in files] == ["wellness", "emotional_dialogue", "chatbot_data"]
    examples = build_examples(load_dialogues(files))
    by_source = Counter(e.source for e in examples)
    assert by_source == {"wellness": 2 * 6 * 2, "emotional_dialogue": 12 * 2, "chatbot_data": 30}
    tags = {(e.source, e.message): e.emotion for e in examples}
    assert tags[("wellness", "요즘 너무 우울해 0번째 말이에요")] == "우울"
    assert tags[("chatbot_data", "질문 0 오늘 뭐 할까")] == "일상"  # label 0 → 일상
    assert tags[("chatbot_data", "질문 2 오늘 뭐 할까")] is None  # label 2 is not mapped → `none`
    assert tags[("emotional_dialogue", "0번 이야기: 오늘 회사에서 일이 있었어.")] == "불안"
    second_turn = next(e for e in examples if e.message == "0번 이야기: 상사가 나를 불렀어.")
    assert second_turn.context == ("0번 이야기: 오늘 회사에서 일이 있었어.", "0번 답: 무슨 일이 있었나요?")
    assert second_turn.turns[-1] == second_turn.message


def test_splits_are_deterministic_and_no_test_reply_is_trained_on(fixture_data_dir):
    examples = build_examples(load_dialogues(find_corpus_files(fixture_data_dir)))
    train, validation, test = split_examples(examples, seed=1, validation=0.2, test=0.2)
    assert len(train) + len(validation) + len(test) == len(examples) and test and validation
    assert not {e.reply for e in test} & {e.reply for e in train + validation}
    again = split_examples(list(reversed(examples)), seed=1, validation=0.2, test=0.2)
    assert sorted(map(repr, again.test)) == sorted(map(repr, test))


def test_drop_tags_fraction_is_deterministic():
    examples = [GenerationExample((), f"m{i}", "기쁨", f"r{i}", "demo") for i in range(1000)]
    dropped = drop_tags(examples, 0.2, seed=3)
    share = sum(e.emotion is None for e in dropped) / len(dropped)
    assert 0.15 < share < 0.25 and dropped == drop_tags(examples, 0.2, seed=3)
    assert all(e.emotion == "기쁨" for e in drop_tags(examples, 0.0))
    with pytest.raises(ValueError, match="none_fraction"):
        drop_tags(examples, 1.5)


def test_length_grouped_batches_cover_everything_once_with_little_padding():
    import random

    lengths = [random.Random(i).randint(5, 200) for i in range(1000)]
    sampler = LengthGroupedBatches(lengths, batch_size=16, seed=0, mega_batch_factor=10)
    batches = list(sampler)
    assert len(batches) == len(sampler) == 63
    assert sorted(i for b in batches for i in b) == list(range(1000))
    padding = sum(max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in batches)
    shuffled = list(range(1000))
    random.Random(0).shuffle(shuffled)
    naive = [shuffled[i : i + 16] for i in range(0, 1000, 16)]
    naive_padding = sum(max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in naive)
    assert padding < naive_padding / 4
    sampler.set_epoch(1)
    assert list(sampler) != batches


def test_collate_pads_right_and_masks_labels(gpt2_tokenizer):
    formatter = TurnFormatter(gpt2_tokenizer)
    examples = [
        GenerationExample((), "안녕", "기쁨", "반가워요.", "demo"),
        GenerationExample(("예전 이야기", "네."), "오늘은 조금 긴 메시지를 보내 볼게요", None, "좋아요.", "demo"),
    ]
    features = encode_examples(formatter, examples, max_seq_len=64, progress=False)
    batch = collate(features, gpt2_tokenizer.pad_token_id)
    short, long = (len(f["input_ids"]) for f in features)
    assert batch["input_ids"].shape == (2, max(short, long))
    assert batch["attention_mask"][0].sum() == short
    assert (batch["input_ids"][0, short:] == gpt2_tokenizer.pad_token_id).all()
    assert (batch["labels"][0, short:] == -100).all()
    assert batch["labels"][0, short - 1] == gpt2_tokenizer.eos_token_id


def test_bad_inputs_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a directory"):
        find_corpus_files(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="--data_files"):
        find_corpus_files(tmp_path)
    utterances_only = tmp_path / "sentences.csv"
    utterances_only.write_text("Sentence,Emotion\n좋아,행복\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sentences.csv"):
        load_dialogues([utterances_only])


@pytest.mark.slow
def test_real_corpora(shared_data_dir, gpt2_tokenizer):
    examples = build_examples(load_dialogues(find_corpus_files(shared_data_dir)))
    sources = Counter(e.source for e in examples)
    assert set(sources) == {"wellness", "emotional_dialogue", "chatbot_data"} and len(examples) > 30000
    assert {e.emotion for e in examples} <= {"일상", "기쁨", "분노", "불안", "슬픔", "우울", None}
    assert max(len(e.context) for e in examples if e.source == "emotional_dialogue") == 4  # turn 3 sees turns 1–2
    train, validation, test = split_examples(examples)
    assert not {e.reply for e in test} & {e.reply for e in train}
    features = encode_examples(TurnFormatter(gpt2_tokenizer), test[:500], max_seq_len=128, progress=False)
    assert max(len(f["input_ids"]) for f in features) <= 128
