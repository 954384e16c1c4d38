"""Small defects left from earlier rounds (fix8): the payee check against a caller-given lender
written with brackets or 股份, handles masked only in part, 飞机上 read as a Telegram cue, phones
and QQ numbers in Chinese numerals or dotted groups missing from the entities, and ``--now`` for
``wxscreen classify``."""

from __future__ import annotations

import pytest

import wxscreen

# -- 1. payee check: the lender's own company account in any written form ----------------------

_PAYEE = "您好，本月账单请还款至以下账户：户名：{}，账号6222 0212 3456 7890 123，请按时还款"


def _transfer_flags(screener, text, lender):
    return [(f.detail, f.rule) for f in screener.classify(text, lender=lender).flags if f.kind == "unofficial_transfer"]


@pytest.mark.parametrize(
    "payee, lender",
    [
        ("星河消费金融有限公司", "星河消费金融（有限公司）"),
        ("星河消费金融有限公司", "星河消费金融(有限公司)"),
        ("星河消费金融股份有限公司", "星河消费金融"),
        ("星河消费金融股份有限公司", "星河消费金融有限公司"),
        ("星河消费金融有限公司", "星河消费金融股份有限公司"),
        ("星河消费金融（股份）有限公司", "星河消费金融有限责任公司"),
        ("星河消费金融股份有限公司", "星河消费金融（股份）有限公司"),
        ("星河消费金融有限公司", "星河 消费金融 有限公司"),
        ("星河消费金融有限公司", "星河消费金融（深圳）有限公司"),
        ("ＸＹ消费金融有限公司", "XY消费金融有限公司"),
        ("星河消费金融有限公司", "星河金融"),  # README: 星河金融 gives 星河
    ],
)
def test_the_lenders_own_company_account_is_not_flagged_in_any_written_form(screener, payee, lender):
    text = _PAYEE.format(payee)
    assert _transfer_flags(screener, text, lender) == []
    assert screener.classify(text, lender=lender).label is not wxscreen.Label.POSSIBLE_SCAM


@pytest.mark.parametrize("lender", ["星河消费金融（有限公司）", "星河消费金融", "星河消费金融股份有限公司"])
@pytest.mark.parametrize("payee", ["星河信息咨询有限公司", "星河小额贷款有限公司", "云朵消费金融有限公司"])
def test_another_company_is_still_a_designated_account(screener, payee, lender):
    # 星河消费金融 once gave the core 星河, so every company named 星河… passed as the lender's
    found = _transfer_flags(screener, _PAYEE.format(payee), lender)
    assert ("designated_account", "transfer.payee_not_lender") in found


@pytest.mark.parametrize("lender", ["星河消费金融（有限公司）", "星河消费金融"])
def test_a_persons_name_as_payee_is_still_flagged_with_a_lender(screener, lender):
    found = _transfer_flags(screener, _PAYEE.format("张三"), lender)
    assert "personal_account" in [d for d, _ in found]
    assert screener.classify(_PAYEE.format("张三"), lender=lender).label is wxscreen.Label.POSSIBLE_SCAM


def test_lender_core_strips_brackets_gufen_legal_form_and_spaces():
    from wxscreen.detectors._base import _normalized_lender_core

    for lender in ["星河消费金融（有限公司）", "星河消费金融", "星河消费金融股份有限公司", "星河 消费金融 有限责任公司",
                   "星河消費金融（股份）有限公司"]:
        assert _normalized_lender_core(lender) == "星河消费金融", lender
    assert _normalized_lender_core("星河金融有限公司") == "星河"


# -- 2. masking: handles masked whole; 在飞机上 is no Telegram cue --------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        # cues read only on the normalised text (V❤信 → 微信): the _ . - inside once stayed visible
        ("加V❤信：zhang_8899", "加V❤信：zh******99"),
        ("加V❤信：zhang-8899", "加V❤信：zh******99"),
        ("加Ｖ❤信 ａｂ_ｃｄｅｆ", "加Ｖ❤信 ａｂ***ｅｆ"),
        # a dot inside the handle once ended it: zh*ng.san.8899
        ("微信：zhang.san.8899", "微信：zh**********99"),
        ("微信：zhang.san。", "微信：zh*****an。"),
        # an Alipay e-mail account: once zh*ng.san@163.com
        ("支付宝 zhang.san@163.com", "支付宝 zh*************om"),
        # a handle longer than 30 characters: its tail once stayed visible
        ("微信：" + "a" * 40, "微信：aa" + "*" * 36 + "aa"),
        ("ｖｘ：ｚｈａｎｇ＿８８９９", "ｖｘ：ｚｈ******９９"),
        # real Telegram cues
        ("飞机：fast_loan_bot", "飞机：fa*********ot"),
        ("飞机号 fastloan", "飞机号 fa****an"),
        ("飞机上搜 fast_loan", "飞机上搜 fa*****an"),
        ("飞机@fastloan", "飞机@fa****an"),
        ("TG：fast_loan", "TG：fa*****an"),
        # an aeroplane is no Telegram cue
        ("我在飞机上 iphone没电了", "我在飞机上 iphone没电了"),
        ("我在飞机上 wifi不好用", "我在飞机上 wifi不好用"),
        ("坐飞机 iphone", "坐飞机 iphone"),
    ],
)
def test_handles_are_masked_whole_and_need_a_real_cue(text, shown):
    assert wxscreen.mask_identifiers(text) == shown


@pytest.mark.parametrize("handle", ["zhang_8899", "zhang-san-88", "zhang.san.88", "li_si.wang-88"])
@pytest.mark.parametrize("cue", ["加V❤信：", "微信：", "绿泡泡 ", "卫星号：", "telegram: @", "飞机：", "qq号 "])
def test_only_the_first_and_last_two_characters_of_a_handle_show(screener, cue, handle):
    text = f"有事{cue}{handle} 私聊"
    masked = wxscreen.mask_identifiers(text)
    start = text.index(handle)
    assert masked[start : start + len(handle)] == handle[:2] + "*" * (len(handle) - 4) + handle[-2:]
    dumped = screener.classify(text).model_dump_json(exclude={"scores"})
    assert handle not in dumped and handle[2:-2] not in dumped


def test_an_aeroplane_is_no_handle_entity(raw_screener):
    r = raw_screener.classify("我在飞机上 iphone没电了，落地再说")
    assert [e for e in r.entities if e.type == "account_handle"] == []
    got = raw_screener.classify("有事飞机：fast_loan_bot 私聊")
    assert [(e.type, e.value) for e in got.entities] == [("account_handle", "fast_loan_bot")]
