"""Branch pretests (detectors/_branches.py) skip a pattern only on texts where it cannot match."""

import pickle
import random

import pytest
import regex

from wxscreen._normalize import normalize
from wxscreen.detectors import DetectorSpec, PatternDetector, default_detectors, load_scope
from wxscreen.detectors._branches import alternatives
from wxscreen.detectors._prefilter import text_keys

#: Alternatives that all start with an unknown character (a lookbehind, a repeat of a negated class):
#: the shape the pretest is built for (imp.staff.heading_demand).
_HEADING = (
    "(?:(?:^|(?<=[,。]))[^,。]{0,6}?(?:客服|专员)(?:通知|提醒)|(?:^|您好,)[^,。]{1,6}?(?:法务部|风控中心)(?=[,。]))"
    "(?=[\\s\\S]{0,40}?(?:转账|验证码))"
)


def test_alternatives_of_a_top_level_alternation_lose_their_trailing_lookarounds():
    assert alternatives(r"abc|(?:d|e)f(?=x)|g(?<!y)") == ["abc", "(?:d|e)f", "g"]
    assert alternatives(r"ab|c(?:(?<=x)|(?=y))") == ["ab", "c"]  # a proximity guard is zero-width too
    assert alternatives(r"[|]a|b\|c") == ["[|]a", r"b\|c"]  # bars in classes and escaped bars do not split


def test_alternatives_of_a_leading_group():
    assert alternatives(r"(?:ab|cd(?=z))(?=[\s\S]{0,9}?q)x") == ["ab", "cd"]
    assert alternatives(r"(?:ab|cd)e|f") == ["(?:ab|cd)e", "f"]  # a top-level bar wins


@pytest.mark.parametrize(
    "src",
    [
        r"(?:ab|cd)?x",  # the group may be skipped
        r"(?i)ab|cd",  # inline flags apply to the whole pattern
        r"(a)b|\1c",  # a back-reference numbers groups across alternatives
        r"ab|(?=x)",  # an alternative of lookarounds only would match everywhere
        r"abc",  # no alternation
        r"(ab|cd)x",  # a capturing group: left alone
        r"ab|(cd",  # unbalanced
    ],
)
def test_no_alternatives(src):
    assert alternatives(src) is None


def _detector(src):
    spec = DetectorSpec.model_validate(
        {
            "name": "impersonation.v9",
            "kind": "impersonation",
            "description": "x",
            "patterns": [{"id": "x.a", "detail": "platform_staff", "regex": src, "score": 0.9}],
        }
    )
    return PatternDetector(spec, load_scope())


def test_pretest_only_where_no_alternative_starts_with_a_known_character():
    (pat,) = _detector(_HEADING).patterns
    assert len(pat.pretest()) == 2
    (plain,) = _detector("(?:客服|专员)通知|法务部").patterns
    assert plain.pretest() == ()  # the engine skips positions by first character itself


@pytest.mark.parametrize(
    "text",
    [
        "您好,星河客服通知,请把验证码发我",  # the first alternative, then the lookahead
        "您好,星河法务部,请转账",  # the second
        "请按时还款,客服会联系您",  # keys present, no alternative matches
        "客服通知您还款",  # an alternative, no lookahead
        "",
    ],
)
def test_may_start_is_false_only_where_the_pattern_finds_nothing(text):
    (pat,) = _detector(_HEADING).patterns
    t = normalize(text).text
    full = list(pat.regex.finditer(t))
    if not pat.may_start(t, text_keys(t)):
        assert full == []
    hits, complete = _detector(_HEADING).detect(normalize(text))
    assert complete
    assert [(h.start, h.end) for h in hits] == [m.span() for m in full if m.end() > m.start()]


@pytest.mark.parametrize("seed", range(3))
def test_random_alternations_are_never_skipped_where_they_match(seed):
    rng = random.Random(seed)
    alphabet = "甲乙丙丁,。"

    def alt():
        head = rng.choice(["(?:^|(?<=[,。]))[^,。]{0,3}?", "[^,。]{1,2}?", "(?<![甲])"])
        body = "".join(rng.choice("甲乙丙丁") for _ in range(rng.randint(1, 3)))
        tail = rng.choice(["", "(?=[\\s\\S]{0,4}?丁)", "(?<!乙)", "(?:(?<=甲)|(?=丙))"])
        return head + body + tail

    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(60)]
    for _ in range(60):
        n = rng.randint(2, 4)
        src = "|".join(alt() for _ in range(n))
        if rng.random() < 0.5:
            src = f"(?:{src})" + rng.choice(["", "(?=[\\s\\S]{0,5}?乙)", "丁"])
        parts = alternatives(src)
        assert parts is not None, src
        rxs = [regex.compile(p, regex.V0) for p in parts]
        full = regex.compile(src, regex.V0)
        for t in texts:
            if not any(r.search(t) for r in rxs):
                assert full.search(t) is None, (src, t)


def test_shipped_pretests_never_skip_a_match(corpus):
    texts = [normalize(r.text).text for r in corpus["test"]]
    pats = [p for d in default_detectors() for p in d.patterns if p.pretest()]
    assert pats  # imp.staff.heading_demand: all its alternatives start after punctuation or a greeting
    lost = []
    for t in texts:
        keys = text_keys(t)
        for p in pats:
            if p.may_match(keys) and not p.may_start(t, keys) and p.regex.search(t) is not None:
                lost.append(p.id)
    assert lost == []


def test_a_detector_with_pretests_pickles():
    det = _detector(_HEADING)
    text = normalize("您好,星河客服通知,请把验证码发我")
    hits = det.detect(text)[0]
    assert hits and det.patterns[0]._pretest
    again = pickle.loads(pickle.dumps(det))
    assert again.patterns[0]._pretest is None  # rebuilt on first use (generated checks do not pickle)
    assert again.detect(text)[0] == hits
