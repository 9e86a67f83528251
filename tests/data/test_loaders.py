"""Loaders on small fixture files written into tmp_path: every format, encoding and bad-input path."""

import pytest

from data import (
    DataError,
    DialogueExample,
    Utterance,
    load_any,
    load_chatbot_data,
    load_emotional_dialogue,
    load_keti_multi_turn,
    load_keti_single_turn,
    load_kote,
    load_nsmc,
    load_table,
    load_wellness,
)


# ------------------------------------------------------------------------------------------------- wellness
def test_wellness_pairs_every_utterance_with_its_category_replies(write_file, wellness_rows):
    corpus = load_wellness(write_file("wellness.csv", *wellness_rows))
    report = corpus.report
    assert report.rows_read == 8
    assert report.dropped_duplicates == 1 and report.dropped_empty == 1
    assert report.extra == {"categories": 3, "reply_rows": 3, "categories_with_replies": 2}
    assert [u.text for u in corpus.utterances] == [
        "요즘 너무 우울해요.",
        "아무것도 하기 싫어요.",
        "기분이 계속 가라앉아요.",
        "불안해서 잠이 안 와요.",
        "가슴이 두근거려요.",
        "안녕하세요.",
    ]
    assert {u.label for u in corpus.utterances} == {"감정/우울감", "감정/불안감", "일반대화"}
    assert all(u.source == "wellness" for u in corpus.utterances)
    # 3 우울감 utterances × 2 replies + 2 불안감 utterances × 1 reply; 일반대화 has no reply → no pair
    assert len(corpus.dialogues) == 3 * 2 + 2 * 1 == report.dialogues
    pairs = {(d.message, d.reply) for d in corpus.dialogues}
    assert ("기분이 계속 가라앉아요.", "천천히 쉬어도 괜찮아요.") in pairs  # reply stripped, paired across rows
    assert ("가슴이 두근거려요.", "걱정이 많으시군요.") in pairs
    assert not any(d.message == "안녕하세요." for d in corpus.dialogues)
    assert all(d.context == () and d.label in ("감정/우울감", "감정/불안감") for d in corpus.dialogues)


def test_wellness_xlsx_equals_csv(write_file, wellness_rows):
    from_csv = load_wellness(write_file("wellness.csv", *wellness_rows))
    from_xlsx = load_wellness(write_file("wellness.xlsx", *wellness_rows))
    assert from_xlsx.utterances == from_csv.utterances
    assert from_xlsx.dialogues == from_csv.dialogues
    assert from_xlsx.report.encoding is None and from_csv.report.encoding == "utf-8"


# ------------------------------------------------------------------------------------------------- 감성대화
def test_emotional_dialogue_turns_context_and_labels(write_file, emotional_rows):
    corpus = load_emotional_dialogue(write_file("emotional.csv", *emotional_rows))
    assert corpus.report.rows_read == 3 and corpus.report.extra["dialogues_read"] == 3
    assert Utterance("혼자라서 외로워.", "슬픔", "emotional_dialogue", ("슬픔", "우울한")) in corpus.utterances
    assert len(corpus.utterances) == 3 + 2 + 1
    assert {u.label for u in corpus.utterances} == {"불안", "슬픔", "기쁨"}  # ' 기쁨 ' stripped
    first = [d for d in corpus.dialogues if d.labels == ("불안", "두려운")]
    turn_1 = ("발표가 걱정돼.", "어떤 점이 걱정돼요?")
    assert [d.context for d in first] == [(), turn_1, (*turn_1, "실수할까 봐.", "준비한 만큼 잘할 거예요.")]
    assert [d.reply for d in first] == ["어떤 점이 걱정돼요?", "준비한 만큼 잘할 거예요.", "응원할게요."]
    sad = [d for d in corpus.dialogues if d.label == "슬픔"]
    assert sad == [
        DialogueExample((), "요즘 우울해.", "무슨 일 있으셨어요?", "슬픔", "emotional_dialogue", ("슬픔", "우울한"))
    ]
    assert len(corpus.dialogues) == 3 + 1 + 1


