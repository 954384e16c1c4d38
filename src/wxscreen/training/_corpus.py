"""Corpus records (LABELS.md §4) and their JSON Lines reader."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .._errors import CorpusFormatError
from .._models import FlagKind, Label

#: The seven flag kinds of LABELS.md §3: a gold flag of any other kind is a typo, and would
#: otherwise count as a miss of no detector and a hit of none, silently.
_FLAG_KINDS: tuple[str, ...] = get_args(FlagKind)

__all__ = ["CorpusFlag", "LabelledMessage", "corpus_files", "corpus_sha256", "load_corpus"]


class CorpusFlag(BaseModel):
    """A gold flag: kind, detail and the evidence span in the record's text."""

    model_config = ConfigDict(frozen=True, extra="allow")

    kind: str
    detail: str
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in _FLAG_KINDS:
            raise ValueError(f"unknown flag kind {kind!r} (LABELS.md §3: one of {', '.join(_FLAG_KINDS)})")
        return kind


class LabelledMessage(BaseModel):
    """One corpus record (LABELS.md §4) or one external evaluation row.

    Either ``label`` (our corpora) or ``expect`` (a list of acceptable labels,
    as in ``../shared/external``) must be present.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str
    text: str
    label: Label | None = None
    expect: list[Label] | None = None
    flags: list[CorpusFlag] = Field(default_factory=list)
    source: str | None = None
    source_label: str | None = None
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _label_or_expect(self) -> LabelledMessage:
        if self.label is None and not self.expect:
            raise ValueError("record needs 'label' or a non-empty 'expect' list")
        for f in self.flags:
            if f.start is not None and f.end is not None and not (0 <= f.start < f.end <= len(self.text)):
                raise ValueError(f"flag span {f.start}..{f.end} outside text of {len(self.text)} characters")
        return self


def corpus_files(path: str | os.PathLike[str]) -> list[Path]:
    """Return the ``*.jsonl`` files at ``path`` (a file, or a folder searched recursively)."""
    p = Path(path)
    if p.is_dir():
        return sorted(x for x in p.rglob("*.jsonl") if "raw" not in x.relative_to(p).parts)
    return [p]


def _read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 file (a leading byte-order mark dropped); UnicodeDecodeError if not UTF-8."""
    with open(path, encoding="utf-8-sig") as fh:
        return list(fh)


def _first_bad_line(path: Path) -> tuple[int, int]:
    """The 1-based line and column (in bytes) of the first byte of ``path`` that is not UTF-8."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return n, exc.start + 1
    return 1, 1  # not reached for a file that failed to decode


def load_corpus(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[LabelledMessage]:
    """Read JSON Lines corpus files.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        Files, or folders (every ``*.jsonl`` below them, except ``raw/``).

    Returns
    -------
    list of LabelledMessage
        Records in file order. Blank lines are skipped; a UTF-8 byte-order
        mark at the start of a file is dropped.

    Raises
    ------
    CorpusFormatError
        With ``path`` and ``line`` set (and the record's ``id`` when it has
        one), for a line that is not UTF-8 text (the first such line of the
        file), is not JSON or nests too deeply, breaks the
        schema (unknown label, unknown flag kind, bad span …), or repeats the
        ``id`` of an earlier record of the same call (the message names where
        that id was first seen).
    FileNotFoundError
        If a path does not exist.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[LabelledMessage] = []
    seen: dict[str, str] = {}  # id -> "file:line" where it was first read
    for p in paths:
        for f in corpus_files(p):
            try:
                lines = _read_lines(f)
            except UnicodeDecodeError as exc:
                n, col = _first_bad_line(f)
                raise CorpusFormatError(
                    f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at column {col}); save the file as UTF-8",
                    str(f),
                    n,
                ) from exc
            for n, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusFormatError(f"not JSON: {exc.msg}", str(f), n) from exc
                except RecursionError:
                    raise CorpusFormatError("JSON nested too deeply", str(f), n) from None
                rid = obj.get("id") if isinstance(obj, dict) else None
                who = f"record {rid!r}: " if isinstance(rid, str) else ""
                try:
                    rec = LabelledMessage.model_validate(obj)
                except ValidationError as exc:
                    msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                    raise CorpusFormatError(who + msg, str(f), n) from exc
                if rec.id in seen:
                    raise CorpusFormatError(f"{who}duplicate id (first at {seen[rec.id]})", str(f), n)
                seen[rec.id] = f"{f}:{n}"
                out.append(rec)
    return out


def corpus_sha256(records: Iterable[LabelledMessage]) -> str:
    """Return a SHA-256 over the ids, texts and labels of ``records`` (order-independent).

    The fingerprint of the training corpus that :func:`train` records in a model's
    metadata (``corpus_sha256``; its first 16 digits are ``ModelInfo.trained_on``
    in every Screening): two corpora with the same records in any order
    give the same digest; a changed id, text or label gives another. Gold flags
    and other record fields do not enter it.

    Parameters
    ----------
    records : iterable of LabelledMessage
        The corpus records (e.g. from :func:`load_corpus`); a record without a
        label counts with an empty label.

    Returns
    -------
    str
        64 lowercase hexadecimal digits: the SHA-256 of the sorted
        ``id<TAB>label<TAB>text`` lines, each ended by a newline, in UTF-8.

    Examples
    --------
    >>> from wxscreen.training import LabelledMessage, corpus_sha256
    >>> a = LabelledMessage(id="a", text="请尽快还款", label="collection_notice")
    >>> b = LabelledMessage(id="b", text="好的", label="other")
    >>> corpus_sha256([a, b]) == corpus_sha256([b, a])
    True
    """
    h = hashlib.sha256()
    for key in sorted(f"{r.id}\t{r.label.value if r.label else ''}\t{r.text}" for r in records):
        h.update(key.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()
