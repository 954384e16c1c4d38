"""Property-based tests: any str gives a valid, JSON-serialisable Screening.

CI runs a bounded profile (the default below). A long run is one command:
    HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py
"""

import json
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxscreen import Label, normalize

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=100_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
DIGITS = st.characters(min_codepoint=0x30, max_codepoint=0x39)
SPECIAL = st.sampled_from(["\u200b", "\u200d", "\ufeff", "\u202e", "\u200f", "\x00", "\x07", "\ud800", "\udfff",
                           "\u3000", "，", "。", "\n", " ", "①", "Ｖ", "信", "转", "账"])
TEXT = st.text(st.one_of(HAN, EMOJI, DIGITS, SPECIAL, st.characters()), max_size=400)


@given(TEXT)
def test_normalize_offsets_are_valid(text):
    n = normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    for a, b in zip(n.starts, n.ends, strict=True):
        assert 0 <= a < b <= len(text)


@given(TEXT)
def test_any_text_gives_a_valid_screening(raw_screener, text):
    s = raw_screener.classify(text)
    assert s.label in set(Label)
    assert math.isclose(sum(s.scores.values()), 1.0, abs_tol=1e-6)
    for f in s.flags:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.evidence
    json.loads(s.model_dump_json())
