import datetime as dt
import io
import json
import sys

import pytest

import wxscreen
from wxscreen import Label
from wxscreen._chat import parse_chat
from wxscreen._cli import main

ISSUE_CHAT = """催收小王 2024/03/05 10:12
张先生你好，你的欠款已经逾期
45天了

张先生 2024/03/05 10:15
我下周还

催收小王 2024/03/05 10:16
直接转到这个卡 6222****0000 户名李某，今天转账可减免500
"""

WECOM_CHAT = """你已添加了李专员 @星河金融，现在可以开始聊天了。
对方为企业微信用户，了解更多。
2024/5/3 14:22
李专员 @星河金融:
张先生您好，我是星河消费金融贷后专员，您尾号1234的借款已逾期15天，应还3,526.40元。
李专员 @星河金融:
如一次性结清，可申请减免罚息326.40元，今日18:00前在APP“我的-协商还款”确认即可。
[图片]
昨天 20:15
张先生:
好的，我晚上在APP里看一下
"""


def test_issue_chat(screener):
    r = wxscreen.screen_chat(ISSUE_CHAT, screener=screener)
    assert [m.speaker for m in r.messages] == ["催收小王", "张先生", "催收小王"]
    assert r.messages[0].text == "张先生你好，你的欠款已经逾期\n45天了"
    assert r.borrower == "张先生"
    assert r.messages[1].screening.label is Label.OTHER and r.messages[1].is_borrower
    last = r.messages[2].screening
    assert any(f.kind == "unofficial_transfer" for f in last.flags)
    for m in r.messages:
        assert ISSUE_CHAT[m.start : m.end] == m.text
    assert r.label is Label.POSSIBLE_SCAM and r.first_risky == 2
    assert r.messages[0].time == dt.datetime(2024, 3, 5, 10, 12)


def test_flag_offsets_index_the_block(raw_screener):
    r = wxscreen.screen_chat(ISSUE_CHAT, screener=raw_screener)
    for m in r.messages:
        for f in m.screening.flags:
            assert ISSUE_CHAT[f.start : f.end] == f.evidence


def test_wecom_layout_with_system_lines_and_relative_time(screener):
    now = dt.datetime(2024, 5, 5, 9, 0)
    r = wxscreen.screen_chat(WECOM_CHAT, now=now, screener=screener)
    assert len(r.messages) == 3
    assert r.messages[0].speaker == "李专员 @星河金融"
    assert "对方为企业微信用户" not in " ".join(m.text for m in r.messages)
    assert r.messages[2].time == dt.datetime(2024, 5, 4, 20, 15)
    assert r.messages[2].is_borrower
    assert r.label is Label.NEGOTIATION_OFFER


def test_inline_colon_layout(screener):
    chat = "小李：在吗\n张三：在\n小李：帮我转2000到这个卡，急用，明天还你\n张三：你是小李吗？\n"
    r = wxscreen.screen_chat(chat, me="张三", screener=screener)
    assert [m.speaker for m in r.messages] == ["小李", "张三", "小李", "张三"]
    assert r.messages[2].text == "帮我转2000到这个卡，急用，明天还你"


def test_plain_text_is_one_message(screener):
    r = wxscreen.screen_chat("  请把验证码发给我  ", screener=screener)
    assert len(r.messages) == 1 and r.messages[0].speaker is None
    assert r.messages[0].text == "请把验证码发给我"


@pytest.mark.parametrize(
    "line, now, expected",
    [
        ("2024年5月3日 14:22", None, dt.datetime(2024, 5, 3, 14, 22)),
        ("星期三 09:10", dt.datetime(2024, 5, 5, 12, 0), dt.datetime(2024, 5, 1, 9, 10)),
        ("5月3日 14:22", dt.datetime(2024, 6, 1), dt.datetime(2024, 5, 3, 14, 22)),
        ("下午 3:05", dt.datetime(2024, 6, 1), dt.datetime(2024, 6, 1, 15, 5)),
    ],
)
def test_time_separators(line, now, expected):
    msgs = parse_chat(f"{line}\n李专员:\n请尽快还款\n", now=now)
    assert msgs[0][1] == expected


def test_empty_and_type_errors():
    assert wxscreen.screen_chat("").messages == []
    with pytest.raises(TypeError, match="bytes"):
        wxscreen.screen_chat(b"x")  # type: ignore[arg-type]


def test_cli_chat(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(ISSUE_CHAT))
    assert main(["chat", "--json", "-"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["label"] == "possible_scam" and len(obj["messages"]) == 3


@pytest.mark.parametrize(
    "text",
    ["请把收到的验证码发给我：", "今天务必还款，转到我个人卡上 18:00", "请将还款转到以下账户：\n6222 **** **** 1234 户名李某"],
)
def test_message_lines_are_not_taken_for_headers(screener, text):
    r = wxscreen.screen_chat(text, screener=screener)
    assert len(r.messages) == 1 and r.messages[0].speaker is None
    assert r.label is screener.classify(text).label


def test_chat_output_is_masked(screener):
    chat = "小李：在吗\n张三：在\n小李：转到6222021234567890123，电话13800138000\n"
    r = wxscreen.screen_chat(chat, screener=screener)
    dumped = r.model_dump_json()
    assert "13800138000" not in dumped and "0212345678" not in dumped
