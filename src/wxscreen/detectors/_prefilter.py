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
import marshal
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import Any

import regex

from .._cache import PREFILTER_FILE, sweep_stale, touch

try:  # Python >= 3.11
    import re._constants as _c
    import re._parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = [
    "analyse", "compile_check", "parses", "required_char_sets", "required_formula", "satisfies", "save_memo",
    "text_keys", "unpack_formula",
]

#: Key sets larger than this are not worth checking.
_MAX_SET = 400
#: Largest set of exact strings tracked for one node or run.
_MAX_STRINGS = 64
# \p{…} / \P{…} (regex-module Unicode properties): parsed as \d, i.e. "unknown".
_PROPS = regex.compile(r"\\[pP]\{[^}]*\}")

CharSets = tuple[frozenset[str], ...]
#: A conjunction of requirements: each item is a key set (the text holds one of
#: its keys) or a tuple of alternative formulas (the text satisfies one of them).
Formula = tuple[Any, ...]

# the analysis depends on this module and on Python's regex parser
_VERSION = f"4/{sys.version_info[0]}.{sys.version_info[1]}"
_LOCK = threading.Lock()
_MEMO: list[dict[str, tuple[bool, CharSets, bytes]]] = []
_DIRTY = [False]



def _parse(source: str) -> Any:
    """Python's regex syntax tree of ``source``, or None when it cannot give a filter.

    None for syntax Python's parser rejects (the ``regex`` module accepts more)
    and for case-insensitive or verbose patterns (their literals are not the text's).
    """
    try:
        tree = _p.parse(_PROPS.sub(r"\\d", source))
    except Exception:  # noqa: BLE001 - any syntax Python's parser rejects: no filter
        return None
    if tree.state.flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
        return None
    return tree

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
    tree = _parse(source)
    if tree is None:
        return ()
    keysets = {frozenset(_key(x) for x in f) for f in _seq(list(tree))}
    return tuple(sorted((k for k in keysets if k), key=_cost))


def analyse(source: str) -> tuple[bool, CharSets, bytes]:
    """Return ``(parses(source), required_char_sets(source), formula)``, memoised.

    ``formula`` is :func:`required_formula` (without the key sets already in
    the second item) packed with :mod:`marshal`; :func:`unpack_formula`
    unpacks it when the pattern is first considered for a text, so loading
    the detectors reads only byte strings.

    Parsing all detector sources takes a few hundred milliseconds, so results
    are kept in memory and in a per-user cache file (``prefilter-v3.marshal``,
    :mod:`marshal` data only, beside the jieba dictionary cache, same
    ownership checks), keyed by a
    hash of the source: an edited pattern is simply analysed again. Writing
    it removes prefilter files of other format versions and other stale
    cache files (:mod:`wxscreen._cache`).
    """
    memo = _memo()
    key = hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]
    hit = memo.get(key)
    if hit is None:
        req = required_char_sets(source)
        hit = (parses(source), req, marshal.dumps(required_formula(source, skip=req)))
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
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".prefilter-")
        with os.fdopen(fd, "wb") as fh:
            marshal.dump((_VERSION, memo), fh)
        os.replace(tmp, path)
    except OSError:
        return  # read-only or missing cache dir: analyse again next time
    sweep_stale(os.path.dirname(path), os.path.basename(path))


def _memo_path() -> str:
    from .._tokenize import _default_cache_dir

    return os.path.join(_default_cache_dir(), PREFILTER_FILE)


def _memo() -> dict[str, tuple[bool, CharSets, bytes]]:
    if _MEMO:
        return _MEMO[0]
    with _LOCK:
        if not _MEMO:
            _MEMO.append(_read_memo())
    return _MEMO[0]


def _read_memo() -> dict[str, tuple[bool, CharSets, bytes]]:
    path = _memo_path()
    try:
        st = os.stat(path)
        if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o022):
            return {}  # someone else's or group/world-writable file: do not trust it
        with open(path, "rb") as fh:
            data = marshal.load(fh)
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not (type(data) is tuple and len(data) == 2 and data[0] == _VERSION and type(data[1]) is dict):
        return {}
    touch(path)  # in use: a sweep keeps it
    memo: dict[str, tuple[bool, CharSets, bytes]] = data[1]
    for k, v in memo.items():
        ok = (
            type(k) is str
            and type(v) is tuple
            and len(v) == 3
            and type(v[0]) is bool
            and type(v[1]) is tuple
            and all(type(x) is frozenset for x in v[1])
            and type(v[2]) is bytes
        )
        if not ok:
            return {}
    return memo


def unpack_formula(blob: bytes) -> Formula:
    """Unpack :func:`analyse`'s third item; a damaged one requires nothing (the regex simply runs)."""
    try:
        f = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return ()
    return f if _well_formed(f) else ()


def _well_formed(f: object) -> bool:
    """True for a :data:`Formula` of frozensets of str and tuples of formulas (as read from the cache)."""
    if type(f) is not tuple:
        return False
    for x in f:
        if type(x) is frozenset:
            if not all(type(k) is str for k in x):
                return False
        elif type(x) is not tuple or not all(_well_formed(a) for a in x):
            return False
    return True


def required_formula(source: str, skip: CharSets = ()) -> Formula:
    """Return a finer necessary condition than :func:`required_char_sets`: alternatives kept apart.

    :func:`required_char_sets` merges the alternatives of a group into one
    key set; here each alternative keeps its own conjunction, so a text must
    satisfy every item of the result, an item being a key set or a tuple of
    alternative formulas (see :func:`satisfies`). Alternatives, groups,
    repeats of at least one and positive lookarounds are followed; anything
    else requires nothing, as in :func:`required_char_sets`.

    Parameters
    ----------
    source : str
        A regular expression (macros expanded).
    skip : tuple of frozenset of str, default=()
        Key sets already checked elsewhere (left out of the result).

    Returns
    -------
    tuple
        The conjunction; empty when nothing beyond ``skip`` is known.
    """
    tree = _parse(source)
    if tree is None:
        return ()
    done = set(skip)
    return _simplify(tuple(x for x in _formula(list(tree), 0) if x not in done))


