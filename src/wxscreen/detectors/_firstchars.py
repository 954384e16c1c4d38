r"""First-character guards: an equivalent, faster form of a detector regex.

After a repeat such as ``[\s\S]{0,400}?`` or ``<<nb>>{0,20}?`` the ``regex``
engine tries the rest of the pattern at every position the repeat can stop
at. When that rest is a long alternation (the impersonation patterns look
for one of some 200 demands within 400 characters), every try walks the
alternation, although almost every position holds a character no branch
can start with. :func:`add_first_char_guards` inserts, right after each such
repeat, the lookahead ``(?=[F])`` where ``F`` is the set of characters the
rest can start with: a position holding any other character fails at once.
Likewise each alternative of an alternation that does not start with a
literal or a character class (which ``regex`` tests at once itself) gets
the guard of its own first characters, so a position skips it after one test.

The rewrite is exact: the rest ``R`` cannot match the empty string and
every non-empty match of ``R`` starts with a character of ``F``, so
``(?=[F])R`` matches exactly where ``R`` does, with the same backtracking
order; the guard is a non-capturing lookahead, so group numbers and spans are
unchanged. Anything the analysis does not understand (inline flags,
``\p{…}``, ``.``, classes it cannot list, a rest that may be empty,
repeats inside lookbehinds, ``regex``-only syntax such as fuzzy matching)
gets no guard, and a source it cannot scan is returned unchanged.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import regex

try:  # Python >= 3.11
    import re._constants as _c
    import re._parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = ["add_first_char_guards", "first_chars", "with_lead_guard"]

#: Guards with more characters than this are left out (they would filter little).
_MAX_GUARD = 1000
#: A ``{m,n}`` / ``{m,}`` / ``{,n}`` repeat (``regex`` and Python agree on these forms).
_BRACES = regex.compile(r"\{(\d*)(,?)(\d*)\}")
#: ``regex``-only constructs whose meaning the scan does not model: fuzzy constraints
#: (``{e<=1}``), named lists (``\L<…>``), inline flags, conditionals, recursion, branch reset …
_UNSUPPORTED = regex.compile(r"\{[^}]*[<>=][^}]*\}|\\L<|\\[gGKXRQE]|\(\?[^:=!<>]|\(\?<[^=!]|\(\*")
#: Escapes followed by a braced argument (``\p{Han}``, ``\x{4e00}``, ``\N{…}``).
_BRACED_ESCAPES = frozenset("pPxN")


class _Unsupported(Exception):
    """The source holds syntax the scan does not model."""


@dataclass
class _Group:
    start: int  # index of "(" (-1 for the whole pattern)
    kind: str  # "top", "plain" (capturing or (?:), "look" (lookahead / atomic), "behind"
    parent: _Group | None
    bars: list[int] = field(default_factory=list)
    close: int = -1  # index of ")" (len(source) for the whole pattern)
    body: int = 0  # index just after the opening "(", "(?:" …
    quantified: bool = False


@dataclass
class _Repeat:
    end: int  # index just after the quantifier (and its lazy / possessive mark)
    group: _Group
    possessive: bool
    widths: int  # max - min (-1: unbounded)



def _escape_end(src: str, i: int) -> int:
    r"""Index just after the escape that starts at ``src[i]`` (a backslash), ``\p{…}``-style braces included."""
    if i + 1 >= len(src):
        raise _Unsupported
    if src[i + 1] in _BRACED_ESCAPES and src[i + 2 : i + 3] == "{":
        k = src.find("}", i + 3)
        if k < 0:
            raise _Unsupported
        return k + 1
    return i + 2

def _scan(src: str) -> tuple[list[_Repeat], list[_Group]]:
    """Find the repeats and the groups (with their alternation bars) of ``src``; the whole pattern comes first."""
    top = _Group(-1, "top", None)
    stack = [top]
    groups = [top]
    repeats: list[_Repeat] = []
    last_atom_group: _Group | None = None  # the group just closed (its quantifier, if any, marks it)
    n = len(src)
    i = 0
    atom = False  # a quantifier may follow
    while i < n:
        ch = src[i]
        if ch == "\\":
            i = _escape_end(src, i)
            atom, last_atom_group = True, None
            continue
        if ch == "[":
            i = _skip_class(src, i)
            atom, last_atom_group = True, None
            continue
        if ch == "(":
            if src.startswith("(?:", i):
                g, i = _Group(i, "plain", stack[-1]), i + 3
            elif src.startswith("(?=", i) or src.startswith("(?!", i) or src.startswith("(?>", i):
                g, i = _Group(i, "look", stack[-1]), i + 3
            elif src.startswith("(?<=", i) or src.startswith("(?<!", i):
                g, i = _Group(i, "behind", stack[-1]), i + 4
            elif src.startswith("(?", i):
                raise _Unsupported
            else:
                g, i = _Group(i, "plain", stack[-1]), i + 1
            g.body = i
            stack.append(g)
            groups.append(g)
            atom, last_atom_group = False, None
            continue
        if ch == ")":
            if len(stack) == 1:
                raise _Unsupported
            g = stack.pop()
            g.close = i
            i += 1
            atom, last_atom_group = True, g
            continue
        if ch == "|":
            stack[-1].bars.append(i)
            i += 1
            atom, last_atom_group = False, None
            continue
        if ch in "*+?{" and atom:
            if ch == "{":
                m = _BRACES.match(src, i)
                if m is None or not (m.group(1) or m.group(3)):
                    i += 1  # a literal brace
                    atom, last_atom_group = True, None
                    continue
                lo = int(m.group(1) or 0)
                hi = int(m.group(3)) if m.group(3) else (lo if not m.group(2) else -1)
                i = m.end()
            else:
                lo, hi = (0, -1) if ch == "*" else (1, -1) if ch == "+" else (0, 1)
                i += 1
            possessive = i < n and src[i] == "+"
            if i < n and src[i] in "?+":
                i += 1
            if last_atom_group is not None:
                last_atom_group.quantified = True
            repeats.append(_Repeat(i, stack[-1], possessive, -1 if hi < 0 else hi - lo))
            atom, last_atom_group = False, None
            continue
        i += 1
        atom, last_atom_group = ch not in "^$|", None
    if len(stack) != 1:
        raise _Unsupported
    top.close = n
    return repeats, groups


def _skip_class(src: str, i: int) -> int:
    """Index just after the character class opening at ``src[i]`` (``regex.V0``: no nested sets)."""
    j = i + 1
    if j < len(src) and src[j] == "^":
        j += 1
    if j < len(src) and src[j] == "]":
        j += 1
    while j < len(src):
        if src[j] == "\\":
            j = _escape_end(src, j)
            continue
        if src[j] == "]":
            return j + 1
        j += 1
    raise _Unsupported


def _branch_end(group: _Group, pos: int) -> int:
    """Where the alternative of ``group`` holding ``pos`` ends (its next bar, or the group's end)."""
    for b in group.bars:
        if b >= pos:
            return b
    return group.close


def _rest_first(src: str, rep: _Repeat) -> frozenset[str] | None:
    """Characters every match of what follows ``rep`` starts with, or None when unknown."""
    out: set[str] = set()
    pos, group = rep.end, rep.group
    while True:
        got = _first_of(src[pos : _branch_end(group, pos)])
        if got is None:
            return None
        chars, nullable = got
        out |= chars
        if not nullable:
            return frozenset(out)
        # the rest may be empty: the continuation after the group counts too
        if group.kind != "plain" or group.quantified or group.parent is None:
            return None
        pos, group = group.close + 1, group.parent


@functools.lru_cache(maxsize=4096)
def _first_of(fragment: str) -> tuple[frozenset[str], bool] | None:
    """``(first characters, may be empty)`` of a regex fragment, or None when unknown."""
    if "\\\\" in fragment or "\\p{" in fragment or "\\P{" in fragment:
        return None  # \p{…} means nothing to Python's parser: unknown
    try:
        tree = _p.parse(fragment)
    except Exception:  # noqa: BLE001 - any syntax Python's parser rejects: unknown
        return None
    if tree.state.flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
        return None
    try:
        chars, nullable = _first_seq(list(tree))
    except _Unsupported:
        return None
    return frozenset(chars), nullable


def first_chars(source: str) -> frozenset[str] | None:
    """Return the characters every match of ``source`` starts with, or None (unknown, or it may match empty).

    Parameters
    ----------
    source : str
        A regular expression (macros expanded), compiled with ``regex.V0`` and no flags.
    """
    got = _first_of(source)
    if got is None or got[1]:
        return None
    return got[0]


def _first_seq(items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first_node(op, av)
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_node(op: Any, av: Any) -> tuple[set[str], bool]:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is _c.LITERAL:
                chars.add(chr(a))
            elif o is _c.RANGE and a[1] - a[0] <= 256:
                chars.update(chr(c) for c in range(a[0], a[1] + 1))
            else:  # NEGATE, CATEGORY, wide ranges: unknown
                raise _Unsupported
        return chars, False
    if op is _c.SUBPATTERN:
        if av[1] & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE):
            raise _Unsupported
        return _first_seq(list(av[3]))
    if op is _c.BRANCH:
        out: set[str] = set()
        any_nullable = False
        for b in av[1]:
            chars, nullable = _first_seq(list(b))
            out |= chars
            any_nullable |= nullable
        return out, any_nullable
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        lo, _hi, sub = av
        chars, nullable = _first_seq(list(sub))
        return chars, nullable or lo == 0
    if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
        return set(), True  # zero-width: the next node consumes the first character
    raise _Unsupported  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, …


@functools.lru_cache(maxsize=4096)
def _starts_quick(fragment: str) -> bool:
    """True when ``fragment`` starts with a literal or a character class (``regex`` tests those itself)."""
    try:
        items = list(_p.parse(fragment))
    except Exception:  # noqa: BLE001
        return False
    while items:
        op, av = items[0]
        if op in (_c.LITERAL, _c.IN):
            return True
        if op is _c.SUBPATTERN and not av[1]:
            items = list(av[3])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            items = list(av[2])
        else:
            return False
    return False


def _char_class(chars: frozenset[str]) -> str:
    parts = []
    for ch in sorted(chars):
        if ch.isalnum() and ord(ch) > 32:
            parts.append(ch)
        else:
            parts.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return "[" + "".join(parts) + "]"


@functools.lru_cache(maxsize=1024)
def with_lead_guard(source: str) -> str:
    """Return ``source`` behind the lookahead of its first characters, ``(?=[F])(?:source)`` (same matches).

    The ``regex`` engine tries a pattern at every position of the text; for
    some patterns (an alternation of optional named parts, as the deadline
    patterns of ``_entities``) it does not skip positions whose character no
    match can start with, and each try walks the whole alternation. The guard
    fails such a position after one character test. Exact for the same
    reason as :func:`add_first_char_guards`: every match starts with a
    character of ``F`` and the guard is a non-capturing lookahead, so spans
    and groups are unchanged.

    Parameters
    ----------
    source : str
        A regular expression compiled with ``regex.V0`` and no flags (not
        case-insensitive: ``F`` would miss the other cases).

    Returns
    -------
    str
        The guarded source, or ``source`` itself when its first characters
        are unknown, too many, or it may match the empty string.
    """
    chars = first_chars(source)
    if chars is None or len(chars) > _MAX_GUARD:
        return source
    return f"(?={_char_class(chars)})(?:{source})"


def add_first_char_guards(source: str) -> str:
    """Return ``source`` with first-character guards after repeats and before alternatives (same matches).

    Parameters
    ----------
    source : str
        A regular expression (macros expanded) compiled with ``regex.V0`` and no flags.

    Returns
    -------
    str
        The rewritten source, or ``source`` itself when there is nothing to
        guard or the source holds syntax the scan does not model.
    """
    if _UNSUPPORTED.search(source):
        return source
    try:
        repeats, groups = _scan(source)
    except _Unsupported:
        return source
    inserts: list[tuple[int, str]] = []
    for rep in repeats:
        if rep.possessive or 0 <= rep.widths < 2 or _inside_lookbehind(rep.group):
            continue  # little or no backtracking over positions, or matched right to left
        if _starts_quick(source[rep.end : _branch_end(rep.group, rep.end)]):
            continue
        chars = _rest_first(source, rep)
        if chars and len(chars) <= _MAX_GUARD:
            inserts.append((rep.end, f"(?={_char_class(chars)})"))
    for g in groups:
        if not g.bars or _inside_lookbehind(g):
            continue  # not an alternation, or matched right to left
        for a in [g.body] + [b + 1 for b in g.bars]:  # each alternative: a guard when it cannot start quick
            alternative = source[a : _branch_end(g, a)]
            if _starts_quick(alternative):
                continue
            chars = first_chars(alternative)
            if chars and len(chars) <= _MAX_GUARD:
                inserts.append((a, f"(?={_char_class(chars)})"))
    inserts.sort(key=lambda x: x[0])
    if not inserts:
        return source
    out = []
    prev = 0
    for at, guard in inserts:
        out.append(source[prev:at])
        out.append(guard)
        prev = at
    out.append(source[prev:])
    return "".join(out)


def _inside_lookbehind(group: _Group | None) -> bool:
    while group is not None:
        if group.kind == "behind":
            return True
        group = group.parent
    return False
