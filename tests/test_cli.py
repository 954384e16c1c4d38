import io
import json
import subprocess
import sys

from wxscreen._cli import main


def test_classify_json(capsys):
    assert main(["classify", "--json", "请把验证码发给我"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    obj = json.loads(out[0])
    assert obj["label"] == "possible_scam"


def test_classify_stdin_lines_and_jsonl(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO('好的\n{"text": "转到安全账户"}\n\n'))
    assert main(["classify", "--json", "-"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert [r["label"] for r in rows][1] == "possible_scam"
    assert len(rows) == 2


def test_human_output(capsys):
    assert main(["classify", "直接转到我个人卡上"]) == 0
    out = capsys.readouterr().out
    assert "possible_scam" in out and "unofficial_transfer" in out


def test_eval_on_fixture(tmp_path, capsys):
    p = tmp_path / "t.jsonl"
    rows = [
        {"id": "1", "text": "请把验证码发给我", "label": "possible_scam", "flags": []},
        {"id": "2", "text": "好的，谢谢", "expect": ["other"], "source_label": "normal"},
    ]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    assert main(["eval", str(p)]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "normal" in out


def test_python_m_entry_point():
    r = subprocess.run([sys.executable, "-m", "wxscreen", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "classify" in r.stdout


def test_jsonl_without_text_is_an_error(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO('好的\n{"id": 1}\n'))
    assert main(["classify", "--json", "-"]) == 1
    assert "line 2" in capsys.readouterr().err


def test_invalid_utf8_on_stdin():
    r = subprocess.run(
        [sys.executable, "-m", "wxscreen", "classify", "--json", "-"],
        input=b"\xff\xfe\xe8\xaf\xb7\xe8\xbd\xac\xe5\x88\xb0\xe5\xae\x89\xe5\x85\xa8\xe8\xb4\xa6\xe6\x88\xb7\n\xe4\xbd\xa0\xe5\xa5\xbd\n",
        capture_output=True,
    )
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.decode().strip().splitlines()) == 2
