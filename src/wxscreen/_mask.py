"""Masking of identifiers (phone, card, ID and case numbers, account handles) in outputs.

LABELS.md §3: identifiers are masked in every output by default, keeping at
most the first 4 and the last 4 digits. Court case numbers and contract,
loan or order ids count as identifiers: a court case number is public but,
with a name or a lender beside it, points at one person's lawsuit. Masking never changes the length of
a string, so masked evidence still lines up with the raw text.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import regex

__all__ = ["mask_identifiers"]

#: Dash-like separators read as a hyphen between digit groups (138—1234—5678), as the contents of
#: a regex character class: the hyphen ‐ and non-breaking hyphen, figure dash ‒, en dash –, em dash
#: —, horizontal bar ― (the range U+2010–U+2015), minus −, the wave dash 〜, small em dash ﹘, small
#: hyphen-minus ﹣ and the tilde ~ (full-width － and ～ fold to - and ~). The one dash set of the
#: package (code review 7): masking, the ``phone`` entity's digit-group separator and the
#: ``amount`` entity's range separator (1000—2000元) are all built from it.
DASHES = "\u2010-\u2015\u2212\u301c\ufe58\ufe63~"
#: A separator between the 3-4-4 groups of a mobile number that is no separator of a longer digit
#: run (a decimal point, a thousands comma, a tab, a dash, a full stop 。, an enumeration comma 、,
#: a slash or a bar, the last six with or without spaces around them): 138.1234.5678,
#: 138,1234,5678 (138，1234，5678 once full-width forms are folded), 138\t1234\t5678,
#: 138 — 1234 — 5678, 138。1234。5678, 138、1234、5678, 138 . 1234 . 5678, 138/1234/5678 and
#: 138|1234|5678 (code review 8: the last five were masked only in non-ASCII text or never).
#: Used the same way twice in a number (a backreference) and only between 3-4-4 groups that start
#: like a mobile number, so 3.14, 2024.05.06, 1,000元 or 1000/1000/1000元 never match.
MOBILE_SEP = r"[,\t]|[ \t\u3000]?[.\u3002\u3001/|\-" + DASHES + r"][ \t\u3000]?"
# Digit runs, allowing single spaces, hyphens, dashes or middle dots inside (6222 8888 …,
# 138-0000-0000, 138—0000—0000, 138·0000·1234).
_DIGITS = regex.compile(
    r"(?<![0-9])[0-9](?:[ \-\u3000\u200b-\u200d\u2060\ufeff·•・" + DASHES + r"]{0,2}[0-9xX*]){6,}(?![0-9])"
    # card numbers written in dotted or underscored groups of four (6222.0212.3456.7890)
    r"|(?<![0-9])[0-9]{4}(?:[._][0-9*]{4}){2,4}(?:[._][0-9]{1,3})?(?![0-9])"
    # a mobile number in 3-4-4 groups joined by dots, commas, tabs, spaced dashes (code review 7), 。,
    # 、, / or | (code review 8)
    r"|(?<![0-9])1[3-9][0-9](?P<ms>" + MOBILE_SEP + r")[0-9]{4}(?P=ms)[0-9]{4}(?![0-9])",
    regex.IGNORECASE,
)

#: Messenger and payment-app cues an account handle follows, shared by the ``account_handle``
#: entity (:mod:`wxscreen._entities`) and masking, so the two lists cannot drift apart. Written for
#: the light normalisation (NFKC, Simplified, case kept); masking also runs it on the fully
#: normalised text (:func:`wxscreen.normalize`), where 绿泡泡/wechat/V❤信 have become 微信,
#: 扣扣号 qq号, 卫星号 微信号 and 电报号 telegram.
HANDLE_CUE = (
    r"(?:微信|薇信|威信|徽信|维信|v信|vx|wx|weixin|wechat|绿泡泡|卫星号|qq|扣\s?扣|(?<![A-Za-z])q\s[qQ](?![A-Za-z])|企鹅号?"
    r"|支付宝|zfb|alipay|telegram|纸飞机|飞机号|电报号?|(?<![A-Za-z])tg(?![A-Za-z])"
    # 飞机 only as a handle field (飞机：, 飞机 id, 飞机搜, 飞机上 @x): 在飞机上 alone is an aeroplane
    r"|飞机(?=\s{0,8}(?:[:：@]|id|搜|私聊|私信)|上\s{0,8}(?:@|搜|私聊|私信))"
    r"|(?:加|\+)\s?v(?![A-Za-z])|(?<![A-Za-z])v(?=\s?[:：]))"
)
#: What may stand between the cue and the handle: where to look it up (telegram搜 fastloan_bot,
#: 微信上加 zhang_88), the field word (微信号码：, 微信账号), 是/为 (微信是 zhang_88), a colon, an @.
HANDLE_GLUE = (
    r"(?:上|里面?)?(?:搜索?|搜一下|查找|找|加|联系|私聊|私信)?"
    r"(?:号码?|號碼?|账号|帐号|帳號|账户|id)?\s{0,8}(?:是|为|為)?\s{0,8}[:：]?\s{0,8}@?"
)
#: A money unit after a number: the number after a handle cue is an amount, not an account
#: (已通过支付宝 50000元还款, 微信 12000元已收到, 支付宝：30000元; code review 7). 万/千/百 (and
#: 千万/百万) count as a unit only with 元/块 after them or no Han character next (支付宝 5万,
#: 微信 3千元): 千万别, 万一, 百分百 after a handle are words, not multipliers (code review 8:
#: 加我QQ 987654321 千万别告诉家人 was left half masked and no account_handle entity).
_AMOUNT_AFTER = regex.compile(
    r"\s{0,2}(?:元|块|圆|rmb|cny|[万千百]{1,2}(?:元|块|(?!\p{Han})))", regex.IGNORECASE
)
#: A payment word just before 支付宝/微信 written onto a number (请支付宝50000, 用微信20000).
_PAY_BY = regex.compile(r"(?:请|还|付|转|打|交|缴|用|通过|走)\s?$")
_BARE_CUES = frozenset({"支付宝", "支付寶", "微信", "zfb"})
_MOBILE_DIGITS = regex.compile(r"^1[3-9][0-9]{9}$")


def handle_is_amount(text: str, cue_start: int, h_start: int, h_end: int) -> bool:
    """Whether the handle ``text[h_start:h_end]`` after the cue at ``cue_start`` is an amount of money.

    Shared by masking and the ``account_handle`` entity (:mod:`wxscreen._entities`) so that
    the two agree: a number (digits only) followed by a money unit (元/块/圆/rmb/cny, or 万/千/百
    with 元/块 after them or no Han character next: ``支付宝 50000元``, ``微信 12000元已收到``,
    ``支付宝：30000元``, ``支付宝 5万``, but not ``QQ 987654321 千万别``), or a number written straight
    onto 支付宝/微信/zfb right after a payment word (``请支付宝50000``, ``用微信20000``) that is
    not an 11-digit mobile number, is what is paid, not the account it is paid to.

    Parameters
    ----------
    text : str
        The text the handle pattern ran on (folded or normalised).
    cue_start : int
        Where the handle pattern's match (its cue) starts.
    h_start, h_end : int
        The handle's span.

    Returns
    -------
    bool
        True when the "handle" is an amount and must be neither masked nor an entity.
    """
    h = text[h_start:h_end]
    if not (h.isascii() and h.isdigit()):
        return False
    if _AMOUNT_AFTER.match(text, h_end):
        return True
    return (
        text[cue_start:h_start].lower() in _BARE_CUES
        and bool(_PAY_BY.search(text[max(0, cue_start - 3) : cue_start]))
        and not _MOBILE_DIGITS.match(h)
    )


_HANDLE = regex.compile(
    rf"(?:(?<![a-z]){HANDLE_CUE}|"
    # masking-only cues: Traditional and short forms, 账号, a standalone id / qq
    r"[微薇威徽维]信|q号|支付寶|電報號?|账号|帐号|帳號|"
    r"(?<![a-z])(?:qq|id)(?![a-z])|"
    # a lone v / q / v信-style letter as in 加v：abc_123, 加q 12345678
    r"(?<![a-z0-9])[vq](?![a-z0-9]))"
    + HANDLE_GLUE
    # the id: an e-mail address (an Alipay account), Latin with inner _ - . (zhang_san.88),
    # digits, or a number in Chinese numerals (QQ号是一二三四五六七八九)
    + r"(?P<h>[a-z0-9._%+\-]{1,64}@[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63}){1,4}"
    r"|[a-z](?:[a-z0-9_\-]|\.(?=[a-z0-9])){3,63}|[0-9]{5,12}"
    r"|[零〇一二三四五六七八九幺两]{5,12}(?![零〇一二三四五六七八九十百千万亿幺两]))",
    regex.IGNORECASE,
)
# Case numbers (LABELS.md §3 ``case_number``): a court case number （2025）京0105民初12345号 (or
# 〔2025〕, [2025], 【2025】) and
# the id after 合同编号/借款编号/订单号/案件编号/案号/协议编号 (Simplified or Traditional). They
# identify one borrower's debt or lawsuit, so their digits are masked like any identifier's.
#: The brackets around a court case number's year: （） (folded to ()), 〔〕 as the courts print them,
#: [] and 【】 (code review 7: 〔2025〕京0105民初12345号 was neither masked nor an entity).
COURT_OPEN = r"[(\[〔【]"
COURT_CLOSE = r"[)\]〕】]"
_COURT = regex.compile(
    COURT_OPEN + r"\s?(?:19|20)[0-9]{2}\s?" + COURT_CLOSE + r"\s?\p{Han}{1,2}[0-9]{0,6}\p{Han}{1,6}[0-9]{1,8}[号號]"
)
_CASE = regex.compile(
    r"(?:合同(?:编|編)?[号號]|借款(?:编|編|单|單)[号號]|(?:订|訂)(?:单|單)(?:编|編)?[号號]|案件(?:编|編)?[号號]|案[号號]"
    r"|(?:协|協)(?:议|議)(?:编|編)[号號])\s?(?:为|是|為)?\s?:?\s?(?P<h>[A-Za-z0-9][A-Za-z0-9\-]{5,39})(?![A-Za-z0-9\-])"
)
# Official 400/800 hotlines are kept visible. (Short hotlines, 95588 or 12345, have fewer than
# the 7 digits of a _DIGITS run and are never masked in the first place.)
_HOTLINE = regex.compile(r"^[48]00[ \-]?\d{3}[ \-]?\d{4}$")
# Dates (2024-03-05, 2024 03 05) are not identifiers.
_DATE = regex.compile(r"^(?:19|20)\d{2}[ \-./]\d{1,2}[ \-./]\d{1,2}(?:[ \u3000]{1,2}\d{1,2})?$")


_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}  # U+FF01..U+FF5E -> U+0021..U+007E

# A range of two numbers, not an identifier: years (2024—2025, 2024-2025) or an amount with its
# unit after it (1000—2000元, 3000~5000块).
_RANGE = regex.compile(r"^\s?([0-9]+)\s?[\-" + DASHES + r"]{1,2}\s?([0-9]+)\s?$")
_YEAR = regex.compile(r"^(?:19|20)[0-9]{2}$")
_DASH_SPLIT = regex.compile("[" + DASHES + "]{1,2}")
# A side of a range is a number of at most 8 digits (code review 7: 13812345678—2000元 and
# 6222021234567890—6000块 are an identifier beside an amount, not a range).
_RANGE_SIDE = regex.compile(r"^[0-9]{1,8}$")
_AMOUNT_UNIT = regex.compile(r"^\s?(?:元|块|圆|万|千|百|w|k|rmb|cny)", regex.IGNORECASE)


def _range_shape(chunk: str, after: str) -> regex.Match[str] | None:
    """The :data:`_RANGE` match of ``chunk`` when it reads as a year range or an amount range (any side length)."""
    m = _RANGE.match(chunk)
    if m is None:
        return None
    if _YEAR.match(m.group(1)) and _YEAR.match(m.group(2)):
        return m
    return m if _AMOUNT_UNIT.match(after) else None


def _is_range(chunk: str, after: str) -> bool:
    """Whether ``chunk`` (a digit run) is a year range or an amount range, ``after`` the text following it.

    Each side of a range has at most 8 digits: a phone or card number joined by a
    dash to an amount (13812345678—2000元) or to another phone
    (13812345678—13812345679元) is no range, whatever unit follows.
    """
    parts = _DASH_SPLIT.split(chunk.strip())
    if len(parts) > 1 and all(_DATE.match(x.strip()) or _YEAR.match(x.strip()) for x in parts):
        return True  # 2024-03-05—2024-04-05: a range of dates
    m = _range_shape(chunk, after)
    return m is not None and bool(_RANGE_SIDE.match(m.group(1))) and bool(_RANGE_SIDE.match(m.group(2)))


def _mask_run(chunk: str, after: str) -> str:
    """``chunk`` (a digit run that is no range) masked: each side of a range-shaped run on its own.

    13812345678—2000元 keeps its amount (1381***5678—2000元), 13812345678—13812345679元
    masks both numbers as numbers (1381***5678—1381***5679元); a side of fewer than 7
    digits is no identifier (:data:`_DIGITS`) and stays.
    """
    m = _range_shape(chunk, after)
    if m is None:
        return _mask_digits(chunk)
    out = list(chunk)
    for g in (1, 2):
        if len(m.group(g)) >= 7:
            out[m.start(g) : m.end(g)] = _mask_digits(m.group(g))
    return "".join(out)


def _fold(text: str) -> str:
    """Map full-width ASCII to half-width, one character for one (for matching only)."""
    return text.translate(_FOLD)


def _mask_digits(chunk: str) -> str:
    pos = [i for i, c in enumerate(chunk) if c.isdigit()]
    if len(pos) <= 8:
        keep = set(pos[:2] + pos[-2:])
    else:
        keep = set(pos[:4] + pos[-4:])
    return "".join("*" if (c.isdigit() and i not in keep) else c for i, c in enumerate(chunk))


_NUMERAL_UNITS = frozenset("十拾百佰千仟万萬亿億")
# A slash or a bar between digit groups (1000/1000/1000元, 2000 | 2000 | 1500): the raw pass never
# joins groups across them, and a run normalisation made of a list of amounts is no identifier
# (code review 7). Groups of one digit (1/3/8/1/…), a leading 0 (6222/0212/…), 16 digits or more (a
# card) or a mobile number's digits (138/1234/5678) still make an identifier.
_LIST_JOIN = regex.compile(r"[0-9][ \u3000]{0,2}[/|¦│｜][ \u3000]{0,2}[0-9]")
_LIST_SPLIT = regex.compile(r"[ \u3000]{0,2}[/|¦│｜][ \u3000]{0,2}")


def _amount_list(run: str) -> bool:
    """Whether ``run`` (folded raw text of a digit run) is a list of amounts joined by / or |."""
    if not _LIST_JOIN.search(run):
        return False
    groups = _LIST_SPLIT.split(run.strip())
    digits = "".join(groups)
    return (
        all(g.isdigit() and 2 <= len(g) <= 8 and g[0] != "0" for g in groups)
        and len(digits) < 16
        and not _MOBILE_DIGITS.match(digits)
    )
_NORM_HINT = regex.compile(
    r"[^\x00-\x7f]|(?<![a-z])(?:wechat|weixin|alipay)(?![a-z])", regex.IGNORECASE
)


def _masked_already(text: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` holds a star (``*``, full-width ``＊``, small ``﹡``): masked upstream."""
    return any(c in "*\uff0a\ufe61" for c in text[a:b])


