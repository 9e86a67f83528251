"""Fixture-file writers for the data tests: every format the loaders read, written into tmp_path."""

import csv
import io
import json

import pytest


def _write_delimited(path, header, rows, encoding="utf-8", delimiter=","):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _write_xlsx(path, header, rows):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    workbook.save(path)
    return path


def _write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _writer(directory):
    def write(name, header, rows, encoding="utf-8"):
        path = directory / name
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            return _write_xlsx(path, header, rows)
        if suffix == ".jsonl":
            return _write_jsonl(path, [dict(zip(header, row, strict=True)) for row in rows])
        return _write_delimited(path, header, rows, encoding, "," if suffix == ".csv" else "\t")

    return write


@pytest.fixture
def write_file(tmp_path):
    """write_file(name, header, rows, encoding='utf-8') → path; the suffix picks csv / tsv / xlsx / jsonl."""
    return _writer(tmp_path)


@pytest.fixture(scope="module")
def write_module_file(tmp_path_factory):
    """`write_file` into a folder the tests of one module share: inputs they only read, written once."""
    return _writer(tmp_path_factory.mktemp("module_inputs"))


WELLNESS_HEADER = ["구분", "유저", "챗봇"]
WELLNESS_ROWS = [
    ["감정/우울감", "요즘 너무 우울해요.", "많이 힘드셨겠어요."],
    ["감정/우울감", " 아무것도 하기 싫어요. ", "천천히 쉬어도 괜찮아요. "],
    ["감정/우울감", "기분이 계속 가라앉아요.", ""],
    ["감정/우울감", "기분이 계속 가라앉아요.", ""],  # exact duplicate row
    ["감정/우울감", "   ", ""],  # empty after stripping
    ["감정/불안감", "불안해서 잠이 안 와요.", "걱정이 많으시군요."],
    ["감정/불안감", "가슴이 두근거려요.", ""],
    ["일반대화", "안녕하세요.", ""],  # a category without replies
]
EMOTIONAL_ROWS = [
    [
        "1",
        "청년",
        "남성",
        "진로",
        "해당없음",
        "불안",
        "두려운",
        "발표가 걱정돼.",
        "어떤 점이 걱정돼요?",
        "실수할까 봐.",
        "준비한 만큼 잘할 거예요.",
        "고마워.",
        "응원할게요.",
    ],
    [
        "2",
        "노년",
        "여성",
        "가족",
        "해당없음",
        "슬픔",
        "우울한",
        "요즘 우울해.",
        "무슨 일 있으셨어요?",
        "혼자라서 외로워.",
        "",
        "",
        "",
    ],  # turn 2 has no system answer: dialogue ends there
    ["3", "청소년", "남성", "학교", "해당없음", " 기쁨 ", "신이 난", "시험을 잘 봤어!", "축하해요!", "", "", "", ""],
]


@pytest.fixture
def wellness_rows():
    return WELLNESS_HEADER, [list(row) for row in WELLNESS_ROWS]


@pytest.fixture
def emotional_rows(make_emotional_dialogue_header):
    return make_emotional_dialogue_header(), [list(row) for row in EMOTIONAL_ROWS]
