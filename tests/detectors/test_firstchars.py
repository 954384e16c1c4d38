"""First-character guards (detectors/_firstchars.py) leave every match unchanged."""

import random

import pytest
import regex

from wxscreen._normalize import normalize
from wxscreen.detectors import default_detectors
from wxscreen.detectors._base import _compile_guarded
from wxscreen.detectors._firstchars import add_first_char_guards, first_chars, with_lead_guard


def test_guard_after_a_repeat_followed_by_an_alternation():
    src = r"我是[^,。]{0,20}?(?:客服|专员)(?=[\s\S]{0,40}?(?<!不)(?:转账|qq))"
    out = add_first_char_guards(src)
    assert out == r"我是[^,。]{0,20}?(?=[专客])(?:客服|专员)(?=[\s\S]{0,40}?(?=[q转])(?<!不)(?:转账|qq))"


def test_guard_before_alternatives_that_do_not_start_with_a_literal():
    out = add_first_char_guards(r"(?:需要|只要)[^,]{0,9}?交|(?:红包|转我)当|会议")
    assert out == r"(?=[只需])(?:需要|只要)[^,]{0,9}?交|(?=[红转])(?:红包|转我)当|会议"
    assert add_first_char_guards(r"a|b") == r"a|b"
    assert add_first_char_guards(r"(?:需|要)交|会议") == r"(?:需|要)交|会议"  # one class: tested at once


def test_no_guard_where_regex_tests_the_next_character_itself_or_the_rest_is_unknown():
    assert add_first_char_guards(r"a{0,9}?会议") == r"a{0,9}?会议"  # a literal follows
    assert add_first_char_guards(r"a{0,9}?[bc]d") == r"a{0,9}?[bc]d"  # a class follows
    assert add_first_char_guards(r"a{0,9}?(?:\p{Han}|b)") == r"a{0,9}?(?:\p{Han}|b)"  # \p{…}: unknown
    assert add_first_char_guards(r"a{0,9}?(?:.|b)") == r"a{0,9}?(?:.|b)"  # any character
    assert add_first_char_guards(r"a{0,9}?(?:b|c)?") == r"a{0,9}?(?:b|c)?"  # the rest may be empty
    assert add_first_char_guards(r"(?<=x{0,9}?(?:b|c))d") == r"(?<=x{0,9}?(?:b|c))d"  # lookbehind
    assert add_first_char_guards(r"a?(?:b|c)") == r"a?(?:b|c)"  # at most two positions


def test_unsupported_syntax_is_left_alone():
    for src in (r"(?i)a{0,5}(?:b|c)", r"(?i:a{0,5}(?:b|c))", r"(?:a{0,5}(?:b|c)){e<=1}", r"(?P<n>a){0,5}(?:b|c)",
                r"a{0,5}(?:b|c", r"\L<words>{0,5}(?:b|c)"):
        assert add_first_char_guards(src) == src


def test_continuation_after_a_group_and_escaped_characters():
    out = add_first_char_guards(r"(?:x{0,5}(?:y)?)(?:\n|\]|-)")
    assert out == r"(?:x{0,5}(?=[\u000a\u002d\u005dy])(?:y)?)(?:\n|\]|-)"
    assert regex.compile(out).search("xx]") is not None
    assert first_chars(r"(?:a|b)c") == frozenset("ab")
    assert first_chars(r"a?") is None
    assert first_chars(r"\d+") is None


def test_lead_guard_wraps_the_whole_pattern_in_its_first_characters():
    assert with_lead_guard(r"今天|(?P<d>\d)号|明天") == r"今天|(?P<d>\d)号|明天"  # \d: first characters unknown
    assert with_lead_guard(r"今天|明天(?P<h>[0-9])点") == r"(?=[今明])(?:今天|明天(?P<h>[0-9])点)"
    assert with_lead_guard(r"\d+天") == r"\d+天"  # first characters unknown: unchanged
    assert with_lead_guard(r"(?:今天)?前") == r"(?=[今前])(?:(?:今天)?前)"
    assert with_lead_guard(r"a?") == r"a?"  # may match empty: unchanged
    rx = regex.compile(with_lead_guard(r"x|(?P<n>[0-9])号"))
    m = rx.search("约5号前")
    assert m is not None and m.span() == (1, 3) and m.group("n") == "5"