def _simplify(f: Formula) -> Formula:
    """Return an equivalent, cheaper formula.

    Alternatives that are one key set each merge into one set, and key sets
    are checked before alternatives.
    """
    sets: list[frozenset[str]] = []
    ors: list[tuple[Formula, ...]] = []
    for x in f:
        if type(x) is frozenset:
            sets.append(x)
            continue
        alts = tuple(dict.fromkeys(_simplify(a) for a in x))
        if any(not a for a in alts):
            continue  # an alternative that requires nothing: the group requires nothing
        if all(len(a) == 1 and type(a[0]) is frozenset for a in alts):
            sets.append(frozenset().union(*(a[0] for a in alts)))
        else:
            ors.append(alts)
    sets = list(dict.fromkeys(sets))
    sets.sort(key=_cost)
    return (*sets, *ors)


#: Deepest nesting of alternatives followed by :func:`required_formula`.
_MAX_DEPTH = 2


def _formula(items: list[tuple[Any, Any]], depth: int) -> list[Any]:
    out: list[Any] = []
    seen: set[Any] = set()

    def add(x: Any) -> None:
        if x not in seen:
            seen.add(x)
            out.append(x)

    for s in _seq(items):
        if s:
            add(frozenset(_key(x) for x in s))
    if depth >= _MAX_DEPTH:
        return out
    for op, av in items:
        sub = None
        if op is _c.SUBPATTERN:
            if not av[1] & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
                sub = list(av[3])
        elif op is _c.BRANCH:
            sub = [(op, av)]
        elif op is _c.ASSERT:  # positive lookaround: the text must hold it (see _node)
            sub = list(av[1])
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            sub = list(av)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
            if av[0] >= 1:
                sub = list(av[2])
        if not sub:
            continue
        if len(sub) == 1 and sub[0][0] is _c.BRANCH:
            alts = [tuple(_formula(list(b), depth + 1)) for b in sub[0][1][1]]
            if all(alts):  # an alternative with no known requirement: the group requires nothing
                add(tuple(dict.fromkeys(alts)))
        elif sub is not items:
            for x in _formula(sub, depth + 1):
                add(x)
    return out


def satisfies(formula: Formula, keys: frozenset[str]) -> bool:
    """Return False when a text with these keys cannot satisfy ``formula`` (:func:`required_formula`)."""
    for x in formula:
        if type(x) is frozenset:
            if keys.isdisjoint(x):
                return False
        elif not any(satisfies(a, keys) for a in x):
            return False
    return True


def compile_check(sets: CharSets, formula: Formula) -> Callable[[frozenset[str]], bool]:
    """Return one function equivalent to ``all key sets touched and satisfies(formula, keys)``.

    :func:`satisfies` walks the formula recursively for every text; this
    writes the same test once as a single Python expression (the key sets are
    bound as names, never written into the source), so a text is checked with
    one call and no recursion.

    Parameters
    ----------
    sets : tuple of frozenset of str
        Key sets that must all be touched (e.g. ``Pattern.required[1:]``).
    formula : Formula
        A :func:`required_formula` result.

    Returns
    -------
    callable
        ``check(keys) -> bool`` for a text's :func:`text_keys`.
    """
    names: dict[str, frozenset[str]] = {}

    def name_of(keyset: frozenset[str]) -> str:
        n = f"_s{len(names)}"
        names[n] = keyset
        return n

    def conj(items: Formula) -> str:
        parts = []
        for x in items:
            if type(x) is frozenset:
                parts.append(f"not k.isdisjoint({name_of(x)})")
            else:
                parts.append("(" + " or ".join(conj(a) for a in x) + ")")
        return " and ".join(parts) or "True"

    body = conj((*sets, *formula))
    if body == "True":
        return _always_true
    namespace: dict[str, Any] = {"__builtins__": {}, **names}
    exec(compile(f"def check(k):\n    return {body}\n", "<prefilter>", "exec"), namespace)  # noqa: S102 - names only
    check: Callable[[frozenset[str]], bool] = namespace["check"]
    return check


def _always_true(keys: frozenset[str]) -> bool:
    return True


def text_keys(text: str) -> frozenset[str]:
    """Return the characters and adjacent-character bigrams of ``text``."""
    return frozenset(text).union([text[i : i + 2] for i in range(len(text) - 1)])


#: Characters so frequent in messages that a bigram holding them filters little
#: (function words, pronouns, common verbs and punctuation).
_COMMON = frozenset(
    "的是我你您们了在有不这个一就人要也给到说会和都对上下能可请好吧吗呢啊"
    "将把被让先再还后已没去来时,。!?:;、 "
)


def _key(s: str) -> str:
    """The most selective key of an exact string: one character, or its rarest bigram.

    Any bigram of ``s`` is a necessary key (a text holding ``s`` holds all of
    them), so the choice only changes how much the filter skips: the first
    bigram with the fewest very common characters (:data:`_COMMON`) is taken.
    """
    if len(s) <= 2:
        return s
    best, cost = s[:2], 3
    for i in range(len(s) - 1):
        b = s[i : i + 2]
        c = (b[0] in _COMMON) + (b[1] in _COMMON)
        if c < cost:
            best, cost = b, c
            if c == 0:
                break
    return best


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
            reqs = [frozenset(_key(x) for x in s) for s in _seq(list(b)) if s]
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
