"""Declarative detectors for the flags of LABELS.md §2.

A detector is data: a TOML file in ``wxscreen/data/detectors`` with named
regex patterns (each with a detail, a score, optional ``unless``/``needs``
context regexes and a validate hook), validated by pydantic on load and
compiled once. All detectors share one negation / warning / reported-speech
scope (``scope.toml``, DOMAIN.md §5.0). Adding a cue is a one-line change to
a pattern or macro in the detector's file.

``DETECTORS`` maps stable versioned names to the file each is built from.
"""

from __future__ import annotations

import functools

from ._base import Hit, Pattern, PatternDetector, Scope, load_scope, load_spec
from ._spec import DetectorSpec, PatternSpec, ScopeSpec

__all__ = [
    "DETECTORS",
    "DetectorSpec",
    "Hit",
    "Pattern",
    "PatternDetector",
    "PatternSpec",
    "Scope",
    "ScopeSpec",
    "default_detectors",
    "load_detector",
]

#: Registry of the shipped detectors: versioned name -> data file.
DETECTORS: dict[str, str] = {
    "personal_data_request.v1": "personal_data_request.toml",
    "unofficial_transfer.v1": "unofficial_transfer.toml",
    "threat.v1": "threat.toml",
    "impersonation.v1": "impersonation.toml",
    "off_platform.v1": "off_platform.toml",
    "advance_fee.v1": "advance_fee.toml",
    "borrow_to_repay.v1": "borrow_to_repay.toml",
}


def load_detector(name: str) -> PatternDetector:
    """Build one shipped detector by its versioned name.

    Parameters
    ----------
    name : str
        A key of :data:`DETECTORS`, e.g. ``"unofficial_transfer.v1"``.

    Returns
    -------
    PatternDetector

    Raises
    ------
    KeyError
        If ``name`` is not registered.
    wxscreen.DetectorSpecError
        If its data file is invalid.
    """
    if name not in DETECTORS:
        raise KeyError(f"unknown detector {name!r}; known: {sorted(DETECTORS)}")
    fname = DETECTORS[name]
    spec = load_spec(fname)
    if spec.name != name:
        raise KeyError(f"{fname} declares name {spec.name!r}, registered as {name!r}")
    return PatternDetector(spec, load_scope(), source=fname)


@functools.cache
def default_detectors() -> tuple[PatternDetector, ...]:
    """Return the shipped detectors, built once per process.

    Returns
    -------
    tuple of PatternDetector
        One detector per registered name, in registry order.
    """
    return tuple(load_detector(n) for n in DETECTORS)