def test_entity_deadline_patterns_are_lead_guarded_and_keep_their_matches():
    from wxscreen import _entities as E

    texts = ["请于明天下午3点前还款", "截止日期为2025年3月15日", "本月20号前处理，周五前联系", "1.5倍 3-4 今早", "abc明早9:30还"]
    for rx in (E._DL_SUFFIX, E._DL_PREFIX, E._DL_ACTION):
        assert rx.pattern.startswith("(?=[")
        plain = regex.compile(rx.pattern[rx.pattern.index("])(?:") + 5 : -1], rx.flags)
        for t in texts:
            assert [(m.span(), m.groupdict()) for m in plain.finditer(t)] == [
                (m.span(), m.groupdict()) for m in rx.finditer(t)
            ]


@pytest.mark.parametrize("seed", range(3))
def test_random_patterns_keep_their_matches(seed):
    rng = random.Random(seed)
    alphabet = "甲乙丙丁ab,。"

    def atom(depth):
        r = rng.random()
        if depth < 3 and r < 0.35:
            return "(?:" + "|".join(seq(depth + 1) for _ in range(rng.randint(1, 3))) + ")"
        if depth < 3 and r < 0.45:
            return rng.choice(["(?=", "(?!", "(?<!"]) + seq(depth + 1) + ")"
        if r < 0.55:
            return "[^,。]"
        return rng.choice(alphabet)

    def seq(depth):
        out = []
        for _ in range(rng.randint(1, 4)):
            a = atom(depth)
            if rng.random() < 0.4 and not a.startswith("("):
                a += rng.choice(["{0,3}", "{0,4}?", "*", "+?", "{1,3}"])
            elif rng.random() < 0.3 and a.startswith("(?:"):
                a += rng.choice(["?", "{1,2}", "??"])  # repeated groups: the guard must not look past them
            out.append(a)
        return "".join(out)

    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))) for _ in range(40)]
    changed = 0
    for _ in range(150):
        src = seq(0)
        guarded = add_first_char_guards(src)
        changed += guarded != src
        a, b = regex.compile(src, regex.V0), regex.compile(guarded, regex.V0)
        c = regex.compile(with_lead_guard(src), regex.V0)
        for t in texts:
            assert [m.span() for m in a.finditer(t, timeout=5)] == [m.span() for m in b.finditer(t, timeout=5)], (
                src, guarded, t,
            )
            assert [m.span() for m in a.finditer(t, timeout=5)] == [m.span() for m in c.finditer(t, timeout=5)], (
                src, t,
            )
    assert changed > 10


def test_shipped_patterns_compile_guarded_and_keep_their_matches():
    texts = [
        normalize(t).text
        for t in (
            "我是平台客服专员，您的账户异常需要注销，请把验证码发给我，并下载会议app开启屏幕共享",
            "【星河金融】您好，我是法务部的，您涉嫌恶意逃废债，请转到我个人卡上，否则起诉",
            "先交2000元手续费才能放款，红包转我当手续费，加我微信私聊，卡号发一下",
            "警惕！自称客服要求转账到安全账户的都是诈骗，请勿透露验证码",
        )
    ]
    guarded = 0
    for det in default_detectors():
        for pat in det.patterns:
            for field in ("regex", "unless", "needs", "unless_message", "needs_message"):
                src = pat._src.get(field)
                if src is None:
                    continue
                out = add_first_char_guards(src)
                guarded += out != src
                rx = regex.compile(out, regex.V0)  # compiles (no silent fallback)
                assert _compile_guarded(src).pattern == out
                plain = regex.compile(src, regex.V0)
                for t in texts:
                    assert [m.span() for m in plain.finditer(t)] == [m.span() for m in rx.finditer(t)], pat.id
    assert guarded > 20
