"""Training and evaluation on a researcher's own corpus: what a fresh-user trial found (corpus8).

Corpus validation (LABELS.md §2/§4) with FILE:LINE and the record id, UTF-16/32 corpus
files, the MAX_MESSAGE_CHARS cap in every evaluation path, cross-validation groups on
the screener's normalised text and augmented copies, and report polish.
"""

from __future__ import annotations

import codecs
import json

import pytest

from wxscreen import MAX_MESSAGE_CHARS, CorpusFormatError, Flag, Label, ModelInfo, Screening
from wxscreen._cli import build_parser, main
from wxscreen.training import (
    EvalReport,
    LabelledMessage,
    _crossval,
    cross_validate,
    evaluate,
    load_corpus,
    near_duplicate_groups,
    train,
)

OK = '{"id":"ok","text":"好的","label":"other"}'
SCAM = "请把验证码发给我"


def _load_one(tmp_path, row: str):
    """Load a file whose line 2 is ``row`` (line 1 a valid record)."""
    p = tmp_path / "mine.jsonl"
    p.write_text(OK + "\n" + row + "\n", "utf-8")
    return p, lambda: load_corpus(p)


def _row(**kw) -> str:
    base = {"id": "a", "text": SCAM, "label": "possible_scam"}
    return json.dumps({**base, **kw}, ensure_ascii=False)


# ---------------------------------------------------------------- 1. corpus validation


@pytest.mark.parametrize(
    ("flag", "pattern"),
    [
        ({"kind": "threat", "detail": "verification_code", "start": 2, "end": 5},
         r"flag kind 'threat' has no detail 'verification_code' \(LABELS\.md §2: one of contacts_blast"),
        ({"kind": "personal_data_request", "detail": "verifcation_code", "start": 2, "end": 5},
         r"flag kind 'personal_data_request' has no detail 'verifcation_code'"),
    ],
)
def test_a_detail_of_another_kind_or_none_is_refused_with_file_line_and_id(tmp_path, flag, pattern):
    p, load = _load_one(tmp_path, _row(flags=[flag]))
    with pytest.raises(CorpusFormatError, match=r"mine\.jsonl:2: record 'a': flags\.0: " + pattern) as e:
        load()
    assert e.value.line == 2 and e.value.path == str(p)


def test_detail_table_matches_the_shipped_corpus_and_detectors(corpus):
    from typing import get_args

    from wxscreen._models import FlagKind
    from wxscreen.detectors import default_detectors
    from wxscreen.training._corpus import FLAG_DETAILS

    assert set(FLAG_DETAILS) == set(get_args(FlagKind))
    used = {(f.kind, f.detail) for r in corpus["fit"] + corpus["test"] for f in r.flags}
    assert used == {(k, d) for k, ds in FLAG_DETAILS.items() for d in ds}
    for det in default_detectors():
        for pat in det.patterns:
            assert pat.detail in FLAG_DETAILS[det.kind], (det.kind, pat.detail)


def test_a_flag_without_its_span_is_refused(tmp_path):
    _, load = _load_one(tmp_path, _row(flags=[{"kind": "personal_data_request", "detail": "verification_code"}]))
    with pytest.raises(CorpusFormatError, match=r"mine\.jsonl:2: record 'a': flags\.0: .*no 'start' and no 'end'"):
        load()
    _, load = _load_one(
        tmp_path, _row(flags=[{"kind": "personal_data_request", "detail": "verification_code", "start": 2}])
    )
    with pytest.raises(CorpusFormatError, match=r"has no 'end'"):
        load()


def test_a_raw_batch_flag_with_evidence_is_resolved_as_build_corpus_does(tmp_path):
    text = "验证码发我，对，验证码发我"
    flags = [
        {"kind": "personal_data_request", "detail": "verification_code", "evidence": "验证码发我"},
        {"kind": "personal_data_request", "detail": "verification_code", "evidence": "验证码发我", "occurrence": 2},
    ]
    _, load = _load_one(tmp_path, _row(text=text, flags=flags))
    r = load()[1]
    assert [(f.start, f.end) for f in r.flags] == [(0, 5), (8, 13)]
    assert all(text[f.start : f.end] == "验证码发我" for f in r.flags)
    _, load = _load_one(tmp_path, _row(flags=[{**flags[0], "evidence": "身份证"}]))
    with pytest.raises(CorpusFormatError, match=r"mine\.jsonl:2: record 'a': flags\.0: evidence '身份证' .*not in the text"):
        load()


def test_raw_authoring_batches_still_load_with_their_spans():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "corpus_src"
    recs = load_corpus(root / "dev" / "dev_a.jsonl")
    flagged = [r for r in recs if r.flags]
    assert flagged and all(f.start is not None and r.text[f.start : f.end] == f.model_extra["evidence"]
                           for r in flagged for f in r.flags)


