"""`wxscreen eval`: formats, --out files, --schema, --cv, --train-dir, progress policy."""

from __future__ import annotations

import io
import json
import random
from importlib import resources

import pytest

from wxscreen import _cli
from wxscreen._cli import main

ROWS = [
    {"id": "1", "text": "请把验证码发给我", "label": "possible_scam", "flags": [], "tags": ["short"]},
    # gold 'other' for a scam text: a guaranteed error, with a phone number that must be masked
    {"id": "2", "text": "请把验证码发给我，我的手机13812345678", "label": "other", "flags": [], "tags": ["short"]},
    {"id": "3", "text": "好的，谢谢", "expect": ["other"], "source_label": "normal"},
]


@pytest.fixture()
def fixture_file(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n", "utf-8")
    return p


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory, corpus):
    """A 100-record corpus folder (20 per label) for training in seconds."""
    rng = random.Random(3)
    by: dict[str, list] = {}
    for r in corpus["train"]:
        by.setdefault(r.label.value, []).append(r)
    recs = [r for lab in sorted(by) for r in rng.sample(by[lab], 20)]
    d = tmp_path_factory.mktemp("tiny")
    (d / "train.jsonl").write_text("\n".join(r.model_dump_json(exclude_none=True) for r in recs) + "\n", "utf-8")
    return d


def test_json_format_is_one_report_per_line(fixture_file, capsys):
    assert main(["eval", "--format", "json", str(fixture_file), str(fixture_file)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    rep = json.loads(lines[0])
    assert rep["format"] == "wxscreen-eval-report/1" and rep["n"] == 3 and rep["labelled"] == 2
    assert "errors" not in rep and rep["n_errors"] == 1
    assert rep["accepted_by_source_label"]["normal"]["n"] == 1
    assert rep["per_tag"]["short"]["n"] == 2


def test_markdown_format(fixture_file, capsys):
    assert main(["eval", "--format", "md", str(fixture_file)]) == 0
    out = capsys.readouterr().out
    assert "| label | precision | recall | F1 | support |" in out and "| normal | 1 |" in out


def test_out_dir_files_and_masked_errors(fixture_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["eval", str(fixture_file), "--out", str(out)]) == 0
    folder = out / "t"
    names = sorted(p.name for p in folder.iterdir())
    expected = ["errors.jsonl", "report.json", "report.md"]
    try:
        import matplotlib  # noqa: F401

        expected += ["confusion_matrix.png", "reliability.png"]
    except ImportError:
        assert "plots skipped" in capsys.readouterr().err
    assert names == sorted(expected)
    errors = [json.loads(x) for x in (folder / "errors.jsonl").read_text("utf-8").splitlines()]
    assert [e["id"] for e in errors] == ["2"]
    e = errors[0]
    assert e["gold"] == "other" and e["predicted"] == "possible_scam" and e["reasons"] and e["scores"]
    assert "13812345678" not in json.dumps(e, ensure_ascii=False) and "1381***5678" in e["text"]
    rep = json.loads((folder / "report.json").read_text("utf-8"))
    assert rep["n_errors"] == 1 and "errors" not in rep


def test_out_dir_names_do_not_collide(fixture_file, tmp_path):
    other = tmp_path / "sub"
    other.mkdir()
    # same stem, other ids (an id used by an earlier FILE is an error)
    rows = [{**r, "id": "b" + r["id"]} for r in ROWS]
    (other / "t.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    out = tmp_path / "out"
    assert main(["eval", str(fixture_file), str(other / "t.jsonl"), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["t", "t-2"]


def test_schema_flag_prints_committed_schema(capsys):
    folder = resources.files("wxscreen").joinpath("data", "schema")
    assert main(["eval", "--schema"]) == 0
    assert capsys.readouterr().out == folder.joinpath("eval_report.schema.json").read_text("utf-8")
    assert main(["eval", "--schema", "cv"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "CVReport" and "metrics" in schema["properties"]


def test_usage_errors(capsys, fixture_file, tiny_corpus):
    assert main(["eval"]) == 2
    assert main(["eval", "--cv", "2", str(tiny_corpus), str(fixture_file)]) == 2
    assert main(["eval", "--model", "x", "--train-dir", str(tiny_corpus), str(fixture_file)]) == 2
    assert main(["eval", str(fixture_file.parent / "missing.jsonl")]) == 1
    assert "missing.jsonl" in capsys.readouterr().err


def test_cross_validation(tiny_corpus, tmp_path, capsys):
    assert main(["eval", "--cv", "2", str(tiny_corpus), "--format", "json", "--out", str(tmp_path)]) == 0
    cv = json.loads(capsys.readouterr().out)
    assert cv["k"] == 2 and cv["n"] == 100 and cv["grouped"] and len(cv["folds"]) == 2
    assert sum(f["n"] for f in cv["folds"]) == 100  # every record is tested exactly once
    m = cv["metrics"]["macro_f1"]
    assert len(m["values"]) == 2 and min(m["values"]) <= m["mean"] <= max(m["values"]) and m["std"] >= 0
    assert {"accuracy", "ece", "ece_uncalibrated", "f1:other"} <= set(cv["metrics"])
    assert (tmp_path / "cv_report.json").exists() and (tmp_path / "cv_report.md").exists()
    # same seed, same folds, same numbers
    assert main(["eval", "--cv", "2", str(tiny_corpus), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"] == cv["metrics"]


def test_cross_corpus_train_dir(tiny_corpus, fixture_file, capsys):
    assert main(["eval", "--train-dir", str(tiny_corpus), "--format", "json", str(fixture_file)]) == 0
    cap = capsys.readouterr()
    assert "trained on 100 records" in cap.err
    rep = json.loads(cap.out)
    assert rep["n"] == 3 and rep["model_id"].startswith("wxscreen-tfidf-svm-")
    shipped = json.loads(resources.files("wxscreen").joinpath("data", "model", "metadata.json").read_text("utf-8"))
    assert rep["model_id"] != shipped["model_id"]


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal(fixture_file, monkeypatch, capsys):
    monkeypatch.setattr(_cli, "PROGRESS_MIN_RECORDS", 1)
    assert main(["eval", str(fixture_file)]) == 0
    assert capsys.readouterr().err == ""  # captured stderr is not a terminal
    fake = _TTY()
    monkeypatch.setattr("sys.stderr", fake)
    assert main(["eval", str(fixture_file)]) == 0
    assert "msg" in fake.getvalue()
    fake2 = _TTY()
    monkeypatch.setattr("sys.stderr", fake2)
    assert main(["eval", "--no-progress", str(fixture_file)]) == 0
    assert fake2.getvalue() == ""
