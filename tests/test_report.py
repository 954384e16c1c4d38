import datetime as dt
import hashlib
import html as htmllib
import io
import json
import re
import sys
import types
from html.parser import HTMLParser
from pathlib import Path

import pytest

import wxscreen
from wxscreen import render_report
from wxscreen._advice import ADVICE
from wxscreen._cli import main
from wxscreen._report import _entity_dicts, _entity_line

FIXTURE = Path(__file__).parent / "fixtures" / "report_chat.txt"
WHEN = dt.datetime(2026, 11, 21, 9, 0, 5, tzinfo=dt.timezone.utc)
RAW_IDS = ["13800000000", "6222 0212 3456 7899", "zhou_jl2026"]
SCRIPT_CHAT = (
    "周经理 2026/11/20 10:02\n"
    '点这里领取减免<script>alert("x")</script><img src=x onerror=alert(1)> & **加急**\n'
    "\n"
    "林女士 2026/11/20 10:05\n"
    "好的\n"
)


@pytest.fixture(scope="module")
def fixture_bytes():
    return FIXTURE.read_bytes()


@pytest.fixture(scope="module")
def chat(screener, fixture_bytes):
    return wxscreen.screen_chat(fixture_bytes.decode("utf-8"), screener=screener)


@pytest.fixture(scope="module")
def raw_chat(raw_screener, fixture_bytes):
    return wxscreen.screen_chat(fixture_bytes.decode("utf-8"), screener=raw_screener)


def render(chat, fmt, **kw):
    kw.setdefault("screened_at", WHEN)
    return render_report(chat, format=fmt, **kw)


def test_fixture_is_screened_as_expected(chat):
    assert chat.label.value == "possible_scam"
    assert [m.speaker for m in chat.messages] == ["周经理", "林女士", "周经理", "周经理", "周经理", "林女士"]
    kinds = {f.kind for m in chat.messages for f in m.screening.flags}
    assert {"unofficial_transfer", "personal_data_request", "threat"} <= kinds


@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_sha256_time_and_versions(chat, fixture_bytes, fmt):
    digest = hashlib.sha256(fixture_bytes).hexdigest()
    out = render(chat, fmt, source=fixture_bytes)
    assert digest in out
    # a str source hashes its UTF-8 bytes: the same digest for this UTF-8 file
    assert digest in render(chat, fmt, source=fixture_bytes.decode("utf-8"))
    assert "2026-11-21T09:00:05Z" in out
    assert wxscreen.__version__ in out
    assert chat.messages[0].screening.model.model_id in out


def plain(out, fmt):
    """The report text with Markdown's backslash escapes removed (zhou\\_jl2026 → zhou_jl2026)."""
    return out.replace("\\", "") if fmt == "md" else out


@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_identifiers_masked_by_default(chat, raw_chat, fmt, fixture_bytes):
    out = plain(render(chat, fmt, source=fixture_bytes), fmt)
    for ident in RAW_IDS:
        assert ident not in out, ident
    assert "1380***0000" in out and "zh*******26" in out
    # masking is applied by the report even when the chat was screened without it
    out_raw_chat = plain(render(raw_chat, fmt, source=fixture_bytes), fmt)
    for ident in RAW_IDS:
        assert ident not in out_raw_chat, ident
    # --no-mask: full identifiers for local forensic use
    unmasked = plain(render(raw_chat, fmt, source=fixture_bytes, mask=False), fmt)
    for ident in RAW_IDS:
        assert ident in unmasked, ident


def test_every_message_and_verdict_in_every_format(chat):
    md = render(chat, "md")
    page = render(chat, "html")
    for i, m in enumerate(chat.messages):
        assert f"#{i} " in md
        assert f'id="m{i}"' in page
        assert m.screening.label.value in md
        assert f"b-{m.screening.label.value}" in page
    assert "疑似诈骗" in md and "疑似诈骗" in page


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.marks = []
        self._in_mark = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            self._in_mark = [dict(attrs)["data-kind"], ""]

    def handle_endtag(self, tag):
        if tag == "mark":
            self.marks.append(tuple(self._in_mark))
            self._in_mark = None

    def handle_data(self, data):
        if self._in_mark is not None:
            self._in_mark[1] += data


def test_html_is_self_contained_and_highlights_flags(chat, fixture_bytes):
    page = render(chat, "html", source=fixture_bytes)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "default-src 'none'" in page
    for bad in ("<script", "http://", "https://", "@import", "url(", "<link", "src="):
        assert bad not in page, bad
    p = _Collector()
    p.feed(page)
    assert {t for t, _ in p.tags} >= {"html", "head", "style", "body", "mark", "article"}
    marks = set(p.marks)
    for m in chat.messages:
        for f in m.screening.flags:
            assert (f.kind, f.evidence) in marks or any(f.kind in k and f.evidence in t for k, t in marks), f


def test_html_escapes_message_text(screener):
    c = wxscreen.screen_chat(SCRIPT_CHAT, screener=screener)
    page = render(c, "html", source=SCRIPT_CHAT)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&amp; **加急**" in page
    p = _Collector()
    p.feed(page)
    assert "script" not in {t for t, _ in p.tags} and "img" not in {t for t, _ in p.tags}
    md = render(c, "md", source=SCRIPT_CHAT)
    assert re.search(r"(?<!\\)<", md) is None  # every "<" is backslash-escaped (no raw HTML)
    assert "\\<script\\>" in md and "\\*\\*加急\\*\\*" in md
    doc = json.loads(render(c, "json", source=SCRIPT_CHAT))
    assert '<script>alert("x")</script>' in doc["chat"]["messages"][0]["text"]
    assert doc["report"]["sha256"] == hashlib.sha256(SCRIPT_CHAT.encode("utf-8")).hexdigest()


