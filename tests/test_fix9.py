"""Five defects of code review 8 (fix9): a handle followed by 千万/万一/百分百 read as an amount,
mobile numbers in 3-4-4 groups joined by / | 。 、 or a spaced dot left unmasked, deadlines with
傍晚/夜里/深夜/半夜, 我刚打你电话 read as "I paid" in chats, and a bad UTF-16/32 corpus file
reported as "not UTF-8"."""

from __future__ import annotations

import codecs
import datetime as dt
import json

import pytest

import wxscreen
from wxscreen import CorpusFormatError
from wxscreen._borrower import message_cues
from wxscreen._clock import NIGHT, PARTS_OF_DAY
from wxscreen._entities import extract_entities
from wxscreen.training import load_corpus

NOW = dt.datetime(2026, 11, 30, 10, 0)

# -- 1. 千万/万一/百分百 after a handle are words, not money units -----------------------------------


@pytest.mark.parametrize(
    "text, masked, handle",
    [
        ("加我QQ 987654321 千万别告诉家人", "加我QQ 98*****21 千万别告诉家人", "987654321"),
        ("联系我QQ 987654321 百分百办下来", "联系我QQ 98*****21 百分百办下来", "987654321"),
        ("加我微信 8866551234 千万别声张", "加我微信 88******34 千万别声张", "8866551234"),
        ("微信号 20240501 万一联系不上就打电话", "微信号 20****01 万一联系不上就打电话", "20240501"),
    ],
)
def test_handle_before_qianwan_is_masked_and_an_entity(text, masked, handle):
    assert wxscreen.mask_identifiers(text) == masked
    ents = extract_entities(text, mask=False)
    assert [(e["type"], e["value"]) for e in ents] == [("account_handle", handle)]


@pytest.mark.parametrize(
    "text, value",
    [("已通过支付宝 50000元还款", 50000.0), ("支付宝 5万", 50000.0), ("微信 30000千元", None), ("支付宝：30000万元", None)],
)
def test_handle_with_a_money_unit_stays_an_amount(text, value):
    assert wxscreen.mask_identifiers(text) == text
    ents = extract_entities(text, mask=False)
    assert "account_handle" not in [e["type"] for e in ents]
    if value is not None:
        assert [(e["type"], e["value"]) for e in ents] == [("amount", value)]


# -- 2. mobile numbers in 3-4-4 groups joined by / | 。 、 or a spaced dot --------------------------


@pytest.mark.parametrize(
    "text, masked",
    [
        ("138/1234/5678", "138/1***/5678"),
        ("138|1234|5678", "138|1***|5678"),
        ("call 138 / 1234 / 5678", "call 138 / 1*** / 5678"),
        ("电话138。1234。5678", "电话138。1***。5678"),
        ("电话138、1234、5678", "电话138、1***、5678"),
        ("电话138 . 1234 . 5678", "电话138 . 1*** . 5678"),
        ("tel 138 . 1234 . 5678", "tel 138 . 1*** . 5678"),
    ],
)
def test_mobile_in_groups_is_masked_and_a_phone(text, masked):
    assert wxscreen.mask_identifiers(text) == masked
    ents = extract_entities(text, mask=False)
    assert [(e["type"], e["value"]) for e in ents] == [("phone", "13812345678")]


@pytest.mark.parametrize(
    "text", ["圆周率3.14", "2024.05.06", "每期1000/1000/1000元", "1000/2000/3000", "138.1234/5678", "150。1200，1300"]
)
def test_decimals_dates_and_lists_stay_unmasked(text):
    assert wxscreen.mask_identifiers(text) == text
    assert "phone" not in [e["type"] for e in extract_entities(text, mask=False)]


def test_mobile_with_full_stops_is_no_amount(screener):
    r = screener.classify("加我电话138。1234。5678，私下还款转到我个人卡上可减免")
    assert [(e.type, e.text) for e in r.entities if e.type in ("phone", "amount")] == [("phone", "138。1***。5678")]


# -- 3. deadlines with every part of the day _clock knows ---------------------------------------------


