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
        ("下午 3:05", dt.datetime(2024, 6, 1, 16), dt.datetime(2024, 6, 1, 15, 5)),
        ("下午 3:05", dt.datetime(2024, 6, 1), dt.datetime(2024, 5, 31, 15, 5)),  # later than now: yesterday
    ],
)
def test_time_separators(line, now, expected):
    msgs = parse_chat(f"{line}\n李专员:\n请尽快还款\n", now=now)
    assert msgs[0].time == expected


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


# --- layouts and semantics added for issue #4 -------------------------------------------------

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "chats"


def test_issue_chat_is_the_must_pass_case(screener):
    """Issue #4's paste: 3 messages, blank lines between, transfer flag on the collector's last."""
    r = wxscreen.screen_chat(ISSUE_CHAT, screener=screener)
    assert len(r.messages) == 3
    assert [m.is_borrower for m in r.messages] == [False, True, False]
    assert r.messages[1].text == "我下周还" and r.messages[1].screening.flags == []
    assert [f.kind for f in r.messages[2].screening.flags if f.kind == "unofficial_transfer"]
    assert r.escalation == [(0, r.messages[0].screening.label), (2, Label.POSSIBLE_SCAM)]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.txt")), ids=lambda p: p.stem)
def test_offsets_index_the_block_on_every_fixture(raw_screener, path):
    block = path.read_bytes().decode("utf-8")
    r = wxscreen.screen_chat(block, now=dt.datetime(2024, 5, 8, 12), screener=raw_screener)
    for m in r.messages:
        assert block[m.start : m.end] == m.text
        if m.quote is not None:
            assert block[m.quote.start : m.quote.end] == m.quote.text
            assert not (m.start <= m.quote.start < m.end)
        for f in m.screening.flags:
            assert m.start <= f.start <= f.end <= m.end
            assert block[f.start : f.end] == f.evidence
        for e in m.screening.entities:
            assert m.start <= e.start <= e.end <= m.end
            assert block[e.start : e.end] == e.text
        if m.is_borrower:
            assert m.screening.label is Label.OTHER and m.screening.flags == []


@pytest.mark.parametrize(
    "card",
    ["[链接]", "[转账] ¥500.00", "[转账]已收款", "[转账]请收款", "[红包]", "[文件]", "[表情]", "[图片]", "[语音]",
     "[视频]", "[位置]", "[名片]", "语音通话 通话时长 00:12", "视频通话 已取消", "[捂脸][抱拳]", "¥888.00"],
)
def test_placeholders_alone_are_never_risky(screener, card):
    chat = f"催收小王 2024/5/3 10:00\n{card}\n张先生 2024/5/3 10:01\n好\n"
    r = wxscreen.screen_chat(chat, screener=screener)
    assert r.messages[0].text == card
    assert r.messages[0].screening.flags == [] and r.messages[0].screening.label is Label.OTHER


def test_placeholders_stay_in_text_and_text_around_them_is_screened(screener):
    chat = "催收小王 2024/5/3 10:00\n[图片]\n把钱转到我个人支付宝[抱拳]\n张先生 2024/5/3 10:01\n好\n"
    r = wxscreen.screen_chat(chat, screener=screener)
    assert r.messages[0].text == "[图片]\n把钱转到我个人支付宝[抱拳]"
    assert r.messages[0].screening.label is Label.POSSIBLE_SCAM


def test_quoted_words_are_not_the_repliers(raw_screener):
    chat = (
        "小王 2024/5/3 10:00\n把验证码发给我，转账到我个人卡上\n"
        "客服小李 2024/5/3 10:05\n「小王：把验证码发给我，转账到我个人卡上」\n- - - - - - - - - - - - - - -\n收到，我们核实一下\n"
        "客服小李 2024/5/3 10:06\n收到你说的「小王：验证码发给我」这句，已记录\n"
    )
    r = wxscreen.screen_chat(chat, me="小王", screener=raw_screener)
    reply, middle = r.messages[1], r.messages[2]
    assert reply.text == "收到，我们核实一下"
    assert reply.quote is not None and reply.quote.speaker == "小王"
    assert reply.quote.text == "把验证码发给我，转账到我个人卡上"
    assert reply.screening.flags == [] and reply.screening.label is not Label.POSSIBLE_SCAM
    # a quote in the middle of a message stays in its text but is not screened
    assert "「小王：验证码发给我」" in middle.text and middle.quote is None
    assert middle.screening.flags == []


