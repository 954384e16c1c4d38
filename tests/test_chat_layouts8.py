"""Chat layouts that fresh-user trial 8 found unparsed (fixtures 86–89 in tests/fixtures/chats).

1. The phone-screenshot / copy layout: optional time line, a name line with no
   colon, the message, status lines (已读 / 未读 / 已送达 / 送达) that are UI
   noise.
2. An untimed ``[聊天记录]`` card copied as a compact block, then a blank line
   and the outer chat's own ``名字 时间`` headers.
3. A ``引用 名字 的消息：…`` line standing alone before a ``我：…`` reply.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

import wxscreen
from wxscreen import Label
from wxscreen._chat import _is_sep, parse_chat
from wxscreen._cli import main

NOW = dt.datetime(2024, 5, 8, 12, 0)

PHONE_TIMED = """10:02
贷后专员小周
您好，我是橙光借款的贷后专员，您的账单已逾期，平台现在有免息结清活动
已读
10:04
我
具体怎么办理？
已读
10:05
贷后专员小周
您先下载这个软件 http://cg-jieqing.xyz/dl ，登录后打开屏幕共享，我来帮您操作
10:06
贷后专员小周
等下会收到验证码，直接发给我就行
已送达
"""

PHONE_UNTIMED = """2024年5月6日 下午4:10
表弟
哥，我是小斌，这是我新号，之前的号丢了
2024年5月6日 下午4:12
我
小斌？你发条语音给我
表弟
[语音]
我
语音怎么转不了文字
表弟
哥我在交驾校的报名费1800，卡里钱不够，你先帮我垫一下，我发你收款码
"""


def _texts(text: str) -> list[tuple[str | None, str]]:
    return [(p.speaker, text[p.start : p.end]) for p in parse_chat(text, now=NOW)]


def test_phone_layout_with_time_lines_and_status_lines():
    got = parse_chat(PHONE_TIMED, now=NOW)
    assert [(p.speaker, PHONE_TIMED[p.start : p.end]) for p in got] == [
        ("贷后专员小周", "您好，我是橙光借款的贷后专员，您的账单已逾期，平台现在有免息结清活动"),
        ("我", "具体怎么办理？"),
        ("贷后专员小周", "您先下载这个软件 http://cg-jieqing.xyz/dl ，登录后打开屏幕共享，我来帮您操作"),
        ("贷后专员小周", "等下会收到验证码，直接发给我就行"),
    ]
    assert [p.time for p in got] == [NOW.replace(hour=10, minute=m) for m in (2, 4, 5, 6)]
    for p in got:  # status lines and name lines are never in a message
        body = PHONE_TIMED[p.start : p.end]
        assert "已读" not in body and "已送达" not in body and "贷后专员小周\n" not in body


def test_phone_layout_name_lines_without_time_lines():
    got = _texts(PHONE_UNTIMED)
    assert got == [
        ("表弟", "哥，我是小斌，这是我新号，之前的号丢了"),
        ("我", "小斌？你发条语音给我"),
        ("表弟", "[语音]"),
        ("我", "语音怎么转不了文字"),
        ("表弟", "哥我在交驾校的报名费1800，卡里钱不够，你先帮我垫一下，我发你收款码"),
    ]
    times = [p.time for p in parse_chat(PHONE_UNTIMED, now=NOW)]
    # a name line with no time line above it takes the last time line's time
    assert times == [dt.datetime(2024, 5, 6, 16, 10)] + [dt.datetime(2024, 5, 6, 16, 12)] * 4


def test_phone_layout_under_wechat_system_lines():
    text = "你已添加了贷后专员小周，现在可以开始聊天了。\n" + PHONE_TIMED
    got = _texts(text)
    assert [sp for sp, _ in got] == ["贷后专员小周", "我", "贷后专员小周", "贷后专员小周"]
    assert got[1] == ("我", "具体怎么办理？")


def test_phone_layout_with_no_time_lines_at_all():
    text = "小雨\n在吗\n我\n在的\n小雨\n帮我个忙，先转我800\n"
    assert _texts(text) == [("小雨", "在吗"), ("我", "在的"), ("小雨", "帮我个忙，先转我800")]


def test_phone_layout_borrower_and_me(raw_screener):
    r = wxscreen.screen_chat(PHONE_TIMED, now=NOW, screener=raw_screener)
    assert r.borrower == "我"
    assert [m.is_borrower for m in r.messages] == [False, True, False, False]
    assert r.label is Label.POSSIBLE_SCAM
    for m in r.messages:
        assert PHONE_TIMED[m.start : m.end] == m.text
        for f in m.screening.flags:
            assert PHONE_TIMED[f.start : f.end] == f.evidence
    r2 = wxscreen.screen_chat(PHONE_UNTIMED, me="我", now=NOW, screener=raw_screener)
    assert r2.borrower == "我" and [m.speaker for m in r2.messages].count("表弟") == 3


def test_cli_me_accepts_a_phone_layout_speaker(tmp_path, capsys):
    p = tmp_path / "chat.txt"
    p.write_text(PHONE_UNTIMED, encoding="utf-8")
    assert main(["chat", str(p), "--json", "--me", "我", "--now", "2024-05-08T12:00:00"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [m["speaker"] for m in doc["messages"]] == ["表弟", "我", "表弟", "我", "表弟"]


@pytest.mark.parametrize(
    "text",
    [
        # a letter with a short heading: one message
        "张先生\n您好，您在橙光借款的借款已逾期\n请尽快在APP内处理\n",
        # one time line and one name line, no status line: the heading of a notice, not a speaker
        "2024/5/1 14:00\n逾期通知\n您的借款已逾期，请处理\n",
        # the same heading twice: one name only, no time line
        "重要通知\n您的账户异常\n重要通知\n请联系官方客服\n",
        # short replies on their own lines are message text, not names
        "12:00\n好的\n收到\n12:05\n好的\n明白\n",
    ],
)
def test_message_text_is_not_read_as_phone_name_lines(text):
    got = parse_chat(text, now=NOW)
    assert got and all(p.speaker is None for p in got)
    kept = "\n".join(text[p.start : p.end] for p in got)
    for line in text.splitlines():  # every line but a time line stays message text
        assert line in kept or _is_sep(line)


def test_status_lines_under_a_message_are_dropped_in_other_layouts_too():
    text = "李专员 2024/5/7 10:00\n您的借款已逾期\n已读\n\n张先生 2024/5/7 10:05\n我下周还\n未读\n"
    got = _texts(text)
    assert got == [("李专员", "您的借款已逾期"), ("张先生", "我下周还")]
    # a message that is nothing but the word stays: someone may write it
    text = "李专员：\n看到了吗\n张先生：\n已读\n"
    assert _texts(text) == [("李专员", "看到了吗"), ("张先生", "已读")]


def test_status_words_inside_a_message_stay_text():
    text = "12:00\n客服\n您的消息已读\n12:01\n我\n好的我已读过了\n"
    got = _texts(text)
    assert got == [("客服", "您的消息已读"), ("我", "好的我已读过了")]


UNTIMED_CARD = """[聊天记录]
王先生和客服的聊天记录
客服 2024-05-01 08:30:12
王先生您好，您的借款已逾期3天，应还1,200.00元，请在橙光借款APP内还款。
王先生 2024-05-01 08:35:40
好的，今天就还
客服 2024-05-01 08:40:02
如有困难可在APP内申请延期，不收费用。

