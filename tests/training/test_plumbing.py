"""training: one no-decay rule for both models, one bf16 choice, one resume state, one set of trainer flags."""

import argparse
import json

import pytest
import torch

from training.arguments import SIZED_BY_TRAINER, add_training_arguments, with_current_names
from training.device import autocast, use_bf16
from training.optim import Schedule, decay_groups, optimizer_and_scheduler
from training.resume import Progress, load_resume_state, resume_dir, save_resume_state


def trainer_args(*argv: str) -> argparse.Namespace:
    """The flags both trainers share, parsed as a trainer parses them (defaults for all not given)."""
    return add_training_arguments(argparse.ArgumentParser(), model_dir="m", output_dir="o").parse_args(list(argv))


def tiny_bert():
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    return BertForSequenceClassification(
        BertConfig(
            vocab_size=50,
            hidden_size=16,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=32,
            num_labels=3,
        )
    )


def tiny_gpt2():
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    return GPT2LMHeadModel(GPT2Config(vocab_size=50, n_embd=16, n_layer=1, n_head=2, n_positions=32))


@pytest.mark.parametrize("make, norm_names", [(tiny_bert, ("LayerNorm.",)), (tiny_gpt2, (".ln_", "ln_f."))])
def test_no_decay_on_biases_and_norms_only_for_both_models(make, norm_names):
    model = make()
    names = {id(p): n for n, p in model.named_parameters()}
    decayed, exempt = decay_groups(model, 0.01)
    assert (decayed["weight_decay"], exempt["weight_decay"]) == (0.01, 0.0)
    exempt_names = {names[id(p)] for p in exempt["params"]}
    assert exempt_names == {n for n in names.values() if n.endswith("bias") or any(k in n for k in norm_names)}
    assert exempt_names and len(decayed["params"]) + len(exempt["params"]) == len(names)  # each parameter once
    assert any(
        n.endswith(("word_embeddings.weight", "wte.weight")) for n in (names[id(p)] for p in decayed["params"])
    )  # embeddings decay, as every weight matrix


def test_bf16_is_chosen_in_one_place():
    cpu = torch.device("cpu")
    assert not use_bf16(cpu) and use_bf16(cpu, cpu=True) and not use_bf16(torch.device("meta"), cpu=True)
    if torch.cuda.is_available():
        assert use_bf16(torch.device("cuda")) == torch.cuda.is_bf16_supported()
    with autocast(cpu, True):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.bfloat16
    with autocast(cpu, False):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32


def test_schedule_counts_optimizer_steps_and_stops_at_max_train_steps():
    args = trainer_args("--gradient_accumulation_steps", "2", "--num_train_epochs", "3")
    assert Schedule.of(10, args) == Schedule(steps_per_epoch=5, total_steps=15, epochs=3)
    assert Schedule.of(10, args, processes=2) == Schedule(steps_per_epoch=3, total_steps=9, epochs=3)
    args.max_train_steps = 7
    assert Schedule.of(10, args) == Schedule(steps_per_epoch=5, total_steps=7, epochs=2)


def test_progress_keeps_the_best_epoch_either_way():
    higher = Progress()
    assert [
        higher.finish_epoch({"epoch": e}, s, higher_is_better=True) for e, s in ((1, 0.5), (2, 0.4), (3, 0.6))
    ] == [True, False, True]
    assert (higher.best, higher.best_epoch, higher.bad_epochs, higher.epoch) == (0.6, 3, 0, 3)
    lower = Progress()
    assert [
        lower.finish_epoch({"epoch": e}, s, higher_is_better=False) for e, s in ((1, 2.0), (2, 2.5), (3, 2.2))
    ] == [True, False, False]
    assert (lower.best, lower.best_epoch, lower.bad_epochs) == (2.0, 1, 2) and len(lower.history) == 3


def test_resume_state_restores_optimizer_scheduler_rng_and_progress(tmp_path):
    args = trainer_args(
        "--num_train_epochs", "2", "--learning_rate", "1e-3", "--warmup_ratio", "0.1", "--lr_scheduler_type", "cosine"
    )

    def run(model, optimizer, scheduler, steps):
        model.train()  # dropout draws from the RNG the state restores
        for _ in range(steps):
            loss = model(input_ids=torch.randint(0, 50, (2, 5)), labels=torch.tensor([0, 1])).loss
            loss.backward()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()

    schedule = Schedule.of(4, args)
    model = tiny_bert()
    optimizer, scheduler = optimizer_and_scheduler(model, args, schedule)
    run(model, optimizer, scheduler, 4)
    progress = Progress(epoch=1, step=4, best=0.5, best_epoch=1, history=[{"epoch": 1}])
    state = save_resume_state(resume_dir(tmp_path / "out"), model, optimizer, scheduler, progress)
    assert state == tmp_path / "out-resume" and json.loads((state / "trainer_state.json").read_text())["step"] == 4
    run(model, optimizer, scheduler, 4)  # the uninterrupted run
    expected = {n: p.detach().clone() for n, p in model.named_parameters()}

    from transformers import BertForSequenceClassification

    resumed = BertForSequenceClassification.from_pretrained(state)
    optimizer, scheduler = optimizer_and_scheduler(resumed, args, schedule)
    assert load_resume_state(state, optimizer, scheduler) == progress
    run(resumed, optimizer, scheduler, 4)
    assert all(torch.equal(p, expected[n]) for n, p in resumed.named_parameters())


def test_a_resume_state_of_another_layout_is_refused_clearly(tmp_path):
    args = trainer_args(
        "--num_train_epochs", "1", "--learning_rate", "1e-3", "--warmup_ratio", "0", "--weight_decay", "0"
    )
    model = tiny_bert()
    optimizer, scheduler = optimizer_and_scheduler(model, args, Schedule.of(1, args))
    state = save_resume_state(tmp_path / "x-resume", model, optimizer, scheduler, Progress())
    saved = json.loads((state / "trainer_state.json").read_text())
    (state / "trainer_state.json").write_text(json.dumps({**saved, "epochs_done": 1}))
    with pytest.raises(ValueError, match="trainer_state.json: not a state this version wrote .*epochs_done"):
        load_resume_state(state, optimizer, scheduler)


def test_both_trainers_share_their_flags_and_accept_the_old_names(tmp_path):
    from classifier import train as classifier_train
    from generator import train as generator_train

    shared = argparse.ArgumentParser()
    add_training_arguments(shared, model_dir="m", output_dir="o")
    names = set(vars(shared.parse_args([])))
    clf = vars(classifier_train.parse_args(["--train_file", "x.csv", "--validation", "0.2", "--test", "0.3"]))
    gen = vars(generator_train.parse_args(["--data_dir", str(tmp_path), "--validation", "0.2", "--test", "0.3"]))
    assert names <= set(clf) and names <= set(gen)
    assert all(clf[name] is not None and gen[name] is not None for name in SIZED_BY_TRAINER)  # each sets its own
    assert (clf["validation_split"], clf["test_split"]) == (gen["validation_split"], gen["test_split"]) == (0.2, 0.3)
    assert "--validation " not in shared.format_help()  # the old names work but are not shown
    assert with_current_names({"validation": 0.2, "test": 0.3, "seed": 1}) == {
        "validation_split": 0.2,
        "test_split": 0.3,
        "seed": 1,
    }
