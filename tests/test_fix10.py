"""Training and corpus checks a fresh-user trial found (fix10).

Too few records of a label for the calibration folds, ``--out`` that is a file or
someone else's folder, an id repeated across FILE arguments of ``wxscreen eval``,
evidence that is not ``text[start:end]``, a flag on an empty text, and the section
of LABELS.md that lists the flag kinds.
"""

from __future__ import annotations

import json
import random

import pytest

from wxscreen import CorpusFormatError
from wxscreen._cli import main
from wxscreen.training import load_corpus, train
from wxscreen.training._train import MIN_RECORDS_PER_LABEL, missing_labels, too_few_records


def _write(path, rows) -> None:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")


def _rows(counts: dict[str, int], corpus) -> list[dict]:
    """Real training records: ``counts[label]`` of each label, with their gold flags."""
    rng = random.Random(10)
    by: dict[str, list] = {}
    for r in corpus["train"]:
        by.setdefault(r.label.value, []).append(r)
    return [
        json.loads(r.model_dump_json(exclude_none=True))
        for lab, n in counts.items()
        for r in rng.sample(by[lab], n)
    ]


SMALL = {"possible_scam": 20, "suspicious": 3, "negotiation_offer": 20, "collection_notice": 20, "other": 1}
# every label with enough records except two with none
PARTIAL = {"possible_scam": 15, "collection_notice": 15, "other": 15}


# -- 1. too few records of a label ------------------------------------------------------


def test_too_few_records_names_each_label_count_and_minimum():
    labels = ["other"] * 7 + ["suspicious"] * 3 + ["possible_scam"]
    msg = too_few_records(labels)
    assert msg is not None
    assert "at least 5" in msg and "suspicious has 3" in msg and "possible_scam has 1" in msg
    assert "other" not in msg.split(";")[1]  # 7 records: enough
    assert too_few_records(["other"] * 5 + ["suspicious"] * 5) is None
    assert MIN_RECORDS_PER_LABEL == 5
    assert missing_labels(["other", "suspicious"]) == ["possible_scam", "negotiation_offer", "collection_notice"]


def test_train_raises_a_named_value_error_before_fitting(corpus, tmp_path):
    p = tmp_path / "small.jsonl"
    _write(p, _rows(SMALL, corpus))
    with pytest.raises(ValueError, match=r"at least 5 .*suspicious has 3, other has 1") as e:
        train(load_corpus(p))
    assert "cross-validation" not in str(e.value)  # not scikit-learn's message