{outer} 2024-05-01 09:00:00
这个是真的客服吗？
王先生 2024-05-01 09:02:11
是真的，我在APP里核对过
"""


def test_untimed_record_ends_at_a_blank_line_and_a_speaker_its_title_does_not_name():
    got = parse_chat(UNTIMED_CARD.format(outer="老婆"), now=NOW)
    assert [(p.speaker, p.depth, p.record) for p in got] == [
        (None, 0, None),
        ("客服", 1, 0),
        ("王先生", 1, 0),
        ("客服", 1, 0),
        ("老婆", 0, None),
        ("王先生", 0, None),
    ]
    # also when the record spaces its own messages with blank lines
    text = UNTIMED_CARD.replace("好的，今天就还\n", "好的，今天就还\n\n").format(outer="老婆")
    got = parse_chat(text, now=NOW)
    assert [(p.speaker, p.depth) for p in got] == [
        (None, 0), ("客服", 1), ("王先生", 1), ("客服", 1), ("老婆", 0), ("王先生", 0),
    ]


def test_compact_record_ends_at_a_blank_line_and_a_header_in_the_outer_layout():
    # The outer chat and the record both use "名字：" headers and no times; the record is a
    # compact block. A blank line, then a header in the outer chat's layout: the record ended,
    # even for a speaker its title names.
    text = (
        "老婆：\n你看看这个\n[聊天记录]\n王先生和客服的聊天记录\n"
        "客服：\n您的借款已逾期3天\n王先生：\n好的，今天就还\n\n"
        "王先生：\n我还了，你放心\n老婆：\n好\n"
    )
    got = parse_chat(text, now=NOW)
    assert [(p.speaker, p.depth) for p in got] == [
        ("老婆", 0), ("老婆", 0), ("客服", 1), ("王先生", 1), ("王先生", 0), ("老婆", 0),
    ]


def test_ambiguous_untimed_record_still_runs_on():
    # A blank line then a speaker the title names, with no outer layout to compare: the card may
    # just space its own messages, so it runs on (README, Limitations).
    got = parse_chat(UNTIMED_CARD.format(outer="王先生"), now=NOW)
    assert [p.depth for p in got] == [0, 1, 1, 1, 1, 1]
    # no blank line at all: the card runs on, as before
    text = UNTIMED_CARD.replace("\n\n", "\n").format(outer="老婆")
    assert [p.depth for p in parse_chat(text, now=NOW)][-2:] == [1, 1]


QUOTE_FIRST = """引用 刘经理 的消息：您的减免已经批了，结清款转到下面的账户就行
我：为什么不在App里还？
刘经理：App通道关了，转到这个账户一样：户名 周某某 6228 4800 0000 1234
我：我再问问官方客服
刘经理：别问客服，客服不知道这个活动
"""


def test_a_quote_line_before_a_reply_is_the_replys_quote(raw_screener):
    got = parse_chat(QUOTE_FIRST, now=NOW)
    assert [p.speaker for p in got] == ["我", "刘经理", "我", "刘经理"]
    q = got[0].quote
    assert q is not None and q[0] == "刘经理"
    assert QUOTE_FIRST[q[1] : q[2]] == "您的减免已经批了，结清款转到下面的账户就行"
    assert QUOTE_FIRST[got[0].start : got[0].end] == "为什么不在App里还？"
    r = wxscreen.screen_chat(QUOTE_FIRST, now=NOW, screener=raw_screener)
    assert r.borrower == "我" and r.messages[0].quote is not None
    assert r.messages[0].quote.speaker == "刘经理"
    # the quoted words are never screened as anyone's message: no flag points into them
    for m in r.messages:
        for f in m.screening.flags:
            assert not (q[1] <= f.start < q[2])


def test_a_lone_quote_line_with_no_reply_after_it_stays_a_message():
    text = "刘经理：您好\n我：好的\n刘经理：在吗\n我：在\n引用 刘经理 的消息：在吗\n"
    got = parse_chat(text, now=NOW)
    assert [p.speaker for p in got] == ["刘经理", "我", "刘经理", "我"]
    assert got[3].quote is not None and got[3].quote[0] == "刘经理"  # at the end of 我's message, as before
    alone = "引用 刘经理 的消息：您好"
    assert [(p.speaker, p.quote) for p in parse_chat(alone, now=NOW)] == [(None, None)]
