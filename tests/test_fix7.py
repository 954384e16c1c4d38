"""Two defects from a fresh-user trial: dash-separated phones shown unmasked, and deadlines
said as a time of day without a day word (请中午1点前还款) not found."""

from __future__ import annotations

import datetime as dt

import pytest

import wxscreen

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 3, 10, 14, 0, tzinfo=CST)  # 14:00, so 中午1点 has already passed


@pytest.mark.parametrize("dash", ["—", "―", "–", "‒", "－", "~", "～", "-"])
def test_dash_separated_phone_is_masked_like_a_hyphenated_one(screener, dash):
    text = f"有问题加我微信或打电话138{dash}1234{dash}5678，转账到我个人卡上"
    masked = wxscreen.mask_identifiers(text)
    assert masked == text.replace(f"1234{dash}5678", f"1***{dash}5678")
    r = screener.classify(text)
    dumped = r.model_dump_json(exclude={"scores"})
    assert "1234" not in dumped and "1***" in dumped
    chat = wxscreen.screen_chat(f"客服 2026/3/10 10:12\n{text}\n")
    assert "1234" not in chat.model_dump_json(exclude={"messages": {"__all__": {"screening": {"scores"}}}})
    for fmt in ("md", "json", "html"):
        assert "1234" not in wxscreen.render_report(chat, format=fmt)


@pytest.mark.parametrize("text", ["2024—2025年度账单", "减免5—30元", "2024-03-05—2024-04-05的账单", "还1000—2000元", "2024-2025年"])
def test_date_and_amount_ranges_with_dashes_are_not_masked(text):
    assert wxscreen.mask_identifiers(text) == text


def _deadlines(screener, text):
    return [e.value for e in screener.classify(text, now=NOW).entities if e.type == "deadline"]


@pytest.mark.parametrize(
    "text, when",
    [
        ("请中午1点前还款", dt.datetime(2026, 3, 10, 13, 0, tzinfo=CST)),  # passed at 14:00: still today
        ("请于下午3点前处理", dt.datetime(2026, 3, 10, 15, 0, tzinfo=CST)),
        ("中午12点前还清", dt.datetime(2026, 3, 10, 12, 0, tzinfo=CST)),
        ("请今天中午前还款", dt.datetime(2026, 3, 10, 12, 0, tzinfo=CST)),
        ("明天中午前结清", dt.datetime(2026, 3, 11, 12, 0, tzinfo=CST)),
        ("晚上12点前还款", dt.datetime(2026, 3, 11, 0, 0, tzinfo=CST)),  # as 今晚12点: the midnight ending today
        ("今天中午1点前还款", dt.datetime(2026, 3, 10, 13, 0, tzinfo=CST)),  # unchanged
    ],
)
def test_time_of_day_without_a_day_word_is_today(screener, text, when):
    values = _deadlines(screener, text)
    assert values == [when]
    assert values[0].tzinfo is CST


def test_time_of_day_after_a_recurring_day_word_is_no_deadline(screener):
    assert _deadlines(screener, "每天下午3点前打卡") == []


def test_time_of_day_deadline_needs_now(screener):
    r = screener.classify("请中午1点前还款")
    assert [e.value for e in r.entities if e.type == "deadline"] == [None]
