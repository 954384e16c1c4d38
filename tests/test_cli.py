import io
import json
import subprocess
import sys

import pytest

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
    assert [r["label"] for r in rows] == ["other", "possible_scam", "other"]  # the blank line 3 too


def test_classify_json_lines_with_an_id_read_back(monkeypatch, capsys):
    # a fresh-user trial: Screening.model_validate_json(line) fails on the echoed id ("Extra inputs")
    import wxscreen

    text = "您已逾期30天，请今日还款5000元，或加VX：abc123 私下处理，两三千也行"
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"id": "a-1", "text": text}) + "\n好的\n"))
    assert main(["classify", "--json", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rid, s = wxscreen.read_screening_json(lines[0])
    assert rid == "a-1"
    assert s == wxscreen.classify(text)  # every field, entities (a range tuple, a masked handle) included
    assert wxscreen.read_screening_json(lines[1].encode()) == (None, wxscreen.classify("好的"))
    with pytest.raises(ValueError, match="JSON object"):
        wxscreen.read_screening_json("[1, 2]")


def test_classify_stdin_output_lines_align_with_input_lines(monkeypatch, capsys):
    lines = [
        '{"id": "a-1", "text": "请把验证码发给我"}',
        "",
        "   ",
        '{"id": 7, "text": ""}',
        "您好，您的账单已逾期，请及时还款",
        '{"text": "转到安全账户"}',
        "",
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["classify", "--json", "-"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(lines)
    rows = [json.loads(x) for x in out]
    assert [r.get("id") for r in rows] == ["a-1", None, None, 7, None, None, None]
    assert out[0].startswith('{"id":"a-1",') and out[3].startswith('{"id":7,')
    assert [r["label"] for r in rows] == [
        "possible_scam", "other", "other", "other", rows[4]["label"], "possible_scam", "other",
    ]
    for i in (1, 2, 3, 6):  # blank lines: an empty message, other by rule R0, no flags
        assert rows[i]["flags"] == [] and rows[i]["reasons"][0].startswith("rule R0")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["classify", "-"]) == 0
    heads = [x for x in capsys.readouterr().out.splitlines() if x.startswith("[")]
    assert [h.split()[0] for h in heads] == [f"[{i}]" for i in range(1, len(lines) + 1)]
    assert heads[0].startswith('[1] id="a-1" possible_scam') and heads[3].startswith("[4] id=7 other")


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


@pytest.mark.parametrize("line", ["[1,2]", "[]", ' [{"text": "好的"}]', "{}", '{"text": 5}', '{ "text": "好的", }'])
def test_a_json_line_that_is_not_a_record_stops_classify(monkeypatch, capsys, line):
    for argv in (["classify", "--json", "-"], ["classify", "-"]):
        monkeypatch.setattr(sys, "stdin", io.StringIO(f"好的\n{line}\n请把验证码发给我\n"))
        assert main(argv) == 1
        cap = capsys.readouterr()
        assert cap.out == "" and "line 2" in cap.err


def test_plain_messages_that_look_like_json_are_screened_as_text(monkeypatch, capsys):
    lines = ["5000", '"好的"', '"just a json string"', "true", "null", "[图片]", "[微笑] 好的", "{微笑}", "[OK]"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["classify", "--json", "-"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(lines) and all("id" not in r for r in rows)


def test_invalid_utf8_on_stdin():
    r = subprocess.run(
        [sys.executable, "-m", "wxscreen", "classify", "--json", "-"],
        input=b"\xff\xfe\xe8\xaf\xb7\xe8\xbd\xac\xe5\x88\xb0\xe5\xae\x89\xe5\x85\xa8\xe8\xb4\xa6\xe6\x88\xb7\n\xe4\xbd\xa0\xe5\xa5\xbd\n",
        capture_output=True,
    )
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.decode().strip().splitlines()) == 2


CHAT_UTF8 = "王经理 2024/5/3 14:05\n您好，请把验证码发给我\n张先生 2024/5/3 14:06\n好的\n"


def _stdin_bytes(monkeypatch, data):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_gbk_file_is_refused_with_exit_2(tmp_path, capsys):
    p = tmp_path / "chat.txt"
    p.write_bytes(CHAT_UTF8.encode("gbk"))
    for argv in (["chat", str(p), "--json"], ["report", str(p), "--format", "json"]):
        assert main(argv) == 2
        cap = capsys.readouterr()
        assert cap.out == ""
        assert str(p) in cap.err and "not UTF-8" in cap.err and "GBK" in cap.err and "iconv -f GB18030" in cap.err


def test_big5_is_refused_with_a_big5_hint(tmp_path, capsys):
    p = tmp_path / "msg.txt"
    p.write_bytes("您的帳戶已逾期，請提供身分證號碼".encode("big5"))
    assert main(["chat", str(p), "--json"]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "BIG5" in err


def test_gbk_on_stdin_is_refused_for_classify_chat_and_report(monkeypatch, capsys):
    for argv in (["classify", "--json", "-"], ["chat", "-"], ["report", "-"]):
        _stdin_bytes(monkeypatch, CHAT_UTF8.encode("gbk"))
        assert main(argv) == 2
        cap = capsys.readouterr()
        assert cap.out == "" and "stdin is not UTF-8" in cap.err and "GBK" in cap.err


def test_utf16_without_bom_is_refused(tmp_path, capsys):
    p = tmp_path / "chat.txt"
    p.write_bytes(CHAT_UTF8.encode("utf-16-le"))
    assert main(["chat", str(p)]) == 2
    assert "UTF-16" in capsys.readouterr().err


def test_utf16_with_bom_is_decoded(tmp_path, capsys, monkeypatch):
    p = tmp_path / "chat.txt"
    p.write_bytes(CHAT_UTF8.replace("\n", "\r\n").encode("utf-16"))  # BOM + UTF-16, as Notepad saves "Unicode"
    assert main(["chat", str(p), "--json", "--me", "张先生"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [m["speaker"] for m in doc["messages"]] == ["王经理", "张先生"]
    assert doc["label"] == "possible_scam"
    assert main(["report", str(p), "--format", "json", "--me", "张先生"]) == 0
    assert json.loads(capsys.readouterr().out)["chat"]["label"] == "possible_scam"
    _stdin_bytes(monkeypatch, "请把验证码发给我\n好的\n".encode("utf-16-be"))  # no BOM in -be: refused
    assert main(["classify", "--json", "-"]) == 2
    capsys.readouterr()
    _stdin_bytes(monkeypatch, "请把验证码发给我\n好的\n".encode("utf-16"))
    assert main(["classify", "--json", "-"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["label"] for r in rows] == ["possible_scam", "other"]


def test_stray_invalid_bytes_are_replaced_with_a_warning(monkeypatch, capsys):
    _stdin_bytes(monkeypatch, "请转到安全账户\n".encode() + b"\xff" + "你好，谢谢您\n".encode())
    assert main(["classify", "--json", "-"]) == 0
    cap = capsys.readouterr()
    assert len(cap.out.splitlines()) == 2
    assert "1 invalid UTF-8 byte sequence(s)" in cap.err and "安全" not in cap.err


def test_each_classify_argument_is_one_message(capsys):
    assert main(["classify", "--json", "您好", "请把验证码发给我"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["label"] for r in rows] == ["other", "possible_scam"]


def test_broken_json_line_on_stdin_is_an_error(monkeypatch, capsys):
    _stdin_bytes(monkeypatch, '{"text": "a"}\n{"text": "你好"\n'.encode())
    assert main(["classify", "--json", "-"]) == 1
    assert "line 2" in capsys.readouterr().err


def test_chat_and_report_say_when_a_message_was_cut(tmp_path, capsys):
    p = tmp_path / "long.txt"
    p.write_text("催收员 2026/11/28 10:00\n你好\n催收员 2026/11/28 10:01\n" + "你好，请还款。" * 20000 + "\n", "utf-8")
    assert main(["chat", str(p)]) == 0
    assert "100,000" in capsys.readouterr().out
    assert main(["report", str(p)]) == 0
    assert "100,000" in capsys.readouterr().out


def test_terminal_control_characters_are_shown_not_sent(tmp_path, capsys):
    # ESC [2J clears a terminal and ESC ]0; retitles it: text outputs show them as \xNN
    msg = "请把验证码\x1b[2J\x1b]0;pwned\x07发给我\r"
    assert main(["classify", msg]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "\\x1b[2J" in out and "verification_code" in out
    chat = tmp_path / "chat.txt"
    chat.write_text("李专员 2025/3/2 10:22\n" + msg + "\n", encoding="utf-8")
    for argv in (["chat", str(chat)], ["report", str(chat), "--format", "md"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out and "\\x1b" in out
    assert main(["classify", "--json", msg]) == 0  # JSON escapes them itself: the text is kept whole
    assert json.loads(capsys.readouterr().out)["flags"]


def test_a_bad_now_names_the_option(tmp_path, capsys):
    chat = tmp_path / "c.txt"
    chat.write_text("客服 14:22：您好\n我 14:25：好的\n", encoding="utf-8")
    assert main(["chat", str(chat), "--now", "yesterday"]) != 0
    assert "--now 'yesterday' is not an ISO date-time" in capsys.readouterr().err


_DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "line", [_DEEP, '{"text": "hi", "x": ' + _DEEP + "}", '{"id": "a", "text": "hi", "x": ' + "{\"k\": " * 5000 + "1" + "}" * 5001]
)
def test_deeply_nested_json_on_stdin_is_an_error_naming_the_line(monkeypatch, capsys, line):
    # a RecursionError traceback before
    monkeypatch.setattr(sys, "stdin", io.StringIO("好的\n" + line + "\n"))
    assert main(["classify", "--json", "-"]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == "wxscreen: stdin line 2: JSON nested too deeply"
    assert captured.out == ""  # nothing screened


def test_deeply_nested_json_in_an_eval_file_is_an_error_naming_the_line(tmp_path, capsys):
    p = tmp_path / "deep.jsonl"
    p.write_text('{"id": "a", "text": "好的", "label": "other"}\n{"id": "b", "x": ' + _DEEP + "}\n", "utf-8")
    assert main(["eval", str(p)]) == 1
    assert capsys.readouterr().err.strip() == f"wxscreen: {p}:2: JSON nested too deeply"


@pytest.mark.parametrize(
    "line, what",
    [
        ('{"id": NaN, "text": "hi"}', "NaN is not valid JSON"),
        ('{"id": Infinity, "text": "hi"}', "Infinity is not valid JSON"),
        ('{"id": -Infinity, "text": "hi"}', "-Infinity is not valid JSON"),
        ('{"text": "hi", "score": NaN}', "NaN is not valid JSON"),
        ('{"id": 1e999, "text": "hi"}', "too large for JSON"),
        ('{"id": [1, -1e999], "text": "hi"}', "too large for JSON"),
    ],
)
def test_classify_json_never_echoes_an_id_that_is_not_json(monkeypatch, capsys, line, what):
    # {"id":NaN,…} was printed: not JSON, so a reader of --json output choked on it
    monkeypatch.setattr(sys, "stdin", io.StringIO(line + "\n"))
    assert main(["classify", "--json", "-"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("wxscreen: stdin line 1: ") and what in captured.err
    assert captured.out == ""


def test_classify_json_echoes_big_integer_ids_as_valid_json(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": 12345678901234567890, "text": "hi"}\n'))
    assert main(["classify", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out, parse_constant=pytest.fail)["id"] == 12345678901234567890


_BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]


@pytest.mark.parametrize("ch", _BIDI)
def test_bidi_controls_are_escaped_in_human_output(tmp_path, capsys, ch):
    # Trojan Source: a U+202E in a name or message reversed what the terminal showed ('moc.live' as 'evil.com')
    msg = f"请把验证码{ch}发给我 moc.live\x1b[31m"  # the character inside the evidence
    assert main(["classify", msg]) == 0
    out = capsys.readouterr().out
    assert ch not in out and f"\\u{ord(ch):04x}" in out
    p = tmp_path / "bidi.txt"
    p.write_text(f"客服{ch} 2024/3/5 10:12\n{msg}\n", "utf-8")
    for cmd in (["chat", str(p)], ["report", "--format", "md", str(p)]):
        assert main(cmd) == 0
        out = capsys.readouterr().out
        assert ch not in out and f"\\u{ord(ch):04x}" in out and "\x1b" not in out
    # JSON output is data: the character is kept, as written
    assert main(["classify", "--json", msg]) == 0
    assert json.loads(capsys.readouterr().out)["flags"]
