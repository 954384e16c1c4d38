"""Module-level convenience functions over a lazily built default Screener."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable

from ._models import Screening
from ._screener import Screener, load_screener

__all__ = ["classify", "classify_many", "default_screener"]

_default: Screener | None = None
_lock = threading.Lock()


def default_screener() -> Screener:
    """Return the process-wide Screener over the shipped model (built once, under a lock)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = load_screener()
    return _default


def classify(text: str, *, lender: str | None = None, now: dt.datetime | None = None) -> Screening:
    """Screen one WeChat message with the shipped model.

    Parameters
    ----------
    text : str
        The message as received. Empty or whitespace-only text is ``other``.
    lender : str or None, default=None
        The lender the reader really borrowed from, if known: a payee account in
        that name is not flagged as an unofficial transfer. Surrounding
        whitespace is ignored; a blank name, or one whose core name has fewer
        than 2 characters (``"有限公司"``, ``"["``), is an error.
    now : datetime or None, default=None
        When the message was received: resolves relative deadlines (今天,
        3天内) in ``entities``.

    Returns
    -------
    Screening
        Label, calibrated scores of the five labels, flags with evidence
        offsets into ``text``, reasons, entities (amounts, days overdue,
        deadlines, identifiers …) and model information.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``, or ``lender`` is neither a ``str`` nor
        None (the message names the type received).
    wxscreen.InvalidInputError
        (a ``ValueError``) If ``lender`` is blank (empty or whitespace only)
        or names no lender (core name shorter than 2 characters: ``"有限公司"``).

    Examples
    --------
    >>> import wxscreen
    >>> r = wxscreen.classify("请把收到的验证码发给我，马上帮您办理减免")
    >>> r.label.value, r.flags[0].detail
    ('possible_scam', 'verification_code')
    """
    return default_screener().classify(text, lender=lender, now=now)


def classify_many(
    texts: Iterable[str], *, lender: str | None = None, now: dt.datetime | None = None
) -> list[Screening]:
    """Screen many messages at once (one feature transform, one predict).

    Parameters
    ----------
    texts : iterable of str
        Messages; a generator is fine. A bare ``str`` is refused.
    lender : str or None, default=None
        See :func:`classify`.
    now : datetime or None, default=None
        See :func:`classify`.

    Returns
    -------
    list of Screening
        One result per message, in order.

    Raises
    ------
    wxscreen.InvalidInputError
        If ``texts`` is a single ``str``, or ``lender`` is blank or names no
        lender (``"有限公司"``).
    TypeError
        If an element is not a ``str`` (the message names its index:
        ``texts[1523] must be str, got NoneType``), or ``lender`` is neither a
        ``str`` nor None.
    """
    return default_screener().classify_many(texts, lender=lender, now=now)