@pytest.mark.parametrize(
    "text, span, when",
    [
        ("截止明天傍晚6点", "明天傍晚6点", dt.datetime(2026, 12, 1, 18, 0)),
        ("请明天傍晚6点前还款", "明天傍晚6点前", dt.datetime(2026, 12, 1, 18, 0)),
        ("请傍晚6点前还款", "傍晚6点前", dt.datetime(2026, 11, 30, 18, 0)),
        ("夜里2点前还款", "夜里2点前", dt.datetime(2026, 12, 1, 2, 0)),
        ("深夜1点前", "深夜1点前", dt.datetime(2026, 12, 1, 1, 0)),
        ("半夜12点前", "半夜12点前", dt.datetime(2026, 12, 1, 0, 0)),
        ("最晚今天半夜12点", "今天半夜12点", dt.datetime(2026, 12, 1, 0, 0)),
        ("请明天夜里12点前还款", "明天夜里12点前", dt.datetime(2026, 12, 2, 0, 0)),
    ],
)
def test_deadline_with_part_of_day(text, span, when):
    dls = [(e["text"], e["value"]) for e in extract_entities(text, now=NOW) if e["type"] == "deadline"]
    assert dls == [(span, when)]


def test_parts_of_day_cover_the_night_words_and_no_bare_evening():
    assert {"晚上", "夜里", "深夜", "半夜", "傍晚", "下午", "中午", "上午", "凌晨", "早上"} == set(PARTS_OF_DAY)
    assert set(NIGHT) - set(PARTS_OF_DAY) == {"今晚", "明晚", "晚"}
    # 最晚 is "at the latest", not the evening: 最晚8点前 gives no evening deadline
    assert [e for e in extract_entities("最晚8点前还款", now=NOW) if e["type"] == "deadline"] == []


# -- 4. 我刚打你电话 is a call, not a payment --------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["我刚打你电话没接，你把收到的验证码发我一下", "我都打了好几遍了", "我刚打了你的电话", "我刚转你电话", "电话打完了"]
)
def test_a_call_is_no_payment(text):
    cues = message_cues(text, True)
    assert not cues["own_debt"]
    assert cues["request"]


@pytest.mark.parametrize(
    "text", ["我已经打钱了", "我刚打了3000块", "我已经打到你卡上了", "我早就打给你了", "我已经转了", "我刚转过去了", "钱打好了"]
)
def test_a_payment_still_counts(text):
    cues = message_cues(text, True)
    assert cues["own_debt"]
    assert not cues["request"]


def test_caller_asking_for_the_code_is_the_other_side():
    chat = (
        "小王 2024/5/3 10:00\n我刚打你电话没接，你把收到的验证码发我一下\n小李 2024/5/3 10:01\n好的\n"
        "小王 2024/5/3 10:02\n我都打了好几遍了，快点把验证码发过来\n小李 2024/5/3 10:03\n稍等\n"
    )
    r = wxscreen.screen_chat(chat, now=NOW)
    assert r.borrower == "小李"
    assert r.label.value == "possible_scam"


# -- 5. a bad UTF-16/32 corpus file names its encoding and line ----------------------------------------

_REC = [json.dumps({"id": f"r{i}", "text": "你好", "label": "other"}, ensure_ascii=False) for i in range(2)]


@pytest.mark.parametrize(
    "codec, bom, bad, name, col",
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, b"\x00\xd8", "UTF-16", 11),
        ("utf-16-be", codecs.BOM_UTF16_BE, b"\xd8\x00", "UTF-16", 11),
        ("utf-32-le", codecs.BOM_UTF32_LE, b"\x00\x00\x11\x00", "UTF-32", 21),
        ("utf-32-be", codecs.BOM_UTF32_BE, b"\x00\x11\x00\x00", "UTF-32", 21),
    ],
)
def test_bad_wide_corpus_names_encoding_and_line(tmp_path, codec, bom, bad, name, col):
    p = tmp_path / "wide.jsonl"
    body = (_REC[0] + "\r\n" + _REC[1] + "\n").encode(codec) + '{"id"'.encode(codec) + bad + 'x"}\n'.encode(codec)
    p.write_bytes(bom + body)
    with pytest.raises(CorpusFormatError, match=rf"wide\.jsonl:3: not {name} text \(byte 0x[0-9a-f]{{2}} at column {col}\)"):
        load_corpus(p)


def test_bad_utf8_corpus_message_unchanged(tmp_path):
    p = tmp_path / "u8.jsonl"
    p.write_bytes((_REC[0] + "\n").encode() + b'{"id":"x","text":"\xff","label":"other"}\n')
    with pytest.raises(CorpusFormatError, match=r"u8\.jsonl:2: not UTF-8 text \(byte 0xff at column 19\)"):
        load_corpus(p)
