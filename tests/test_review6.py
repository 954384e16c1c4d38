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


# --- item 3: identifiers found on the normalised text are masked in every output


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("微信号码：zhang_8899，转账给我", "zhang_8899"),
        ("微信是zhang_8899，转账给我", "zhang_8899"),
        ("微信号為zhang_8899，轉賬給我", "zhang_8899"),
        ("加微信號：zhang_8899转账给我", "zhang_8899"),
        ("绿泡泡zhang_8899转账给我", "zhang_8899"),
        ("wechat: zhang_8899 转账给我", "zhang_8899"),
        ("电报号zhang_8899转账给我", "zhang_8899"),
        ("卫星号zhang_8899转账给我", "zhang_8899"),
        ("加V❤信zhang_8899转账给我", "ang_88"),
        ("扣扣号：123456789 转账给我", "345678"),
        ("加微信138·0000·1234转账给我", "0000"),
        ("加微信①③⑧⓪⓪⓪⓪①②③④转账给我", "⓪⓪⓪⓪"),
        ("加微信 一三八零零零零一二三四 转账给我", "零零零零"),
    ],
)
def test_identifiers_are_masked_in_evidence_and_mask_identifiers(screener, text, secret):
    masked = wxscreen.mask_identifiers(text)
    assert secret not in masked and len(masked) == len(text)
    r = screener.classify(text)
    assert r.flags, "the reproducer is a flagged transfer request"
    dumped = r.model_dump_json(exclude={"scores"})  # a probability such as 0.0000919 may contain "0000"
    assert secret not in dumped


def test_normalised_masking_keeps_four_and_four_digits():
    assert wxscreen.mask_identifiers("加微信①③⑧⓪⓪⓪⓪①②③④") == "加微信①③*******③④"
    assert wxscreen.mask_identifiers("电话138·0000·1234") == "电话138·0***·1234"
    assert wxscreen.mask_identifiers("①③⑧⓪⓪⓪⓪①②③④") == "①③⑧⓪***①②③④"


@pytest.mark.parametrize(
    "text", ["欠款一千万元，请尽快还款", "欠款三千五百万", "请于2024年3月5日前还款", "逾期三十五天", "我们一定会处理"]
)
def test_amounts_dates_and_words_are_not_masked(text):
    assert wxscreen.mask_identifiers(text) == text


def test_chat_message_text_masks_a_handle_after_a_field_word():
    chat = "客服 2024/3/5 10:12\n微信号码：zhang_8899，转账给我\n"
    r = wxscreen.screen_chat(chat)
    assert "zhang_8899" not in r.model_dump_json()


def test_handle_cues_are_one_list():
    from wxscreen import _entities, _mask

    assert _mask.HANDLE_CUE in _entities._HANDLE.pattern and _mask.HANDLE_CUE in _mask._HANDLE.pattern


@pytest.mark.parametrize(
    "text",
    ["直接转到这个卡 6222 8888 0000 7899 户名周某，有问题打我电话13800000000。", "加微信①③⑧⓪⓪⓪⓪①②③④转账",
     "卫星号zhang_8899", "加微信 一三八零零零零一二三四", "卡号6222****0000"],
)
def test_masking_twice_changes_nothing(text):
    once = wxscreen.mask_identifiers(text)
    assert wxscreen.mask_identifiers(once) == once


# --- item 11: amounts


@pytest.mark.parametrize(
    ("text", "amounts", "span"),
    [
        ("欠款1千万元", [10_000_000.0], "1千万元"),
        ("欠款10万零500元", [100_500.0], "10万零500元"),
        ("你欠我们1亿元", [100_000_000.0], "1亿元"),
        ("欠款1万2千元", [12_000.0], "1万2千元"),
        ("欠款2万5千元", [25_000.0], "2万5千元"),
        ("还款12万3千4百元", [123_400.0], "12万3千4百元"),
        ("欠款1万2", [12_000.0], "1万2"),
        ("欠款12,345元", [12_345.0], "12,345元"),
        ("欠款1,000万元", [10_000_000.0], "1,000万元"),
    ],
)
def test_amount_values_and_spans(raw_screener, text, amounts, span):
    r = raw_screener.classify(text)
    assert _typed(r, "amount") == amounts
    assert [e.text for e in r.entities if e.type == "amount"] == [span]


@pytest.mark.parametrize(
    "text",
    [
        "欠款1,2345元",  # not a thousands grouping: no amount is guessed
        "欠款12,34元",
        "把钱转到我个人卡6222·0212·3456·7890上",
        "扣 扣 12345678 转给我",
        "Q Q: 123456 转给我",
    ],
)
def test_no_amount(raw_screener, text):
    assert _typed(raw_screener.classify(text), "amount") == []


def test_spaced_qq_cue_gives_a_masked_handle(screener):
    r = screener.classify("扣 扣 12345678 转给我")
    assert [(e.type, e.value) for e in r.entities] == [("account_handle", "12****78")]


def test_month_thirteen_is_no_date(raw_screener):
    assert _typed(raw_screener.classify("请于13月5日前还款", now=NOW), "deadline") == []
    assert _typed(raw_screener.classify("请于3月5日前还款", now=NOW), "deadline") == [dt.datetime(2026, 3, 5, 23, 59, 59)]


def test_a_number_masked_upstream_with_full_width_stars_is_left_alone():
    text = "加ＱＱ：６６８＊＊＊＊２１领取任务"
    assert wxscreen.mask_identifiers(text) == text


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("每月只还利息约180元，6个月后再还本金", [180.0]),  # a Chinese comma ends the clause
        ("您当前欠款5,420元，6月15日前结清仅需4,600元", [5420.0, 4600.0]),
        ("您本次还款３，３１８．７５元，１０月账单已出", [3318.75]),
        ("你先转我3000 千万别告诉爸妈", [3000.0]),  # 千万别: "by all means", no multiplier
        ("欠款本金5萬8千多", [58000.0]),
    ],
)
def test_commas_and_multipliers_in_context(raw_screener, text, amounts):
    assert _typed(raw_screener.classify(text), "amount") == amounts
