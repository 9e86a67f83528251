"""Corrupt or hostile inputs become a DataError naming the file, never a raw traceback, a hang or a MemoryError;
labels that mean the same are read the same (or warned about, naming the file and column)."""

import csv
import os
import threading
import warnings
import zipfile

import pytest

from data import DataError, load_any, load_chatbot_data, load_table
from data.loaders import detect_format

LOADERS = [load_any, detect_format, lambda path: load_table(path, "text", "label")]


@pytest.fixture(scope="module")
def half_cut_xlsx(write_module_file):
    """A workbook cut half-way, written once for the tests that read it (openpyxl takes a while)."""
    good = write_module_file("good.xlsx", ["text", "label"], [[f"문장 {i}", "기쁨"] for i in range(2000)])
    cut = good.with_name("cut.xlsx")
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(cut, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # a valid zip whose sheet XML stops half-way
            target.writestr(item, data)
    return cut


@pytest.mark.parametrize(
    "name",
    [
        "load_any",
        "load_wellness",
        "load_emotional_dialogue",
        "load_keti_single_turn",
        "load_keti_multi_turn",
        "load_chatbot_data",
        "load_nsmc",
    ],
)
def test_a_half_cut_sheet_is_a_data_error_naming_the_file(half_cut_xlsx, name):
    import data

    with pytest.raises(DataError, match=r"cut\.xlsx: the workbook is damaged .*ParseError.*save it as CSV"):
        getattr(data, name)(half_cut_xlsx)


def test_a_half_cut_sheet_stops_a_trainer_and_the_offline_engine_with_one_line(tmp_path, half_cut_xlsx, capsys):
    from chatbot import Chatbot
    from classifier import train
    from data.cli import run_cli

    cut = half_cut_xlsx
    argv = ["--backend", "light", "--train_file", str(cut), "--output_dir", str(tmp_path / "m")]
    assert run_cli(train.main, argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {cut}: the workbook is damaged")
    with pytest.raises(DataError, match=r"cut\.xlsx"):
        Chatbot.offline(data_files=[cut], checkpoints_dir=tmp_path)  # what app.py --data does at start-up


def test_json_nested_100000_deep_is_a_data_error(tmp_path):
    array = tmp_path / "deep.json"
    array.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(DataError, match=r"deep\.json: JSON nested too deeply"):
        load_any(array)
    lines = tmp_path / "deep.jsonl"
    lines.write_text(
        '{"text": "안녕", "label": "기쁨"}\n{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8"
    )
    with pytest.warns(UserWarning, match=r"deep\.jsonl: skipped 1 malformed row.*nested too deeply"):
        corpus = load_any(lines)
    assert [u.text for u in corpus.utterances] == ["안녕"]


def test_a_fifo_named_csv_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opening it for reading blocks until a writer comes: it must never be opened
    done = threading.Event()

    def writer():  # should a loader open it after all, feed it after a while: the test then fails, not hangs
        while not done.wait(2):
            try:
                handle = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader waiting: nothing opened it
                continue
            os.write(handle, b"text,label\n")
            os.close(handle)

    threading.Thread(target=writer, daemon=True).start()
    try:
        for loader in LOADERS:
            with pytest.raises(DataError, match=r"pipe\.csv: is a FIFO"):
                loader(fifo)
    finally:
        done.set()


def test_a_symlink_to_dev_zero_is_refused_without_reading(tmp_path):
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    for loader in LOADERS:
        with pytest.raises(DataError, match=r"zero\.csv: is a device"):
            loader(link)


def test_reads_are_bounded(tmp_path, monkeypatch):
    import data.tables

    big = tmp_path / "big.csv"
    big.write_text("text,label\n" + "가,기쁨\n" * 100, encoding="utf-8")
    monkeypatch.setattr(data.tables, "MAX_FILE_BYTES", 64)
    with pytest.raises(DataError, match=r"big\.csv: .*GiB"):
        load_any(big)


def test_csv_cells_over_131072_characters_load_like_jsonl(tmp_path):
    long_text = "가나다라마바사" * 30_000  # 210,000 characters, over csv's default field limit
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["text", "label"], [long_text, "기쁨"], ["짧은 문장", "슬픔"]])
    corpus = load_any(path)
    assert [len(u.text) for u in corpus.utterances] == [len(long_text), 5]
    assert csv.field_size_limit() >= 2**31 - 1


@pytest.mark.parametrize(
    "raw, label",
    [
        ("1", "1"),
        ("1.0", "1"),
        ("01", "1"),
        ("+1", "1"),
        ("1.00", "1"),
        ("1.5", "1.5"),
        ("True", "True"),
        ("true", "True"),
        ("FALSE", "False"),
        ("NaN", None),
        ("nan", None),
        ("null", None),
        ("N/A", None),
        ("", None),
        ("2024-01-05 00:00:00", "2024-01-05"),
        ("기\x00쁨", "기쁨"),
        (" 분노 ", "분노"),
    ],
)
def test_label_spellings(raw, label):
    from data.cleaning import normalize_label

    assert normalize_label(raw)[0] == label


def test_label_surprises_are_normalised_and_warned_naming_file_and_column(tmp_path, write_file):
    spellings = ["1", "1.0", "01", "True", "NaN", "2024-01-05", "2\x00", "0"]  # only the label differs per row
    rows = [[f"질문 {number}", "답", label] for number, label in enumerate(spellings, 1)]
    path = write_file("chat.csv", ["Q", "A", "label"], rows)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_chatbot_data(path)
    assert corpus.labels == ["0", "1", "2", "2024-01-05", "True"]  # the eight spellings, as five labels and NaN
    assert corpus.label_counts()["1"] == 3 and corpus.report.malformed == 1  # NaN: no label
    messages = [str(w.message) for w in caught]
    for expected in ("numbers written in another form", "true/false", "missing-value", "dates", "control characters"):
        assert any("chat.csv: column 'label'" in m and expected in m for m in messages), (expected, messages)
    assert all(expected in " ".join(corpus.report.warnings) for expected in ("true/false", "dates"))


def test_xlsx_numbers_booleans_and_dates_read_like_csv(tmp_path, write_file):
    import datetime

    path = write_file(
        "labels.xlsx", ["text", "label"], [["가", 1], ["나", 1.0], ["다", True], ["라", datetime.datetime(2024, 1, 5)]]
    )
    with pytest.warns(UserWarning, match="labels.xlsx: column 'label'"):
        corpus = load_any(path)
    assert [u.label for u in corpus.utterances] == ["1", "1", "True", "2024-01-05"]


def test_training_cuts_texts_to_the_chat_length(tmp_path):
    """One 1 MB sentence must not make a fit take minutes: training reads as much of it as chat would."""
    from classifier.data_prep import load_labelled
    from data.records import MAX_TEXT_CHARS

    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerow(["아" * 1_000_000, "슬픔"])
        writer.writerows([[f"좋아 {i}", "기쁨"] for i in range(5)])
    with pytest.warns(UserWarning, match=f"1 text\\(s\\) longer than {MAX_TEXT_CHARS} characters were cut"):
        data = load_labelled([path], label_set="original")
    assert max(map(len, data.texts)) == MAX_TEXT_CHARS