@pytest.mark.parametrize("start, end", [("2", "5"), (2.0, 5), (True, 5)])
def test_span_offsets_must_be_json_integers(tmp_path, start, end):
    flag = {"kind": "personal_data_request", "detail": "verification_code", "start": start, "end": end}
    _, load = _load_one(tmp_path, _row(flags=[flag]))
    with pytest.raises(CorpusFormatError, match=r"mine\.jsonl:2: record 'a': flags\.0\.start: must be an integer"):
        load()


def test_a_row_with_both_label_and_expect_is_ambiguous(tmp_path):
    _, load = _load_one(tmp_path, _row(expect=["other"]))
    with pytest.raises(CorpusFormatError, match=r"mine\.jsonl:2: record 'a': record has both 'label' and 'expect'"):
        load()


def test_a_reversed_span_says_reversed(tmp_path):
    flag = {"kind": "personal_data_request", "detail": "verification_code", "start": 5, "end": 2}
    _, load = _load_one(tmp_path, _row(flags=[flag]))
    with pytest.raises(CorpusFormatError, match=r"flags\.0: flag span 5\.\.2 is reversed") as e:
        load()
    assert "outside" not in str(e.value)
    flag = {"kind": "personal_data_request", "detail": "verification_code", "start": 2, "end": 50}
    _, load = _load_one(tmp_path, _row(flags=[flag]))
    with pytest.raises(CorpusFormatError, match=r"flag span 2\.\.50 outside text of 8 characters"):
        load()


@pytest.mark.parametrize(("row", "got"), [("[1, 2]", "list"), ('"text"', "string"), ("5", "integer"), ("null", "null")])
def test_a_row_that_is_no_object_says_what_it_is(tmp_path, row, got):
    _, load = _load_one(tmp_path, row)
    with pytest.raises(CorpusFormatError) as e:
        load()
    assert str(e.value).endswith(f"mine.jsonl:2: expected a JSON object, got {got}")
    assert "LabelledMessage" not in str(e.value) and ": :" not in str(e.value)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('{"id":"a","text":"好的"}', "record 'a': missing field 'label' (or an 'expect' list of acceptable labels)"),
        ('{"id":"a","label":"other"}', "record 'a': missing field 'text'"),
        ('{"text":"好的","label":"other"}', "missing field 'id'"),
        ('{"id":"a","text":"好的","expect":[]}', "record 'a': 'expect' is empty"),
        ('{"id":5,"text":"好的","label":"other"}', "record 5: id: must be a string, got integer 5"),
    ],
)
def test_missing_and_mistyped_fields_are_named(tmp_path, row, message):
    _, load = _load_one(tmp_path, row)
    with pytest.raises(CorpusFormatError) as e:
        load()
    assert str(e.value).startswith(f"{tmp_path / 'mine.jsonl'}:2: {message}")
    assert e.value.line == 2 and "Value error" not in str(e.value)


