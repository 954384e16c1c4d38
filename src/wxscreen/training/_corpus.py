"""Corpus records (LABELS.md §4) and their JSON Lines reader."""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import numbers
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .._errors import CorpusFormatError
from .._models import FlagKind, Label

#: The seven flag kinds of LABELS.md §2: a gold flag of any other kind is a typo, and would
#: otherwise count as a miss of no detector and a hit of none, silently.
_FLAG_KINDS: tuple[str, ...] = get_args(FlagKind)

#: The details of each flag kind (LABELS.md §2): a gold flag whose detail is not listed
#: under its kind (``threat`` / ``verification_code``, a typo) is refused.
FLAG_DETAILS: dict[str, tuple[str, ...]] = {
    "personal_data_request": (
        "verification_code", "password", "id_number", "bank_card", "face_scan", "screen_share", "contacts",
        "address", "id_photo", "other_data",
    ),
    "unofficial_transfer": (
        "personal_account", "designated_account", "safe_account", "qr_code", "wechat_transfer", "alipay_personal",
        "third_party", "cash_or_card",
    ),
    "threat": ("contacts_blast", "family_or_work", "violence", "home_visit", "fake_legal", "shaming"),
    "impersonation": ("police", "court", "regulator", "lawyer", "platform_staff"),
    "off_platform": ("other_chat", "link", "app_download"),
    "advance_fee": ("fee", "deposit", "proof_of_funds"),
    "borrow_to_repay": ("other_lender",),
}

__all__ = ["CorpusFlag", "LabelledMessage", "corpus_files", "corpus_sha256", "load_corpus"]


class CorpusFlag(BaseModel):
    """A gold flag: kind, detail and the evidence span in the record's text.

    ``detail`` must be one of the details of ``kind`` (LABELS.md §2,
    :data:`FLAG_DETAILS`) and ``start``/``end`` JSON integers (a string such
    as ``"2"``, ``2.0`` or ``true`` is refused, not converted). Both offsets are required: a flag
    of an authors' raw batch that gives an ``evidence`` string instead gets
    them from :class:`LabelledMessage`, which finds that string in the text.
    ``start``/``end`` stay typed ``int | None`` for code written against
    earlier versions, but a flag without them is refused.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    kind: str
    detail: str
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in _FLAG_KINDS:
            raise ValueError(f"unknown flag kind {kind!r} (LABELS.md §2: one of {', '.join(_FLAG_KINDS)})")
        return kind

    @field_validator("start", "end", mode="before")
    @classmethod
    def _integer_offset(cls, v: Any) -> Any:
        return _integer_offset(v)

    @model_validator(mode="after")
    def _detail_and_span(self) -> CorpusFlag:
        return _check_flag(self)


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

    @model_validator(mode="before")
    @classmethod
    def _spans_from_evidence(cls, data: Any) -> Any:
        return _resolve_evidence(data)

    @model_validator(mode="after")
    def _label_or_expect(self) -> LabelledMessage:
        _check_label_or_expect(self)
        for i, f in enumerate(self.flags):
            if f.start is not None and f.end is not None:
                _check_span(i, f.start, f.end, self.text)
                _check_evidence(i, f, self.text)
        return self


def _check_flag(f: CorpusFlag) -> CorpusFlag:
    """Refuse a detail that is not one of its kind's (LABELS.md §2) and a flag without its span."""
    details = FLAG_DETAILS.get(f.kind, ())
    if f.detail not in details:
        raise ValueError(
            f"flag kind {f.kind!r} has no detail {f.detail!r} (LABELS.md §2: one of {', '.join(details)})"
        )
    missing = [k for k in ("start", "end") if getattr(f, k) is None]
    if missing:
        raise ValueError(
            f"flag {f.kind}/{f.detail} has no {' and no '.join(repr(k) for k in missing)}: every gold flag needs its "
            "evidence span as integer 'start' and 'end' (an authors' raw batch may give an 'evidence' string instead)"
        )
    return f


def _integer_offset(v: Any) -> Any:
    """An offset must be an integer: ``"2"``, ``2.0`` and ``true`` are refused, never converted."""
    if v is None or (isinstance(v, numbers.Integral) and not isinstance(v, bool)):
        return v if v is None else int(v)
    raise ValueError(f"must be an integer, got {_json_type(v)} {v!r}")


def _check_label_or_expect(r: LabelledMessage) -> None:
    """Exactly one of ``label`` and a non-empty ``expect`` list."""
    if r.label is not None and r.expect is not None:
        raise ValueError("record has both 'label' and 'expect': give one of them (which one is gold is ambiguous)")
    if r.label is None and r.expect is not None and not r.expect:
        raise ValueError("'expect' is empty: list at least one acceptable label")
    if r.label is None and r.expect is None:
        raise ValueError("missing field 'label' (or an 'expect' list of acceptable labels)")