def test_cli_train_and_eval_train_dir_exit_2_with_the_counts(corpus, tmp_path, capsys):
    p = tmp_path / "small.jsonl"
    _write(p, _rows(SMALL, corpus))
    out = tmp_path / "m"
    assert main(["train", str(p), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "wxscreen train:" in err and "suspicious has 3" in err and "other has 1" in err and "at least 5" in err
    assert not out.exists()
    ev = tmp_path / "ev.jsonl"
    _write(ev, [{"id": "e1", "text": "好的", "label": "other"}])
    assert main(["eval", "--train-dir", str(p), str(ev)]) == 2
    err = capsys.readouterr().err
    assert "wxscreen eval --train-dir:" in err and "suspicious has 3" in err


def test_missing_label_trains_with_a_warning_into_a_previous_model_folder(corpus, tmp_path, capsys):
    p = tmp_path / "partial.jsonl"
    _write(p, _rows(PARTIAL, corpus))
    out = tmp_path / "model"
    out.mkdir()
    # a previous model folder (metadata.json + model.skops) may be overwritten
    (out / "metadata.json").write_text("{}", "utf-8")
    (out / "model.skops").write_bytes(b"old")
    assert main(["train", str(p), "--out", str(out)]) == 0
    cap = capsys.readouterr()
    assert "warning" in cap.err and "suspicious, negotiation_offer" in cap.err and "never predict" in cap.err
    assert "model written to" in cap.out
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    assert meta["label_counts"] == {"collection_notice": 15, "other": 15, "possible_scam": 15}
    assert (out / "model.skops").read_bytes() != b"old"


# -- 2. --out ------------------------------------------------------------------------------


def test_out_refuses_a_file_and_a_foreign_folder(corpus, tmp_path, capsys):
    p = tmp_path / "c.jsonl"
    _write(p, _rows(PARTIAL, corpus))
    f = tmp_path / "notes.txt"
    f.write_text("mine", "utf-8")
    assert main(["train", str(p), "--out", str(f)]) == 2
    err = capsys.readouterr().err
    assert "is a file" in err and "Errno" not in err
    assert f.read_text("utf-8") == "mine"
    d = tmp_path / "photos"
    d.mkdir()
    (d / "a.jpg").write_bytes(b"x")
    (d / "metadata.json").write_text("{}", "utf-8")  # half a model folder is not one
    assert main(["train", str(p), "--out", str(d)]) == 2
    err = capsys.readouterr().err
    assert "no wxscreen model folder" in err and "metadata.json + model.skops" in err
    assert sorted(x.name for x in d.iterdir()) == ["a.jpg", "metadata.json"]


def test_out_accepts_an_empty_folder(tmp_path):
    from wxscreen._cli import _out_problem

    (tmp_path / "empty").mkdir()
    assert _out_problem(str(tmp_path / "empty")) is None
    assert _out_problem(str(tmp_path / "new" / "deeper")) is None


# -- 3. an id used in two FILE arguments -----------------------------------------------


def test_eval_refuses_an_id_of_an_earlier_file(tmp_path, capsys):
    c1, c2 = tmp_path / "c1.jsonl", tmp_path / "c2.jsonl"
    _write(c1, [{"id": "v-001", "text": "好的", "label": "other"}, {"id": "v-002", "text": "收到", "label": "other"}])
    _write(c2, [{"id": "v-003", "text": "谢谢", "label": "other"}, {"id": "v-002", "text": "明白", "label": "other"}])
    assert main(["eval", str(c1), str(c2)]) == 1
    cap = capsys.readouterr()
    assert f"{c2}:2: record 'v-002': duplicate id (first at {c1}:2)" in cap.err
    assert cap.out == ""  # refused before any report


def test_eval_same_file_twice_is_reported_twice(tmp_path, capsys):
    c1 = tmp_path / "c1.jsonl"
    _write(c1, [{"id": "v-001", "text": "好的", "label": "other"}])
    assert main(["eval", "--format", "json", str(c1), str(c1)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


# -- 4. evidence and empty text --------------------------------------------------------


def _one(tmp_path, row: dict):
    p = tmp_path / "x.jsonl"
    _write(p, [row])
    return lambda: load_corpus(p)


def test_evidence_must_match_the_span(tmp_path):
    text = "请把验证码发给我"
    ok = {"kind": "personal_data_request", "detail": "verification_code", "start": 2, "end": 5, "evidence": "验证码"}
    assert _one(tmp_path, {"id": "a", "text": text, "label": "possible_scam", "flags": [ok]})()[0].flags[0].end == 5
    bad = {**ok, "evidence": "发给我"}
    load = _one(tmp_path, {"id": "a", "text": text, "label": "possible_scam", "flags": [bad]})
    with pytest.raises(CorpusFormatError, match=r"x\.jsonl:1: record 'a': flags\.0: evidence does not match "
                                                r"text\[start:end\]"):
        load()


def test_flag_on_an_empty_text_says_the_text_is_empty(tmp_path):
    flag = {"kind": "threat", "detail": "shaming", "start": 84, "end": 88}
    load = _one(tmp_path, {"id": "e", "text": "", "label": "suspicious", "flags": [flag]})
    with pytest.raises(CorpusFormatError, match=r"text is empty") as e:
        load()
    assert "outside text" not in str(e.value)


def test_label_flag_consistency_is_not_the_loaders_job(tmp_path):
    # a deliberate exception: an unofficial_transfer flag on a record labelled suspicious loads
    flag = {"kind": "unofficial_transfer", "detail": "qr_code", "start": 0, "end": 3}
    load = _one(tmp_path, {"id": "q", "text": "扫码付", "label": "suspicious", "flags": [flag]})
    assert load()[0].label.value == "suspicious"


# -- 5. the flag kinds are LABELS.md §2 ------------------------------------------------


def test_unknown_flag_kind_cites_section_2(tmp_path):
    flag = {"kind": "nope", "detail": "x", "start": 0, "end": 1}
    load = _one(tmp_path, {"id": "k", "text": "好的", "label": "other", "flags": [flag]})
    with pytest.raises(CorpusFormatError, match=r"LABELS\.md §2: one of personal_data_request") as e:
        load()
    assert "§3" not in str(e.value)
