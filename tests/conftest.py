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

    train = load_corpus(CORPORA / "train.jsonl")
    dev = load_corpus(CORPORA / "dev.jsonl")
    return {
        "train": train,
        "dev": dev,
        # what `wxscreen train corpora` fits on: the train split and the spent dev set
        "fit": train + dev,
        "test": load_corpus(CORPORA / "test.jsonl"),
    }
