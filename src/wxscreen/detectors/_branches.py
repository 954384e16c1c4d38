r"""Branch pretests: a cheap, exact "cannot match" test for a pattern built as one alternation.

Most detector patterns are one long alternation (``A|B|C`` or ``(?:A|B|C)…``)
followed by lookarounds and proximity guards (``(?=[\s\S]{0,300}?…)``,
``<<nowarn>>``). On most messages that pass the character prefilter
(``_prefilter``) the pattern still matches nothing, yet the ``regex``
engine tries the whole alternation at every position, and the alternation
as a whole has no literal it could skip ahead to. Each alternative on its
own often has one, so searching the alternatives one by one is faster, and
when none of them is found anywhere the pattern cannot match.

The test is exact: every match of the pattern starts with a match of one of
its alternatives (the lookarounds that end an alternative are left out of it,
which only weakens the test), and an alternative found nowhere in the text
matches at no position. When an alternative is found, the pattern runs as it
always did, so its matches — spans, order, the 50-match cap — are unchanged.
"""

from __future__ import annotations

import regex

from ._firstchars import _UNSUPPORTED, _escape_end, _skip_class, _Unsupported

__all__ = ["alternatives"]

_LOOKS = ("(?=", "(?!", "(?<=", "(?<!")
#: Back-references: an alternative compiled alone would number its groups differently.
_BACKREF = regex.compile(r"\\[1-9]|\(\?P=")


def _items(src: str) -> list[tuple[int, int, str]]:
    """Top-level items of ``src`` as ``(start, end, kind)``: kind is ``group``, ``bar``, ``quant`` or ``atom``.

    Raises
    ------
    _Unsupported
        If ``src`` cannot be scanned (unbalanced groups or classes).
    """
    items: list[tuple[int, int, str]] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\":
            j = _escape_end(src, i)
            items.append((i, j, "atom"))
        elif ch == "[":
            j = _skip_class(src, i)
            items.append((i, j, "atom"))
        elif ch == "|":
            j = i + 1
            items.append((i, j, "bar"))
        elif ch == "(":
            depth, j = 0, i
            while True:
                if j >= n:
                    raise _Unsupported
                c = src[j]
                if c == "\\":
                    j = _escape_end(src, j)
                    continue
                if c == "[":
                    j = _skip_class(src, j)
                    continue
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            j += 1
            items.append((i, j, "group"))
        elif ch in "*+?{":
            j = i + 1
            if ch == "{":
                k = src.find("}", i)
                j = n if k < 0 else k + 1
            if src[j : j + 1] in ("?", "+"):
                j += 1  # lazy or possessive mark
            items.append((i, j, "quant"))
        elif ch == ")":
            raise _Unsupported
        else:
            j = i + 1
            items.append((i, j, "atom"))
        i = j
    return items


def _split(src: str, items: list[tuple[int, int, str]]) -> list[str]:
    """``src`` cut at its top-level bars."""
    out, last = [], 0
    for a, b, kind in items:
        if kind == "bar":
            out.append(src[last:a])
            last = b
    out.append(src[last:])
    return out


def _zero_width(group: str) -> bool:
    """True when the group ``group`` is a lookaround, or ``(?:…)`` whose every alternative is lookarounds only."""
    if group.startswith(_LOOKS):
        return True
    if not group.startswith("(?:"):
        return False
    inner = group[3:-1]
    items = _items(inner)
    for alt in _split(inner, items):
        alt_items = _items(alt)
        if not alt_items or any(k != "group" or not _zero_width(alt[a:b]) for a, b, k in alt_items):
            return False
    return True


def _head(src: str) -> str:
    """``src`` without its trailing run of zero-width groups (lookarounds, proximity guards)."""
    items = _items(src)
    cut = len(src)
    for k in range(len(items) - 1, -1, -1):
        a, b, kind = items[k]
        if kind != "group" or not _zero_width(src[a:b]):
            break
        cut = a
    return src[:cut]


def alternatives(source: str) -> list[str] | None:
    """The alternatives one of which every match of ``source`` starts with, or None when there is no such split.

    ``source`` (macros expanded) must be a top-level alternation ``A|B|…`` or
    start with an unquantified ``(?:A|B|…)`` group; each alternative is returned
    without the lookarounds that end it. A match of ``source`` at position
    ``p`` holds a match of one returned alternative at ``p``, so when none of
    them matches anywhere in a text, ``source`` matches nowhere in it.

    Parameters
    ----------
    source : str
        A detector regex (``regex.V0`` syntax), macros expanded.

    Returns
    -------
    list of str or None
        Two or more non-empty sources; None for a source that is not such an
        alternation, that the scan does not understand, or that has an
        alternative left empty (it would match everywhere).
    """
    if _UNSUPPORTED.search(source) or _BACKREF.search(source):
        return None  # inline flags, named groups, back-references …: an alternative alone may differ
    try:
        items = _items(source)
        if any(k == "bar" for _a, _b, k in items):
            alts = _split(source, items)
        elif (
            items
            and items[0][2] == "group"
            and source.startswith("(?:")
            and not (len(items) > 1 and items[1][2] == "quant")
        ):
            group = source[items[0][0] + 3 : items[0][1] - 1]
            alts = _split(group, _items(group))
        else:
            return None
        heads = [_head(a) for a in alts]
    except _Unsupported:
        return None
    if len(heads) < 2 or not all(heads):
        return None
    return heads
