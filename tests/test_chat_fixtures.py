"""The chat fixture set (tests/fixtures/chats): segmentation must be exact on every chat.

Each ``NN_name.txt`` is a pasted chat written for this project (invented names
and lenders); ``NN_name.json`` is its hand-written gold: per message the
speaker, time, nesting depth, carrying record, exact text, quote and label
(LABELS.md). Per-message label accuracy is reported by ``scripts/eval_chats.py``,
not asserted here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from wxscreen._chat import parse_chat

FIXTURES = Path(__file__).parent / "fixtures" / "chats"
CHATS = sorted(FIXTURES.glob("*.json"))


def load(path: Path) -> tuple[str, dict]:
    text = path.with_suffix(".txt").read_bytes().decode("utf-8")
    return text, json.loads(path.read_text(encoding="utf-8"))


def gold_spans(text: str, gold: dict) -> list[tuple[int, int]]:
    """Locate each gold message text in paste order (searching after the previous one)."""
    spans, pos = [], 0
    for msg in gold["messages"]:
        a = text.index(msg["text"], pos)
        spans.append((a, a + len(msg["text"])))
        pos = a + len(msg["text"])
    return spans


def test_fixture_set_size_and_layouts():
    assert len(CHATS) >= 30
    layouts = {lay for p in CHATS for lay in load(p)[1]["layouts"]}
    for needed in (
        "ts_header", "time_first_header", "colon_header", "inline_colon", "fullwidth_colon", "date_separator",
        "relative_time", "ampm", "multi_line", "blank_lines", "placeholder", "transfer_card", "forwarded_record",
        "record_title", "nested_record", "indented", "quote", "system_lines", "no_structure", "crlf",
    ):
        assert needed in layouts, needed


@pytest.mark.parametrize("path", CHATS, ids=[p.stem for p in CHATS])
def test_segmentation_is_exact(path):
    text, gold = load(path)
    now = dt.datetime.fromisoformat(gold["now"]) if gold["now"] else None
    got = parse_chat(text, now=now)
    want = gold["messages"]
    spans = gold_spans(text, gold)
    assert [(p.start, p.end) for p in got] == spans, [text[p.start : p.end] for p in got]
    assert [p.speaker for p in got] == [m["speaker"] for m in want]
    assert [p.depth for p in got] == [m["depth"] for m in want]
    assert [p.record for p in got] == [m["record"] for m in want]
    assert [p.time.isoformat() if p.time else None for p in got] == [m["time"] for m in want]
    quotes = [(p.quote[0], text[p.quote[1] : p.quote[2]]) if p.quote else None for p in got]
    assert quotes == [(m["quote"]["speaker"], m["quote"]["text"]) if m["quote"] else None for m in want]