def test_emotional_dialogue_training_form_with_four_turns_xlsx(write_file, make_emotional_dialogue_header):
    header = make_emotional_dialogue_header(turns=4, system="시스템응답")
    row = ["1", "청년", "여성", "연애", "해당없음", "상처", "배신당한", "h1", "s1", "h2", "s2", "h3", "s3", "h4", "s4"]
    corpus = load_emotional_dialogue(write_file("training.xlsx", header, [row]))
    assert [d.message for d in corpus.dialogues] == ["h1", "h2", "h3", "h4"]
    assert corpus.dialogues[-1].context == ("h1", "s1", "h2", "s2", "h3", "s3")


# ----------------------------------------------------------------------------------------------------- KETI
def test_keti_single_turn_duplicates_and_conflicts_reported(write_file):
    rows = [
        ["행복해요", "행복"],
        [" 행복해요 ", "행복"],
        ["무서워", "공포"],
        ["무서워", "놀람"],
        ["", "중립"],
        ["그렇구나", "중립"],
    ]
    corpus = load_keti_single_turn(write_file("keti.csv", ["Sentence", "Emotion"], rows))
    report = corpus.report
    assert (report.rows_read, report.kept, report.dropped_duplicates, report.dropped_empty) == (6, 4, 1, 1)
    assert report.conflicting == {"무서워": {"공포", "놀람"}}  # kept once per label, reported
    assert sorted(u.label for u in corpus.utterances if u.text == "무서워") == ["공포", "놀람"]
    assert corpus.labels == ["공포", "놀람", "중립", "행복"]


def test_keti_multi_turn_dialogues_start_at_S(write_file):
    rows = [
        ["S", "안녕", "중립"],
        ["", "무슨 일이야?", "중립"],
        ["", "화가 나!", "분노"],
        ["", "", "중립"],
        ["S", "비가 온다", "중립"],
        ["", "우산 있어?", ""],
    ]
    corpus = load_keti_multi_turn(write_file("multi.csv", ["dialog #", "발화", "감정"], rows))
    assert corpus.report.extra == {"dialogues_read": 2, "unlabelled": 1}
    assert corpus.report.dropped_empty == 1
    assert [u.text for u in corpus.utterances] == ["안녕", "무슨 일이야?", "화가 나!", "비가 온다"]
    assert [(d.context, d.message, d.reply, d.label) for d in corpus.dialogues] == [
        ((), "안녕", "무슨 일이야?", "중립"),
        (("안녕",), "무슨 일이야?", "화가 나!", "중립"),
        ((), "비가 온다", "우산 있어?", "중립"),
    ]


# ----------------------------------------------------------------------------------------- ChatbotData, KOTE, NSMC
def test_chatbot_data(write_file):
    rows = [["12시 땡!", "하루가 또 가네요.", "0"], ["헤어졌어", "힘내세요.", "1"], ["헤어졌어", "힘내세요.", "1"]]
    corpus = load_chatbot_data(write_file("ChatbotData.csv", ["Q", "A", "label"], rows))
    assert [(u.text, u.label) for u in corpus.utterances] == [("12시 땡!", "0"), ("헤어졌어", "1")]
    assert corpus.report.dropped_duplicates == 1 and corpus.report.dropped_duplicate_dialogues == 1
    assert corpus.dialogues[1] == DialogueExample((), "헤어졌어", "힘내세요.", "1", "chatbot_data")


