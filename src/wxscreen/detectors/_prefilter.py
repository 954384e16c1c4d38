r"""Cheap necessary conditions for a detector regex to match.

Most detector patterns cannot match most messages: a pattern about 通讯录
needs the characters of 通讯录. :func:`required_char_sets` reads a pattern's
syntax tree (Python's own regex parser, which understands the subset of
``regex`` syntax the detector files use) and returns sets of keys (single
characters or bigrams) such that a text holding a non-empty match — together
with the text its positive lookarounds need — contains at least one key of
*each* set. A message that lacks all keys of one set is skipped without
running the regex (and without compiling it, see
:class:`~wxscreen.detectors.Pattern`).

The analysis is conservative: any construct it does not understand (``.``,
``\d``, ``\p{…}``, negated classes, case-insensitive groups, syntax Python's
parser rejects) contributes no requirement, so the filter can only let more
texts through, never fewer. ``tests/detectors`` checks on the corpus that no
match is ever lost.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
from typing import Any

import regex

try:  # Python >= 3.11
    import re._constants as _c
    import re._parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = ["analyse", "parses", "required_char_sets", "save_memo", "text_keys"]

#: Key sets larger than this are not worth checking.
_MAX_SET = 400
#: Largest set of exact strings tracked for one node or run.
_MAX_STRINGS = 64
# \p{…} / \P{…} (regex-module Unicode properties): parsed as \d, i.e. "unknown".
_PROPS = regex.compile(r"\\[pP]\{[^}]*\}")

CharSets = tuple[frozenset[str], ...]

# the analysis depends on this module and on Python's regex parser
_VERSION = f"1/{sys.version_info[0]}.{sys.version_info[1]}"
_LOCK = threading.Lock()
_MEMO: list[dict[str, tuple[bool, CharSets]]] = []
_DIRTY = [False]


def required_char_sets(source: str) -> CharSets:
    """Return key sets every text with a non-empty match of ``source`` must touch.

    A key is one character or two adjacent characters (a bigram). Each
    returned set is a disjunction (a match contains at least one of its keys)
    and the sets form a conjunction (every set must be touched). Compare with
    :func:`text_keys` of a text.

    Parameters
    ----------
    source : str
        A regular expression (macros already expanded), compiled elsewhere
        with ``regex.V0`` and no flags.

    Returns
    -------
    tuple of frozenset of str
        Most selective first; possibly empty (no usable requirement): then
        the pattern always runs.
    """
    try:
        tree = _p.parse(_PROPS.sub(r"\\d", source))
    except Exception:  # noqa: BLE001 - any syntax Python's parser rejects: no filter
        return ()
    if tree.state.flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
        return ()
    keysets = {frozenset(x if len(x) == 1 else x[:2] for x in f) for f in _seq(list(tree))}
    return tuple(sorted((k for k in keysets if k), key=_cost))


def analyse(source: str) -> tuple[bool, CharSets]:
    """Return ``(parses(source), required_char_sets(source))``, memoised.

    Parsing all detector sources takes a few hundred milliseconds, so results
    are kept in memory and in a per-user cache file (``prefilter-v1.json``
    beside the jieba dictionary cache, same ownership checks), keyed by a
    hash of the source: an edited pattern is simply analysed again.
    """
    memo = _memo()
    key = hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]
    hit = memo.get(key)
    if hit is None:
        hit = (parses(source), required_char_sets(source))
        with _LOCK:
            memo[key] = hit
            _DIRTY[0] = True
    return hit


def save_memo() -> None:
    """Write new :func:`analyse` results to the per-user cache (silently skipped when impossible)."""
    if not _DIRTY[0]:
        return
    with _LOCK:
        memo = dict(_memo())
        _DIRTY[0] = False
    path = _memo_path()
    data = {"version": _VERSION, "entries": {k: [ok, [sorted(s) for s in req]] for k, (ok, req) in memo.items()}}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".prefilter-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        pass  # read-only or missing cache dir: analyse again next time


def _memo_path() -> str:
    from .._tokenize import _default_cache_dir

    return os.path.join(_default_cache_dir(), "prefilter-v1.json")


def _memo() -> dict[str, tuple[bool, CharSets]]:
    if _MEMO:
        return _MEMO[0]
    with _LOCK:
        if not _MEMO:
            _MEMO.append(_read_memo())
    return _MEMO[0]


def _read_memo() -> dict[str, tuple[bool, CharSets]]:
    path = _memo_path()
    try:
        st = os.stat(path)
        if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o022):
            return {}  # someone else's or group/world-writable file: do not trust it
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("version") != _VERSION:
            return {}
        return {
            str(k): (bool(ok), tuple(frozenset(str(x) for x in s) for s in req))
            for k, (ok, req) in data["entries"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def text_keys(text: str) -> frozenset[str]:
    """Return the characters and adjacent-character bigrams of ``text``."""
    return frozenset(text).union([text[i : i + 2] for i in range(len(text) - 1)])


def _cost(keys: Any) -> tuple[int, int]:
    # single characters are weak evidence; fewer alternatives are stronger
    return sum(len(k) == 1 for k in keys), len(keys)


def parses(source: str) -> bool:
    r"""Return True when Python's regex parser accepts ``source`` (``\p{…}`` allowed).

    Used to decide whether compiling with ``regex`` can safely wait until first
    use: a source this parser rejects is compiled at once so that a typo fails
    on load.
    """
    try:
        _p.parse(_PROPS.sub(r"\\d", source))
    except Exception:  # noqa: BLE001
        return False
    return True


Strings = frozenset[str]


def _exact(op: Any, av: Any) -> Strings | None:
    """The finite set of strings a node matches exactly, if small; else None."""
    if op is _c.LITERAL:
        return frozenset(chr(av))  # type: ignore[arg-type]
    if op is _c.IN:
        return _charset(av)  # type: ignore[arg-type]
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av  # type: ignore[misc]
        if add_flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
            return None
        return _exact_seq(list(sub))
    if op is _c.BRANCH:
        out: set[str] = set()
        for b in av[1]:  # type: ignore[index]
            e = _exact_seq(list(b))
            if e is None:
                return None
            out |= e
            if len(out) > _MAX_STRINGS:
                return None
        return frozenset(out)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        lo, hi, sub = av  # type: ignore[misc]
        if hi > 2:
            return None
        e = _exact_seq(list(sub))
        if e is None:
            return None
        opts: set[str] = set()
        for n in range(lo, hi + 1):
            cur = {""}
            for _ in range(n):
                cur = {a + b for a in cur for b in e}
            opts |= cur
        return frozenset(opts) if len(opts) <= _MAX_STRINGS else None
    return None


def _exact_seq(items: list[tuple[Any, Any]]) -> Strings | None:
    cur: set[str] = {""}
    for op, av in items:
        e = _exact(op, av)
        if e is None or len(cur) * len(e) > _MAX_STRINGS:
            return None
        cur = {a + b for a in cur for b in e}
    return frozenset(cur)


def _seq(items: list[tuple[Any, Any]]) -> list[Strings]:
    """Requirements (a conjunction of string alternatives) of a sequence of nodes."""
    out: list[Strings] = []
    run: set[str] = {""}

    def flush() -> None:
        if "" not in run:
            out.append(frozenset(run))

    for op, av in items:
        e = _exact(op, av)
        if e is not None and len(run) * len(e) <= _MAX_STRINGS:
            run = {a + b for a in run for b in e}
            continue
        flush()
        if e is not None:
            run = set(e)
        else:
            run = {""}
            out.extend(_node(op, av))
    flush()
    return out


def _node(op: Any, av: Any) -> list[Strings]:
    """Requirements of one non-exact node as a conjunction (empty list = none known)."""
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av  # type: ignore[misc]
        if add_flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
            return []
        return _seq(list(sub))
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _seq(list(av))  # type: ignore[call-overload]
    if op is _c.ASSERT:
        # a positive lookahead / lookbehind must match somewhere in the text,
        # so its requirements are the text's (not the match's): still necessary
        _direction, sub = av  # type: ignore[misc]
        return _seq(list(sub))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        lo, _hi, sub = av  # type: ignore[misc]
        return _seq(list(sub)) if lo >= 1 else []
    if op is _c.BRANCH:
        union: set[str] = set()
        for b in av[1]:  # type: ignore[index]
            reqs = [frozenset(x if len(x) == 1 else x[:2] for x in s) for s in _seq(list(b)) if s]
            if not reqs:
                return []  # one branch needs nothing we know of
            union |= min(reqs, key=_cost)
        return [frozenset(union)] if len(union) <= _MAX_SET else []
    # ANY, NOT_LITERAL, AT, ASSERT, ASSERT_NOT, GROUPREF, CATEGORY, large IN …: nothing known
    return []


def _charset(items: list[tuple[Any, Any]]) -> Strings | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))  # type: ignore[arg-type]
        elif op is _c.RANGE:
            lo, hi = av  # type: ignore[misc]
            if hi - lo > _MAX_STRINGS:
                return None
            chars.update(chr(c) for c in range(lo, hi + 1))
        else:  # NEGATE, CATEGORY, …
            return None
    return frozenset(chars) if len(chars) <= _MAX_STRINGS else None
