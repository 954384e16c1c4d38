"""Code review 7 (part b): masking, entity and payee defects.

Every payee of a message judged (not only the first), a ``lender=`` that names no lender
rejected, phones written with dots, commas, tabs or spaced dashes masked and read as phones,
a phone or card number joined by a dash to an amount no "range", amounts after 支付宝/微信 no
handles, one dash set for masking, phones and amount ranges, amount lists joined by / or |
left visible, and court case numbers in 〔〕 / [] / 【】 masked and read.
"""

from __future__ import annotations

import datetime as dt

import pytest

import wxscreen
from wxscreen._entities import extract_entities


def _ents(text, types=None):
    return [(e["type"], e["value"]) for e in extract_entities(text) if types is None or e["type"] in types]


# -- 1. every payee company is judged -------------------------------------------------------

_TWO_PAYEES = (
    "请通过对公账户还款，户名：星河消费金融有限公司。如转账失败，请转至备用对公账户，户名：深圳市蓝海商贸有限公司"
)


def test_a_second_payee_that_is_not_the_lender_is_flagged(screener):
    # only the first payee (the lender-like one) was checked: collection_notice with no flag
    r = screener.classify(_TWO_PAYEES)
    flags = [f for f in r.flags if f.kind == "unofficial_transfer"]
    assert flags, r.flags
    assert r.label.value == "possible_scam"
    assert any("蓝海商贸" in f.evidence for f in flags)
    # the lender's own sentence stays unflagged: no evidence inside it
    first = _TWO_PAYEES.index("。")
    assert all(f.start > first for f in flags)


def test_the_second_payee_is_judged_with_a_given_lender_too(screener):
    r = screener.classify(_TWO_PAYEES, lender="星河消费金融")
    assert any(f.rule == "transfer.payee_not_lender" and "蓝海商贸" in f.evidence for f in r.flags)


def test_payee_check_judges_every_payee_and_the_hit_sentence():
    from wxscreen.detectors._base import _payee_unofficial

    text = wxscreen.normalize(_TWO_PAYEES).text
    assert _payee_unofficial(text)  # one payee is not the lender
    assert _payee_unofficial(text, "星河消费金融")
    own = text.index("户名")
    assert not _payee_unofficial(text, None, (0, own + 5))  # the lender's own sentence
    # a signature names the lender: its company is the lender's own, the other is not
    signed = wxscreen.normalize("【蓝海商贸】户名：蓝海商贸有限公司。备用户名：红星贸易有限公司").text
    assert _payee_unofficial(signed)
    assert not _payee_unofficial(wxscreen.normalize("【蓝海商贸】户名：蓝海商贸有限公司").text)


def test_a_lender_only_payee_still_suppresses_the_learned_flag(screener):
    r = screener.classify("请通过对公账户还款，户名：星河消费金融有限公司")
    assert not [f for f in r.flags if f.kind == "unofficial_transfer"]


# -- 2. a lender= that names no lender --------------------------------------------------------


@pytest.mark.parametrize("lender", ["有限公司", "[", "（有限公司）", "股份有限公司", "金融", "星"])
def test_a_lender_without_a_core_name_is_an_error(screener, lender):
    with pytest.raises(wxscreen.InvalidInputError, match="names no lender") as e:
        screener.classify("请还款至对公账户，户名：星河消费金融有限公司", lender=lender)
    assert repr(lender) in str(e.value)
    with pytest.raises(wxscreen.InvalidInputError, match="names no lender"):
        wxscreen.screen_chat("客服 2024/5/3 14:22\n请还款\n", lender=lender)


def test_short_real_lender_names_are_still_accepted(screener):
    for lender in ("星河", "星河金融", "招联"):
        screener.classify("请还款", lender=lender)


def test_cli_rejects_a_lender_without_a_core_name(capsys):
    from wxscreen._cli import main

    assert main(["classify", "--lender", "有限公司", "请还款"]) != 0
    assert "names no lender" in capsys.readouterr().err


# -- 3. phones with dots, commas, tabs, spaced dashes -----------------------------------------

_PHONES = ["138 — 1234 — 5678", "138 - 1234 - 5678", "138.1234.5678", "138\t1234\t5678", "138,1234,5678",
           "138，1234，5678", "138 – 1234 – 5678"]


@pytest.mark.parametrize("phone", _PHONES)
def test_phone_with_other_separators_is_masked_and_a_phone(phone):
    text = f"还款请联系专员 {phone} 谢谢"
    masked = wxscreen.mask_identifiers(text)
    assert "1234" not in masked and len(masked) == len(text)
    assert masked.count("*") == 3  # first 4 and last 4 digits kept
    ents = extract_entities(text)
    assert [(e["type"], e["value"]) for e in ents] == [("phone", "1381***5678")]
    assert _ents(text, {"amount"}) == []


@pytest.mark.parametrize("phone", _PHONES[:4])
def test_phone_with_other_separators_is_masked_in_evidence_and_chat(phone):
    text = f"加微信办理减免，专员电话 {phone}，先转500元保证金"
    r = wxscreen.classify(text)
    for f in r.flags:
        assert "1234" not in f.evidence
    chat = f"客服 2024/5/3 14:22\n{text}\n"
    res = wxscreen.screen_chat(chat, now=dt.datetime(2024, 5, 4))
    assert "1234" not in res.messages[0].text


