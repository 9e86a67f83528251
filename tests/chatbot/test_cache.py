"""The offline engine's build cache: entries named by their inputs, built once even when two builders ask at once."""

import threading
import time

from chatbot import cache


def test_two_builders_of_one_entry_build_it_once(tmp_path, monkeypatch):
    monkeypatch.setenv("MAEUMCHAT_CACHE", str(tmp_path))
    builds: list[str] = []
    started = threading.Event()

    def build(directory):
        builds.append(threading.current_thread().name)
        started.set()
        time.sleep(0.3)  # long enough for the second builder to arrive while the first one writes
        directory.mkdir(parents=True)
        (directory / "weights.txt").write_text("built", encoding="utf-8")

    found: dict[str, object] = {}

    def ask(name):
        found[name] = cache.cached_directory("toy", {"bank": "v1"}, build)

    first = threading.Thread(target=ask, args=("first",), name="first")
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=ask, args=("second",), name="second")
    second.start()
    first.join(10)
    second.join(10)

    assert builds == ["first"]  # the second waited for the first build instead of building again
    assert found["first"] == found["second"]
    assert (found["first"] / "weights.txt").read_text(encoding="utf-8") == "built"


def test_another_key_is_another_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("MAEUMCHAT_CACHE", str(tmp_path))
    built = []

    def build(directory):
        built.append(directory)
        directory.mkdir(parents=True)

    one = cache.cached_directory("toy", {"bank": "v1"}, build)
    again = cache.cached_directory("toy", {"bank": "v1"}, build)
    other = cache.cached_directory("toy", {"bank": "v2"}, build)
    assert one == again and one != other
    assert len(built) == 2


def test_an_entry_is_cached_once_complete(tmp_path, monkeypatch):
    monkeypatch.setenv("MAEUMCHAT_CACHE", str(tmp_path))
    assert not cache.is_cached("toy", {"bank": "v1"})
    cache.cached_directory("toy", {"bank": "v1"}, lambda directory: directory.mkdir(parents=True))
    assert cache.is_cached("toy", {"bank": "v1"}) and not cache.is_cached("toy", {"bank": "v2"})