def _check_span(i: int, start: int, end: int, text: str) -> None:
    """A gold span must be a non-empty, forward range inside a non-empty text."""
    n = len(text)
    if not text:
        raise ValueError(f"flags.{i}: the record's text is empty, so it can hold no flag (span {start}..{end})")
    if start > end:
        raise ValueError(f"flags.{i}: flag span {start}..{end} is reversed (start must be before end)")
    if start == end:
        raise ValueError(f"flags.{i}: flag span {start}..{end} is empty")
    if end > n:
        raise ValueError(f"flags.{i}: flag span {start}..{end} outside text of {n} characters")


def _check_evidence(i: int, f: CorpusFlag, text: str) -> None:
    """A flag's optional ``evidence`` string must be exactly ``text[start:end]``.

    Every flag of ``corpora/`` carries both (``scripts/build_corpus.py`` writes
    the evidence it resolved); a mismatch means the offsets or the text were
    edited by hand afterwards, and the span would score a different substring.
    """
    ev = (f.model_extra or {}).get("evidence")
    if ev is None or f.start is None or f.end is None:
        return
    found = text[f.start : f.end]
    if ev != found:
        raise ValueError(
            f"flags.{i}: evidence does not match text[start:end] ({f.start}..{f.end} holds {found!r}, "
            f"evidence is {ev!r})"
        )


def _resolve_evidence(data: Any) -> Any:
    """Give each flag of an authors' raw batch its span, as ``scripts/build_corpus.py`` does.

    A flag with neither ``start`` nor ``end`` but an ``evidence`` string gets
    the offsets of that string in the text: its first occurrence, or the n-th
    with ``"occurrence": n`` (1-based). Anything else is returned unchanged
    (the schema then judges it).

    Raises
    ------
    ValueError
        If the evidence string does not occur (that often) in the text.
    """
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not isinstance(data.get("flags"), list):
        return data
    if not any(isinstance(f, dict) and "evidence" in f and "start" not in f and "end" not in f for f in data["flags"]):
        return data  # nothing to resolve (every record of corpora/)
    text = data["text"]
    flags = []
    for i, f in enumerate(data["flags"]):
        ev = f.get("evidence") if isinstance(f, dict) else None
        if not isinstance(ev, str) or not ev or "start" in f or "end" in f:
            flags.append(f)
            continue
        occ = f.get("occurrence", 1)
        if not isinstance(occ, int) or isinstance(occ, bool) or occ < 1:
            raise ValueError(f"flags.{i}: 'occurrence' must be an integer >= 1, got {occ!r}")
        pos = -1
        for _ in range(occ):
            pos = text.find(ev, pos + 1)
            if pos < 0:
                raise ValueError(f"flags.{i}: evidence {ev!r} (occurrence {occ}) is not in the text")
        flags.append({**f, "start": pos, "end": pos + len(ev)})
    return {**data, "flags": flags}


#: JSON names of the Python types ``json.loads`` returns, for error messages.
_JSON_TYPES = {"dict": "object", "list": "list", "str": "string", "int": "integer", "float": "number",
               "bool": "boolean", "NoneType": "null"}


def _json_type(x: object) -> str:
    return _JSON_TYPES.get(type(x).__name__, type(x).__name__)


def _who(obj: object) -> str:
    """``record 'ID': `` for a row with a scalar id (also a wrong one, such as 5), else ``""``."""
    rid = obj.get("id") if isinstance(obj, dict) else None
    return f"record {rid!r}: " if isinstance(rid, (str, int, float)) and not isinstance(rid, bool) else ""


def _problems(exc: ValidationError, obj: object) -> str:
    """What is wrong with one row, in the terms of LABELS.md §4 (no model class names, no empty paths)."""
    out = []
    for e in exc.errors(include_url=False):
        loc = ".".join(map(str, e["loc"]))
        kind, got = e["type"], e.get("input")
        if not e["loc"] and kind in ("model_type", "model_attributes_type", "dict_type"):
            out.append(f"expected a JSON object, got {_json_type(obj)}")
        elif kind == "missing":
            out.append(f"missing field {loc!r}")
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            out.append(f"{loc}: must be an integer, got {_json_type(got)} {got!r}")
        elif kind == "string_type":
            out.append(f"{loc}: must be a string, got {_json_type(got)} {got!r}")
        elif kind == "value_error":
            msg = str(e.get("ctx", {}).get("error", e["msg"]))
            out.append(f"{loc}: {msg}" if loc else msg)
        else:
            out.append(f"{loc}: {e['msg']}" if loc else str(e["msg"]))
    return "; ".join(out)


#: Byte-order marks read as the classify/chat paths read them (README, "Input files and stdin"):
#: UTF-32 before UTF-16, whose little-endian mark is the start of UTF-32's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _encoding(head: bytes) -> str:
    """The codec a corpus file starting with ``head`` (its first 4 bytes) is read with."""
    return next((e for bom, e in _BOMS if head.startswith(bom)), "utf-8-sig")


def _open_corpus_file(path: Path) -> IO[str]:
    """Open a corpus file as text: UTF-8 (a BOM dropped), or UTF-16/UTF-32 when it starts with that BOM.

    Lines end as :func:`open` ends them (universal newlines). A file that is
    none of these raises :class:`UnicodeDecodeError` while it is read.
    """
    fh = open(path, "rb")  # noqa: SIM115 - handed to the wrapper, closed with it
    head = fh.read(4)
    fh.seek(0)
    return io.TextIOWrapper(fh, encoding=_encoding(head))