def _hide_from(text: str, out: list[str], norm: Any, a: int, b: int, masked: str) -> None:
    """Star, in ``out``, the raw characters behind the ``*`` of ``masked`` (normalised ``[a, b)``).

    When the raw span holds as many letters and digits as ``norm.text[a:b]``
    (①③⑧ → 138, 一三八 → 138, 微信號 → 微信号) they map one to one, in order;
    otherwise each normalised character stars the whole raw span it came from.
    """
    ra, rb = norm.raw_span(a, b)
    raw_units = [i for i in range(ra, rb) if unicodedata.category(text[i])[0] in "LN"]
    units = [k for k, c in enumerate(norm.text[a:b]) if unicodedata.category(c)[0] in "LN"]
    if len(raw_units) == len(units):
        for i, k in zip(raw_units, units, strict=True):
            if masked[k] == "*":
                out[i] = "*"
        return
    for k, c in enumerate(masked):
        if c == "*":
            sa, sb = norm.raw_span(a + k, a + k + 1)
            for i in range(sa, sb):
                if unicodedata.category(text[i])[0] in "LN":
                    out[i] = "*"


def _hide_handle(text: str, out: list[str], ra: int, rb: int) -> None:
    """Star, in ``out``, the raw handle ``text[ra:rb]`` but its first 2 and last 2 letters or digits.

    Everything between them is starred, the ``_``, ``.`` or ``-`` of ``zhang_8899`` too
    (LABELS.md §3: at most the first and last 4 shown); whitespace and invisible characters
    that normalisation dropped from the handle stay as they are.
    """
    units = [i for i in range(ra, rb) if unicodedata.category(text[i])[0] in "LN"]
    if len(units) <= 4:
        return
    for i in range(units[1] + 1, units[-2]):
        if not text[i].isspace() and unicodedata.category(text[i]) != "Cf":
            out[i] = "*"