def test_kote_quote_none_labels_and_malformed_rows(tmp_path):
    (tmp_path / "labels.txt").write_text("불평/불만\n환영/호의\n감동/감탄\n", encoding="utf-8")
    lines = [
        '1\t"진짜" 감동이에요\t1,2',
        "2\t별로네요\t0",
        "3\t형식이 잘못된 줄",
        "4\t라벨이 이상함\tx,y",
        "5\t범위 밖\t7",
    ]
    path = tmp_path / "val.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="skipped 3 malformed"):
        corpus = load_kote(path)
    assert corpus.report.rows_read == 5 and corpus.report.malformed == 3
    assert corpus.utterances[0] == Utterance('"진짜" 감동이에요', None, "kote", ("환영/호의", "감동/감탄"))
    assert corpus.utterances[1].labels == ("불평/불만",)
    assert "line 3" in corpus.report.warnings[0] and "row 4" in corpus.report.warnings[0]


def test_kote_without_label_names_uses_indices_and_explicit_missing_labels_file_errors(tmp_path):
    path = tmp_path / "val.tsv"
    path.write_text("1\t좋아요\t3,1\n", encoding="utf-8")
    assert load_kote(path).utterances[0].labels == ("1", "3")
    with pytest.raises(DataError, match="names.txt: file not found"):
        load_kote(path, labels_path=tmp_path / "names.txt")


def test_nsmc_keeps_its_own_labels(write_file):
    rows = [["1", "재밌다", "1"], ["2", "", "0"], ["3", "별로", "0"], ["4", "이상한 라벨", "5"]]
    with pytest.warns(UserWarning, match="malformed"):
        corpus = load_nsmc(write_file("ratings_test.txt", ["id", "document", "label"], rows))
    assert [(u.text, u.label) for u in corpus.utterances] == [("재밌다", "1"), ("별로", "0")]
    assert (corpus.report.dropped_empty, corpus.report.malformed) == (1, 1)


# --------------------------------------------------------------------------------------------- generic tables
@pytest.mark.parametrize("name", ["mine.csv", "mine.tsv", "mine.jsonl", "mine.xlsx"])
def test_load_table_every_format(write_file, name):
    rows = [["오늘 기분 최고", "기쁨", "좋은 일이 있었군요!"], ["짜증나", "분노", ""]]
    corpus = load_table(write_file(name, ["문장", "감정", "답변"], rows), "문장", "감정", "답변")
    assert [(u.text, u.label) for u in corpus.utterances] == [("오늘 기분 최고", "기쁨"), ("짜증나", "분노")]
    assert corpus.dialogues == [DialogueExample((), "오늘 기분 최고", "좋은 일이 있었군요!", "기쁨", "table")]


def test_load_table_without_label(write_file):
    corpus = load_table(write_file("plain.csv", ["text"], [["하나"], ["둘"]]), "text")
    assert [u.label for u in corpus.utterances] == [None, None] and corpus.dialogues == []