def corpus_files(path: str | os.PathLike[str]) -> list[Path]:
    """Return the ``*.jsonl`` files at ``path`` (a file, or a folder searched recursively)."""
    p = Path(path)
    if p.is_dir():
        return sorted(x for x in p.rglob("*.jsonl") if "raw" not in x.relative_to(p).parts)
    return [p]


def _read_lines(path: Path) -> list[str]:
    """The lines of a corpus file (:func:`_open_corpus_file`); UnicodeDecodeError if it is not text."""
    with _open_corpus_file(path) as fh:
        return list(fh)


def _bad_text(path: Path) -> tuple[str, int, int, int]:
    """Where ``path`` stops being text in its encoding (:func:`_encoding`).

    Returns
    -------
    tuple of (str, int, int, int)
        The encoding's name (``UTF-8``, ``UTF-16``, ``UTF-32``), the first byte
        that does not decode, and its 1-based line and column (in bytes from the
        start of the line). UTF-16 and UTF-32 files are decoded with their own
        codec, lines split as :func:`_read_lines` splits them (CR, LF,
        CR LF; code review 8: a bad UTF-16 file was reported as "not UTF-8
        text (byte 0x00 at column 1)" on line 1).
    """
    data = path.read_bytes()
    enc = _encoding(data[:4])
    if enc == "utf-8-sig":
        n, col, byte = _first_bad_line(path)
        return "UTF-8", byte, n, col
    try:
        data.decode(enc)
    except UnicodeDecodeError as exc:
        bad = exc.start
    else:  # pragma: no cover - the caller saw this file fail to decode
        bad = len(data)
    bom = next(len(b) for b, e in _BOMS if data.startswith(b))
    endian = "-le" if data[:bom] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE) else "-be"
    before = data[bom:bad].decode(enc + endian)
    lines = before.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    col = len(lines[-1].encode(enc + endian)) + 1
    return enc.upper(), data[bad] if bad < len(data) else 0, len(lines), col


def _first_bad_line(path: Path) -> tuple[int, int, int]:
    """The 1-based line and column (in bytes) of the first byte of ``path`` that is not UTF-8, and that byte."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return n, exc.start + 1, raw[exc.start]
    return 1, 1, 0  # not reached for a file that failed to decode


def load_corpus(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[LabelledMessage]:
    """Read JSON Lines corpus files.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        Files, or folders (every ``*.jsonl`` below them, except ``raw/``).

    Returns
    -------
    list of LabelledMessage
        Records in file order. Blank lines are skipped; a file is read as
        UTF-8 (a byte-order mark at its start is dropped), or as UTF-16 or
        UTF-32 when it starts with that byte-order mark (Windows Notepad's
        "Unicode"), as ``wxscreen classify`` and ``chat`` read their input.
        A flag given by an ``evidence`` string without ``start``/``end`` (an
        authors' raw batch, ``corpus_src/``) gets the offsets of that string in
        the text, as ``scripts/build_corpus.py`` resolves them.

    Raises
    ------
    CorpusFormatError
        With ``path`` and ``line`` set (and the record's ``id`` when it has
        one), for a line that is not text in the file's encoding (UTF-8, or
        UTF-16/UTF-32 with a byte-order mark; the first such line of the file,
        the message naming the encoding and the byte's column),
        is not JSON or nests too deeply, is not a JSON object, breaks the schema
        (missing field, unknown label, unknown flag kind or a detail of another
        kind, a flag without integer ``start`` and ``end``, a reversed or
        out-of-text span or a flag on an empty text, an ``evidence`` string
        that differs from ``text[start:end]`` or, without offsets, is not in
        the text, both ``label`` and ``expect`` …), or repeats the
        ``id`` of an earlier record of the same call (the message names where
        that id was first seen).
    FileNotFoundError
        If a path does not exist.
    """
    return _load_corpus(paths, {})


def _load_corpus(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], seen: dict[str, str]
) -> list[LabelledMessage]:
    """:func:`load_corpus`, with the ids already read elsewhere: ``seen`` maps id to ``"file:line"``.

    ``seen`` is updated with the ids read, so that a caller reading several
    files in turn (``wxscreen eval A B``, one report each) refuses an id of B
    that A already used, naming A's line.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[LabelledMessage] = []
    for p in paths:
        for f in corpus_files(p):
            try:
                lines = _read_lines(f)
            except UnicodeDecodeError as exc:
                enc, byte, n, col = _bad_text(f)
                raise CorpusFormatError(
                    f"not {enc} text (byte 0x{byte:02x} at column {col}); save the file as UTF-8",
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
                who = _who(obj)
                try:
                    rec = LabelledMessage.model_validate(obj)
                except ValidationError as exc:
                    raise CorpusFormatError(who + _problems(exc, obj), str(f), n) from exc
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
