"""Message length limit: longer input is cut at MAX_MESSAGE_CHARS with truncated=True, never silently."""

import json

import pytest

import wxscreen
from wxscreen import MAX_MESSAGE_CHARS

FILLER = "张先生您好，您的借款已逾期15天，请尽快登录APP还款。"
CUE = "请把收到的验证码发给我"


def _filler(n: int) -> str:
    return (FILLER * (n // len(FILLER) + 1))[:n]


@pytest.fixture
def small_limit(monkeypatch):
    """The same code path with a 2,000-character limit (fast)."""
    import wxscreen._screener as scr

    monkeypatch.setattr(scr, "MAX_MESSAGE_CHARS", 2_000)
    return 2_000


def test_limit_is_documented():
    assert MAX_MESSAGE_CHARS == 100_000
    assert "MAX_MESSAGE_CHARS" in (wxscreen.Screening.__doc__ or "")


def test_real_limit_cuts_a_longer_text(raw_screener):
    text = CUE + "，" + _filler(MAX_MESSAGE_CHARS) + CUE
    s = raw_screener.classify(text)
    assert s.truncated is True
    assert any("100,000" in r for r in s.reasons)
    codes = [f for f in s.flags if f.detail == "verification_code"]
    assert codes and all(f.end <= MAX_MESSAGE_CHARS for f in codes)  # the cue beyond the limit is not read
    assert text[codes[0].start : codes[0].end] == codes[0].evidence
    assert json.loads(s.model_dump_json())["truncated"] is True


def test_text_at_the_limit_is_screened_whole(raw_screener, small_limit):
    text = _filler(small_limit - len(CUE)) + CUE
    s = raw_screener.classify(text)
    assert s.truncated is False
    assert any(f.detail == "verification_code" and f.end == len(text) for f in s.flags)


def test_text_beyond_the_limit_is_cut(raw_screener, small_limit):
    text = _filler(small_limit) + CUE
    assert raw_screener.classify(_filler(small_limit)).truncated is False
    s = raw_screener.classify(text)
    assert s.truncated is True
    assert not any(f.detail == "verification_code" for f in s.flags)  # the cue lies wholly beyond the limit
    assert all(f.end <= small_limit for f in s.flags)
    assert any(f"{small_limit:,}" in r for r in s.reasons)


def test_only_the_limit_reaches_normalisation(raw_screener, small_limit, monkeypatch):
    import wxscreen._screener as scr

    seen: list[int] = []
    real = scr.normalize

    def spy(text):
        seen.append(len(text))
        return real(text)

    monkeypatch.setattr(scr, "normalize", spy)
    out = raw_screener.classify_many(["好的", "。" * (small_limit * 3), _filler(small_limit + 7), _filler(small_limit)])
    assert seen == [2, small_limit, small_limit, small_limit]
    assert [s.truncated for s in out] == [False, True, True, False]
    assert out[1].label == wxscreen.Label.OTHER and any(f"{small_limit:,}" in r for r in out[1].reasons)


class _TimesOut:
    """A compiled-regex stand-in whose every search runs out of time (a starved CPU)."""

    def search(self, *args, **kwargs):
        raise TimeoutError("regex timed out")


def _pattern(screener, rule):
    for det in screener._detectors():
        for pat in getattr(det, "patterns", ()):
            if pat.id == rule:
                return pat
    raise AssertionError(rule)


@pytest.mark.parametrize("field", ["unless", "unless_message"])
def test_a_guard_that_times_out_marks_the_check_incomplete_and_never_raises(screener, monkeypatch, field):
    text = "你好，转账到我微信"
    assert [f.rule for f in screener.classify(text).flags] == ["transfer.wechat"]
    pat = _pattern(screener, "transfer.wechat")
    pat._compile(field)
    monkeypatch.setitem(pat._compiled, field, _TimesOut())
    s = screener.classify(text)  # raised TimeoutError before: the guards ran outside the try
    assert s.flags_complete is False
    assert any("incomplete" in r for r in s.reasons)


def test_the_real_time_limit_on_a_guard_gives_an_incomplete_check(screener, monkeypatch):
    import wxscreen.detectors._base as base

    monkeypatch.setattr(base, "PATTERN_TIMEOUT", 0.0)  # every timed search runs out at once
    s = screener.classify("你好，转账到我微信，户名：深圳市鑫达贸易有限公司", lender="星河消费金融")
    assert s.flags_complete is False
