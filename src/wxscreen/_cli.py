"""Command-line interface: ``wxscreen classify|chat|report|train|eval``."""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO, cast

from ._errors import WxScreenError

__all__ = ["main"]


class _Visible:
    r"""A text stream that shows control characters as ``\xNN`` (``_report.visible_controls``)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, s: str) -> int:
        from ._report import visible_controls

        return self.out.write(visible_controls(s))


def _human(text_no: int, s: Any, out: TextIO, rid: Any = None) -> None:
    out = cast(TextIO, _Visible(out))
    sc = ", ".join(f"{k} {v:.2f}" for k, v in sorted(s.scores.items(), key=lambda kv: -kv[1]))
    tag = "" if rid is None else f" id={json.dumps(rid, ensure_ascii=False)}"
    out.write(f"[{text_no}]{tag} {s.label.value} {_ZH[s.label.value]}  ({sc})\n")
    for f in s.flags:
        out.write(
            f"    flag {f.kind}/{f.detail} [{f.start}:{f.end}] «{f.evidence}» rule={f.rule} score={f.score:.2f}\n"
        )
    for r in s.reasons:
        out.write(f"    why: {r}\n")
    for a in s.advice:
        out.write(f"    advice: {a}\n")


class _EncodingError(ValueError):
    """Input bytes that are not UTF-8 text (the command exits with status 2)."""


def _decode_source(raw: bytes, name: str) -> str:
    """Decode the bytes of FILE or stdin (``name`` for messages) as a pasted text.

    UTF-8, with or without a BOM, is read as is. A UTF-16 or UTF-32 byte-order
    mark is unambiguous, so such text (what Windows Notepad saves as
    "Unicode") is decoded by it. A few stray bytes in otherwise valid UTF-8 (a
    truncated copy) become U+FFFD with a warning on stderr. Anything else —
    GBK / GB18030, UTF-16 without a BOM (NUL bytes), another encoding — is
    refused with :class:`_EncodingError` naming the likely encoding and the
    ``iconv`` command that converts it: it is never guessed, since a wrong
    guess screens garbage and reads as a confident ``other``.

    Raises
    ------
    _EncodingError
        If the bytes are not UTF-8 text (nor UTF-16/32 with a BOM).
    """
    import codecs
    import shlex

    tail = "" if name == "stdin" else f" {shlex.quote(name)} > {shlex.quote(name + '.utf8.txt')}"
    boms = [
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    ]
    for bom, enc in boms:
        if raw.startswith(bom):
            try:
                raw[len(bom) :].decode("utf-8")
                break  # stray BOM-like bytes in front of UTF-8 text: handled below
            except UnicodeDecodeError:
                pass
            try:
                return raw.decode(enc)
            except UnicodeDecodeError as exc:
                raise _EncodingError(
                    f"{name} starts with a {enc.upper()} byte-order mark but is not valid {enc.upper()} "
                    f"(byte {exc.start}); re-save it as UTF-8"
                ) from None
    if b"\x00" in raw:
        raise _EncodingError(
            f"{name} is not UTF-8 text (it contains NUL bytes: looks like UTF-16 without a byte-order mark); "
            f"convert it with: iconv -f UTF-16LE -t UTF-8{tail}"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - raw.decode("utf-8-sig", errors="ignore").count("\ufffd")
    good = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    if good >= 4 * bad:
        sys.stderr.write(f"wxscreen: warning: {name}: {bad} invalid UTF-8 byte sequence(s) replaced with U+FFFD\n")
        return text
    fits = []
    for enc in ("gb18030", "big5"):
        try:
            raw.decode(enc)
            fits.append(enc)
        except UnicodeDecodeError:
            pass
    if fits == ["gb18030", "big5"]:
        # both decode; only a reader can tell mainland from Taiwan/Hong Kong text
        hint = f"iconv -f GB18030 -t UTF-8{tail}   (or, for Traditional text from Taiwan/Hong Kong: -f BIG5)"
        guess = "GBK/GB18030 or Big5"
    elif fits:
        guess = "GBK/GB18030" if fits[0] == "gb18030" else "Big5"
        hint = f"iconv -f {fits[0].upper()} -t UTF-8{tail}"
    else:
        guess, hint = "an unknown encoding", f"iconv -f ENCODING -t UTF-8{tail}"
    raise _EncodingError(f"{name} is not UTF-8 text (looks like {guess}); convert it with: {hint}")


_NO_ID = object()


def _read_stdin_messages(stream: TextIO) -> list[tuple[str, Any]]:
    """Read one message per line: ``(text, id)``, one pair for every input line.

    A line holding a JSON object uses its ``text`` and its ``id`` (any JSON
    value; ``_NO_ID`` when absent); any other line is the message itself, with
    no id. A blank line is an empty message (``other`` by rule R0), so output
    line *n* always answers input line *n*.

    The rule for "meant as JSON" (README, Command line): a line whose first
    non-blank character is ``{`` or ``[`` and that parses as JSON is meant as
    a record, and must be an object with a string ``text``; a line starting
    ``{"`` (spaces allowed between) that does not parse is broken JSON Lines. Every other line is a
    message, even when it happens to parse as JSON: ``5000``, ``"好的"``,
    ``true``, and ``[图片]`` or ``{微笑}`` (which do not parse).

    JSON here is strict JSON (RFC 8259): ``NaN``, ``Infinity`` and
    ``-Infinity``, which Python's parser accepts and ``--json`` could not echo
    back as valid JSON, make a line broken JSON Lines.

    Raises
    ------
    ValueError
        Naming the line, for a JSON object without a string ``text``, a JSON
        array, a line that starts like a JSON object (``{"``) but does not
        parse (``NaN``/``Infinity`` included), an ``id`` too large for a JSON
        number (``1e999``), and JSON nested too deeply for the parser (about
        1,000 levels).
    """
    msgs: list[tuple[str, Any]] = []
    for n, line in enumerate(stream, 1):
        line = line.rstrip("\n")
        head = line.lstrip()[:1]
        if head in ("{", "["):
            try:
                obj = json.loads(line, parse_constant=_no_constant)
            except RecursionError:
                raise ValueError(f"stdin line {n}: JSON nested too deeply") from None
            except _NotJSONConstant as exc:
                raise ValueError(
                    f"stdin line {n}: {exc} is not valid JSON (write the number as a string, e.g. \"{exc}\")"
                ) from None
            except json.JSONDecodeError as exc:
                if _JSON_OBJECT_START.match(line):
                    # meant as JSON Lines but broken: screening the raw braces would be a silent wrong answer
                    raise ValueError(f"stdin line {n}: not valid JSON ({exc.msg})") from None
                msgs.append((line, _NO_ID))  # [图片], {微笑}: a message
                continue
            if not isinstance(obj, dict):  # a line starting with [ that parses is an array
                raise ValueError(
                    f"stdin line {n}: a JSON array is not a record (a JSON object with a string 'text' field)"
                )
            if not isinstance(obj.get("text"), str):
                raise ValueError(f"stdin line {n}: JSON object without a string 'text' field")
            rid = obj.get("id", _NO_ID)
            if rid is not _NO_ID:
                try:
                    json.dumps(rid, allow_nan=False)  # 1e999: Python reads inf, which --json cannot echo
                except ValueError:
                    raise ValueError(
                        f"stdin line {n}: the id holds a number too large for JSON; write it as a string"
                    ) from None
            msgs.append((obj["text"], rid))
            continue
        msgs.append((line, _NO_ID))
    return msgs


class _NotJSONConstant(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` in a JSON line: not JSON (RFC 8259), though Python reads it."""


def _no_constant(name: str) -> Any:
    raise _NotJSONConstant(name)


def _cmd_classify(args: argparse.Namespace) -> int:
    from . import load_screener

    now = None if args.now is None else _parse_iso(args.now)  # checked before stdin is read
    screener = load_screener(args.model, mask_identifiers=not args.no_mask)
    if args.text == ["-"]:
        rows = _read_stdin_messages(io.StringIO(_decode_source(_read_source("-"), "stdin"), newline=None))
    else:
        rows = [(t, _NO_ID) for t in args.text]  # each argument is one message
    results = screener.classify_many([t for t, _ in rows], lender=args.lender, now=now)
    for i, (s, (_, rid)) in enumerate(zip(results, rows, strict=True), 1):
        if args.json:
            dumped = s.model_dump_json()
            if rid is not _NO_ID:  # the input record's id first, as given (string, number, …)
                dumped = '{"id":' + json.dumps(rid, ensure_ascii=False, allow_nan=False) + "," + dumped[1:]
            sys.stdout.write(dumped + "\n")
        else:
            _human(i, s, sys.stdout, rid=None if rid is _NO_ID else rid)
    return 0


#: A line that starts like a JSON object: ``{`` then, after optional spaces, a key's quote.
_JSON_OBJECT_START = re.compile(r'\s*\{\s*"')


def _parse_now(value: str | None) -> datetime.datetime:
    """``--now``: an ISO date-time, or the time now in China when not given.

    Raises
    ------
    ValueError
        Naming the option and an example, for a value that is not an ISO date-time.
    """
    if not value:
        return _china_now()
    return _parse_iso(value)


def _parse_iso(value: str) -> datetime.datetime:
    """An ISO-8601 date-time given to ``--now``: naive (2024-05-04T10:00) or with an offset (…+08:00, …Z).

    Raises
    ------
    ValueError
        Naming the option and an example, for a value that is not an ISO date-time.
    """
    try:
        return datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"--now {value!r} is not an ISO date-time such as 2024-05-04T10:00 or 2024-05-04T10:00+08:00"
        ) from None


def _china_now() -> datetime.datetime:
    """The wall-clock time in mainland China (UTC+8, no daylight saving), naive.

    Pasted WeChat chats carry China times; the machine running the CLI may not be
    set to China time (a UTC server would read 08:40 at 09:13 Beijing as a time
    still to come, and the chat parser would move it to yesterday).
    """
    china = datetime.timezone(datetime.timedelta(hours=8))
    return datetime.datetime.now(china).replace(tzinfo=None)


def _cmd_chat(args: argparse.Namespace) -> int:

    from . import load_screener, screen_chat
    from ._normalize import read_paste

    # every line end read as \n (\r\n, a lone \r, U+2028, U+2029, U+0085), as `wxscreen report` reads it
    text = read_paste(_decode_source(_read_source(args.file), "stdin" if args.file == "-" else args.file))
    now = _parse_now(args.now)
    screener = load_screener(args.model, mask_identifiers=not args.no_mask)
    res = screen_chat(text, me=args.me, now=now, lender=args.lender, screener=screener)
    if args.json:
        sys.stdout.write(res.model_dump_json() + "\n")
        return 0
    _chat_table(res, given_me=args.me is not None, out=sys.stdout)
    return 0


_ZH = {
    "possible_scam": "疑似诈骗",
    "suspicious": "可疑",
    "negotiation_offer": "协商还款",
    "collection_notice": "催收通知",
    "other": "其他",
}


def _width(text: str) -> int:
    """Display width in terminal columns (East Asian wide and full-width characters count 2)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def _fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` columns (with … when cut) and pad it with spaces."""
    if _width(text) > width:
        out = ""
        for c in text:
            if _width(out + c) > width - 1:
                break
            out += c
        text = out + "…"
    return text + " " * (width - _width(text))


def _chat_table(res: Any, *, given_me: bool, out: TextIO) -> None:
    """Print a ChatScreening as a per-message table followed by the verdict."""
    out = cast(TextIO, _Visible(out))
    out.write(f"{'#':>3}  {_fit('time', 16)}  {_fit('speaker', 22)}  {_fit('label', 28)}  message\n")
    for i, m in enumerate(res.messages):
        who = ("  " * m.depth + "↳ " if m.depth else "") + (m.speaker or "?") + (" (borrower)" if m.is_borrower else "")
        when = m.time.strftime("%Y-%m-%d %H:%M") if m.time else "-"
        lab = m.screening.label.value
        text = " ".join(m.text.split())
        row = f"{i:>3}  {_fit(when, 16)}  {_fit(who, 22)}  {_fit(f'{lab} {_ZH[lab]}', 28)}  {_fit(text, 48)}"
        out.write(row.rstrip() + "\n")
        pad = " " * 5
        if m.quote is not None:
            quoted = " ".join(m.quote.text.split())
            out.write(f"{pad}↪ quoting {m.quote.speaker or '?'}: {_fit(quoted, 48).rstrip()} (not screened)\n")
        for f in m.screening.flags:
            out.write(f"{pad}⚑ {f.kind}/{f.detail} [{f.start}:{f.end}] «{f.evidence}»\n")
    n_fwd = sum(1 for m in res.messages if m.depth)
    lab = res.label.value
    out.write(f"\nverdict: {lab} {_ZH[lab]}")
    if res.escalation:
        worst = res.escalation[-1][0]
        out.write(f" — worst at message {worst} ({res.messages[worst].speaker or '?'})")
    out.write("\n")
    if res.borrower is not None:
        out.write(f"borrower: {res.borrower} ({'given' if given_me else 'inferred'}); their messages are other\n")
    elif res.borrower_guess is not None:
        out.write(
            f"borrower: uncertain, perhaps {res.borrower_guess} (pass --me NAME); every message was screened\n"
        )
    else:
        out.write("borrower: unknown (pass --me NAME); every message was screened\n")
    if res.escalation:
        steps = " → ".join(f"#{i} {label.value}" for i, label in res.escalation)
        out.write(f"escalation: {steps}\n")
    out.write(f"first risky message: {'#' + str(res.first_risky) if res.first_risky is not None else 'none'}\n")
    out.write(f"messages: {len(res.messages)}" + (f" ({n_fwd} inside forwarded records)" if n_fwd else "") + "\n")
    cut = [i for i, m in enumerate(res.messages) if m.screening.truncated]
    if cut:
        out.write(
            "WARNING: only the first 100,000 characters of message(s) "
            + ", ".join(f"#{i}" for i in cut)
            + " were screened; read the rest yourself\n"
        )


def _read_source(name: str) -> bytes:
    """The pasted chat as exact bytes, from a file or ``-`` (stdin)."""
    if name == "-":
        buf = getattr(sys.stdin, "buffer", None)
        if buf is not None:
            return bytes(buf.read())
        return sys.stdin.read().encode("utf-8", "surrogatepass")
    with open(name, "rb") as fh:
        return fh.read()


def _cmd_report(args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from . import load_screener, render_report, screen_chat
    from ._normalize import read_paste

    raw = _read_source(args.file)
    # The SHA-256 in the report is of these exact bytes (a BOM included); for screening a leading
    # BOM is dropped, UTF-16/32 with a BOM is decoded, other non-UTF-8 input is refused (exit 2),
    # and every line end is read as \n, as `wxscreen chat` reads it (render_report checks the
    # bytes against that reading).
    text = read_paste(_decode_source(raw, "stdin" if args.file == "-" else args.file))
    now = _parse_now(args.now)
    screener = load_screener(args.model, mask_identifiers=not args.no_mask, advice_lang=args.lang)
    res = screen_chat(text, me=args.me, now=now, lender=args.lender, screener=screener)
    out = render_report(
        res,
        format=args.format,
        lang=args.lang,
        source=raw,
        screened_at=dt.datetime.now(dt.timezone.utc),
        mask=not args.no_mask,
    )
    if args.out:
        Path(args.out).write_text(out, encoding="utf-8")
        sys.stderr.write(f"report written to {args.out} (verdict: {res.label.value})\n")
    else:
        sys.stdout.write(out)
    return 0


def _train_files(path: str) -> list[Any]:
    """``train*.jsonl`` of a corpus folder, or the one file given."""
    from pathlib import Path

    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"no such file or folder: {root}")
    return sorted(root.glob("train*.jsonl")) if root.is_dir() else [root]


def _check_trainable(records: Sequence[Any], cmd: str) -> bool:
    """Refuse (on stderr) labels with too few records; warn about labels with none. False when refused."""
    from .training._train import missing_labels, too_few_records

    labels = [r.label.value for r in records if r.label is not None]
    problem = too_few_records(labels)
    if problem:
        sys.stderr.write(f"{cmd}: {problem}\n")
        return False
    missing = missing_labels(labels)
    if missing:
        sys.stderr.write(
            f"{cmd}: warning: no training record of label(s) {', '.join(missing)}: the classifier can never "
            "predict them\n"
        )
    return True


#: The files that make a folder a model written by ``wxscreen train`` (``_persist.save_bundle``).
_BUNDLE_FILES = ("metadata.json", "model.skops")


def _out_problem(out: str) -> str | None:
    """Why ``--out`` cannot receive a model, or None: a file, or a non-empty folder that is no model folder."""
    from pathlib import Path

    p = Path(out)
    if p.is_dir():
        if any(p.iterdir()) and not all((p / name).is_file() for name in _BUNDLE_FILES):
            return (
                f"--out {out} is a folder that holds other files and is no wxscreen model folder "
                f"({' + '.join(_BUNDLE_FILES)}); give a new or empty folder, or a previous model's folder to replace it"
            )
    elif p.exists() or p.is_symlink():
        return f"--out {out} is a file, not a folder; give a new or empty folder"
    return None


def _cmd_train(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import load_screener
    from ._persist import save_bundle
    from .training import evaluate, load_corpus, train

    problem = _out_problem(args.out)  # checked before the corpus is read and the model trained
    if problem:
        sys.stderr.write(f"wxscreen train: {problem}\n")
        return 2
    root = Path(args.corpus)
    train_files = _train_files(args.corpus)
    if root.is_dir() and not args.no_dev:
        # the development set tunes detector patterns and flagger thresholds
        # first (written blind for that); the shipped model then learns from it too
        train_files += sorted(root.glob("dev*.jsonl"))
    test_files = sorted(root.glob("test*.jsonl")) if root.is_dir() else []
    if not train_files:
        sys.stderr.write(f"wxscreen train: no train*.jsonl in {root}\n")
        return 2
    records = load_corpus(train_files)
    if not records:
        sys.stderr.write(f"wxscreen train: no records in {', '.join(map(str, train_files))}\n")
        return 2
    if not _check_trainable(records, "wxscreen train"):
        return 2
    bundle = train(records, seed=args.seed)
    out = save_bundle(bundle, args.out)
    if test_files:
        screener = load_screener(out)
        rep = evaluate(screener, load_corpus(test_files))
        bundle.metadata["test_metrics"] = {
            "n": rep.n,
            "accuracy": rep.accuracy,
            "macro_f1": rep.macro_f1,
            "per_label_f1": {k: v.f1 for k, v in rep.per_label.items()},
            "per_flag": {
                k: {"precision": v.precision, "recall": v.recall} for k, v in rep.per_flag.items() if v.support
            },
        }
        save_bundle(bundle, args.out)
    sys.stdout.write(f"trained on {len(records)} records; model written to {out}\n")
    if "test_metrics" in bundle.metadata:
        tm = bundle.metadata["test_metrics"]
        sys.stdout.write(f"held-out test: n={tm['n']} accuracy={tm['accuracy']} macro-F1={tm['macro_f1']}\n")
    return 0


#: Files with at least this many records get a progress bar (when stderr is a terminal).
PROGRESS_MIN_RECORDS = 1000


def eval_schema(kind: str = "eval") -> str:
    """Return the JSON schema of ``wxscreen eval`` output as indented JSON text.

    Parameters
    ----------
    kind : {"eval", "cv"}, default="eval"
        ``"eval"``: :class:`~wxscreen.training.EvalReport` (one per evaluated
        file); ``"cv"``: :class:`~wxscreen.training.CVReport` (``--cv``).

    Returns
    -------
    str
        The schema, ending in a newline; identical to the files in
        ``wxscreen/data/schema/``.
    """
    from .training import CVReport, EvalReport

    model = CVReport if kind == "cv" else EvalReport
    return json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n"


def _render(rep: Any, fmt: str) -> str:
    if fmt == "json":
        return str(rep.model_dump_json(exclude={"errors"})) + "\n"
    if fmt == "md":
        return str(rep.to_markdown())
    return str(rep.to_text())


def _out_dir(root: Any, name: str, used: set[str]) -> Any:
    stem, i = name, 2
    while stem in used:
        stem, i = f"{name}-{i}", i + 1
    used.add(stem)
    return root / stem


def _write_outputs(rep: Any, folder: Any) -> list[str]:
    """Write report.json, report.md, errors.jsonl and the plots; return warnings."""
    from .training import save_plots

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(rep.model_dump_json(exclude={"errors"}, indent=2) + "\n", "utf-8")
    (folder / "report.md").write_text(rep.to_markdown(), "utf-8")
    with open(folder / "errors.jsonl", "w", encoding="utf-8") as fh:
        for e in rep.errors:
            fh.write(e.model_dump_json() + "\n")
    try:
        save_plots(rep, folder)
    except ImportError as exc:
        return [f"{exc}; plots skipped"]
    return []


def _cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import Screener, load_screener
    from .training import cross_validate, evaluate, load_corpus, train
    from .training._corpus import _load_corpus, corpus_files

    if args.schema:
        sys.stdout.write(eval_schema(args.schema))
        return 0
    if not args.files:
        sys.stderr.write("wxscreen eval: give at least one FILE (or --schema)\n")
        return 2
    out = Path(args.out) if args.out else None
    tty = sys.stderr.isatty() and not args.no_progress
    if args.cv is not None:
        if len(args.files) != 1 or args.model or args.train_dir:
            sys.stderr.write("wxscreen eval --cv K takes one CORPUS_DIR (or file) and no --model/--train-dir\n")
            return 2
        files = _train_files(args.files[0])
        if not files:
            sys.stderr.write(f"wxscreen eval --cv: no train*.jsonl in {args.files[0]}\n")
            return 2
        cv = cross_validate(load_corpus(files), k=args.cv, seed=args.seed, source=args.files[0], progress=tty)
        sys.stdout.write(_render(cv, args.format))
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / "cv_report.json").write_text(cv.model_dump_json(indent=2) + "\n", "utf-8")
            (out / "cv_report.md").write_text(cv.to_markdown(), "utf-8")
        return 0
    if args.model and args.train_dir:
        sys.stderr.write("wxscreen eval: give --model or --train-dir, not both\n")
        return 2
    # every FILE is read before the model is loaded or trained: an empty one is a mistake
    # (a wrong folder, a glob that matched nothing), not a report of 0 records
    # one report per FILE, but an id of one FILE already used by another is refused (FILE:LINE and
    # the first place), as load_corpus refuses it within one call; the same FILE given twice is
    # read once and reported twice
    corpora: list[tuple[str, Any]] = []
    seen: dict[str, str] = {}
    read: dict[Path, Any] = {}
    for f in args.files:
        if not corpus_files(f):
            sys.stderr.write(f"wxscreen eval: no *.jsonl file in {f}\n")
            return 2
        key = Path(f).resolve()
        if key not in read:
            read[key] = _load_corpus(f, seen)
        records = read[key]
        if not records:
            sys.stderr.write(f"wxscreen eval: no records in {f}\n")
            return 2
        corpora.append((f, records))
    if args.train_dir:
        files = _train_files(args.train_dir)
        if Path(args.train_dir).is_dir():
            files += sorted(Path(args.train_dir).glob("dev*.jsonl"))  # what `wxscreen train` fits on
        if not files:
            sys.stderr.write(f"wxscreen eval --train-dir: no train*.jsonl in {args.train_dir}\n")
            return 2
        records = load_corpus(files)
        if not _check_trainable(records, "wxscreen eval --train-dir"):
            return 2
        screener = Screener(train(records, seed=args.seed))
        sys.stderr.write(f"trained on {len(records)} records from {args.train_dir} (seed {args.seed})\n")
    else:
        screener = load_screener(args.model)
    used: set[str] = set()
    for f, records in corpora:
        rep = evaluate(screener, records, source=str(f), progress=tty and len(records) >= PROGRESS_MIN_RECORDS)
        sys.stdout.write(_render(rep, args.format))
        if out is not None:
            for warning in _write_outputs(rep, _out_dir(out, Path(f).stem, used)):
                sys.stderr.write(f"wxscreen eval: {warning}\n")
        if args.errors:
            with open(args.errors, "a", encoding="utf-8") as fh:
                for e in rep.errors:
                    fh.write(json.dumps({"file": str(f), **e.model_dump()}, ensure_ascii=False) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``wxscreen`` command."""
    p = argparse.ArgumentParser(prog="wxscreen", description="Screen WeChat messages sent to indebted borrowers.")
    sub = p.add_subparsers(dest="cmd", required=True)

    c = sub.add_parser(
        "classify",
        help="screen messages: TEXT… (one message per argument), or - for stdin (one per line, or JSONL with 'text')",
        description=(
            "Screen messages. With -, stdin holds one message per line, or JSON Lines with a 'text' (and "
            "optional 'id'); every input line gives exactly one result, in order: a blank line is an "
            "empty message (label other, rule R0) and a record's 'id' is echoed as the first key of its "
            "--json output (and as id=… in the text output); read such a line back with "
            "wxscreen.read_screening_json(line) -> (id, Screening)."
        ),
    )
    c.add_argument(
        "text", nargs="+", help='the messages, each argument one message ("A" "B" is two), or - to read stdin'
    )
    c.add_argument(
        "--lender",
        default=None,
        help="the lender you really borrowed from (e.g. 星河消费金融有限公司): a payee in that name is not flagged",
    )
    c.add_argument(
        "--now",
        default=None,
        metavar="ISO-8601",
        help="the time that resolves relative deadlines (今日18:00前, 3天内, 周五前), e.g. 2024-05-04T10:00 or "
        "2024-05-04T10:00+08:00; deadlines carry its time zone (default: none, and a relative deadline's value "
        "is null)",
    )
    c.add_argument("--json", action="store_true", help="one Screening JSON per line")
    c.add_argument("--model", default=None, help="bundle directory (default: the shipped model)")
    c.add_argument("--no-mask", action="store_true", help="do not mask identifiers (local forensic use)")
    c.set_defaults(func=_cmd_classify)

    h = sub.add_parser("chat", help="screen a pasted WeChat chat, message by message: FILE or - for stdin")
    h.add_argument("file")
    h.add_argument("--me", default=None, help="the borrower's display name (default: inferred)")
    h.add_argument("--now", default=None, help="ISO time that resolves 昨天/星期三/14:22 (default: now, China time)")
    h.add_argument(
        "--lender",
        default=None,
        help="the lender you really borrowed from (e.g. 星河消费金融有限公司): a payee in that name is not flagged",
    )
    h.add_argument("--json", action="store_true", help="the ChatScreening as JSON")
    h.add_argument("--model", default=None)
    h.add_argument("--no-mask", action="store_true", help="do not mask identifiers (local forensic use)")
    h.set_defaults(func=_cmd_chat)

    r = sub.add_parser(
        "report", help="evidence report of a pasted chat (FILE or - for stdin) as Markdown, JSON or one HTML file"
    )
    r.add_argument("file")
    r.add_argument("--format", choices=["md", "json", "html"], default="md")
    r.add_argument("--out", default=None, help="write the report to this file (default: stdout)")
    r.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of headings and advice")
    r.add_argument("--me", default=None, help="the borrower's display name (default: inferred)")
    r.add_argument("--now", default=None, help="ISO time that resolves 昨天/星期三/14:22 (default: now, China time)")
    r.add_argument(
        "--lender",
        default=None,
        help="the lender you really borrowed from (e.g. 星河消费金融有限公司): a payee in that name is not flagged",
    )
    r.add_argument("--model", default=None)
    r.add_argument("--no-mask", action="store_true", help="do not mask identifiers (local forensic use)")
    r.set_defaults(func=_cmd_report)

    t = sub.add_parser(
        "train",
        help="train a model from CORPUS_DIR (train*.jsonl and dev*.jsonl; test*.jsonl is evaluated) or one FILE.jsonl",
        description=(
            "Train a model. CORPUS is a folder (its train*.jsonl and dev*.jsonl are trained on and its "
            "test*.jsonl evaluated, the figures stored in the bundle's metadata) or a single JSONL file of "
            "labelled records (LABELS.md §4), all of it trained on."
        ),
    )
    t.add_argument("corpus", metavar="CORPUS", help="corpus folder, or one JSONL file")
    t.add_argument("--no-dev", action="store_true", help="leave dev*.jsonl out of training (folders only)")
    t.add_argument(
        "--out",
        required=True,
        help="output model folder: new, empty, or a previous model's (metadata.json + model.skops), replaced",
    )
    t.add_argument("--seed", type=int, default=0)
    t.set_defaults(func=_cmd_train)

    e = sub.add_parser(
        "eval",
        help="evaluate on JSONL files with 'label' or 'expect'; --cv K CORPUS_DIR cross-validates",
        description=(
            "Evaluate the screener on FILE... (records with 'label', or rows with an 'expect' list): "
            "per-label precision/recall/F1, macro/weighted F1, confusion matrix, flag and span rates, "
            "calibration (ECE before/after, reliability table), risky-vs-safe, per-tag results and "
            "expect-accepted rates by source_label."
        ),
    )
    e.add_argument("files", nargs="*", metavar="FILE", help="JSONL files (with --cv: one corpus folder or file)")
    e.add_argument("--model", default=None, help="bundle directory (default: the shipped model)")
    e.add_argument(
        "--train-dir",
        default=None,
        metavar="CORPUS",
        help="first train a model on CORPUS (its train*.jsonl and dev*.jsonl as `wxscreen train` does, or one file) "
        "and evaluate that one (cross-corpus)",
    )
    e.add_argument("--cv", type=int, default=None, metavar="K", help="stratified K-fold cross-validation of CORPUS_DIR")
    e.add_argument("--seed", type=int, default=0, help="seed of the --cv folds and of trained models (default 0)")
    e.add_argument(
        "--format",
        choices=["text", "json", "md"],
        default="text",
        help="json: one report per line (JSON Lines), without the error list",
    )
    e.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="write DIR/<file stem>/report.json, report.md, errors.jsonl, confusion_matrix.png, reliability.png "
        "(with --cv: DIR/cv_report.json, cv_report.md)",
    )
    e.add_argument("--errors", default=None, help="also append misclassified records to this JSONL file")
    e.add_argument(
        "--schema",
        nargs="?",
        const="eval",
        choices=["eval", "cv"],
        default=None,
        help="print the JSON schema of the report (eval, the default) or of the --cv report, and exit",
    )
    e.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    e.set_defaults(func=_cmd_eval)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # lone surrogates in input must not crash output
    try:
        if getattr(args, "lender", None) is not None:
            from ._screener import check_lender

            args.lender = check_lender(args.lender, "--lender")
        return int(args.func(args))
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, as cat and grep do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except _EncodingError as exc:
        sys.stderr.write(f"wxscreen: {exc}\n")
        return 2
    except (OSError, ValueError, WxScreenError) as exc:
        sys.stderr.write(f"wxscreen: {exc}\n")
        return 1
