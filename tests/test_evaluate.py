"""evaluate(): the arithmetic on a stub screener, agreement with scikit-learn, calibration, schema, plots."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from wxscreen import Flag, Label, ModelInfo, Screening
from wxscreen.training import EvalReport, LabelledMessage, evaluate, reliability

LABELS = [lab.value for lab in Label]
INFO = ModelInfo(wxscreen_version="0", model_id="stub", trained_on="0")


def _scores(top: str, p: float) -> dict[str, float]:
    rest = (1.0 - p) / 4
    return {lab: (p if lab == top else rest) for lab in LABELS}


class StubScreener:
    """Returns a fixed Screening per text: (label, top score, flags)."""

    def __init__(self, table):
        self.table = table

    def classify_many(self, texts):
        out = []
        for t in texts:
            label, p, flags = self.table[t]
            out.append(Screening(label=Label(label), scores=_scores(label, p), flags=flags, reasons=["stub"], model=INFO))
        return out


def _flag(kind, start, end):
    return Flag(kind=kind, detail="x", start=start, end=end, evidence="e", rule="r", score=1.0)


def _rec(i, text, label=None, flags=(), tags=(), expect=None, source_label=None):
    return LabelledMessage(
        id=str(i), text=text, label=label, flags=[dict(f) for f in flags], tags=list(tags), expect=expect,
        source_label=source_label,
    )


@pytest.fixture(scope="module")
def stub_report():
    table = {
        "a": ("possible_scam", 0.9, [_flag("unofficial_transfer", 0, 4), _flag("threat", 6, 8)]),
        "b": ("possible_scam", 0.8, [_flag("unofficial_transfer", 2, 5)]),
        "c": ("suspicious", 0.6, []),
        "d": ("other", 0.95, []),
        "e 电话13812345678": ("possible_scam", 0.7, []),
        "f": ("other", 0.9, []),
        "g": ("possible_scam", 0.9, []),
    }
    recs = [
        _rec(1, "a", "possible_scam", [{"kind": "unofficial_transfer", "detail": "personal_account", "start": 0, "end": 1}], ["obfuscated"]),
        _rec(2, "b", "possible_scam", [{"kind": "unofficial_transfer", "detail": "personal_account", "start": 0, "end": 1}]),
        _rec(3, "c", "possible_scam", [], ["obfuscated"]),
        _rec(4, "d", "other", [], ["hard_negative"]),
        _rec(5, "e 电话13812345678", "other", [], ["hard_negative"]),
        _rec(6, "f", expect=[Label.OTHER], source_label="normal"),
        _rec(7, "g", expect=[Label.OTHER, Label.SUSPICIOUS], source_label="normal"),
        _rec(8, "a", expect=[Label.POSSIBLE_SCAM], source_label="scam"),
    ]
    return evaluate(StubScreener(table), recs, source="stub.jsonl")


def test_label_metrics_and_confusion(stub_report):
    r = stub_report
    assert (r.n, r.labelled, r.source) == (8, 5, "stub.jsonl")
    assert r.confusion["possible_scam"]["possible_scam"] == 2
    assert r.confusion["possible_scam"]["suspicious"] == 1
    assert r.confusion["other"]["possible_scam"] == 1 and r.confusion["other"]["other"] == 1
    ps = r.per_label["possible_scam"]
    assert (ps.precision, ps.recall, ps.support, ps.predicted) == (pytest.approx(2 / 3, abs=1e-4), pytest.approx(2 / 3, abs=1e-4), 3, 3)
    assert r.per_label["other"].precision == 1.0 and r.per_label["other"].recall == 0.5
    assert r.accuracy == pytest.approx(3 / 5)
    # macro over the two labels with gold support; weighted by support 3 and 2
    f_ps, f_ot = 2 / 3, 2 * 1 * 0.5 / 1.5
    assert r.macro_f1 == pytest.approx((f_ps + f_ot) / 2, abs=1e-4)
    assert r.weighted_f1 == pytest.approx((3 * f_ps + 2 * f_ot) / 5, abs=1e-4)


def test_risky_flags_and_spans(stub_report):
    r = stub_report
    # gold risky: 1,2,3 ; predicted risky: 1,2,3,5
    assert (r.risky.support, r.risky.predicted) == (3, 4)
    assert r.risky_recall == 1.0 and r.risky_precision == 0.75
    ut = r.per_flag["unofficial_transfer"]
    assert (ut.support, ut.predicted, ut.recall, ut.spans) == (2, 2, 1.0, 2)
    # record 1: gold 0..1 vs predicted 0..4: overlap, not exact; record 2: gold 0..1 vs 2..5: neither
    assert ut.span_exact == 0.0 and ut.span_overlap == 0.5
    assert r.per_flag["threat"].predicted == 1 and r.per_flag["threat"].precision == 0.0
    assert r.span_overlap == 0.5 and r.hard_negatives == 2 and r.hard_negatives_flagged == 0


def test_tags_expect_and_errors(stub_report):
    r = stub_report
    ob = r.per_tag["obfuscated"]
    assert (ob.n, ob.accuracy, ob.risky_recall, ob.false_risky) == (2, 0.5, 1.0, None)
    hn = r.per_tag["hard_negative"]
    assert (hn.n, hn.false_risky, hn.risky_recall, hn.any_flag) == (2, 0.5, None, 0.0)
    assert r.accepted_by_source_label["normal"].model_dump() == {"accepted": 0.5, "n": 2}
    assert r.accepted_by_source_label["scam"].accepted == 1.0
    assert r.accepted == pytest.approx(2 / 3, abs=1e-4)
    # errors: record 3 (0.6), 5 (0.7) and expect row 7 (0.9), most confident first
    assert [e.id for e in r.errors] == ["7", "5", "3"] and r.n_errors == 3
    assert r.errors[0].gold == "other|suspicious" and r.errors[0].source_label == "normal"
    e5 = r.errors[1]
    assert "13812345678" not in e5.text and e5.text.startswith("e 电话1381") and e5.confidence == 0.7
    assert e5.tags == ["hard_negative"] and e5.scores["possible_scam"] == 0.7


def test_calibration_of_stub(stub_report):
    cal = stub_report.calibration
    assert stub_report.ece == cal.ece and len(cal.bins) == 10
    assert sum(b.n for b in cal.bins) == 5
    assert stub_report.calibration_uncalibrated is None  # the stub has no linear model


def test_reliability_bins_and_edges():
    cal = reliability([0.3, 0.31, 1.0, 0.0], [1, 0, 1, 1])
    by = {(round(b.lower, 1), round(b.upper, 1)): b for b in cal.bins}
    assert by[(0.2, 0.3)].n == 1 and by[(0.3, 0.4)].n == 1 and by[(0.9, 1.0)].n == 1 and by[(0.0, 0.1)].n == 1
    expected = (abs(0.3 - 1) + abs(0.31 - 0) + abs(1.0 - 1) + abs(0.0 - 1)) / 4
    assert cal.ece == pytest.approx(expected, abs=1e-4)
    assert reliability([0.75] * 4, [1, 1, 1, 0]).ece == 0.0
    assert reliability([], []).ece == 0.0
    with pytest.raises(ValueError):
        reliability([0.5], [])


class CachedScreener:
    """The real screener, each text screened once for the whole module."""

    def __init__(self, screener, texts):
        self.bundle = screener.bundle
        self.by_text = dict(zip(texts, screener.classify_many(texts), strict=True))

    def classify_many(self, texts):
        return [self.by_text[t] for t in texts]


@pytest.fixture(scope="module")
def cached(screener, corpus):
    return CachedScreener(screener, [r.text for r in corpus["test"]])


@pytest.fixture(scope="module")
def test_report(cached, corpus):
    return evaluate(cached, corpus["test"], source="test.jsonl")


def test_agrees_with_sklearn(test_report, cached, corpus):
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    gold = [r.label.value for r in corpus["test"]]
    pred = [s.label.value for s in cached.classify_many([r.text for r in corpus["test"]])]
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=LABELS, zero_division=0)
    for i, lab in enumerate(LABELS):
        m = test_report.per_label[lab]
        assert (m.precision, m.recall, m.f1, m.support) == (
            pytest.approx(p[i], abs=1e-4), pytest.approx(r[i], abs=1e-4), pytest.approx(f[i], abs=1e-3), s[i]
        )
    assert test_report.accuracy == pytest.approx(accuracy_score(gold, pred), abs=1e-4)
    assert test_report.macro_f1 == pytest.approx(f1_score(gold, pred, labels=LABELS, average="macro"), abs=1e-3)
    assert test_report.weighted_f1 == pytest.approx(f1_score(gold, pred, labels=LABELS, average="weighted"), abs=1e-3)
    assert np.array([[test_report.confusion[g][q] for q in LABELS] for g in LABELS]).sum() == len(gold)


def test_calibration_target_on_test_split(test_report):
    # issue 7: ECE <= 0.05 on the test split, and calibration must beat the raw SVM softmax
    assert test_report.ece <= 0.05
    assert test_report.ece_uncalibrated is not None and test_report.ece_uncalibrated > test_report.ece
    assert sum(b.n for b in test_report.calibration_uncalibrated.bins) == test_report.labelled


def test_per_tag_covers_tagged_records(test_report, corpus):
    tags = {t for r in corpus["test"] for t in r.tags}
    assert set(test_report.per_tag) == tags
    assert test_report.per_tag["hard_negative"].n == test_report.hard_negatives


def test_committed_schema_matches_models():
    from wxscreen._cli import eval_schema

    folder = resources.files("wxscreen").joinpath("data", "schema")
    assert folder.joinpath("eval_report.schema.json").read_text("utf-8") == eval_schema("eval"), (
        "regenerate: wxscreen eval --schema > src/wxscreen/data/schema/eval_report.schema.json"
    )
    assert folder.joinpath("cv_report.schema.json").read_text("utf-8") == eval_schema("cv"), (
        "regenerate: wxscreen eval --schema cv > src/wxscreen/data/schema/cv_report.schema.json"
    )


def test_report_validates_against_published_schema(test_report, stub_report):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(resources.files("wxscreen").joinpath("data", "schema", "eval_report.schema.json").read_text("utf-8"))
    for rep in (test_report, stub_report):
        jsonschema.validate(json.loads(rep.model_dump_json()), schema)
    assert EvalReport.model_validate_json(stub_report.model_dump_json()) == stub_report
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**json.loads(stub_report.model_dump_json()), "accuracy": "high"}, schema)


def test_text_and_markdown_renderings(stub_report):
    txt = stub_report.to_text()
    assert "macro-F1" in txt and "normal" in txt and "obfuscated" in txt and "misclassified: 3" in txt
    md = stub_report.to_markdown()
    assert "| label | precision | recall | F1 | support |" in md and "| normal | 2 | 0.500 |" in md


def test_save_plots_writes_pngs(tmp_path, stub_report):
    pytest.importorskip("matplotlib")
    from wxscreen.training import save_plots

    files = save_plots(stub_report, tmp_path / "plots")
    assert sorted(p.name for p in files) == ["confusion_matrix.png", "reliability.png"]
    for p in files:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    expect_only = evaluate(StubScreener({"f": ("other", 0.9, [])}), [_rec(1, "f", expect=[Label.OTHER])])
    assert save_plots(expect_only, tmp_path / "none") == []


def test_progress_bar_goes_to_stderr(capsys, stub_report):
    recs = [_rec(i, "d", "other") for i in range(3)]
    evaluate(StubScreener({"d": ("other", 0.9, [])}), recs, progress=True)
    assert "msg" in capsys.readouterr().err