def test_yinyong_quote_line(raw_screener):
    chat = "专员：\n请提供验证码\n张先生：\n引用 专员 的消息：请提供验证码\n我不会给你\n专员：\n好的\n"
    r = wxscreen.screen_chat(chat, me="张先生", screener=raw_screener)
    assert [m.text for m in r.messages] == ["请提供验证码", "我不会给你", "好的"]
    assert r.messages[1].quote is not None and r.messages[1].quote.text == "请提供验证码"


def test_forwarded_messages_are_flat_with_depth_and_record(screener):
    block = (FIXTURES / "12_forward_indented.txt").read_text("utf-8")
    r = wxscreen.screen_chat(block, screener=screener)
    assert [m.depth for m in r.messages] == [0, 0, 1, 1, 1, 0]
    assert [m.record for m in r.messages] == [None, None, 1, 1, 1, None]
    assert [m.forwarded for m in r.messages] == [False, False, True, True, True, False]
    assert r.messages[1].text.startswith("[聊天记录]")
    # the scam inside the forwarded record sets the verdict
    assert r.label is Label.POSSIBLE_SCAM and r.messages[r.first_risky].forwarded
    assert r.borrower == "高雅"


def test_system_lines_never_reach_messages(screener):
    block = (FIXTURES / "19_system_lines.txt").read_text("utf-8")
    r = wxscreen.screen_chat(block, screener=screener)
    joined = "\n".join(m.text for m in r.messages)
    for sys_line in ("以上是打招呼的内容", "与对方发生资金往来可能存在风险", "你已添加了", "撤回了一条消息", "拍了拍"):
        assert sys_line not in joined
    assert r.borrower == "谭女士"  # 你已添加了卢经理 ⇒ 卢经理 is the other side


@pytest.mark.parametrize(
    "ts, expected",
    [
        ("上午 12:05", dt.datetime(2024, 5, 8, 0, 5)),
        ("上午 11:10", dt.datetime(2024, 5, 8, 11, 10)),
        ("中午 1:10", dt.datetime(2024, 5, 7, 13, 10)),  # later in the day than now: yesterday's
        ("晚上 8:15", dt.datetime(2024, 5, 7, 20, 15)),
        ("晚上 12:00", dt.datetime(2024, 5, 8, 0, 0)),  # midnight ending yesterday, not today
        ("今天 14:00", dt.datetime(2024, 5, 8, 14, 0)),  # a day word is kept as written
        ("昨天 晚上 12:00", dt.datetime(2024, 5, 8, 0, 0)),  # midnight ending yesterday
        ("前天 07:00", dt.datetime(2024, 5, 6, 7, 0)),
        ("周日 10:00", dt.datetime(2024, 5, 5, 10, 0)),
        ("星期三 09:10", dt.datetime(2024, 5, 1, 9, 10)),  # now is a Wednesday: a week back
        ("12月30日 10:00", dt.datetime(2023, 12, 30, 10, 0)),  # never after now
    ],
)
def test_relative_times_resolve_against_now(ts, expected):
    msgs = parse_chat(f"{ts}\n李专员:\n请尽快还款\n", now=dt.datetime(2024, 5, 8, 12, 0))
    assert msgs[0].time == expected


@pytest.mark.parametrize(
    "paste",
    ["[14:22] 客服: 您好，您的借款已逾期\n[14:25] 张先生: 好的", "14:22\n客服:\n您好，您的借款已逾期\n张先生:\n好的",
     "客服 14:22\n您好，您的借款已逾期\n张先生 14:25\n好的"],
)
def test_a_bare_time_later_than_now_was_yesterday(paste):
    got = parse_chat(paste, now=dt.datetime(2024, 5, 4, 10, 0))
    assert got[0].speaker == "客服"
    assert got[0].time == dt.datetime(2024, 5, 3, 14, 22)
    # not later than now: today's; under a dated line: that date
    assert parse_chat(paste, now=dt.datetime(2024, 5, 4, 15, 0))[0].time == dt.datetime(2024, 5, 4, 14, 22)


def test_a_bare_time_under_a_dated_line_keeps_that_date():
    paste = "2024-05-04 09:00\n李专员:\n在吗\n[14:22] 客服: 您好"
    assert parse_chat(paste, now=dt.datetime(2024, 5, 4, 10, 0))[1].time == dt.datetime(2024, 5, 4, 14, 22)


