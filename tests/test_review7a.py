"""Code review 7 (items 1-7): record-owner shortcut, R10 under R8/R9, amounts before a comma,
doubt cue vs a collector's questions, 中午/晚上 hours, corpus encoding and empty eval input,
the accepted-rate key of rows without a source label."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import wxscreen
from wxscreen import Label, ModelInfo, Screening
from wxscreen._borrower import message_cues
from wxscreen._chat import _parse_time
from wxscreen._cli import main
from wxscreen._clock import wall_clock
from wxscreen._errors import CorpusFormatError
from wxscreen.training import LabelledMessage, evaluate, load_corpus

NOW = dt.datetime(2026, 3, 10, 9, 0)


def _typed(screening, kind):
    return [e.value for e in screening.entities if e.type == kind]


# --- item 1: a forwarded record makes its owner the borrower only when the owner asks for nothing

_FORWARDER = """小王 2024/5/6 20:00
你看，这是我跟平台的聊天记录，我就是这样减下来的
小王 2024/5/6 20:00
[聊天记录]
小王和星河金融客服的聊天记录
    小王 2024/5/1 18:30
    我的借款逾期了，能减免吗
    星河金融客服 2024/5/1 18:32
    您好，已为您申请减免50%罚息，剩余本金请在APP内还款
    小王 2024/5/1 18:33
    好的谢谢