@pytest.mark.parametrize(
    "text",
    ["圆周率3.14", "2024.05.06还款", "还款1,000元", "还款1，000元", "利息138.12元", "欠款12,345.67元", "版本1.3.8",
     "还款1000—2000元", "2024—2025年度"],
)
def test_dates_amounts_and_decimals_stay_visible(text):
    assert wxscreen.mask_identifiers(text) == text
    assert not [e for e in extract_entities(text) if e["type"] == "phone"]


# -- 4. a range exemption needs short sides ----------------------------------------------------


@pytest.mark.parametrize(
    "text, masked",
    [
        ("手机号13812345678—2000元", "手机号1381***5678—2000元"),
        ("手机号13812345678-2000元", "手机号1381***5678-2000元"),
        ("卡号6222021234567890—6000块", "卡号6222********7890—6000块"),
        ("13812345678—13812345679元", "1381***5678—1381***5679元"),
        ("还1000—2000元", "还1000—2000元"),
        ("转10000000-20000000元", "转10000000-20000000元"),
    ],
)
def test_a_long_number_beside_an_amount_is_no_range(text, masked):
    assert wxscreen.mask_identifiers(text) == masked


def test_the_amount_beside_a_phone_is_still_read():
    assert _ents("手机号13812345678—2000元") == [("phone", "1381***5678"), ("amount", 2000.0)]


# -- 5. an amount after 支付宝/微信 is no handle ------------------------------------------------


@pytest.mark.parametrize(
    "text, amount",
    [
        ("已通过支付宝 50000元还款", 50000.0),
        ("微信 12000元已收到", 12000.0),
        ("支付宝：30000元", 30000.0),
        ("请支付宝50000", 50000.0),
        ("我用微信转了 20000 块", 20000.0),
        ("支付宝还了120000元", 120000.0),
    ],
)
def test_an_amount_after_a_payment_app_is_an_amount(text, amount):
    assert wxscreen.mask_identifiers(text) == text
    assert _ents(text) == [("amount", amount)]
    assert wxscreen.classify(text).entities and all(e.type != "account_handle" for e in wxscreen.classify(text).entities)


@pytest.mark.parametrize("text", ["加支付宝12345678", "支付宝：13812345678", "QQ：12345678", "请加微信12345678"])
def test_handles_after_a_payment_app_stay_handles(text):
    assert "*" in wxscreen.mask_identifiers(text)
    assert [t for t, _ in _ents(text)] == ["account_handle"]


# -- 6. one dash set ----------------------------------------------------------------------------


@pytest.mark.parametrize("dash", ["-", "\u2010", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "~", "～", "\u301c"])
def test_amount_ranges_take_every_dash(dash):
    assert _ents(f"还款1000{dash}2000元") == [("amount", (1000.0, 2000.0))]
    assert _ents(f"可减免300{dash}500元") == [("amount", (300.0, 500.0))]
    assert _ents(f"还款 1000 {dash} 2000 元") == [("amount", (1000.0, 2000.0))]


def test_the_dash_set_is_defined_once():
    import inspect

    from wxscreen import _entities, _mask
    from wxscreen._mask import DASHES

    assert "\\u2010-\\u2015" not in inspect.getsource(_entities)
    assert inspect.getsource(_mask).count("\\u2010-\\u2015") == 1
    for dash in ("\u2010", "\u2014", "\u2212", "\u301c", "\ufe58", "\ufe63", "~"):
        assert dash in DASHES or "\u2010" <= dash <= "\u2015"
        assert _ents(f"联系138{dash}1234{dash}5678") == [("phone", "1381***5678")]


# -- 7. amount lists joined by / or | ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["分3期，每期1000/1000/1000元", "三期分别还 2000 | 2000 | 1500", "每期还款 3000 / 3000 / 2500 元", "分期1000｜1000｜1000元"],
)
def test_amount_lists_stay_visible(text):
    assert wxscreen.mask_identifiers(text) == text


# -- 8. court case numbers in other brackets ----------------------------------------------------


@pytest.mark.parametrize("year", ["〔2025〕", "[2025]", "【2025】", "（2025）", "［2025］", "(2025)"])
def test_court_case_numbers_in_any_bracket(year):
    text = f"你的案件{year}京0105民初12345号已立案"
    masked = wxscreen.mask_identifiers(text)
    assert "0105" not in masked and "12345" not in masked and len(masked) == len(text)
    cases = [e for e in extract_entities(text) if e["type"] == "case_number"]
    assert len(cases) == 1 and "0105" not in cases[0]["text"]
    raw = [e for e in extract_entities(text, mask=False) if e["type"] == "case_number"]
    assert raw[0]["text"] == f"{year}京0105民初12345号"


@pytest.mark.parametrize(
    "text", ["电话1/3/8/1/2/3/4/5/6/7/8", "卡号6222/0212/3456/7890", "卡号6222/1234/5678/9012", "电话138/1234/5678"]
)
def test_identifiers_written_with_slashes_stay_masked(text):
    masked = wxscreen.mask_identifiers(text)
    assert "*" in masked and len(masked) == len(text)