def test_a_bare_time_just_after_midnight_is_today_and_one_before_is_yesterday():
    got = parse_chat("[23:50] 客服: 在吗\n[00:10] 张先生: 在", now=dt.datetime(2024, 5, 4, 0, 30))
    assert [m.time for m in got] == [dt.datetime(2024, 5, 3, 23, 50), dt.datetime(2024, 5, 4, 0, 10)]


def test_relative_times_without_now_are_none_and_tz_follows_now():
    chat = "昨天 20:15\n李专员:\n请尽快还款\n2024/5/3 14:22\n李专员:\n好\n"
    assert [m.time for m in parse_chat(chat)] == [None, dt.datetime(2024, 5, 3, 14, 22)]
    tz = dt.timezone(dt.timedelta(hours=8))
    got = parse_chat(chat, now=dt.datetime(2024, 5, 8, 12, tzinfo=tz))
    assert got[0].time == dt.datetime(2024, 5, 7, 20, 15, tzinfo=tz)


def test_bare_header_time_takes_the_date_of_the_separator_above():
    chat = "昨天\u300020:00\n小王 20:01\n你好\n张三 20:05\n在\n"
    got = parse_chat(chat.replace("\u3000", " "), now=dt.datetime(2024, 5, 8, 12))
    assert [m.time for m in got] == [dt.datetime(2024, 5, 7, 20, 1), dt.datetime(2024, 5, 7, 20, 5)]


def test_borrower_hints():
    import types

    def fake(texts):
        return [
            types.SimpleNamespace(scores={"other": 0.1 if "还款" in t else 0.9}) for t in texts
        ]

    from wxscreen._chat import _infer_borrower

    def infer(chat):
        parsed = parse_chat(chat)
        return _infer_borrower(chat, parsed, fake([chat[p.start : p.end] for p in parsed]))

    assert infer("我：请问\n客服：请还款\n我：好\n客服：还款\n") == ("我", None)
    assert infer("李专员 @某金融：还款\n张三：好的\n李专员 @某金融：好\n张三：还款\n") == ("张三", None)
    assert infer("你已添加了阿明，现在可以开始聊天了。\n阿明：你好\n阿红：还款\n") == ("阿红", None)
    assert infer("阿明：你好\n阿明：在吗\n") == (None, None)


def test_field_label_lines_are_not_speakers(screener):
    text = "请转到以下账户：\n户名：李某\n账号：6222 **** **** 1234\n户名：李某\n账号：6222 **** **** 1234\n"
    r = wxscreen.screen_chat(text, screener=screener)
    assert len(r.messages) == 1 and r.messages[0].speaker is None


def test_cli_chat_table(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(ISSUE_CHAT))
    assert main(["chat", "-", "--now", "2024-05-08T12:00"]) == 0
    out = capsys.readouterr().out
    rows = [ln for ln in out.splitlines() if ln[:3].strip().isdigit()]
    assert len(rows) == 3
    assert "张先生 (borrower)" in rows[1] and "other" in rows[1]
    assert "possible_scam" in rows[2]
    assert "verdict: possible_scam 疑似诈骗" in out
    assert "borrower: 张先生 (inferred)" in out
    assert "escalation: #0" in out and "#2 possible_scam" in out
    assert "6222****0000" in out  # already masked in the paste; full numbers never shown


def test_cli_chat_table_shows_depth_and_quotes(capsys):
    assert main(["chat", str(FIXTURES / "16_quote_top_with_dashes.txt")]) == 0
    out = capsys.readouterr().out
    assert "↪ quoting 严专员" in out
    assert main(["chat", str(FIXTURES / "14_nested_records_depth2.txt"), "--me", "林晓"]) == 0
    out = capsys.readouterr().out
    assert "↳ 债务规划师阿杰" in out and "borrower: 林晓 (given)" in out
    assert "5 inside forwarded records" in out


def test_a_line_ending_in_de_liaotian_jilu_is_not_always_a_record():
    chat = "小王 2024/5/3 10:00\n这是他发给我的聊天记录\n你看看\n张三 2024/5/3 10:01\n好\n"
    msgs = parse_chat(chat)
    assert [chat[p.start : p.end] for p in msgs] == ["这是他发给我的聊天记录\n你看看", "好"]
    assert all(p.depth == 0 for p in msgs)


def test_one_message_mentioning_a_chat_record_stays_one_message():
    text = "这是他发给我的聊天记录\n请转到以下账户：\n6222 **** **** 1234"
    assert len(parse_chat(text)) == 1