def _mask_normalized(text: str, out: list[str], norm: Any = None) -> None:
    """Mask, in ``out``, the identifiers found on the fully normalised text.

    :func:`wxscreen.normalize` maps what the raw-text patterns miss — circled
    and styled digits (①③⑧), Chinese digit numerals (一三八零…), Traditional
    (微信號), variant cues (绿泡泡, wechat, 卫星号, 加V❤信, 扣扣号) — so digit runs and
    handles are looked for there too and mapped back with
    :meth:`NormalizedText.raw_span` (code review 6, item 3). A run whose raw
    characters hold a numeral unit (一千万 → 10000000) is an amount, not an id.
    """
    if text.isascii() and not _NORM_HINT.search(text):
        return  # normalisation changes nothing an ASCII pattern above has not seen
    if norm is None or norm.raw is not text:
        from ._normalize import normalize  # lazy: _normalize is heavier than this module

        norm = normalize(text)
    t = norm.text
    for m in _DIGITS.finditer(t):
        chunk = m.group()
        if _HOTLINE.match(chunk) or _DATE.match(chunk):
            continue
        if "*" in chunk and sum(c.isdigit() for c in chunk) <= 8:
            continue
        ra, rb = norm.raw_span(m.start(), m.end())
        if _masked_already(text, ra, rb):
            continue  # masked already (6222****0000, 1380***0000): the raw pass above has judged it
        raw_run, raw_after = _fold(text[ra:rb]), _fold(text[rb : rb + 4])
        if _DATE.match(raw_run) or _is_range(raw_run, raw_after) or _range_shape(raw_run, raw_after) is not None:
            # a date or a range whose separators normalisation dropped (2024-03-05 → 20240305); a
            # range-shaped run with a long side (13812345678—2000元) the raw pass has masked side by side
            continue
        if any(c in _NUMERAL_UNITS for c in text[ra:rb]):
            continue  # 一千万元, 三千五百万: an amount written in numerals
        if _amount_list(raw_run):
            continue  # 每期1000/1000/1000元, 2000 | 2000 | 1500: a list of amounts normalisation ran together
        _hide_from(text, out, norm, m.start(), m.end(), _mask_digits(chunk))
    for m in _HANDLE.finditer(t):
        a, b = m.span("h")
        if handle_is_amount(t, m.start(), a, b):
            continue  # 支付宝 50000元: an amount
        ra, rb = norm.raw_span(a, b)
        if _masked_already(text, ra, rb) or any(c in _NUMERAL_UNITS for c in text[ra:rb]):
            continue
        _hide_handle(text, out, *norm.raw_span(a, b))


