"""Property-based tests: any str gives a valid, JSON-serialisable Screening.

CI runs a bounded profile (the default below). The long profile (100,000
examples for each short-text property, 200 for texts up to 100,000
characters) is one command:

    HYPOTHESIS_PROFILE=long python -m pytest -p no:cacheprovider tests/test_properties.py --hypothesis-show-statistics
"""

import json
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxscreen import MAX_MESSAGE_CHARS, Label, normalize
from wxscreen._normalize import replace_surrogates

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=100_000, deadline=None, suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
DIGITS = st.characters(min_codepoint=0x30, max_codepoint=0x39)
CN_NUM = st.sampled_from(list("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟幺元块钱"))
SPECIAL = st.sampled_from(["\u200b", "\u200d", "\ufeff", "\u202e", "\u200f", "\x00", "\x07", "\ud800", "\udfff",
                           "\u3000", "，", "。", "\n", " ", "①", "➊", "⼀", "Ｖ", "信", "转", "账", "\ufe0f", "\u20e3"])
TEXT = st.text(st.one_of(HAN, EMOJI, DIGITS, CN_NUM, SPECIAL, st.characters()), max_size=400)


@st.composite
def long_text(draw):
    """1 to 100,000+ characters: a random piece repeated to a random length, with random pieces inserted."""
    piece = draw(st.text(st.one_of(HAN, EMOJI, DIGITS, CN_NUM, SPECIAL, st.characters()), min_size=1, max_size=60))
    n = draw(st.integers(1, MAX_MESSAGE_CHARS + 50))
    text = (piece * (n // len(piece) + 1))[:n]
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(TEXT) + text[at:]
    return text


def _check(text, s):
    assert s.label in set(Label)
    assert set(s.scores) == {lab.value for lab in Label}
    assert math.isclose(sum(s.scores.values()), 1.0, abs_tol=1e-6)
    assert s.truncated == (len(text) > MAX_MESSAGE_CHARS)
    for f in s.flags:
        assert 0 <= f.start < f.end <= min(len(text), MAX_MESSAGE_CHARS)
        # surrogate code points are read as U+FFFD, one for one (offsets unchanged)
        assert replace_surrogates(text)[f.start : f.end] == f.evidence
    json.loads(s.model_dump_json())


@given(TEXT)
def test_normalize_offsets_are_valid(text):
    n = normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    for a, b in zip(n.starts, n.ends, strict=True):
        assert 0 <= a < b <= len(text)


@given(TEXT)
def test_any_text_gives_a_valid_screening(raw_screener, text):
    _check(text, raw_screener.classify(text))


@settings(max_examples=200 if PROFILE == "long" else 4)
@given(long_text())
def test_long_text_gives_a_valid_screening(raw_screener, text):
    _check(text, raw_screener.classify(text))