def test_title_names_in_quotes_are_speakers_inside_the_record():
    chat = "阿林：[聊天记录]\n阿林和“某某理赔中心”的聊天记录\n  某某理赔中心：请转到监管账户\n阿林：这是真的吗\n"
    msgs = parse_chat(chat)
    assert [(p.speaker, p.depth) for p in msgs] == [("阿林", 0), ("某某理赔中心", 1), ("阿林", 0)]


def test_every_span_field_of_a_message_screening_moves_to_block_offsets():
    from wxscreen import Flag, ModelInfo, Screening
    from wxscreen._chat import _to_block

    scores = {lab.value: (1.0 if lab is Label.OTHER else 0.0) for lab in Label}
    flag = Flag(kind="threat", detail="violence", start=2, end=4, evidence="xx", rule="r", score=0.9)
    res = Screening(label=Label.OTHER, scores=scores, flags=[flag], model=ModelInfo(
        wxscreen_version="0", model_id="m", trained_on="t"))
    moved = _to_block(res, 10, "abCDef")
    assert (moved.flags[0].start, moved.flags[0].end, moved.flags[0].evidence) == (12, 14, "CD")


def test_transfer_card_amount_stays_visible_to_the_screener():
    from wxscreen._chat import _screen_view

    view = _screen_view("[转账]请你确认收款\n¥2,000.00\n[图片]")
    assert view.split() == ["¥2,000.00"]
    assert len(view) == len("[转账]请你确认收款\n¥2,000.00\n[图片]")


@pytest.mark.parametrize("note", ["帮我看看这个：", "大家帮忙看看:"])
def test_a_note_above_the_chat_is_a_message_not_a_header(note):
    chat = f"{note}\n{ISSUE_CHAT}"
    msgs = parse_chat(chat)
    assert (msgs[0].speaker, chat[msgs[0].start : msgs[0].end]) == (None, note)
    assert [p.speaker for p in msgs[1:]] == ["催收小王", "张先生", "催收小王"]


@pytest.mark.parametrize(
    "text",
    ["还款日期：\n2024-05-10\n请按时在APP还款", "您的账单\n2024年5月10日\n到期", "逾期起算日\n2024/5/1 14:00\n以系统为准"],
)
def test_a_date_alone_in_one_message_does_not_split_it(text):
    assert [(p.start, p.end) for p in parse_chat(text)] == [(0, len(text))]


def test_date_only_separators_date_the_bare_header_times():
    chat = "====== 2024-05-03 ======\n小王 14:00\n你好\n2024-05-04\n小王 09:30\n在吗\n张三 09:45\n在\n"
    assert [p.time for p in parse_chat(chat)] == [
        dt.datetime(2024, 5, 3, 14, 0), dt.datetime(2024, 5, 4, 9, 30), dt.datetime(2024, 5, 4, 9, 45)
    ]


def test_inline_messages_with_bracketed_times():
    chat = "[2024-05-03 14:22:10] 童专员: 您好\n[14:30] 鲍先生：好的\n"
    got = parse_chat(chat, now=dt.datetime(2024, 5, 8, 12))
    assert [(p.speaker, chat[p.start : p.end], p.time) for p in got] == [
        ("童专员", "您好", dt.datetime(2024, 5, 3, 14, 22, 10)),
        ("鲍先生", "好的", dt.datetime(2024, 5, 3, 14, 30)),
    ]


def _segments(chat, **kw):
    return [(p.speaker, chat[p.start : p.end]) for p in parse_chat(chat, **kw)]


def test_inline_line_of_a_header_speaker_after_headers_is_its_own_message(screener):
    chat = (
        "王经理 2024/5/3 14:05\n您好，逾期了\n张先生 2024/5/3 14:06\n我知道\n"
        "王经理：把验证码发给我，再转5000到我个人卡上\n"
    )
    assert _segments(chat) == [
        ("王经理", "您好，逾期了"),
        ("张先生", "我知道"),
        ("王经理", "把验证码发给我，再转5000到我个人卡上"),
    ]
    r = wxscreen.screen_chat(chat, me="张先生", screener=screener)
    assert r.label is Label.POSSIBLE_SCAM
    assert r.messages[2].screening.label is Label.POSSIBLE_SCAM