def test_an_empty_training_file_says_no_records(tmp_path, capsys):
    with pytest.raises(ValueError, match="no records"):
        train([])
    empty = tmp_path / "train.jsonl"
    empty.write_text("\n", "utf-8")
    assert main(["train", str(empty), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "no records" in err and "two labels" not in err
    with pytest.raises(ValueError, match="no records"):
        cross_validate([], k=2)


# ---------------------------------------------------------------- 2. UTF-16 / UTF-32 corpus files


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"])
def test_a_corpus_file_with_a_byte_order_mark_is_decoded(tmp_path, encoding):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE,
           "utf-32-be": codecs.BOM_UTF32_BE, "utf-8": codecs.BOM_UTF8}[encoding]
    body = OK + "\r\n" + _row() + "\r\n"
    p = tmp_path / "notepad.jsonl"
    p.write_bytes(bom + body.encode(encoding))
    recs = load_corpus(p)
    assert [(r.id, r.text) for r in recs] == [("ok", "好的"), ("a", SCAM)]


# ---------------------------------------------------------------- 3. the MAX_MESSAGE_CHARS cap

INFO = ModelInfo(wxscreen_version="0", model_id="stub", trained_on="0")


class _Bundle:
    """Records the lengths the "before calibration" path is given."""

    classes = [lab.value for lab in Label]
    metadata: dict = {}

    def __init__(self):
        self.seen: list[int] = []

    def transform(self, texts, hidden=None):
        self.seen += [len(t) for t in texts]
        return texts

    def decision_function(self, X):
        import numpy as np

        return np.zeros((len(X), len(self.classes)))


class _CapScreener:
    """Screens as classify() does with respect to length: only the first MAX_MESSAGE_CHARS characters."""

    def __init__(self):
        self.bundle = _Bundle()

    def classify_many(self, texts):
        out = []
        for t in texts:
            cut = len(t) > MAX_MESSAGE_CHARS
            ev = "13812345678"
            flags = [Flag(kind="unofficial_transfer", detail="personal_account", start=4, end=4 + len(ev),
                          evidence=ev, rule="r", score=0.9)]
            scores = {lab.value: (0.8 if lab is Label.POSSIBLE_SCAM else 0.05) for lab in Label}
            out.append(Screening(label=Label.POSSIBLE_SCAM, scores=scores, flags=flags, reasons=["stub"],
                                 model=INFO, truncated=cut))
        return out


def test_evaluation_reads_a_huge_record_as_classify_screened_it():
    huge = "转账到卡13812345678。" + "好" * (2 * MAX_MESSAGE_CHARS)
    recs = [LabelledMessage(id="big", text=huge, label="other"), LabelledMessage(id="s", text="好的", label="other")]
    s = _CapScreener()
    rep = evaluate(s, recs)
    assert max(s.bundle.seen) <= MAX_MESSAGE_CHARS  # the uncalibrated path no longer tokenises 200,000 characters
    big = next(e for e in rep.errors if e.id == "big")
    assert big.truncated and len(big.text) == MAX_MESSAGE_CHARS and big.text.startswith("转账到卡1381")
    small = next(e for e in rep.errors if e.id == "s")
    assert not small.truncated and small.text == "好的"


def test_error_rows_carry_flag_spans_with_masked_evidence(tmp_path):
    rep = evaluate(_CapScreener(), [LabelledMessage(id="1", text="转账到卡13812345678", label="other")])
    [f] = rep.errors[0].flags
    assert (f.kind, f.detail, f.start, f.end) == ("unofficial_transfer", "personal_account", 4, 15)
    assert "13812345678" not in f.evidence and f.evidence.startswith("1381")
    row = json.loads(rep.errors[0].model_dump_json())
    assert set(row["flags"][0]) == {"kind", "detail", "start", "end", "evidence"} and row["truncated"] is False


# ---------------------------------------------------------------- 4. cross-validation groups


def test_groups_compare_texts_as_the_screener_reads_them():
    simplified = "您好请把验证码发给我我们马上帮您办理减免手续"
    traditional = "您好請把驗證碼發給我我們馬上幫您辦理減免手續"
    hidden = "您\u200b好请\u200d把验证码发给我我们马上帮您办理减免手续"
    assert near_duplicate_groups([simplified, traditional, hidden, "别的事情"]) == [0, 0, 0, 3]
    assert near_duplicate_groups(["ABCDEFGHIJKLMNOP", "abcdefghijklmnop"]) == [0, 0]


def test_augmented_copies_stay_in_their_sources_fold(monkeypatch):
    import wxscreen._screener

    recs = []
    for lab in ("possible_scam", "other"):
        for i in range(6):
            recs.append(LabelledMessage(id=f"{lab}-{i}", text=f"{lab}原文{i}", label=lab, source="written"))
            recs.append(LabelledMessage(id=f"{lab}-{i}-aug", text=f"完全不同的改写{lab}{i}", label=lab,
                                        source=f"augmented:{lab}-{i}"))
    folds: list[set[str]] = []

    def fake_evaluate(screener, records, source=None):
        folds.append({r.id for r in records})
        return EvalReport(n=len(records))

    monkeypatch.setattr(_crossval, "train", lambda records, seed=0: None)
    monkeypatch.setattr(_crossval, "evaluate", fake_evaluate)
    monkeypatch.setattr(wxscreen._screener, "Screener", lambda bundle: None)
    for seed in range(4):
        folds.clear()
        cross_validate(recs, k=3, seed=seed)
        assert sorted(i for f in folds for i in f) == sorted(r.id for r in recs)
        for f in folds:
            for r in recs:
                if r.source.startswith("augmented:"):
                    assert (r.id in f) == (r.source.removeprefix("augmented:") in f), (seed, r.id)


# ---------------------------------------------------------------- 5. report polish


def test_text_report_shows_a_dash_for_a_label_nobody_has():
    rep = evaluate(_CapScreener(), [LabelledMessage(id="1", text="x", label="possible_scam")])
    line: dict[str, str] = {}
    for ln in rep.to_text().splitlines():  # the per-label table comes before the confusion matrix
        if ln.split():
            line.setdefault(ln.split()[0], ln)
    assert line["negotiation_offer"].split()[1:] == ["—", "—", "—", "0"]
    assert line["possible_scam"].split()[1:] == ["1.000", "1.000", "1.000", "1"]
    md = rep.to_markdown()
    assert "| negotiation_offer | — | — | — | 0 |" in md


def test_train_cli_documents_a_single_file():
    sub = next(a for a in build_parser()._actions if a.dest == "cmd")
    text = sub.choices["train"].format_help()
    assert "one JSONL file" in " ".join(text.split())