# ------------------------------------------------------------------------------------------------- encodings
@pytest.mark.parametrize("encoding,detected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "cp949")])
def test_encodings_detected(write_file, wellness_rows, encoding, detected):
    corpus = load_wellness(write_file(f"wellness_{encoding}.csv", *wellness_rows, encoding=encoding))
    assert corpus.report.encoding == detected
    assert corpus.utterances[0].text == "요즘 너무 우울해요."
    assert corpus.utterances[0].label == "감정/우울감"  # the BOM does not end up in the first column name


def test_undecodable_bytes_name_file_and_line(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes("Sentence,Emotion\n좋아,행복\n".encode() + b"\xff\xfe\xff\xff,\xc0\n")
    with pytest.raises(DataError, match=r"broken\.csv: line 3 .*undecodable byte .*UTF-8.*cp949"):
        load_keti_single_turn(path)


# ----------------------------------------------------------------------------------------------- bad input
def test_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        load_wellness(tmp_path / "nope.csv")


def test_unknown_format(tmp_path):
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    with pytest.raises(DataError, match=r"data\.parquet: unknown format '\.parquet'; expected one of"):
        load_any(path)


def test_missing_column_is_named(write_file):
    path = write_file("wellness.csv", ["구분", "유저"], [["감정/우울감", "우울해"]])
    with pytest.raises(DataError, match=r"wellness\.csv: missing column '챗봇'"):
        load_wellness(path)
    with pytest.raises(DataError, match=r"missing column 'reply'"):
        load_table(path, "유저", "구분", "reply")


def test_broken_xlsx(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(DataError, match=r"fake\.xlsx: cannot open as an Excel workbook"):
        load_wellness(path)


def test_malformed_csv_rows_skipped_counted_and_warned(tmp_path):
    path = tmp_path / "keti.csv"
    path.write_text("Sentence,Emotion\n좋아,행복\n너무,많은,필드\n싫어,혐오\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"keti\.csv: skipped 1 malformed row\(s\) of 3 — line 3: 3 fields"):
        corpus = load_keti_single_turn(path)
    assert corpus.report.malformed == 1 and [u.text for u in corpus.utterances] == ["좋아", "싫어"]


def test_malformed_jsonl_line(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text('{"text": "하나", "label": "기쁨"}\n{broken\n[1, 2]\n', encoding="utf-8")
    with pytest.warns(UserWarning, match="skipped 2 malformed"):
        corpus = load_table(path, "text", "label")
    assert [u.text for u in corpus.utterances] == ["하나"]


def test_inputs_are_never_modified(write_file, wellness_rows):
    path = write_file("wellness.csv", *wellness_rows, encoding="cp949")
    before = path.read_bytes()
    load_any(path)
    assert path.read_bytes() == before


# ------------------------------------------------------------------------------------------------- load_any
def test_load_any_recognises_every_format(tmp_path, write_file, wellness_rows, emotional_rows):
    (tmp_path / "kote.tsv").write_text("1\t좋아\t0,3\n", encoding="utf-8")
    files = {
        "wellness": write_file("a.xlsx", *wellness_rows),
        "emotional_dialogue": write_file("b.csv", *emotional_rows),
        "keti_single_turn": write_file("c.csv", ["Sentence", "Emotion"], [["좋아", "행복"]]),
        "keti_multi_turn": write_file("d.csv", ["dialog #", "발화", "감정"], [["S", "안녕", "중립"]]),
        "chatbot_data": write_file("e.csv", ["Q", "A", "label"], [["안녕", "반가워요", "0"]]),
        "nsmc": write_file("f.txt", ["id", "document", "label"], [["1", "재밌다", "1"]]),
        "kote": tmp_path / "kote.tsv",
        "table": write_file("g.jsonl", ["text", "emotion", "reply"], [["안녕", "일상", "반가워요"]]),
    }
    for name, path in files.items():
        corpus = load_any(path)
        assert corpus.name == name, path
        assert corpus.utterances, path
    table = load_any(files["table"])
    assert table.utterances[0].label == "일상" and table.dialogues[0].reply == "반가워요"


def test_load_any_unrecognised_columns(write_file):
    with pytest.raises(DataError, match=r"x\.csv: unrecognised columns \['a', 'b'\]"):
        load_any(write_file("x.csv", ["a", "b"], [["1", "2"]]))


@pytest.mark.parametrize(
    "name", ["wellness", "emotional_dialogue", "keti_multi_turn", "keti_single_turn", "chatbot_data", "nsmc"]
)
def test_a_format_is_recognised_and_read_by_the_same_columns(write_file, name):
    """detect_format and the loader read one declaration: its columns are enough to be recognised, and the
    loader names each of them when it is missing."""
    from data.loaders import FORMATS, detect_format

    required = list(FORMATS[name].required_columns)
    extra = ["시스템문장1"] if name == "emotional_dialogue" else []  # its answers: one of two spellings
    suffix = ".txt" if name == "nsmc" else ".csv"
    complete = write_file(f"{name}{suffix}", required + extra, [["1"] * len(required + extra)])
    assert detect_format(complete) == name
    assert FORMATS[name].load(complete).name == name
    for column in required:
        path = write_file(f"without{suffix}", [c for c in required if c != column] + extra, [["1"] * len(required)])
        with pytest.raises(DataError, match=rf"without\{suffix}: missing column '{column}'"):
            FORMATS[name].load(path)