def test_one_header_then_inline_lines_is_a_chat():
    chat = "王经理 2024/5/3 14:05\n您好，您的借款已逾期\n我：你好\n王经理：把验证码发给我\n"
    assert _segments(chat) == [("王经理", "您好，您的借款已逾期"), ("我", "你好"), ("王经理", "把验证码发给我")]


def test_added_system_line_ampm_header_inline_lines_and_a_quote():
    chat = (
        "你已添加了王经理\n王经理 下午 2:05\n您好，您的借款已逾期三天\n我：我下周还\n王经理：不行，今天必须处理\n"
        "引用 王经理 的消息：不行，今天必须处理\n我：那怎么办\n王经理：把验证码发给我\n"
    )
    got = parse_chat(chat, now=dt.datetime(2024, 5, 8, 12))
    assert [(p.speaker, chat[p.start : p.end]) for p in got] == [
        ("王经理", "您好，您的借款已逾期三天"),
        ("我", "我下周还"),
        ("王经理", "不行，今天必须处理"),
        ("我", "那怎么办"),
        ("王经理", "把验证码发给我"),
    ]
    # The quoted words are the quote of one message, not the text of any: screened once.
    assert [chat[p.quote[1] : p.quote[2]] for p in got if p.quote] == ["不行，今天必须处理"]
    assert sum(chat[p.start : p.end].count("不行，今天必须处理") for p in got) == 1


@pytest.mark.parametrize("name", ["尹专员", "Amy Wang"])
@pytest.mark.parametrize("tail", ["", "，现在可以开始聊天了。"])
def test_added_line_names_a_speaker(name, tail):
    chat = f"你已添加了{name}{tail}\n{name} 14:05\n您好\n{name}：请今天还款\n"
    assert _segments(chat) == [(name, "您好"), (name, "请今天还款")]


@pytest.mark.parametrize("line", ["户名：张三", "账号：6222 **** **** 1234", "注意：今天五点前", "小李：他说的"])
def test_colon_text_inside_a_header_message_stays_in_it(line):
    chat = f"王经理 2024/5/3 14:05\n请转到以下账户\n{line}\n张先生 2024/5/3 14:06\n好的\n"
    assert _segments(chat) == [("王经理", f"请转到以下账户\n{line}"), ("张先生", "好的")]


def test_me_must_be_a_str(screener):
    with pytest.raises(TypeError, match="me must be a str.*got int"):
        wxscreen.screen_chat(ISSUE_CHAT, me=5, screener=screener)


@pytest.mark.parametrize("bad", ["x", 5, object()])
def test_screener_must_be_a_screener(bad):
    # an AttributeError from deep inside before; now a TypeError naming the type
    with pytest.raises(TypeError, match=f"screener must be a Screener.*got {type(bad).__name__}"):
        wxscreen.screen_chat(ISSUE_CHAT, screener=bad)


def test_me_must_be_a_speaker(screener):
    with pytest.raises(wxscreen.InvalidInputError, match="不存在的人.*speakers found: 催收小王、张先生"):
        wxscreen.screen_chat(ISSUE_CHAT, me="不存在的人", screener=screener)
    with pytest.raises(ValueError, match="speakers found: none"):
        wxscreen.screen_chat("请把验证码发给我", me="张先生", screener=screener)
    # surrounding whitespace is ignored; the CLI turns the error into exit status 1
    assert wxscreen.screen_chat(ISSUE_CHAT, me=" 张先生 ", screener=screener).borrower == " 张先生 "


def test_cli_me_not_a_speaker(tmp_path, capsys):
    p = tmp_path / "chat.txt"
    p.write_text(ISSUE_CHAT, "utf-8")
    assert main(["chat", str(p), "--me", "张三丰"]) == 1
    err = capsys.readouterr().err
    assert "张三丰" in err and "催收小王、张先生" in err


def test_salutation_right_under_a_header_is_not_a_message():
    chat = "王经理 2024/5/3 14:05\n张先生：您好，请把验证码发给我\n张先生 2024/5/3 14:06\n好的\n"
    assert _segments(chat) == [("王经理", "张先生：您好，请把验证码发给我"), ("张先生", "好的")]


@pytest.mark.parametrize(
    "paste, speakers",
    [
        ("催收员 2026/11/28 10:00\n请把验证码发给我\n", ["催收员"]),
        ("客服 14:22\n请把验证码发给我\n张先生 14:25\n好的", ["客服", "张先生"]),
    ],
)
def test_one_dated_header_or_two_bare_time_speakers_make_a_chat(paste, speakers):
    assert [m.speaker for m in wxscreen.screen_chat(paste).messages] == speakers


