"""Compiled prefilter checks and proximity-guard variants give exactly the matches of the full regex."""

import random

import pytest

from wxscreen._normalize import normalize
from wxscreen.detectors import DetectorSpec, PatternDetector, default_detectors, load_scope
from wxscreen.detectors._base import _has_top_level_bar, _trailing_guards
from wxscreen.detectors._prefilter import compile_check, satisfies

_MACROS = {
    "w": "(?:骗子|诈骗)",
    "c": "(?:逾期|还款)",
    "nowarn": "(?<!<<w>>[\\s\\S]{0,30}?)(?![\\s\\S]{0,30}?<<w>>)",
    "hasctx": "(?:(?<=<<c>>[\\s\\S]{0,30}?)|(?=[\\s\\S]{0,30}?<<c>>))",
    "odd": "(?<!<<w>>[\\s\\S]{0,30}?)(?![\\s\\S]{0,20}?<<w>>)",  # unequal windows: not a guard
}


def test_compile_check_agrees_with_satisfies():
    rng = random.Random(7)
    alphabet = "甲乙丙丁戊己庚辛"

    def keyset():
        return frozenset(rng.sample(alphabet, rng.randint(1, 3)))

    def formula(depth):
        items = []
        for _ in range(rng.randint(0, 3)):
            if depth < 2 and rng.random() < 0.4:
                items.append(tuple(formula(depth + 1) for _ in range(rng.randint(1, 3))))
            else:
                items.append(keyset())
        return tuple(items)

    for _ in range(300):
        sets = tuple(keyset() for _ in range(rng.randint(0, 2)))
        f = formula(0)
        check = compile_check(sets, f)
        for _ in range(10):
            keys = frozenset(rng.sample(alphabet, rng.randint(0, 6)))
            expected = all(not keys.isdisjoint(s) for s in sets) and satisfies(f, keys)
            assert check(keys) is expected


def test_trailing_guards_are_recognised_by_shape():
    body, guards = _trailing_guards("(?:我是警察|民警)<<nowarn>><<hasctx>>", _MACROS, "t")
    assert body == "(?:我是警察|民警)"
    assert [(ref, near) for ref, _w, near in guards] == [("<<nowarn>>", False), ("<<hasctx>>", True)]
    assert guards[0][1] == _MACROS["w"]
    # a macro that is not a guard ends the run; a malformed guard is no guard
    assert _trailing_guards("警察<<nowarn>><<w>>", _MACROS, "t")[1] == ()
    assert _trailing_guards("警察<<odd>>", _MACROS, "t")[1] == ()
    assert _trailing_guards("警察", _MACROS, "t") == ("警察", ())


def test_top_level_bar():
    assert _has_top_level_bar("a|b")
    assert not _has_top_level_bar("(?:a|b)c")
    assert not _has_top_level_bar("[|]a\\|b")
    assert not _has_top_level_bar("[]|]a")
    assert _has_top_level_bar("(a)|[(]b")


def _detector(regex):
    spec = DetectorSpec.model_validate(
        {
            "name": "impersonation.v9",
            "kind": "impersonation",
            "description": "x",
            "macros": _MACROS,
            "patterns": [{"id": "x.a", "detail": "police", "regex": regex, "score": 0.9}],
        }
    )
    return PatternDetector(spec, load_scope())


@pytest.mark.parametrize(
    "regex",
    ["(?:我是警察|民警)<<nowarn>><<hasctx>>", "民警来了|我是警察<<hasctx>>", "警察<<nowarn>>"],
)
@pytest.mark.parametrize(
    "text",
    [
        "我是警察，你的贷款逾期了",
        "我是警察，你的贷款逾期了。小心骗子",
        "骗子说我是警察，你逾期了",
        "我是警察，请配合",
        "民警来了",
        "民警来了，逾期的事情，有诈骗风险" + "。" * 40 + "我是警察逾期",
    ],
)
def test_variants_match_exactly_like_the_full_regex(regex, text):
    (pat,) = _detector(regex).patterns
    t = normalize(text).text
    full = [m.span() for m in pat.regex.finditer(t)]
    rx = pat.regex_for(t, {})
    assert (full == []) if rx is None else ([m.span() for m in rx.finditer(t)] == full)


def test_shipped_guards_keep_every_match(corpus):
    texts = [normalize(r.text).text for r in corpus["test"]]
    pats = [p for d in default_detectors() for p in d.patterns if p._guards]
    assert pats  # the impersonation patterns end in <<nowarn>> / <<hasctx>>
    lost = []
    for t in texts:
        present: dict[str, bool] = {}
        for p in pats:
            rx = p.regex_for(t, present)
            full = [m.span() for m in p.regex.finditer(t)]
            got = [] if rx is None else [m.span() for m in rx.finditer(t)]
            if got != full:
                lost.append((p.id, t))
    assert lost == []


def test_a_used_detector_pickles():
    import pickle

    det = _detector("(?:我是警察|民警)<<nowarn>><<hasctx>>")
    t = normalize("我是警察，你的贷款逾期了").text
    hits = det.detect(normalize(t))[0]
    assert hits and det.patterns[0]._checks is not None
    again = pickle.loads(pickle.dumps(det))
    assert again.detect(normalize(t))[0] == hits
