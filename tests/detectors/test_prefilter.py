"""The character/bigram prefilter may skip a regex only when it cannot match."""

import pytest

from wxscreen._normalize import normalize
from wxscreen.detectors import DetectorSpec, PatternDetector, default_detectors, load_scope
from wxscreen.detectors._prefilter import analyse, required_char_sets, text_keys


def _keysets(src):
    return [sorted(s) for s in required_char_sets(src)]


def test_literal_alternation_gives_bigrams():
    assert _keysets("(?:通讯录|微信好友)") == [["微信", "通讯"]]


def test_sequence_requires_every_part():
    sets = required_char_sets("验证码.{0,4}?(?:发|给)")
    assert frozenset({"验证"}) in sets and frozenset({"发", "给"}) in sets


def test_optional_and_negative_parts_require_nothing():
    assert required_char_sets("(?:验证码)?") == ()
    assert required_char_sets("(?<!不)x") == (frozenset({"x"}),)
    assert required_char_sets("(?!验证码)") == ()


def test_positive_lookahead_is_a_text_requirement():
    assert frozenset({"转账"}) in required_char_sets("加我(?=[\\s\\S]{0,30}转账)")


def test_unknown_constructs_give_no_filter():
    assert required_char_sets("(?i)abc") == ()
    assert required_char_sets(".+") == ()
    assert required_char_sets("\\p{Han}{2,}") == ()
    assert required_char_sets("[^a]") == ()
    assert required_char_sets("(") == ()  # unparsable: the pattern always runs


def test_analyse_reports_parsability():
    assert analyse("通讯录")[0] is True
    assert analyse("(")[0] is False
    assert analyse("[\\p{Han}a-z]+公司")[0] is True


def test_text_keys():
    assert text_keys("验证码") == frozenset({"验", "证", "码", "验证", "证码"})
    assert text_keys("") == frozenset()


def test_regex_compiled_only_when_a_text_can_match():
    spec = DetectorSpec.model_validate(
        {
            "name": "unofficial_transfer.v9",
            "kind": "unofficial_transfer",
            "description": "x",
            "patterns": [{"id": "x.a", "detail": "personal_account", "regex": "个人账户", "score": 0.9}],
        }
    )
    det = PatternDetector(spec, load_scope())
    (pat,) = det.patterns
    assert det.detect(normalize("请按时还款"))[0] == []
    assert pat._compiled == {}
    hits, complete = det.detect(normalize("转到我的个人账户"))
    assert complete and [h.detail for h in hits] == ["personal_account"]
    assert "regex" in pat._compiled


@pytest.mark.parametrize("split", ["test", "train"])
def test_prefilter_never_skips_a_match(corpus, split):
    texts = [normalize(r.text).text for r in corpus[split]]
    if split == "train":
        texts = texts[::4]
    pats = [p for d in default_detectors() for p in d.patterns]
    lost = []
    for t in texts:
        keys = text_keys(t)
        for p in pats:
            if not p.may_match(keys) and any(m.end() > m.start() for m in p.regex.finditer(t)):
                lost.append(p.id)
    assert lost == []