_MORNING = dt.datetime(2024, 5, 4, 10, 0)


@pytest.mark.parametrize(
    "paste",
    [
        "客服 09:22：您好，您的借款已逾期\n张先生 09:25：好的",
        "客服 2024-05-04 09:22：您好，您的借款已逾期\n张先生 2024-05-04 09:25：好的",
        "客服 2024-05-04 09:22: 您好，您的借款已逾期\n张先生 2024-05-04 09:25: 好的",
        "客服（09:22）：您好，您的借款已逾期\n张先生（09:25）：好的",
        "客服(09:22): 您好，您的借款已逾期\n张先生(09:25): 好的",
        "客服 2024-05-04 09:22:\n您好，您的借款已逾期\n张先生 2024-05-04 09:25:\n好的",
        "客服（09:22）：\n您好，您的借款已逾期\n张先生（09:25）：\n好的",
        "张先生：在吗\n客服 09:22：您好，您的借款已逾期\n张先生：好的",
    ],
)
def test_a_time_after_the_name_is_the_time_not_part_of_the_name(paste):
    got = parse_chat(paste, now=_MORNING)
    msgs = [(m.speaker, paste[m.start : m.end]) for m in got]
    assert ("客服", "您好，您的借款已逾期") in msgs
    assert msgs[-1] == ("张先生", "好的")
    assert next(m.time for m in got if m.speaker == "客服") == dt.datetime(2024, 5, 4, 9, 22)


def test_one_name_time_colon_line_alone_is_message_text():
    # "会议 14:00：…" may be a sentence: one such line is not a chat
    assert [(m.speaker, m.start) for m in parse_chat("会议 09:00：讨论还款安排", now=_MORNING)] == [(None, 0)]


def test_screen_chat_takes_the_lender_as_classify_does(screener, tmp_path, capsys):
    pasted = (
        "李专员 2024/5/3 14:22\n请将结清款转至对公账户，户名：锦程信息咨询有限公司，今天到账即可减免罚息。\n\n"
        "张先生 2024/5/3 14:25\n好的\n"
    )
    flagged = wxscreen.screen_chat(pasted, me="张先生", screener=screener)
    assert any(f.kind == "unofficial_transfer" for f in flagged.messages[0].screening.flags)
    own = wxscreen.screen_chat(pasted, me="张先生", lender="锦程信息咨询有限公司", screener=screener)
    assert not any(f.kind == "unofficial_transfer" for f in own.messages[0].screening.flags)
    other = wxscreen.screen_chat(pasted, me="张先生", lender="云朵借款", screener=screener)
    assert any(f.kind == "unofficial_transfer" for f in other.messages[0].screening.flags)
    with pytest.raises(TypeError, match="lender"):
        wxscreen.screen_chat(pasted, lender=5)  # type: ignore[arg-type]
    p = tmp_path / "chat.txt"
    p.write_text(pasted, encoding="utf-8")
    for cmd in (["chat", str(p), "--json"], ["report", str(p), "--format", "json"]):
        assert main([*cmd, "--me", "张先生"]) == 0
        assert "unofficial_transfer" in capsys.readouterr().out
        assert main([*cmd, "--me", "张先生", "--lender", "锦程信息咨询有限公司"]) == 0
        assert "unofficial_transfer" not in capsys.readouterr().out


def test_the_speaker_a_risky_sender_writes_to_by_name_is_the_borrower():
    from wxscreen import screen_chat

    now = dt.datetime(2025, 3, 3, 9, 0)
    impostor = (
        "小李 昨天 20:15\n老王，是我，我换号了\n"
        "小李 昨天 20:16\n我这边出了点急事，你先帮我转3000到这个卡上，户名刘敏\n"
        "老王 昨天 20:30\n你先打个电话给我\n"
        "小李 昨天 20:31\n开会不方便接电话，急\n"
    )
    res = screen_chat(impostor, now=now)
    assert res.borrower == "老王" and res.label.value == "possible_scam"
    # a borrower naming the collector (李专员，…) in plain replies stays the borrower
    reply = (
        "李专员 2025/3/2 10:22\n你这笔已经逾期两个月了，今天不还我们就联系你单位领导\n"
        "张伟 2025/3/2 10:30\n李专员，我下周发工资就还，别找我单位\n"
    )
    assert screen_chat(reply, now=now).borrower == "张伟"


