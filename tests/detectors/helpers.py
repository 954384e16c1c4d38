"""Shared helpers for the detector tables."""

from wxscreen import normalize
from wxscreen.detectors import PatternDetector, load_scope, load_spec


def detector(kind):
    """Build the shipped detector for ``kind`` straight from its data file."""
    return PatternDetector(load_spec(f"{kind}.toml"), load_scope(), source=f"{kind}.toml")


def details(det, text):
    """Run ``det`` on ``text``; check every span lies inside the raw text; return the details found."""
    n = normalize(text)
    hits, complete = det.detect(n)
    assert complete
    for h in hits:
        assert h.kind == det.kind
        s, e = n.raw_span(h.start, h.end)
        assert 0 <= s < e <= len(text)
        assert text[s:e].strip()
    return {h.detail for h in hits}


def finishes(det, text):
    """Run ``det`` on a long input; it must return a list of hits (a timeout only marks it incomplete)."""
    hits, _ = det.detect(normalize(text))
    return isinstance(hits, list)