def mask_identifiers(text: str) -> str:
    """Mask phone, card and ID numbers and account handles in ``text``.

    Parameters
    ----------
    text : str
        Any text (raw or normalised).

    Returns
    -------
    str
        The text with the same length, identifier digits and letters replaced
        by ``*``: runs of 7 or more digits, their groups joined by spaces,
        hyphens, dashes (— ― – ‒ －) or tildes (138—1234—5678), keep at most
        their first 4 and last 4 digits (first and last 2 when 8 digits or
        fewer) — a range of two years (2024—2025) or of two amounts of at most
        8 digits with a unit after it (1000—2000元) is no identifier and stays
        (13812345678—2000元 masks the phone alone), nor is a list of amounts
        joined by / or | (每期1000/1000/1000元); a mobile number in 3-4-4 groups
        joined by dots, commas, tabs, dashes, 。, 、, / or | (138.1234.5678,
        138，1234，5678, 138 — 1234 — 5678, 138。1234。5678, 138 . 1234 . 5678,
        138/1234/5678) is one; account handles
        after 微信/vx/QQ/支付宝/telegram/tg/电报/飞机号/飞机：/账号 — also after a look-up
        verb or 是 (``telegram搜 fastloan_bot``, ``tg: @fastloan_bot``,
        ``微信是 zhang_8899``), an e-mail address, a handle with ``_ . -``
        inside (``zhang.san_88``), and a number in Chinese numerals
        (``QQ号是一二三四五六七八九``), but not a number with a money unit after
        it (``支付宝：30000元``; 万/千/百 only with 元/块 after them or no Han
        character next, so ``QQ 987654321 千万别`` is a handle) or written onto 支付宝/微信 after a payment word
        (``请支付宝50000``), which is an amount — keep their first and last 2
        letters or digits and nothing in between (``_ . -`` included). 飞机
        counts only as a field (飞机：, 飞机号, 飞机搜): 在飞机上 is an aeroplane.
        Official hotlines (95xxx, 400/800) are left as they are. Case
        numbers — a court case number （2025）京0105民初12345号 (also 〔2025〕,
        [2025], 【2025】) and the id after
        合同编号/借款编号/订单号/案件编号/案号/协议编号 — keep their first and last 4
        digits (2 and 2 when they have 8 digits or fewer), letters and Han
        characters: （2025）京****民初*2345号.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str`` (``None`` included); the message names the
        type received.

    Examples
    --------
    >>> mask_identifiers("卡号6222 0212 3456 7890 123，加vx: zhang_8899")
    '卡号6222 **** **** ***0 123，加vx: zh******99'
    """
    if not isinstance(text, str):
        raise TypeError(f"mask_identifiers() expects a str, got {type(text).__name__}")
    return _mask_identifiers(text)


