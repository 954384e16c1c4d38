"""End-to-end checks for the detector findings of code review 8 (session 7).

Each case goes through :func:`wxscreen.classify`, so the learned flagger's
plausibility gate and the scope vetoes take part, not the detector alone.
"""
from __future__ import annotations

import pytest

import wxscreen


def _kinds(text: str) -> set[tuple[str, str]]:
    return {(f.kind, f.detail) for f in wxscreen.classify(text).flags}


@pytest.mark.parametrize(
    "text",
    [
        "扫这个二维码还款，转账成功后截图发我",  # an instruction, not a receipt
        "张先生，还款直接扫我发的码就行，转账成功截个图发我",
    ],
)
def test_pay_then_send_a_screenshot_keeps_the_qr_flag(text):
    assert ("unofficial_transfer", "qr_code") in _kinds(text)


def test_a_pasted_receipt_still_asks_for_nothing():
    assert not any(k == "unofficial_transfer" for k, _ in _kinds("微信支付\n转账给 王某某 ¥1,500.00\n转账成功\n对方已收款"))


def test_a_recited_daily_routine_reaches_the_user_as_a_threat():
    s = wxscreen.classify("你每天早上七点四十从小区南门出来，骑电动车去地铁站，对吧")
    assert ("threat", "home_visit") in {(f.kind, f.detail) for f in s.flags}
    assert s.label.value in ("suspicious", "possible_scam")
    # 约定 elsewhere in the message is no ride between friends
    assert ("threat", "home_visit") in _kinds(
        "你每天早上七点四十从小区南门出来，骑电动车去地铁站，对吧？约定的还款日已经过了三天。"
    )
    assert not any(k == "threat" for k, _ in _kinds("你每天早上七点从南门出来对吧？我明天在那等你一起走"))


def test_a_field_label_is_no_transcript_speaker():
    text = "客户：张先生\n客服：您的学生账户未注销，会影响征信，需要您配合操作注销"
    assert ("impersonation", "platform_staff") in _kinds(text)


def test_a_payment_code_is_no_verification_code():
    assert ("personal_data_request", "verification_code") not in _kinds("本月房租扫这个码付，支付成功后截图发我")
    assert ("personal_data_request", "verification_code") in _kinds("把收到的那个码发我一下")


@pytest.mark.parametrize(
    "text",
    [
        # trial 9 (session 7): a lender's own staff pointing to its app, a bank adviser inviting to the branch,
        # friends splitting a barbecue, the sender paying the reader's code
        "客服 您好 我是您借款平台贷后部门的 看到您逾期了 想了解一下您现在每个月收入大概多少 "
        "方便的话我们根据您的情况给您定一个还款计划 在App里就能申请",
        "王哥，我是银行客户经理小李，我们行最近经营贷利率下调了，来网点聊聊，我在营业部。",
        "周末烧烤一人80，转我微信就行",
        "老板，你这边可以扫码吗？我扫你的收款码了，付了45",
    ],
)
def test_ordinary_staff_and_payments_raise_no_flag(text):
    assert wxscreen.classify(text).flags == []


def test_a_fee_due_after_payout_is_no_fee_first():
    kinds = _kinds("我这边有内部渠道，包下款，放款后收点好处费就行，加我微信详聊。")
    assert not any(k == "advance_fee" for k, _ in kinds)
    assert ("off_platform", "other_chat") in kinds


def test_chat_timestamps_know_every_part_of_the_day_the_deadlines_know():
    # one list (_clock.PARTS_OF_DAY) for chat timestamps and deadlines: 夜里 was missing from chats
    import datetime as dt

    from wxscreen._chat import _parse_time

    now = dt.datetime(2026, 3, 10, 9, 0)
    assert _parse_time("2026-03-09 夜里1:30", now, None)[0] == dt.datetime(2026, 3, 10, 1, 30)
    assert _parse_time("2026-03-09 晚上1:30", now, None)[0] == dt.datetime(2026, 3, 10, 1, 30)
    assert _parse_time("2026-03-09 傍晚6:05", now, None)[0] == dt.datetime(2026, 3, 9, 18, 5)