def test_json_is_the_model_dump_plus_metadata(chat, fixture_bytes):
    out = render(chat, "json", source=fixture_bytes)
    doc = json.loads(out)
    assert list(doc) == ["chat", "report"]
    assert out == json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert out == render(chat, "json", source=fixture_bytes)  # deterministic
    rep = doc["report"]
    assert rep["sha256"] == hashlib.sha256(fixture_bytes).hexdigest()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rep["screened_at"])
    assert rep["masked"] is True and rep["lang"] == "zh"
    assert rep["wxscreen_version"] == wxscreen.__version__
    assert rep["model"] == chat.messages[0].screening.model.model_dump(mode="json")
    dump = chat.model_dump(mode="json")
    assert set(doc["chat"]) == set(dump)
    assert doc["chat"]["label"] == dump["label"] and doc["chat"]["escalation"] == dump["escalation"]
    for a, b in zip(doc["chat"]["messages"], dump["messages"], strict=True):
        assert (a["start"], a["end"], a["screening"]["label"]) == (b["start"], b["end"], b["screening"]["label"])
    assert doc["chat"]["advice"] == chat.advice


def test_english_report(chat):
    md = render(chat, "md", lang="en")
    assert "# WeChat chat screening" in md and "Possible scam" in md
    assert ADVICE["stop_and_report"]["en"] in md
    assert ADVICE["stop_and_report"]["zh"] not in md
    doc = json.loads(render(chat, "json", lang="en"))
    assert doc["chat"]["advice"][0] == ADVICE["stop_and_report"]["en"]
    assert doc["report"]["lang"] == "en"


def test_bad_arguments(chat):
    with pytest.raises(ValueError, match="format"):
        render_report(chat, format="pdf")
    with pytest.raises(ValueError, match="language"):
        render_report(chat, lang="fr")
    with pytest.raises(TypeError):
        render_report("not a chat")


def test_no_source_says_so(chat):
    assert "未提供原文" in render(chat, "md")
    assert json.loads(render(chat, "json"))["report"]["sha256"] is None


def test_entities_rendered_when_present():
    ent = types.SimpleNamespace(kind="phone", value="13800000000", start=3, end=14)
    scr = types.SimpleNamespace(entities=[{"kind": "amount", "value": 5000.0, "start": 0, "end": 5}, ent])
    dicts = _entity_dicts(types.SimpleNamespace(entities=[{"kind": "phone", "value": "13800000000"}]), mask=True)
    assert dicts == [{"kind": "phone", "value": "1380***0000"}]
    assert _entity_line(_entity_dicts(scr, mask=False)[0]) == "amount: value=5000.0 [0:5]"
    assert _entity_dicts(types.SimpleNamespace(), mask=True) == []


def test_cli_report_file_and_stdin(tmp_path, monkeypatch, capsys, fixture_bytes):
    out = tmp_path / "r.html"
    assert main(["report", str(FIXTURE), "--format", "html", "--out", str(out), "--lang", "en"]) == 0
    page = out.read_text("utf-8")
    assert hashlib.sha256(fixture_bytes).hexdigest() in page
    assert "Possible scam" in page and 'lang="en"' in page
    assert all(i not in page for i in RAW_IDS)
    # stdin: the hash is of the exact bytes received
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(fixture_bytes), encoding="utf-8"))
    assert main(["report", "-", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["report"]["sha256"] == hashlib.sha256(fixture_bytes).hexdigest()
    assert main(["report", str(FIXTURE), "--format", "md", "--no-mask"]) == 0
    assert "zhou_jl2026" in plain(capsys.readouterr().out, "md")


def test_html_text_round_trips(chat):
    # un-escaping the marked-up message paragraph gives back the (masked) message text
    page = render(chat, "html")
    for i, m in enumerate(chat.messages):
        block = page[page.index(f'id="m{i}"') :]
        para = block[block.index('<p class="text">') + len('<p class="text">') : block.index("</p>")]
        para = re.sub(r'<span class="kind">[^<]*</span>', "", para)
        para = re.sub(r"<[^>]+>", "", para)
        assert htmllib.unescape(para) == m.text


def test_cli_hashes_exact_bytes_with_bom(tmp_path, capsys, fixture_bytes):
    data = b"\xef\xbb\xbf" + fixture_bytes.replace(b"\n", b"\r\n")
    p = tmp_path / "bom.txt"
    p.write_bytes(data)
    assert main(["report", str(p), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["report"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert doc["chat"]["messages"][0]["speaker"] == "周经理"


def test_empty_chat(screener):
    c = wxscreen.screen_chat("", screener=screener)
    for fmt in ("md", "json", "html"):
        out = render(c, fmt, source="")
        assert hashlib.sha256(b"").hexdigest() in out


def test_source_must_be_the_screened_paste(chat, fixture_bytes):
    with pytest.raises(ValueError, match="source does not match"):
        render(chat, "md", source="totally different text " * 50)


def test_unmasked_report_of_a_masked_chat_says_masked(chat, fixture_bytes):
    md = render(chat, "md", source=fixture_bytes, mask=False)
    assert "未打码" not in md
