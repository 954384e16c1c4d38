from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"


@pytest.fixture(scope="session")
def screener():
    import wxscreen

    return wxscreen.load_screener()


@pytest.fixture(scope="session")
def raw_screener():
    import wxscreen

    return wxscreen.load_screener(mask_identifiers=False)


@pytest.fixture(scope="session")
def corpus():
    from wxscreen.training import load_corpus

    return {
        # what `wxscreen train corpora` fits on: the train split and the spent dev set
        "train": load_corpus([CORPORA / "train.jsonl", CORPORA / "dev.jsonl"]),
        "test": load_corpus(CORPORA / "test.jsonl"),
    }
