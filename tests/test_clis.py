"""Every command-line tool fails the same way: one `error: …` line on stderr that says what is wrong and what to
do, exit code 2, the traceback only with --debug. Its --help documents every option. Model names that look like
paths never reach the hub."""

import argparse
import ast
import csv
import functools
import importlib
import os
import socket
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from data.cli import run_cli

REPO = Path(__file__).resolve().parents[1]


def run(tmp_path, *argv, **env):
    """`python argv…` in tmp_path (so checkpoints/… are missing there) with the repository importable."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        **env,
    }
    return subprocess.run(
        [sys.executable, *argv], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def labelled_csv(tmp_path):
    path = tmp_path / "labels.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [["text", "label"]]
            + [[f"좋아 {i}", "기쁨"] for i in range(20)]
            + [[f"싫어 {i}", "분노"] for i in range(20)]
        )
    return path


@pytest.fixture
def light_model_dir(tmp_path, labelled_csv) -> Path:
    """A light classifier trained on `labelled_csv`."""
    from classifier import train

    train.main(
        [
            "--backend",
            "light",
            "--train_file",
            str(labelled_csv),
            "--label_set",
            "original",
            "--output_dir",
            str(tmp_path / "light"),
        ]
    )
    return tmp_path / "light"


@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


CASES = {  # name → (argv, what the one line must say)
    "data": (["-m", "data", "summary", "missing.csv"], "missing.csv: file not found"),
    "classifier.train": (
        ["-m", "classifier.train", "--backend", "light", "--train_file", "missing.csv"],
        "--train_file missing.csv: file not found",
    ),
    "classifier.train kobert": (
        ["-m", "classifier.train", "--train_file", "labels.csv", "--model_dir", "checkpoints/kobert"],
        "--model_dir checkpoints/kobert: no such directory",
    ),
    "classifier.evaluate": (
        ["-m", "classifier.evaluate", "--test_file", "labels.csv"],
        "--model_dir checkpoints/classifier: no trained classifier there — train one with",
    ),
    "classifier.predict": (
        ["-m", "classifier.predict", "오늘 너무 행복해요"],
        "--model_dir checkpoints/classifier: no trained classifier there — train one with",
    ),
    "generator.train": (["-m", "generator.train", "--data_dir", "missing"], "--data_dir missing: not a directory"),
    "generator.evaluate": (
        ["-m", "generator.evaluate", "--model_dir", "checkpoints/generator"],
        "--model_dir checkpoints/generator: no such directory",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_cli_fails_with_one_line_and_exit_code_2(tmp_path, labelled_csv, name):
    argv, expected = CASES[name]
    result = run(tmp_path, *argv)
    assert result.returncode == 2, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], result.stderr[-3000:]


def test_app_on_a_busy_port_says_to_use_another_before_loading_anything(tmp_path, busy_port):
    result = run(tmp_path, str(REPO / "app.py"), "--port", str(busy_port))
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("INFO")]
    assert result.returncode == 2 and len(lines) == 1, result.stderr[-3000:]
    assert lines[0].startswith(f"error: port {busy_port} on 127.0.0.1 is in use") and "--port" in lines[0]
    assert "engine" not in result.stdout  # failed before the chatbot was built


def test_debug_shows_the_traceback(tmp_path):
    result = run(tmp_path, "-m", "classifier.predict", "안녕", "--debug")
    assert result.returncode == 2 and "Traceback (most recent call last)" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: --model_dir checkpoints/classifier")


def test_run_all_reports_a_failing_benchmark_with_exit_code_2(monkeypatch, capsys):
    from bench import run_all

    monkeypatch.setattr(run_all, "BENCHMARKS", ("bench.bench_that_does_not_exist",))
    assert run_cli(run_all.main, []) == 2
    err = capsys.readouterr().err
    assert "bench.bench_that_does_not_exist failed: ModuleNotFoundError: No module named" in err
    assert err.strip().splitlines()[-1].startswith("error: bench.bench_that_does_not_exist failed")


def test_unexpected_errors_name_their_type_and_point_at_debug(capsys):
    def main(argv):
        raise RuntimeError("boom\nsecond line")

    assert run_cli(main, []) == 2
    assert capsys.readouterr().err == "error: RuntimeError: boom second line  (add --debug for the traceback)\n"


# ------------------------------------------------------------------------------------------- model names
@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize(
    "name", ["checkpoints/generator", "./gen", "~/no-such-maeumchat-model", "a/b/c", "skt/kogpt2-base-v2"]
)
def test_load_responder_on_a_missing_local_path_fails_at_once_without_the_hub(tmp_path, monkeypatch, no_network, name):
    from generator import load_responder

    monkeypatch.chdir(tmp_path)
    (tmp_path / "skt").mkdir()  # an existing folder makes skt/… a local path
    with pytest.raises(FileNotFoundError, match="no trained generator there .* generator.train"):
        load_responder(name)
    assert not no_network


@pytest.mark.parametrize("name", ["checkpoints/classifier", "./clf", "runs/keti7", "a/b/c"])
def test_load_classifier_on_a_missing_local_path_fails_at_once_without_the_hub(
    tmp_path, monkeypatch, no_network, name
):
    from classifier import EmotionClassifier, load_classifier

    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="no trained classifier there .* classifier.train"):
        load_classifier(name)
    with pytest.raises(FileNotFoundError, match="no such directory"):
        EmotionClassifier.from_pretrained(name)
    assert not no_network


def test_long_text_on_a_light_model_is_one_clear_line(light_model_dir, labelled_csv, capsys):
    from classifier import evaluate, predict

    capsys.readouterr()
    for main, argv in ((predict.main, ["안녕"]), (evaluate.main, ["--test_file", str(labelled_csv)])):
        assert run_cli(main, [*argv, "--model_dir", str(light_model_dir), "--long_text", "window"]) == 2
        assert capsys.readouterr().err == (
            f"error: --long_text applies to KoBERT classifiers only; {light_model_dir} "
            f"is a light classifier (leave --long_text out)\n"
        )


def test_kobert_training_checks_every_path_before_reading_data(tmp_path, labelled_csv, monkeypatch):
    from classifier import train

    def never(*args, **kwargs):
        raise AssertionError("data was read before the paths were checked")

    monkeypatch.setattr(train, "load_labelled", never)
    monkeypatch.chdir(tmp_path)
    common = ["--train_file", str(labelled_csv), "--output_dir", str(tmp_path / "out")]
    for extra, message in (
        (["--model_dir", "checkpoints/kobert"], "--model_dir checkpoints/kobert: no such directory"),
        (["--validation_file", "nope.csv"], "--validation_file nope.csv: file not found"),
        (["--taxonomy", "nope.json"], "--taxonomy nope.json: file not found"),
        (["--data_dir", "nope"], "--data_dir nope: not a directory"),
        (["--resume", "--model_dir", str(tmp_path)], "--resume: .*trainer_state.json not found"),
    ):
        with pytest.raises(FileNotFoundError, match=message):
            train.main([*common, *extra])


def test_evaluate_shows_progress(light_model_dir, labelled_csv, capsys):
    from classifier import evaluate

    capsys.readouterr()
    evaluate.main(
        [
            "--model_dir",
            str(light_model_dir),
            "--test_file",
            str(labelled_csv),
            "--label_set",
            "original",
            "--split",
            "all",
            "--eval_batch_size",
            "8",
        ]
    )
    err = capsys.readouterr().err
    assert "predict" in err and "5/5" in err  # 40 sentences in batches of 8


# ------------------------------------------------------------------------------------------- --help
def parsers():
    import app
    from bench import run_all
    from classifier import evaluate as classifier_evaluate, predict, train as classifier_train
    from data.__main__ import build_parser
    from generator import evaluate as generator_evaluate, train as generator_train

    def capture(parse):
        """The parser a parse_args/main function builds (intercepted at parse time)."""
        seen = {}
        original = argparse.ArgumentParser.parse_args

        def grab(self, args=None, namespace=None):
            seen["parser"] = self
            raise SystemExit(0)

        argparse.ArgumentParser.parse_args = grab
        try:
            parse([])
        except SystemExit:
            pass
        finally:
            argparse.ArgumentParser.parse_args = original
        return seen["parser"]

    summary = build_parser()._subparsers._group_actions[0].choices["summary"]
    return {
        "data summary": summary,
        "classifier.train": capture(classifier_train.parse_args),
        "classifier.evaluate": capture(classifier_evaluate.parse_args),
        "classifier.predict": capture(predict.parse_args),
        "generator.train": capture(generator_train.parse_args),
        "generator.evaluate": capture(generator_evaluate.parse_args),
        "app.py": capture(app.parse_args),
        "bench.run_all": capture(run_all.main),
    }


def test_every_option_has_help_and_debug_is_everywhere():
    for name, parser in parsers().items():
        missing = [a.option_strings or a.dest for a in parser._actions if not a.help]
        assert not missing, (name, missing)
        assert "--debug" in parser.format_help(), name


def test_help_texts_have_no_stray_spaces_and_say_how_to_run_them():
    for name, parser in parsers().items():
        text = parser.format_help()
        assert "(default: None)" not in text and "(default: False)" not in text, name
        for line in (parser.description or "").splitlines():  # examples stay one per line
            assert "\\" not in line and "        --" not in line, (name, line)
    helps = {name: parser.format_help() for name, parser in parsers().items()}
    assert helps["bench.run_all"].startswith("usage: python -m bench.run_all")
    assert "--label_set six --output_dir checkpoints/classifier" in helps["classifier.train"]
    assert "--label_set original --output_dir checkpoints/classifier" not in helps["classifier.train"]
    assert "--backend {kobert,light}" in helps["classifier.train"] and "seconds on a CPU" in helps["classifier.train"]


# ------------------------------------------------------------------------------------------- exit codes
@functools.cache  # two parametrizations: the tree is parsed once
def cli_modules() -> tuple[str, ...]:
    """Every module with an `if __name__ == "__main__":` block, found in the source (a new CLI is covered too)."""
    paths = [path for path in REPO.glob("*/*.py") if (path.parent / "__init__.py").is_file()] + [REPO / "app.py"]
    found = []
    for path in sorted(paths):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(main_guard(node) for node in tree.body):
            found.append(".".join(path.relative_to(REPO).with_suffix("").parts))
    return tuple(found)


def main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in ('__name__ == "__main__"', "__name__ == '__main__'")


@pytest.mark.parametrize("module", cli_modules())  # results come from a function of their own, never from main()
def test_every_cli_main_returns_an_exit_code_that_reaches_the_shell(module):
    path = REPO / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    main = importlib.import_module(module).main
    assert typing.get_type_hints(main).get("return") is int, f"{path}: def main(argv=None) -> int, or command_main(…)"
    guard = next(node for node in tree.body if main_guard(node))
    exits = [f"{exit_}({call})" for exit_ in ("sys.exit", "raise SystemExit") for call in ("main()", "run_cli(main)")]
    assert [ast.unparse(statement) for statement in guard.body] in [[line] for line in exits], (
        f'{path}: `if __name__ == "__main__": sys.exit(main())`, or sys.exit(run_cli(main))'
    )


@pytest.mark.parametrize("module", cli_modules())
def test_every_cli_prints_its_help_and_exits_0(module, capsys):
    main = importlib.import_module(module).main
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: ")


def test_a_normal_run_returns_0(tmp_path, kobert_tokenizer_dir, capsys):
    from bench import hub_replica
    from chatbot import cache

    assert cache.main(["where"]) == 0
    assert capsys.readouterr().out.strip() == str(cache.cache_root())
    assert hub_replica.main(["--home", str(tmp_path), "--tokenizers_dir", str(kobert_tokenizer_dir.parent)]) == 0
    assert (tmp_path / "hub" / "models--skt--kobert-base-v1").is_dir()


@pytest.mark.parametrize(
    "module, argv, message",
    [
        ("classifier.train", [], "give --train_file FILE... and/or --data_dir DIR"),
        ("classifier.evaluate", [], "give --test_file FILE... and/or --data_dir DIR"),
        ("classifier.predict", [], "give sentences and/or --file FILE"),
        ("generator.train", [], "give --data_dir DIR and/or --data_files FILE..."),
    ],
)
def test_a_run_without_any_input_names_the_inputs_it_takes(module, argv, message, capsys):
    parse_args = importlib.import_module(module).parse_args
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv)
    assert exit_info.value.code == 2 and capsys.readouterr().err.rstrip().endswith(f"error: {message}")