def _mask_identifiers(text: str, norm: Any = None) -> str:
    """:func:`mask_identifiers`, reusing ``norm`` (``normalize(text)``) when the caller has it."""
    if not text:
        return text
    folded = _fold(text)
    out = list(text)
    for m in _DIGITS.finditer(folded):
        chunk = m.group()
        if _HOTLINE.match(chunk) or _DATE.match(chunk):
            continue
        if "*" in chunk and sum(c.isdigit() for c in chunk) <= 8:
            continue  # already masked upstream (6222****0000)
        after = folded[m.end() : m.end() + 4]
        if _is_range(chunk, after):
            continue  # 2024—2025, 1000—2000元: a range, not an identifier
        masked = _mask_run(chunk, after)
        for i, c in enumerate(masked):
            if c == "*":
                out[m.start() + i] = "*"
    for m in _HANDLE.finditer(folded):
        a, b = m.span("h")
        if handle_is_amount(folded, m.start(), a, b):
            continue  # 支付宝 50000元, 请支付宝50000: an amount, not an account
        for i in range(a + 2, b - 2):
            out[i] = "*"
    _mask_normalized(text, out, norm)
    if "号" in folded or "號" in folded:
        spans = [m.span() for m in _COURT.finditer(folded)] + [m.span("h") for m in _CASE.finditer(folded)]
        for a, b in spans:
            for i, c in enumerate(_mask_digits(folded[a:b])):
                if c == "*":
                    out[a + i] = "*"
    return "".join(out)
