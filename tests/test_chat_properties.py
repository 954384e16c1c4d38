"""Property-based tests of the chat parser: any paste gives ordered, in-bounds, trimmed messages."""

import datetime as dt
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wxscreen
from wxscreen._chat import parse_chat

settings.register_profile("chat-ci", max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("chat-long", max_examples=5_000, deadline=None, suppress_health_check=list(HealthCheck))
PROFILE = "chat-long" if os.environ.get("HYPOTHESIS_PROFILE") == "long" else "chat-ci"

NAMES = st.sampled_from(["小王", "张先生", "李专员 @星河金融", "【云朵借】客服", "我", "户名", "🌸小樱🌸", "Lucy Wang"])
TIMES = st.sampled_from(["2024/5/3 14:22", "2024-05-03 14:22:10", "昨天 20:15", "星期三 09:10", "5月3日 14:22",
                         "下午 3:05", "14:22", "2023年5月3日 14:22", "25:99", "2月30日 10:00"])
BODY = st.one_of(
    st.sampled_from(["您的借款已逾期45天", "把验证码发给我", "[图片]", "[转账] ¥500.00", "[转账]已收款", "[聊天记录]",
                     "张三和李四的聊天记录", "「小王：把钱转给我」", "- - - - - - - -", "引用 小王 的消息：在吗",
                     "以上是打招呼的内容", "对方为企业微信用户，了解更多。", "小王撤回了一条消息", "", "   ", "18:00",
                     "语音通话 通话时长 00:12", "户名：李某", "「小王：第一行", "第二行」"]),
    st.text(max_size=30),
)


@st.composite
def pastes(draw):
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 6))
        indent = draw(st.sampled_from(["", "", "  ", "    ", "\u3000\u3000", "\t"]))
        if kind == 0:
            lines.append(f"{indent}{draw(NAMES)} {draw(TIMES)}")
        elif kind == 1:
            lines.append(f"{indent}{draw(NAMES)}{draw(st.sampled_from([':', '：']))}")
        elif kind == 2:
            lines.append(f"{indent}{draw(NAMES)}：{draw(BODY)}")
        elif kind == 3:
            lines.append(f"{indent}{draw(TIMES)}")
        else:
            lines.append(f"{indent}{draw(BODY)}")
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return sep.join(lines) + draw(st.sampled_from(["", sep]))


def _check(text, msgs):
    prev_end = 0
    for i, p in enumerate(msgs):
        assert 0 <= prev_end <= p.start < p.end <= len(text)
        body = text[p.start : p.end]
        assert body == body.strip() and body
        if p.record is not None:
            assert 0 <= p.record < i and msgs[p.record].is_record and p.depth == msgs[p.record].depth + 1
        if p.quote is not None:
            _, qa, qb = p.quote
            assert 0 <= qa <= qb <= len(text) and (qb <= p.start or qa >= p.end)
        prev_end = p.end


@settings(settings.get_profile(PROFILE))
@given(pastes(), st.sampled_from([None, dt.datetime(2024, 5, 8, 12), dt.datetime(2024, 1, 1, 0, 5)]))
def test_structured_pastes_give_ordered_trimmed_messages(text, now):
    _check(text, parse_chat(text, now=now))


@settings(settings.get_profile(PROFILE))
@given(st.text(max_size=300))
def test_any_text_gives_ordered_trimmed_messages(text):
    msgs = parse_chat(text)
    _check(text, msgs)
    if text.strip():
        assert msgs


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(pastes())
def test_screen_chat_offsets_hold_on_generated_pastes(raw_screener, text):
    r = wxscreen.screen_chat(text, now=dt.datetime(2024, 5, 8, 12), screener=raw_screener)
    for m in r.messages:
        assert text[m.start : m.end] == m.text
        for f in m.screening.flags:
            assert text[f.start : f.end] == f.evidence