小王 2024/5/6 20:05
你把钱先转到我卡上，卡号6222021234567890123，我帮你跟平台办减免
张先生 2024/5/6 20:10
真的能减免吗？
"""


def test_a_forwarder_who_asks_for_a_transfer_is_not_the_borrower(screener):
    inferred = wxscreen.screen_chat(_FORWARDER, screener=screener)
    given = wxscreen.screen_chat(_FORWARDER, me="张先生", screener=screener)
    assert inferred.borrower == "张先生"
    assert inferred.label is Label.POSSIBLE_SCAM
    assert inferred.label is given.label and inferred.first_risky == given.first_risky
    ask = inferred.messages[inferred.first_risky]
    assert ask.speaker == "小王" and any(f.kind == "unofficial_transfer" for f in ask.screening.flags)


def test_a_forwarder_asking_advice_is_still_the_borrower(screener):
    # the shortcut stands when the owner's own messages ask for nothing
    paste = _FORWARDER.replace(
        "你把钱先转到我卡上，卡号6222021234567890123，我帮你跟平台办减免", "你说这个靠谱吗，我要不要在APP里还"
    ).replace("真的能减免吗？", "看着是官方的，可以在APP里还")
    r = wxscreen.screen_chat(paste, screener=screener)
    assert r.borrower == "小王"


# --- item 2: R10 does not lower a message that R8 or R9 reads

_LENDER = "星河消费金融有限公司"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("我是你表哥，最近手头紧借点钱，还款请转至户名：星河消费金融有限公司", "R8"),
        ("我们是第三方债务协商机构，可以帮您处理网贷逾期，还款请转至户名：星河消费金融有限公司，账号6222021234567890", "R9"),
    ],
)
def test_lender_payee_does_not_lower_identity_or_agency_messages(screener, text, rule):
    without = screener.classify(text)
    given = screener.classify(text, lender=_LENDER)
    assert given.label in (Label.POSSIBLE_SCAM, Label.SUSPICIOUS)
    assert given.label is without.label
    assert not any("R10" in x for x in given.reasons)


def test_decide_skips_r10_when_r8_or_r9_applies():
    from wxscreen._decision import decide

    scores = {"possible_scam": 0.9, "suspicious": 0.04, "negotiation_offer": 0.02, "collection_notice": 0.03, "other": 0.01}
    assert decide(scores, [], own_account=True)[0] is Label.COLLECTION_NOTICE  # R10 alone still lowers
    for kw in ({"identity_money": True}, {"agency": True}):
        label, reasons = decide(scores, [], own_account=True, **kw)
        assert label is Label.POSSIBLE_SCAM and reasons == []


# --- item 3: an amount that ends in its unit is not joined to a digit after an ASCII comma


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("还款5000元,6期", [5000.0]),
        ("共计1,000元,2,000元", [1000.0, 2000.0]),
        ("本金1,000元,利息200元", [1000.0, 200.0]),
        ("请还1000元/2期", [1000.0]),
        ("还款1,2345元", []),  # an invalid grouping is still no amount
        ("还款12,34元", []),
    ],
)
def test_amount_before_comma_and_digit(raw_screener, text, amounts):
    assert _typed(raw_screener.classify(text), "amount") == amounts


# --- item 4: a collector's rhetorical questions are no borrower doubt


@pytest.mark.parametrize("text", ["张三，你为什么不接电话？", "为什么还不还款？凭什么拖着？"])
def test_rhetorical_questions_are_no_doubt(text):
    assert not message_cues(text, flagged=False)["doubt"]


@pytest.mark.parametrize("text", ["为什么要转到个人账户？", "凭什么要我先交手续费？我不办了。", "你是谁？"])
def test_real_doubt_still_counts(text):
    assert message_cues(text, flagged=False)["doubt"]


def test_a_collector_asking_why_is_not_the_borrower(screener):
    paste = (
        "小李 2024/5/3 14:22\n张三，你为什么不接电话？\n\n"
        "张三 2024/5/3 14:25\n在开会\n\n"
        "小李 2024/5/3 14:26\n为什么还不还款？凭什么拖着？今天必须处理\n\n"
        "张三 2024/5/3 14:30\n好的，我下周发工资就还\n"
    )
    r = wxscreen.screen_chat(paste, screener=screener)
    assert r.borrower == "张三"


# --- item 5: 中午 adds 12 only to 1点 and 2点; 晚上 1点 to 4点 are after midnight


@pytest.mark.parametrize(
    ("hour", "part", "out"),
    [(10, "中午", (10, 0)), (11, "中午", (11, 0)), (2, "中午", (14, 0)), (1, "晚上", (1, 1)), (4, "夜里", (4, 1)),
     (2, "今晚", (2, 1)), (5, "晚上", (17, 0)), (11, "晚上", (23, 0)), (1, "凌晨", (1, 0))],
)
def test_wall_clock_noon_and_small_hours(hour, part, out):
    assert wall_clock(hour, part) == out


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("请中午10点前还款", dt.datetime(2026, 3, 10, 10, 0)),
        ("请晚上1点前还款", dt.datetime(2026, 3, 11, 1, 0)),
        ("请今晚2点前还款", dt.datetime(2026, 3, 11, 2, 0)),
        ("请中午1点前还款", dt.datetime(2026, 3, 10, 13, 0)),  # unchanged
        ("请晚上8点前还款", dt.datetime(2026, 3, 10, 20, 0)),  # unchanged
    ],
)
def test_deadline_noon_and_small_hours(raw_screener, text, when):
    assert _typed(raw_screener.classify(text, now=NOW), "deadline") == [when]


def test_chat_time_in_the_small_hours():
    now = dt.datetime(2026, 3, 10, 23, 59)
    assert _parse_time("3月9日 晚上1:30", now)[0] == dt.datetime(2026, 3, 10, 1, 30)
    assert _parse_time("3月9日 晚上12:30", now)[0] == dt.datetime(2026, 3, 10, 0, 30)  # unchanged


# --- item 6: a file that is not UTF-8; eval of a FILE with no records


def test_non_utf8_corpus_is_a_format_error(tmp_path):
    p = tmp_path / "gbk.jsonl"
    good = json.dumps({"id": "a", "text": "好的", "label": "other"}, ensure_ascii=False)
    bad = json.dumps({"id": "b", "text": "还款", "label": "other"}, ensure_ascii=False)
    p.write_bytes(good.encode("utf-8") + b"\n" + bad.encode("gbk") + b"\n")
    with pytest.raises(CorpusFormatError) as info:
        load_corpus(p)
    assert info.value.path == str(p) and info.value.line == 2
    assert "UTF-8" in str(info.value)


def test_eval_of_an_empty_folder_or_file_exits_2(tmp_path, capsys):
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    assert main(["eval", str(empty_dir)]) == 2
    assert "no *.jsonl" in capsys.readouterr().err
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n\n", encoding="utf-8")
    assert main(["eval", str(blank)]) == 2
    assert "no records" in capsys.readouterr().err


def test_eval_of_a_non_utf8_file_names_the_line(tmp_path, capsys):
    p = tmp_path / "gbk.jsonl"
    p.write_bytes(json.dumps({"id": "b", "text": "还款", "label": "other"}, ensure_ascii=False).encode("gbk"))
    assert main(["eval", str(p)]) == 1
    assert f"{p}:1: not UTF-8" in capsys.readouterr().err


# --- item 7: expect rows without a source_label are "(none)", apart from a real source label "all"


class _Stub:
    def classify_many(self, texts):
        info = ModelInfo(wxscreen_version="0", model_id="stub", trained_on="0")
        scores = {lab.value: (0.96 if lab is Label.OTHER else 0.01) for lab in Label}
        return [Screening(label=Label.OTHER, scores=scores, flags=[], reasons=[], model=info) for _ in texts]


def test_accepted_rate_of_rows_without_source_label():
    recs = [
        LabelledMessage(id="1", text="a", expect=[Label.OTHER]),
        LabelledMessage(id="2", text="b", expect=[Label.SUSPICIOUS], source_label="all"),
    ]
    rep = evaluate(_Stub(), recs)
    by = rep.accepted_by_source_label
    assert by["(none)"].model_dump() == {"accepted": 1.0, "n": 1}
    assert by["all"].model_dump() == {"accepted": 0.0, "n": 1}
    assert rep.accepted == 0.5