@pytest.mark.parametrize("name", ["李专员(星河)", "李专员（星河）"])
def test_a_name_with_a_bracketed_company_before_the_time(name):
    # trial 4: "李专员(星河) 14:22：…" gave the speaker '李专员(星河) 14' and no time
    got = parse_chat(f"{name} 08:22：您好，可以分期\n张先生 08:25：好的", now=_MORNING)
    assert [(m.speaker, m.time) for m in got] == [
        (name, dt.datetime(2024, 5, 4, 8, 22)),
        ("张先生", dt.datetime(2024, 5, 4, 8, 25)),
    ]


def test_weekday_lines_are_a_schedule_not_a_chat():
    got = parse_chat("周一 9:00：开会\n周二 14:00：培训", now=_MORNING)
    assert [m.speaker for m in got] == [None]


# Trial reproducer (a): the impostor asks for money, the real user's worried reply mentions 换号.
_MOTHER = (
    "妈 2025/3/2 19:02\n闺女，我换号了\n"
    "妈 2025/3/2 19:03\n你先帮我交一下这个月的房贷，三千二，直接转给银行的王经理，卡号6217 0000 1234 5678，户名王建国\n"
    "小雪 2025/3/2 19:10\n妈你怎么换号了\n"
)
_BOSS = (
    "周总：小陈，在吗\n陈静：在的周总\n"
    "周总：先帮我垫一下，八万六，对方急着要，转到这个公司账户：户名 深圳市恒达贸易有限公司，账号 4000 0212 0910 0456 789\n"
    "周总：别找财务，这事先走你那边\n陈静：好的\n"
)


@pytest.mark.parametrize("paste, borrower, risky", [(_MOTHER, "小雪", 1), (_BOSS, "陈静", 2)])
def test_an_impostors_requests_are_screened_not_taken_as_the_borrowers(screener, paste, borrower, risky):
    r = wxscreen.screen_chat(paste, screener=screener)
    assert r.borrower == borrower and r.borrower_guess is None
    assert r.label is Label.POSSIBLE_SCAM
    assert not r.messages[risky].is_borrower and r.messages[risky].screening.label is Label.POSSIBLE_SCAM
    assert all(m.is_borrower == (m.speaker == borrower) for m in r.messages)


def test_weak_evidence_leaves_the_borrower_unknown_and_screens_everyone(screener, capsys):
    paste = "阿东：最近怎么样\n小林：还行\n阿东：我也是\n小林：那就好\n"
    r = wxscreen.screen_chat(paste, screener=screener)
    assert r.borrower is None and r.borrower_guess in {"阿东", "小林"}
    assert not any(m.is_borrower for m in r.messages)
    assert not any("borrower's own message" in x for m in r.messages for x in m.screening.reasons)
    # with me= nothing is guessed
    assert wxscreen.screen_chat(paste, me="小林", screener=screener).borrower_guess is None


