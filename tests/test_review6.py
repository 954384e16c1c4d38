"""Code review 6 (items 3, 4, 9, 11): masking gaps, URL values, noon/midnight deadlines, amounts."""

from __future__ import annotations

import datetime as dt

import pytest

import wxscreen
from wxscreen._chat import _parse_time
from wxscreen._clock import wall_clock

NOW = dt.datetime(2026, 3, 10, 9, 0)


def _typed(screening, kind):
    return [e.value for e in screening.entities if e.type == kind]


# --- item 4: a URL entity's value is masked like its text


def test_url_entity_value_is_masked(screener):
    text = "点击链接 http://pay-help.cn/repay?phone=13800001234&id=11010519491231002X 办理减免"
    r = screener.classify(text)
    dumped = r.model_dump_json()
    assert "13800001234" not in dumped and "11010519491231002X" not in dumped
    (url,) = [e for e in r.entities if e.type == "url"]
    assert url.value.startswith("http://pay-help.cn/repay?phone=1380") and "*" in url.value
    assert len(url.value) == len(url.text)


def test_url_entity_value_unmasked_when_masking_is_off(raw_screener):
    text = "点击链接 http://pay-help.cn/repay?phone=13800001234 办理"
    (url,) = [e.value for e in raw_screener.classify(text).entities if e.type == "url"]
    assert url == "http://pay-help.cn/repay?phone=13800001234"


# --- item 9: hours around noon and midnight


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("请于今晚12点前还款", dt.datetime(2026, 3, 11, 0, 0)),
        ("请于今晚0点前还款", dt.datetime(2026, 3, 11, 0, 0)),
        ("请于明晚12点前还款", dt.datetime(2026, 3, 12, 0, 0)),
        ("请于3月12日晚上12点前还款", dt.datetime(2026, 3, 13, 0, 0)),
        ("请于今天中午1点前还款", dt.datetime(2026, 3, 10, 13, 0)),
        ("请于今天中午12点前还款", dt.datetime(2026, 3, 10, 12, 0)),
        ("请于今晚八点前还款", dt.datetime(2026, 3, 10, 20, 0)),
        ("请于今晚24:00前还款", dt.datetime(2026, 3, 11, 0, 0)),
    ],
)
def test_deadline_hours_around_noon_and_midnight(raw_screener, text, when):
    assert _typed(raw_screener.classify(text, now=NOW), "deadline") == [when]


@pytest.mark.parametrize(
    ("hour", "part", "out"),
    [(12, "晚上", (0, 1)), (0, "晚上", (0, 1)), (12, "今晚", (0, 1)), (1, "中午", (13, 0)), (12, "中午", (12, 0)),
     (3, "下午", (15, 0)), (12, "凌晨", (0, 0)), (24, None, (0, 1)), (9, None, (9, 0))],
)
def test_wall_clock_rule(hour, part, out):
    assert wall_clock(hour, part) == out


def test_chat_times_and_deadlines_share_the_rule():
    now = dt.datetime(2026, 3, 10, 23, 59)
    assert _parse_time("3月9日 晚上12:00", now)[0] == dt.datetime(2026, 3, 10, 0, 0)
    assert _parse_time("3月9日 中午1:30", now)[0] == dt.datetime(2026, 3, 9, 13, 30)
    assert _parse_time("3月9日 24:00", now)[0] is None