def test_cli_and_report_say_when_the_borrower_is_uncertain(tmp_path, capsys):
    p = tmp_path / "c.txt"
    p.write_text("阿东：最近怎么样\n小林：还行\n阿东：我也是\n小林：那就好\n", encoding="utf-8")
    assert main(["chat", str(p)]) == 0
    assert "borrower: uncertain, perhaps " in capsys.readouterr().out
    assert main(["report", str(p), "--format", "md", "--lang", "en"]) == 0
    assert "not identified (uncertain, perhaps " in capsys.readouterr().out
    assert main(["report", str(p), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["chat"]["borrower_guess"] in {"阿东", "小林"}


@pytest.mark.parametrize(
    "text, cues",
    [
        ("妈你怎么换号了", {"doubt"}),
        ("你是谁？我怎么确认", {"doubt"}),
        ("为什么要转到你同事的卡上", {"doubt"}),  # a question about a request is not a request
        ("我下周发工资就还", {"own_debt"}),
        ("能不能分期", {"own_debt"}),
        ("在的", {"ack"}),
        ("好的，谢谢", {"ack"}),
        ("闺女，我换号了", {"claim", "address_reader"}),
        ("老王，是我，张磊", {"claim", "address_reader"}),
        ("是我，什么事", set()),  # answering 是孙磊吗 is no self-introduction
        ("张先生您好，您的借款已逾期15天", {"address_reader", "your_debt"}),
        ("先帮我垫一下，八万六", {"request"}),
        ("别找财务，这事先走你那边", {"request"}),
        ("我已经在APP还了3000，怎么还在催", {"own_debt"}),
        ("好的王局", set()),
        ("我已经转到这张卡上了，你看一下", {"own_debt"}),
    ],
)
def test_message_cues(text, cues):
    from wxscreen._borrower import message_cues

    assert {k for k, v in message_cues(text, flagged=False).items() if v} == cues


def test_a_flag_counts_as_a_request_unless_the_message_doubts():
    from wxscreen._borrower import message_cues

    assert message_cues("收款码在这", flagged=True)["request"]
    assert not message_cues("你是谁，为什么要我扫码", flagged=True)["request"]
    assert not message_cues("我已经转到6217000012345678这张卡上了", flagged=True)["request"]


def test_rank_speakers_needs_a_margin():
    from wxscreen._borrower import MARGIN, SpeakerCues, rank_speakers

    lead = SpeakerCues(doubt=1, debt=0.0)
    assert rank_speakers({"a": lead, "b": SpeakerCues(request=1, debt=0.9)}) == ("a", None)
    assert rank_speakers({"a": SpeakerCues(debt=0.0), "b": SpeakerCues(debt=MARGIN / 2)}) == (None, "a")
    assert rank_speakers({"a": SpeakerCues(debt=0.0), "b": SpeakerCues(debt=MARGIN)}) == ("a", None)


_QUOTED_PHONE_CHAT = (
    "13800001234 2024/5/3 14:22\n您好，加我微信：zhang_8899，转账给我\n\n"
    "张先生 2024/5/3 14:25\n「13800001234：加我微信：zhang_8899」\n- - - - - - - - - - - - - - -\n好的\n"
)


def test_a_quoted_speakers_name_is_masked_like_the_speaker(screener, raw_screener, tmp_path, capsys):
    masked = wxscreen.screen_chat(_QUOTED_PHONE_CHAT, screener=screener)
    q = masked.messages[1].quote
    assert q is not None and masked.messages[0].speaker == q.speaker == "1380***1234"
    assert "zhang_8899" not in q.text
    assert "13800001234" not in masked.model_dump_json()
    # the evidence report masks a quote too, even of a chat screened without masking
    raw = wxscreen.screen_chat(_QUOTED_PHONE_CHAT, screener=raw_screener)
    assert raw.messages[1].quote is not None and raw.messages[1].quote.speaker == "13800001234"
    out = wxscreen.render_report(raw, format="json", source=_QUOTED_PHONE_CHAT)
    doc = json.loads(out)
    assert doc["report"]["masked"] is True
    assert doc["chat"]["messages"][1]["quote"]["speaker"] == "1380***1234"
    assert "13800001234" not in out and "zhang_8899" not in out
    # and the command line, table and --json
    p = tmp_path / "chat.txt"
    p.write_text(_QUOTED_PHONE_CHAT, encoding="utf-8")
    for extra in ([], ["--json"]):
        assert main(["chat", *extra, str(p)]) == 0
        out = capsys.readouterr().out
        assert "13800001234" not in out and "zhang_8899" not in out
        assert "1380***1234" in out


def test_a_collector_who_doubts_and_threatens_is_not_the_borrower(screener):
    # trial 7: the collector's 你是不是骗子 / 你是谁 read as the borrower's doubt; his threat was hidden
    paste = (
        "老周 2026/11/29 09:00\n你为什么不接电话？你是不是骗子，借了钱就想跑？\n"
        "小马 2026/11/29 09:05\n请问你是哪个平台的\n"
        "老周 2026/11/29 09:06\n你是谁你心里不清楚吗？今天不还，明天我就把你的事发到你们公司群里，让你同事都看看\n"
        "小马 2026/11/29 09:07\n我在App里申请分期了\n"
    )
    r = wxscreen.screen_chat(paste, screener=screener)
    assert r.borrower == "小马"
    assert r.label is Label.SUSPICIOUS
    assert any(f.kind == "threat" for f in r.messages[2].screening.flags)


def test_a_threat_is_a_request_even_when_it_doubts():
    from wxscreen._borrower import message_cues

    text = "你是谁你心里不清楚吗？今天不还，明天我就把你的事发到你们公司群里"
    assert message_cues(text, flagged=True)["doubt"]  # without the threat flag it reads as doubt
    cues = message_cues(text, flagged=True, menace=True)
    assert cues["request"] and not cues["doubt"]
