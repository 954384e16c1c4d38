"""Structured facts in a message: amounts, days overdue, deadlines, lenders, identifiers.

LABELS.md §3 lists the entity types; DOMAIN.md §6.1 gives the starting-point
patterns used here. Entities never change the label; they tell a reader how
much, how late, by when, who, and which numbers were given.

The extractor works on a *light* normalisation of the raw text (invisible
characters removed, NFKC per character so full-width digits and ``，：（）`` become
ASCII, Traditional → Simplified), built with the same offset map as
:func:`wxscreen.normalize`. It does not use the fully normalised text because
that collapses separators between digits (``021-6234``, ``3/15``,
``6222****0000`` become one digit run) and rewrites contact words.

Passes run in a fixed order and each claims its characters, so a later pass
never reads a digit an earlier one explained: URLs, case numbers, ID numbers,
bank cards, account handles, phones, lenders, deadlines, days overdue and,
last, amounts. Every pattern has bounded repetition and every context window
is a fixed number of characters, so the cost is linear in the text length.

Span conventions (``raw[start:end]``; the fixture set
``tests/fixtures/entities.jsonl`` is annotated by the same rules):

``amount``
    currency prefix (¥/￥/RMB/CNY/人民币) if present, the number (Arabic with
    optional thousands commas and decimals, ``亿/千万/百万/万/千/k/w`` multipliers,
    ``1万2``, and mixed forms read with cn2an: ``1万2千``, ``10万零500``; or
    Chinese numerals), and the unit (元/块/块钱/圆/元整) if present. A number
    with an invalid thousands grouping (``1,2345``, ``12,34``) is no amount
    (no reading is guessed), nor is a digit group joined to another digit by
    ``.:/-,·_`` (dates, times, ``6222·0212·3456·7890``). Value:
    yuan as ``float``; a colloquial range (两三千, 1500-2000元, 1500—2000元: a
    hyphen or any dash of :data:`wxscreen._mask.DASHES`, ～, 到, 至) is a
    ``(low, high)`` tuple; a number with a unit after 支付宝/微信 (支付宝：30000元)
    is an amount, not an ``account_handle``. A bare number counts only with a money word just
    before it (还/欠/借/转/付/减免/金额…); percentages, rates (万五), counts
    (12期, 3次), dates, times and the digits of identifiers never do.
``overdue_days``
    the count and ``天`` (``45天``, ``三十五天``) after 逾期/超期/拖欠 in the
    same clause (line breaks allowed), or the number after ``逾期天数``. Value:
    ``int``. Conditions (``逾期超过90天将…``, ``…以上``) and months are not
    extracted.
``deadline``
    the time expression with its ``前/之前/以前/为止/内/之内`` suffix
    (``今日18:00前``, ``3天内``, ``本月底前``); a date after 截止/最后还款日/
    还款日为/最迟/宽限到 (prefix excluded); or a day word or date directly
    followed by an action (``今天结清``, ``3/15 还1000元``); a time of day
    with its part of the day and a suffix but no day word (``中午1点前``,
    ``下午3点前``, ``夜里2点前``; the parts of the day are ``_clock.PARTS_OF_DAY``:
    上午, 中午, 下午, 傍晚, 晚上, 夜里, 深夜, 半夜, 凌晨, 早上), and 中午 with a
    suffix (``今天中午前``, ``明天中午前``, ``中午前``).
    Value: a ``datetime`` when the date is absolute or resolvable from ``now``
    (a date without a time means the end of that day, 23:59:59; 今晚12点/今晚0点
    is 00:00 of the next day and 中午1点 13:00, by the chat parser's rule in
    ``_clock.wall_clock``; a time of day without a day word is today's, even
    when it has already passed at ``now`` — the message names today, and
    晚上12点前 is 00:00 of the next day as 今晚12点前 is; 中午 without an hour
    is 12:00), else ``None``. It
    carries ``now``'s ``tzinfo`` (aware for an aware ``now``, naive for a naive
    one or none), whether relative (``3天内``) or absolute (``12月5日前``).
``lender``
    a platform from the gazetteer (:data:`LENDERS`) or a company name ending in
    消费金融/小额贷款…有限公司. Value: the Simplified name.
``phone``
    mobile (optionally +86, spaces, hyphens, middle dots or dash-like separators such as
    ``138—1234—5678``, ``138~1234~5678`` and ``138·0000·1234``; or 3-4-4 groups joined the same
    way twice by a dot, a comma, a tab or a spaced dash: ``138.1234.5678``, ``138，1234，5678``,
    ``138 — 1234 — 5678``; or masked ``138****5678``),
    a mobile number in Chinese digit numerals (``一三八零零零零一二三四``, 幺 for 1, as
    masking reads them), landline with area code, 400/800 numbers, 95xxx and public service lines
    (12378, 96110, 110 …) after a call word. Value: the digits (``*`` kept for
    masked digits; Arabic for numerals), without the country code.
``bank_card``
    a run of 16–19 digits, grouped or not (single spaces or hyphens), that
    passes the Luhn check (python-stdnum, DOMAIN.md §6.1), taken whole: a
    Luhn-valid 16-digit prefix of a 19-digit run is not cut off it; or a
    masked card ``6222****0000``. A run of 20 or more digits is longer than
    any card number (ISO/IEC 7812: 19 at most) and is not a card; only a
    Luhn-valid 16–19-digit prefix followed by a separator and another number
    of 5 or more digits (``6222…1113 138 0000 1111``) is cut off as a card.
    The digits of a long run that is not a card are never read as a phone or
    an amount. Value: the digits.
``id_number``
    18 characters that pass the resident ID checksum and date checks
    (``stdnum.cn.ric``). Value: the number, ``X`` upper-case.
``account_handle``
    the id after a WeChat/QQ/Alipay/Telegram cue (微信, V信, vx, 加V, QQ, 扣扣,
    企鹅号, 支付宝, zfb, telegram, tg, 纸飞机, 电报 …), also after a look-up verb
    (``telegram搜 fastloan_bot``, ``微信上加 zhang_88``), taken whole (``zhang_8899``, ``zhang.san_88``, a QQ
    number, an Alipay phone or e-mail); a QQ number in Chinese numerals after QQ/扣扣/企鹅号
    (``QQ号是一二三四五六七八九``; not a count: ``qq里一二三四五个人``). Value: the id after NFKC
    (``ａｂｃ１２３`` → ``abc123``; the Arabic digits of a number in numerals).
``url``
    ``http(s)://`` or ``www.`` addresses and bare domains with a common TLD,
    trailing punctuation excluded. Value: the address after NFKC.
``case_number``
    court case numbers ``（2025）沪0115民初12345号`` (the year in （）, 〔〕, [] or 【】) and ids after
    合同编号/借款编号/订单号/案件编号/案号. Value: after NFKC. Masked like the
    other identifiers (first and last 4 digits; ``(2025)沪****民初*2345号``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import regex

from ._clock import PARTS_OF_DAY, wall_clock
from ._mask import (
    COURT_CLOSE,
    COURT_OPEN,
    DASHES,
    HANDLE_CUE,
    HANDLE_GLUE,
    MOBILE_SEP,
    _mask_digits,
    handle_is_amount,
    mask_identifiers,
)
from ._normalize import NormalizedText, _nfkc_step, _strip_invisible, _t2s_converter, _t2s_step
from .detectors._firstchars import with_lead_guard

__all__ = ["ENTITY_TYPES", "LENDERS", "extract_entities", "entity_view"]

#: Entity types in LABELS.md §3 order.
ENTITY_TYPES: tuple[str, ...] = (
    "amount",
    "overdue_days",
    "deadline",
    "lender",
    "phone",
    "bank_card",
    "id_number",
    "account_handle",
    "url",
    "case_number",
)
_IDENTIFIERS = frozenset({"phone", "bank_card", "id_number", "account_handle"})

#: Lender gazetteer: public brand and company names (DOMAIN.md §6.1 "Platform names").
LENDERS: tuple[str, ...] = (
    "借呗", "花呗", "网商贷", "网商银行", "白条", "金条", "京东金融", "微粒贷", "微众银行",
    "美团借钱", "美团月付", "抖音月付", "放心借", "度小满", "有钱花", "360借条", "分期乐",
    "拍拍贷", "安逸花", "马上消费金融", "招联金融", "好期贷", "中银消费金融", "兴业消费金融",
    "捷信", "平安消费金融", "平安普惠", "小赢卡贷", "洋钱罐", "还呗", "众安贷", "携程拿去花",
    "拿去花", "招行闪电贷", "闪电贷", "建行快贷", "融e借", "苏宁任性贷", "任性贷", "宜人贷",
    "玖富万卡", "信用飞", "榕树贷款", "省呗", "你我贷", "小花钱包", "桔多多", "来分期",
)

# ---------------------------------------------------------------------------
# light normalisation


class _NfkcTable(dict[int, str]):
    """``str.translate`` table: code point → its NFKC form, filled on first use."""

    def __missing__(self, key: int) -> str:
        out = unicodedata.normalize("NFKC", chr(key))
        self[key] = out
        return out


_NFKC_TABLE = _NfkcTable()
_SLOW_CHARS = regex.compile(r"[\p{Cf}\ufe00-\ufe0f\u20e3\ud800-\udfff]")
_ANY_DIGIT = regex.compile(r"\d")  # any Unicode decimal digit, as \d in the patterns below
_OTHER_DIGIT = regex.compile(r"(?![0-9])\d")  # a decimal digit that is not ASCII (NFKC has mapped full-width ones)
_HAN_ANY = regex.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")


def entity_view(raw: str) -> NormalizedText:
    """Return the light normalisation the extractor reads (see module docstring).

    Parameters
    ----------
    raw : str
        The message as received.

    Returns
    -------
    NormalizedText
        Invisible characters removed, NFKC and Traditional → Simplified
        applied character by character; case, spaces and punctuation kept.
    """
    n = len(raw)
    if not _SLOW_CHARS.search(raw):
        # fast path: every character maps to one character (the usual case)
        folded = raw if raw.isascii() else raw.translate(_NFKC_TABLE)
        if len(folded) == n:
            text = folded
            if _HAN_ANY.search(folded):
                # one OpenCC call on the string; the character-list path when a
                # character is U+FFFD (kept as it was) or OpenCC changed the length
                conv = "" if "\ufffd" in folded else _t2s_converter().convert(folded)  # type: ignore[attr-defined]
                text = conv if len(conv) == n else "".join(_t2s_step((list(folded), [], []))[0])
            return NormalizedText(raw, text, tuple(range(n)), tuple(range(1, n + 1)), 0)
    c, invisible, in_words = _strip_invisible(raw)
    c = _t2s_step(_nfkc_step(c))
    chars, starts, ends = c
    return NormalizedText(raw, "".join(chars), tuple(starts), tuple(ends), invisible, in_words)


# ---------------------------------------------------------------------------
# patterns (all with bounded repetition)

_I = regex.IGNORECASE | regex.VERSION1

_URL = regex.compile(
    # a quote, an angle bracket or any non-ASCII character (Chinese punctuation 」、。《》) ends the
    # address: <a href='http://x.cn'>点击</a> gives http://x.cn
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]{2,300}"
    r"|(?<![A-Za-z0-9@.\-_])[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]{1,63}){0,4}"
    r"\.(?:cn|com|net|org|top|xyz|vip|cc|app|link|shop|site|info|club|online|io|me|ltd|work|ly|co|to|tk|ml|ga|gq|cf|xin|ink|fun|icu|pro|biz|asia|wang|live|tv|ws)(?![A-Za-z0-9\-])"
    r"(?:/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]{0,300})?",
    _I,
)
_ID = regex.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])", _I)
_CARD = regex.compile(r"(?<![0-9A-Za-z*\-·])\d(?:[ \-·]?\d){11,22}(?![0-9A-Za-z*])")
_CARD_MASKED = regex.compile(r"(?<![0-9A-Za-z*\-])\d{4}(?:[ -]?[*xX]{2,8}){1,3}[ -]?\d{4}(?![0-9*])")
_HANDLE = regex.compile(
    # one cue list with masking (_mask.HANDLE_CUE / HANDLE_GLUE: 微信号码：, 微信是, 绿泡泡, 卫星号 …)
    r"(?=[微薇威徽维vVwWqQ扣企支zZaAtT纸绿加+电飞卫])" + HANDLE_CUE + HANDLE_GLUE +
    r"(?P<h>[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,4}"
    r"|[A-Za-z](?:[A-Za-z0-9_\-]|\.(?=[A-Za-z0-9])){3,29}(?![A-Za-z0-9_\-@]|\.[A-Za-z0-9])"
    r"|\d{5,12}(?![0-9A-Za-z_\-@*]))",
    _I,
)
# digit groups may be joined by a space, a hyphen, a dash-like character (138—1234—5678, 138~1234~5678)
# or a middle dot (138·0000·1234), as masking reads them (_mask._DIGITS; one dash set, _mask.DASHES)
_PSEP = r"[ \-" + DASHES + r"·・•]"
# Chinese digit numerals as masking reads them (_normalize._CN_DIGIT_VALUE; 幺 is 1): a mobile
# number or a QQ number said digit by digit (一三八零零零零一二三四, QQ号是一二三四五六七八九)
_CN_DIGIT = {ch: str(v) for v, chars in enumerate(
    ("零〇", "一壹幺", "二两贰", "三叁", "四肆", "五伍", "六陆", "七柒", "八捌", "九玖")) for ch in chars}
_CN_D = "零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖幺"  # no 两: normalisation keeps a run with 两 as written
_CN_NUMERAL = "".join(_CN_DIGIT) + "十拾百佰千仟万亿"
_MOBILE_CN = regex.compile(
    rf"(?<![0-9{_CN_NUMERAL}])[一壹幺][三叁四肆五伍六陆七柒八捌九玖][{_CN_D}]"
    rf"(?:{_PSEP}?[{_CN_D}]{{4}}){{2}}(?![0-9{_CN_NUMERAL}])"
)
# a QQ number in Chinese numerals after a QQ cue, not a count (qq里一二三四五个人)
_HANDLE_CN = regex.compile(
    r"(?=[qQ扣企])(?:(?<![A-Za-z])q\s?q(?![A-Za-z])|扣\s?扣|企鹅号?)" + HANDLE_GLUE
    + rf"(?P<h>[{''.join(_CN_DIGIT)}]{{5,12}})(?![0-9{_CN_NUMERAL}个位人次天年月日岁号块元])",
    _I,
)
# or, the same way twice, by a dot, a comma, a tab or a dash with spaces (138.1234.5678, 138,1234,5678,
# 138 — 1234 — 5678: _mask.MOBILE_SEP, code review 7), which no amount, date or decimal has twice
_MOBILE = regex.compile(
    rf"(?<![0-9A-Za-z*+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d"
    rf"(?:(?:{_PSEP}?\d{{4}}){{2}}|(?P<ms>{MOBILE_SEP})\d{{4}}(?P=ms)\d{{4}})(?![0-9*])"
)
_MOBILE_MASKED = regex.compile(r"(?<![0-9*])1[3-9]\d[*xX]{4}\d{4}(?![0-9*])")
_LANDLINE = regex.compile(
    rf"(?<![0-9])(?:\(0\d{{2,3}}\)|0\d{{2,3}}{_PSEP})\s?(?:\d{{7,8}}|\d{{3,4}}{_PSEP}\d{{4}})(?![0-9])"
)
_TOLLFREE = regex.compile(r"(?<![0-9])[48]00[ -]?\d{3}[ -]?\d{4}(?![0-9])")
_SERVICE = regex.compile(r"(?<!\d[.,:/\-]?)(?:95\d{3}|96110|1[02]\d{3}|11[049]|12[02])(?![0-9%‰]|[.,:/\-]\d)")
_CALL_CUE = regex.compile(r"电话|热线|客服|拨打|致电|打|呼叫|联系|报警|举报|投诉|专线|号码")
# the year in （）, 〔〕, [] or 【】 as masking reads it (_mask.COURT_OPEN / COURT_CLOSE)
_COURT = regex.compile(
    COURT_OPEN + r"\s?(?:19|20)\d{2}\s?" + COURT_CLOSE + r"\s?[\p{Han}]{1,2}\d{0,6}[\p{Han}]{1,6}\d{1,8}号"
)
_CASE = regex.compile(
    r"(?:合同编号|合同号|借款编号|借款单号|订单编号|订单号|案件编号|案件号|案号|协议编号)\s?(?:为|是)?\s?:?\s?"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9\-]{5,39})(?![A-Za-z0-9\-])"
)
_COMPANY = regex.compile(
    r"[\p{Han}]{2,12}(?:消费金融|小额贷款|融资担保|金融科技|网络科技|金融服务)(?:股份)?有限公司|[\p{Han}]{2,6}消费金融"
)
_LENDER_TRIM = regex.compile(r".*[在是的于向从和与给被对您你我他她贵本为到自]")
_LENDER_RE = regex.compile("|".join(regex.escape(x) for x in sorted(LENDERS, key=len, reverse=True)), _I)

# --- time expressions
_CN_SMALL = "零〇一二两三四五六七八九十"
_DAYW = r"(?P<dayw>今天|今日|今晚|今早|明天|明日|明晚|明早|后天)"
_WEEK = r"(?P<wk>(?P<wkp>本周|这周|下周|周|星期|礼拜)(?P<wkd>[一二三四五六日天]))"
_DATE = (
    r"(?P<date>(?:(?P<y>(?:19|20)\d{2})\s?[年/.\-]\s?)?(?<![0-9])(?P<m>1[0-2]|0?[1-9])\s?(?:月|/|\.|-)\s?"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?![0-9])(?:\s?(?:日|号))?)"
)
_THISM = r"(?P<thism>(?:本月|这个月|当月)(?P<td>3[01]|[12]\d|0?[1-9])\s?(?:日|号))"
_MEND = r"(?P<mend>(?:本|这个|当)?月底)"
_WEND = r"(?P<wend>本周|这周|这个星期)(?![一二三四五六日天])"
_DOM = r"(?P<dom>(?<![月\d/.\-])(?P<dd>3[01]|[12]\d|0?[1-9])\s?(?:号|日(?!\s?之?内)))"
# the part of the day before a clock hour, from _clock's period tuples (上午, 中午, 下午, 傍晚, 晚上, 夜里,
# 深夜, 半夜, 凌晨, 早上) in both _TIME and _DL_CLOCK, so the two cannot diverge again (code review 8)
_AP = "(?P<ap>" + "|".join(PARTS_OF_DAY) + ")"
_TIME = (
    rf"(?:\s?{_AP}?\s?"
    r"(?P<h>2[0-4]|[01]?\d|[一二两三四五六七八九十]{1,3})\s?"
    r"(?:[:：](?P<mi>[0-5]\d)|点(?:(?P<mi2>[0-5]?\d|半|[一二三四五六七八九十]{1,3})分?)?|时))"
)
_WHEN = rf"(?:{_DAYW}|{_WEEK}|{_THISM}|{_MEND}|{_WEND}|{_DATE}|{_DOM})"
_SUFFIX = r"(?P<suf>\s?(?:之前|以前|前|为止|之内|内))"
# behind the lookahead of their first characters (``with_lead_guard``, same matches): without it
# ``regex`` walks the whole date/weekday/day alternation at every position of the text
_DL_SUFFIX = regex.compile(with_lead_guard(rf"{_WHEN}{_TIME}?{_SUFFIX}"))
# A time of day said with its part of the day and no day word (请中午1点前, 下午3点前), and 中午 alone
# with or without a day word (今天中午前, 明天中午前): today, or that day, at that time (or 12:00).
# The lookbehind keeps out a day word the finders above did not take (每天下午3点前, 周末下午3点前).
_DL_CLOCK = regex.compile(
    r"(?<![天日号號底末周期\dA-Za-z一二三四五六七八九十])"
    rf"(?:{_AP}\s?"
    r"(?P<h>2[0-4]|[01]?\d|[一二两三四五六七八九十]{1,3})\s?"
    r"(?:[:：](?P<mi>[0-5]\d)|点(?:(?P<mi2>[0-5]?\d|半|[一二三四五六七八九十]{1,3})分?)?|时)"
    rf"|{_DAYW}?\s?(?P<noon>中午))"
    + _SUFFIX
)
_DL_PREFIX = regex.compile(
    with_lead_guard(
        rf"(?:截止(?:到|日期|时间)?|最后还款日|还款日(?:期)?|最迟|最晚|宽限到|有效期至|到期日)\s?(?:为|是|:)?\s?"
        rf"(?P<body>{_WHEN}{_TIME}?)"
    )
)
_DL_ACTION = regex.compile(
    with_lead_guard(
        rf"(?P<body>(?:{_DAYW}|{_THISM}|{_DATE}){_TIME}?)\s?(?:必须|务必|一定|要|需要|需|先|就|请|都)?\s?"
        r"(?:还|结清|处理|转|付|缴|回复|联系|上传|提交|确认|办理|给)"
    )
)
_DL_DURATION = regex.compile(
    r"(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3})\s?(?P<u>分钟|个小时|小时|天|日|个工作日|工作日|周)(?P<suf>之内|内)"
)
_OVERDUE = regex.compile(
    r"(?:逾期|超期|拖欠|已拖|拖了|(?:超过|过了)还款日)(?P<mid>[^,.;!?。；！？、\d" + _CN_SMALL + r"百]{0,8}?)"
    r"(?P<n>\d{1,4}|[" + _CN_SMALL + r"百]{1,5})\s?天"
)
_OVERDUE_FIELD = regex.compile(r"逾期天数\s?(?:为|是)?\s?:?\s?(?P<n>\d{1,4})(?P<u>\s?天)?")

# --- amounts
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,12}(?:\.\d{1,2})?)"
# 千万 before 别/不/要… is "by all means" (转我3000 千万别告诉爸妈), no multiplier
_MULT = r"(?:千万(?![别不要莫记勿])|百万|亿|万|千(?!万[别不要莫记勿])|百|k|w)(?![A-Za-z])"
_AMOUNT = regex.compile(
    r"(?P<cur>(?:人民币|rmb|cny|¥)\s?)?"
    rf"(?P<a>{_NUM})(?:\s?(?P<ma>{_MULT})"
    # the rest of a mixed number, read with cn2an: 1万2千, 12万3千4百, 10万零500; or one digit (1万2)
    r"(?:(?P<more>(?:\d{1,4}[千百十]){1,3}(?:零?\d{1,3}(?![0-9]))?|零\d{1,4}(?![0-9]))"
    r"|(?P<tail>\d(?![0-9]|[.,]\d)))?)?"
    # the range separator: a hyphen or any dash of _mask.DASHES (1000—2000元, 300–500元), ～, 到, 至
    rf"(?:\s?(?:[\-{DASHES}]|～|到|至)\s?(?P<cur2>¥\s?)?(?P<b>{_NUM})(?:\s?(?P<mb>{_MULT}))?)?"
    r"(?P<unit>\s?(?:元整|元|块钱|块|圆|rmb(?![A-Za-z])))?",
    _I,
)
_CN_DIG = "一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_ALL = "零〇" + _CN_DIG + "十百千万亿拾佰仟"
_AMOUNT_CN = regex.compile(
    rf"(?P<cur>人民币\s?)?(?P<cn>[{_CN_DIG}十拾][{_CN_ALL}]{{0,11}})(?P<unit>元整|元|块钱|块|圆)?"
)
_CN_RANGE = regex.compile(r"^([一二两三四五六七八九])([二两三四五六七八九])([十百千万])$")
_CN_VAL = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
_MONEY_CUE = regex.compile(
    r"还|欠|借|贷|付|转|交|缴|充|金额|本金|本息|利息|息费|罚息|费|减免|减到|结清|合计|共计|总计|一共|余额|到手|到账|"
    r"额度|首付|保证金|押金|违约金|工资|收入|赔|退|给|打|款|钱|价|差|花|赚|挣|罚|扣|垫|凑|存"
)
_PAY_AFTER = regex.compile(r"\s?(?:转到|转给|转过|转进|打到|打给|打过|汇到|汇给|付给|存到|充到)")
_CLAUSE_END = frozenset(",.;!?。；！？\n")
_NON_MONEY_AFTER = regex.compile(
    r"\s?(?:%|‰|天|日|号|月|年|期|个|次|点|时|分|秒|小时|岁|人|条|位|张|笔|折|倍|成|星期|遍|样|种|家|名|楼|层|下|口|"
    r"句|些|辈|代|米|斤|件|套|部|份|双|集|声|眼|趟|批|步|分钟|周(?!转)|克|公里|度|级|栋|室|页|行|门|台|分之|多岁)"
)
_NOT_BEFORE = regex.compile(
    r"(?:尾号|编号|工号|单号|号码|号|第|验证码|密码|账号|卡号|代码|邮编|房间|qq|id|分之|万|千|年化|日息|月息|利率)\s?$",
    _I,
)
_IDIOMS = regex.compile(r"十万火急|一万个|百分之|千分之|万分之|一五一十|三五成群|七八糟|一二三|一两句")


@dataclass(frozen=True)
class _Hit:
    type: str
    start: int  # offsets into the light-normalised text
    end: int
    value: Any


class _Claims:
    """Characters already explained by an earlier pass."""

    def __init__(self, n: int) -> None:
        self.taken = bytearray(n)

    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def take(self, a: int, b: int) -> None:
        self.taken[a:b] = b"\x01" * (b - a)


@functools.cache
def _cn2an() -> Callable[[str, str], Any]:
    import cn2an  # lazy: 0.4 s import, only when a Chinese numeral is met

    fn: Callable[[str, str], Any] = cn2an.cn2an
    return fn


def _cn_number(s: str) -> float | None:
    if s.isdigit():
        return float(s)
    try:
        return float(_cn2an()(s, "smart"))
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit() or c == "*")


# ---------------------------------------------------------------------------
# identifiers


def _luhn_ok(d: str) -> bool:
    from stdnum import luhn

    return 16 <= len(d) <= 19 and bool(luhn.is_valid(d))


def _ric_ok(s: str) -> bool:
    from stdnum.cn import ric

    try:
        return bool(ric.is_valid(s.upper()))
    except (KeyError, ValueError, TypeError, IndexError):
        # python-stdnum raises KeyError for some region codes missing from its
        # table (e.g. 622202…): such a number is not a resident ID number
        return False


def url_spans(t: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The addresses in ``t[start:end]`` as ``(start, end)`` offsets into ``t``, trailing punctuation excluded.

    An address (``http(s)://``, ``www.`` or a bare domain with a common TLD)
    is ASCII and ends at a quote, an angle bracket, whitespace or any
    non-ASCII character, so ``<a href='http://x.cn'>点击</a>`` gives
    ``http://x.cn``. Used for the ``url`` entity and for the evidence of a
    learned ``off_platform`` / ``link`` flag.
    """
    out = []
    for m in _URL.finditer(t, start, len(t) if end is None else end):
        a, b = m.span()
        while b > a and t[b - 1] in ".,;:!?)]'\"":
            b -= 1
        if b - a >= 4:
            out.append((a, b))
    return out


def _find_urls(t: str, cl: _Claims, out: list[_Hit]) -> None:
    for a, b in url_spans(t):
        if not cl.free(a, b):
            continue
        cl.take(a, b)
        out.append(_Hit("url", a, b, t[a:b]))


def _find_ids(t: str, cl: _Claims, out: list[_Hit]) -> None:
    for m in _ID.finditer(t):
        if cl.free(*m.span()) and _ric_ok(m.group()):
            cl.take(*m.span())
            out.append(_Hit("id_number", m.start(), m.end(), m.group().upper()))


def _find_cards(t: str, cl: _Claims, out: list[_Hit]) -> None:
    for m in _CARD.finditer(t):
        run = m.group()
        n = sum(c.isdigit() for c in run)
        if n < 16:
            continue
        a = m.start()
        if n <= 19:
            # the whole run or nothing: a card number written in groups is never cut
            # (6222 0211 1111 1113 123 is one 19-digit number, not a 16-digit card)
            if cl.free(a, m.end()) and _luhn_ok(_digits(run)):
                cl.take(a, m.end())
                out.append(_Hit("bank_card", a, m.end(), _digits(run)))
            elif cl.free(a, m.end()):
                cl.take(a, m.end())  # one long number: no phone or amount is read inside it
            continue
        # 20 or more digits are no card number (19 at most: ISO/IEC 7812): a card
        # is only a prefix that ends at a separator followed by another number
        # of 5 digits or more (6222…1113 138 0000), never a group cut off one long number
        found = False
        for cut in range(len(run) - 1, 0, -1):
            if run[cut] not in " -·":
                continue
            d = _digits(run[:cut])
            if len(d) < 16:
                break
            if len(d) <= 19 and len(_digits(run[cut:])) >= 5 and _luhn_ok(d) and cl.free(a, a + cut):
                cl.take(a, a + cut)
                out.append(_Hit("bank_card", a, a + cut, d))
                found = True
                break
        if not found and cl.free(a, m.end()):
            cl.take(a, m.end())  # one long number: no phone or amount is read inside it
    for m in _CARD_MASKED.finditer(t):
        if cl.free(*m.span()):
            cl.take(*m.span())
            out.append(_Hit("bank_card", m.start(), m.end(), _digits(m.group().replace("x", "*").replace("X", "*"))))


def _find_handles(t: str, cl: _Claims, out: list[_Hit]) -> None:
    for m in _HANDLE.finditer(t):
        a, b = m.span("h")
        h = m.group("h")
        if h.lower() in {"http", "https", "www", "app", "号", "group"} or not cl.free(a, b):
            continue
        if handle_is_amount(t, m.start(), a, b):
            continue  # 支付宝 50000元, 请支付宝50000: an amount (read by the amount pass), not an account
        cl.take(a, b)
        out.append(_Hit("account_handle", a, b, h))
    for m in _HANDLE_CN.finditer(t) if _has_cn_digit(t) else ():
        a, b = m.span("h")
        if cl.free(a, b):
            cl.take(a, b)
            out.append(_Hit("account_handle", a, b, _cn_digits(m.group("h"))))


def _has_cn_digit(t: str) -> bool:
    return any(c in _CN_DIGIT for c in t)


def _cn_digits(s: str) -> str:
    """The Arabic digits of ``s``'s digits and Chinese digit numerals (一三八 → 138), separators dropped."""
    return "".join(_CN_DIGIT.get(c, c) for c in s if c in _CN_DIGIT or c.isdigit())


def _find_phones(t: str, cl: _Claims, out: list[_Hit], digits: bool = True) -> None:
    for rx in (_MOBILE, _MOBILE_MASKED, _LANDLINE, _TOLLFREE) if digits else ():
        for m in rx.finditer(t):
            if not cl.free(*m.span()):
                continue
            d = _digits(m.group().replace("x", "*").replace("X", "*"))
            if rx is _MOBILE:
                d = d[-11:]
            cl.take(*m.span())
            out.append(_Hit("phone", m.start(), m.end(), d))
    for m in _MOBILE_CN.finditer(t) if _has_cn_digit(t) else ():
        if cl.free(*m.span()):
            cl.take(*m.span())
            out.append(_Hit("phone", m.start(), m.end(), _cn_digits(m.group())))
    for m in _SERVICE.finditer(t) if digits else ():
        a, b = m.span()
        if not cl.free(a, b) or _NON_MONEY_AFTER.match(t, b) or _unit_after(t, b):
            continue
        if _CALL_CUE.search(t[max(0, a - 8) : a]) or _CALL_CUE.match(t, b):
            cl.take(a, b)
            out.append(_Hit("phone", a, b, m.group()))


def _unit_after(t: str, b: int) -> bool:
    return bool(regex.match(r"\s?(?:元|块|万|千|w|k)", t[b : b + 3], _I))


def _find_cases(t: str, cl: _Claims, out: list[_Hit]) -> None:
    for m in _COURT.finditer(t):
        if cl.free(*m.span()):
            cl.take(*m.span())
            out.append(_Hit("case_number", m.start(), m.end(), m.group()))
    for m in _CASE.finditer(t):
        a, b = m.span("id")
        if cl.free(a, b) and any(c.isdigit() for c in m.group("id")):
            cl.take(a, b)
            out.append(_Hit("case_number", a, b, m.group("id")))


_COMPANY_HINT = ("消费金融", "有限公司")


def _find_lenders(t: str, cl: _Claims, out: list[_Hit]) -> None:
    for m in _COMPANY.finditer(t) if any(h in t for h in _COMPANY_HINT) else ():
        a, b = m.span()
        trim = _LENDER_TRIM.match(t, a, b - 4)
        if trim:
            a = trim.end()
        name = t[a:b]
        if len(name.split("消费金融")[0]) < 2 and "有限公司" not in name:
            continue
        if cl.free(a, b):
            cl.take(a, b)
            out.append(_Hit("lender", a, b, name))
    for m in _LENDER_RE.finditer(t):
        a, b = m.span()
        if m.group() == "还呗" and a > 0 and t[a - 1] in "就你我先那再得去":
            continue
        if cl.free(a, b):
            cl.take(a, b)
            out.append(_Hit("lender", a, b, m.group()))


# ---------------------------------------------------------------------------
# deadlines


def _small(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if s == "半":
        return 30
    v = _cn_number(s)
    return int(v) if v is not None else None


def _resolve(m: regex.Match[str], now: dt.datetime | None) -> dt.datetime | None:
    """The datetime a deadline match names, in ``now``'s time zone (naive when ``now`` is naive or None)."""
    g = m.groupdict()
    tz = now.tzinfo if now is not None else None
    day: dt.date | None = None
    if g.get("date"):
        mo, d = int(g["m"]), int(g["d"])
        if g.get("y"):
            y = int(g["y"])
        elif now is not None:
            y = now.year
        else:
            return None
        try:
            day = dt.date(y, mo, d)
        except ValueError:
            return None
    elif now is None:
        return None
    elif g.get("dayw"):
        w = g["dayw"]
        day = now.date() + dt.timedelta(days=0 if w[0] == "今" else 1 if w[0] == "明" else 2)
    elif g.get("wk"):
        target = "一二三四五六日".find(g["wkd"].replace("天", "日"))
        monday = now.date() - dt.timedelta(days=now.weekday())
        if g["wkp"] == "下周":
            day = monday + dt.timedelta(days=7 + target)
        else:
            day = monday + dt.timedelta(days=target)
            if g["wkp"] not in ("本周", "这周") and day < now.date():
                day += dt.timedelta(days=7)
    elif g.get("thism"):
        try:
            day = now.date().replace(day=int(g["td"]))
        except ValueError:
            return None
    elif g.get("mend"):
        day = now.date().replace(day=calendar.monthrange(now.year, now.month)[1])
    elif g.get("wend"):
        day = now.date() + dt.timedelta(days=6 - now.weekday())
    elif g.get("dom"):
        d, y, mo = int(g["dd"]), now.year, now.month
        if d < now.day:  # a day already past this month means next month
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
        try:
            day = dt.date(y, mo, d)
        except ValueError:
            return None
    elif g.get("ap") or g.get("noon"):
        # a time of day without a day word (下午3点前, 中午前) is today's, even when it has passed
        # by ``now``: the message names today; 晚上12点前 is still 00:00 of the next day
        day = now.date()
    if day is None:
        return None
    h = _small(g.get("h"))
    if h is None and g.get("noon"):
        h = 12  # 今天中午前 / 明天中午前: 12:00 of that day
    if h is None:
        return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)
    mi = _small(g.get("mi")) or _small(g.get("mi2")) or 0
    # 今晚12点 / 晚上0点 → 00:00 of the next day, 中午1点 → 13:00 (one rule with the chat parser)
    h, days = wall_clock(h, g.get("ap") or g.get("dayw"))
    if not (0 <= h <= 23 and 0 <= mi <= 59):
        return None
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(h, mi), tzinfo=tz)


_DL_HINT_SUFFIX = regex.compile(r"前|内|为止")
_DL_HINT_PREFIX = regex.compile(r"截止|还款日|最迟|最晚|宽限到|有效期至|到期日")
_DL_HINT_ACTION = regex.compile(r"今|明|后天|[0-9]\s?(?:月|号|日|/|\.|-)\s?[0-9]?")


def _find_deadlines(t: str, now: dt.datetime | None, cl: _Claims, out: list[_Hit]) -> None:
    suffix = bool(_DL_HINT_SUFFIX.search(t))
    for m in _DL_SUFFIX.finditer(t) if suffix else ():
        a, b = m.span()
        if cl.free(a, b):
            cl.take(a, b)
            out.append(_Hit("deadline", a, b, _resolve(m, now)))
    for m in _DL_CLOCK.finditer(t) if suffix else ():
        a, b = m.span()
        if cl.free(a, b):
            cl.take(a, b)
            out.append(_Hit("deadline", a, b, _resolve(m, now)))
    rxs = [rx for rx, hint in ((_DL_PREFIX, _DL_HINT_PREFIX), (_DL_ACTION, _DL_HINT_ACTION)) if hint.search(t)]
    for rx in rxs:
        for m in rx.finditer(t):
            a, b = m.span("body")
            if cl.free(a, b) and not (a > 0 and t[a - 1] in "每上去昨前"):
                cl.take(a, b)
                out.append(_Hit("deadline", a, b, _resolve(m, now)))
    for m in _DL_DURATION.finditer(t) if suffix else ():
        a, b = m.span()
        if not cl.free(a, b):
            continue
        n = _small(m.group("n"))
        u = m.group("u")
        value = None
        if now is not None and n is not None and "工作日" not in u:
            if u == "分钟":
                value = now + dt.timedelta(minutes=n)
            elif "时" in u:
                value = now + dt.timedelta(hours=n)
            else:
                value = now + dt.timedelta(days=n * (7 if u == "周" else 1))
        cl.take(a, b)
        out.append(_Hit("deadline", a, b, value))


# ---------------------------------------------------------------------------
# overdue days and amounts


def _clause_before(t: str, a: int, width: int = 8) -> str:
    lo = a
    while lo > 0 and a - lo < width and t[lo - 1] not in _CLAUSE_END:
        lo -= 1
    return t[lo:a]


def _clause_after(t: str, b: int, width: int = 8) -> str:
    hi = b
    while hi < len(t) and hi - b < width and t[hi] not in _CLAUSE_END:
        hi += 1
    return t[b:hi]


def _find_overdue(t: str, cl: _Claims, out: list[_Hit]) -> None:
    for m in _OVERDUE.finditer(t):
        a, b = m.start("n"), m.end()
        after = _clause_after(t, b, 6)
        if regex.match(r"\s?(?:以上|以内|之内|内|后)", after) or regex.search(r"将|会|的(?:账户|客户|用户)", after):
            continue
        if regex.search(r"若|如果|如|一旦|要是|假如", _clause_before(t, m.start(), 6) + m.group("mid")):
            continue
        n = _small(m.group("n"))
        if n is None or not cl.free(a, b):
            continue
        cl.take(a, b)
        out.append(_Hit("overdue_days", a, b, n))
    for m in _OVERDUE_FIELD.finditer(t):
        a, b = m.start("n"), m.end()
        if cl.free(a, b):
            cl.take(a, b)
            out.append(_Hit("overdue_days", a, b, int(m.group("n"))))


_MULT_VALUE = {
    "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 10000.0, "w": 10000.0, "千": 1000.0, "k": 1000.0, "百": 100.0
}


def _arabic(num: str, mult: str | None, tail: str | None, more: str | None = None) -> float | None:
    """The yuan of ``num`` times ``mult`` (1千万 → 1e7, 1亿 → 1e8) plus ``tail`` (1万2 → 12000).

    ``more`` is the rest of a mixed Arabic/Chinese number (1万 + 2千, 10万 + 零500),
    read with cn2an's ``smart`` mode; None when cn2an cannot read it or the rest
    is not smaller than the leading part (then it is no one amount).
    """
    if more and mult:
        head = float(num.replace(",", "")) * _MULT_VALUE[mult.lower()]
        whole = _cn_number(num.replace(",", "") + mult + more)
        return whole if whole is not None and head < whole < head + _MULT_VALUE[mult.lower()] else None
    v = float(num.replace(",", ""))
    if mult:
        f = _MULT_VALUE[mult.lower()]
        v *= f
        if tail:
            v += int(tail) * f / 10
    return v


# A digit group joined to another digit by one of these is part of a longer number: a date or
# time (3/15, 18:00), a grouped card or phone (6222·0212·3456·7890, 138_0000), or a number with
# an invalid thousands grouping (1,2345 / 12,34 — a typo for 12,345 or for 1,234.5? no amount is
# guessed; a valid grouping 12,345 is one match of _NUM and never reaches this test). Only an
# ASCII comma in the raw text joins: a Chinese ， (NFKC ",") ends a clause (还款180元，6个月后).
# Only a digit joins: an amount that ends in its unit (还款5000元,6期 / 共计1,000元,2,000元) or
# begins with its currency sign is whole whatever follows or precedes it.
_JOINERS = frozenset(".:/-·•・_")


def _amount_matches(t: str, cl: _Claims) -> Iterator[regex.Match[str]]:
    """The :data:`_AMOUNT` matches of ``t``, and the second number of a "range" whose first is claimed.

    A dash joins a phone or card number to an amount as it joins two amounts
    (13812345678—2000元): when an earlier pass has claimed the first number, the
    text from the second number on is matched again, so 2000元 is still read.
    """
    for m in _AMOUNT.finditer(t):
        yield m
        if m.group("b") and not cl.free(m.start("a"), m.end("a")) and cl.free(m.start("b"), m.end()):
            again = _AMOUNT.match(t, m.start("cur2") if m.group("cur2") else m.start("b"))
            if again is not None:
                yield again


def _money_context(t: str, a: int) -> bool:
    return bool(_MONEY_CUE.search(_clause_before(t, a, 8)))


def _find_amounts(
    t: str, cl: _Claims, out: list[_Hit], digits: bool = True, commas: frozenset[int] = frozenset()
) -> None:
    """Find amounts; ``commas`` are the offsets in ``t`` of commas that were ASCII in the raw text."""
    for m in _amount_matches(t, cl) if digits else ():  # every arabic amount has a digit
        a, b = m.span()
        if m.group("unit") is None and m.group("b") is None and t[b - 1 : b].isspace():
            b -= 1
        if not cl.free(a, b):
            continue
        prev = t[a - 1] if a else ""
        nxt = t[b] if b < len(t) else ""
        if prev and prev.isascii() and (prev.isalnum() or prev in "_*#@+"):
            continue
        if (prev in _JOINERS or (prev == "," and a - 1 in commas)) and t[a].isdigit() and a > 1 and t[a - 2].isdigit():
            continue
        if nxt and ((nxt.isascii() and (nxt.isalnum() or nxt in "_%*@")) or nxt in "%‰"):
            continue
        joined = nxt in _JOINERS or (nxt == "," and b in commas)
        if nxt and joined and t[b - 1].isdigit() and t[b + 1 : b + 2].isdigit():
            continue
        marked = bool(m.group("cur") or m.group("unit") or m.group("ma") or m.group("mb"))
        if not marked:
            if _NON_MONEY_AFTER.match(t, b) or _NOT_BEFORE.search(t[max(0, a - 4) : a]):
                continue
            if len(m.group("a")) < 2:
                continue
            if not (_money_context(t, a) or _PAY_AFTER.match(t, b)):
                continue
            if len(m.group("a").replace(",", "").split(".")[0]) > 9:
                continue
        elif not m.group("unit") and not m.group("cur") and _NON_MONEY_AFTER.match(t, b):
            continue
        va = _arabic(m.group("a"), m.group("ma") or m.group("mb"), m.group("tail"), m.group("more"))
        if va is None:
            continue
        value: float | tuple[float, float] = va
        if m.group("b"):
            vb = _arabic(m.group("b"), m.group("mb") or m.group("ma"), None)
            if vb is None or vb <= va:
                continue
            value = (va, vb)
        cl.take(a, b)
        out.append(_Hit("amount", a, b, value))
    for m in _AMOUNT_CN.finditer(t):
        a, b = m.span()
        cn = m.group("cn")
        if not cl.free(a, b) or _IDIOMS.search(t[max(0, a - 2) : b + 2]):
            continue
        if a > 0 and t[a - 1] in _CN_ALL:
            continue
        has_mag = any(c in "十百千万亿拾佰仟" for c in cn)
        unit = m.group("unit")
        if not unit and not has_mag:
            continue
        if not unit and _NON_MONEY_AFTER.match(t, b):
            continue
        if _NOT_BEFORE.search(t[max(0, a - 4) : a]):
            continue
        big = any(c in "千万亿仟" for c in cn) or bool(_CN_RANGE.match(cn) and cn[-1] != "十")
        if not (unit or m.group("cur") or _money_context(t, a) or big):
            continue
        rng = _CN_RANGE.match(cn)
        cn_value: float | tuple[float, float] | None
        if rng and _CN_VAL[rng.group(2)] > _CN_VAL[rng.group(1)]:
            mag = {"十": 10.0, "百": 100.0, "千": 1000.0, "万": 10000.0}[rng.group(3)]
            cn_value = (_CN_VAL[rng.group(1)] * mag, _CN_VAL[rng.group(2)] * mag)
        else:
            cn_value = _cn_number(cn)
        if cn_value is None:
            continue
        cl.take(a, b)
        out.append(_Hit("amount", a, b, cn_value))


# ---------------------------------------------------------------------------
# entry point


def _mask_numerals(text: str, masked: str) -> str:
    """Star the digits and Chinese digit numerals of ``text`` where ``masked`` (its digits, masked) has ``*``."""
    stars = iter(masked)
    return "".join("*" if (c in _CN_DIGIT or c.isdigit()) and next(stars, "") == "*" else c for c in text)


def _mask_value(kind: str, s: str) -> str:
    if kind == "phone" and _has_cn_digit(s):  # 一三八零零零零一二三四: masked as its digits are
        return _mask_numerals(s, _mask_digits(_cn_digits(s)))
    if "*" in s and sum(c.isdigit() for c in s) <= 8:
        return s  # already masked at the source (6222****0000, 138****5678)
    if kind == "account_handle":
        return s[:2] + "*" * max(0, len(s) - 4) + s[-2:] if len(s) > 4 else s
    if kind == "phone" and (sum(c.isdigit() for c in s) <= 6 or unicodedata.normalize("NFKC", s[:3]) in ("400", "800")):
        return s  # public service lines stay visible
    return _mask_digits(s)


def extract_entities(raw: str, *, now: dt.datetime | None = None, mask: bool = True) -> list[dict[str, Any]]:
    """Extract LABELS.md §3 entities from one message.

    Parameters
    ----------
    raw : str
        The message as received (any length; one bubble, may span lines).
    now : datetime or None, default=None
        The reference time for relative deadlines (今天, 3天内, 周五前). Without
        it only deadlines with an explicit year get a datetime. Every deadline
        datetime carries ``now``'s ``tzinfo``: aware when ``now`` is aware
        (wall-clock time in ``now``'s zone: 今日18:00前 is 18:00 there), naive
        when ``now`` is naive or None, so deadlines always compare with each
        other and with ``now``.
    mask : bool, default=True
        Mask phone, card, ID and case numbers and account handles in ``text``
        and ``value`` (first and last 4 digits at most; handles keep 2 + 2).

    Returns
    -------
    list of dict
        ``{"type", "start", "end", "text", "value"}`` in text order; ``start``
        and ``end`` index ``raw`` and ``text`` is ``raw[start:end]`` (masked
        for identifiers).

    Examples
    --------
    >>> [(e["type"], e["value"]) for e in extract_entities("已逾期３０天，请还款５０００元")]
    [('overdue_days', 30), ('amount', 5000.0)]
    """
    if not raw or raw.isspace():
        return []
    view = entity_view(raw)
    t = view.text
    cl = _Claims(len(t))
    hits: list[_Hit] = []
    # finders whose every pattern needs a digit (or a "." / "://" for URLs) are
    # skipped on texts without one: they would find nothing and claim nothing
    digits = _ANY_DIGIT.search(t) is not None
    if digits and not t.isascii() and _OTHER_DIGIT.search(t):
        # a decimal digit of another script that NFKC keeps (Garay 𐵀, Adlam …): the patterns' \d
        # would match it and int()/float() may not read it (Python's Unicode tables can be older
        # than the regex module's); it is no number of a Chinese message, so it is blanked 1:1
        t = _OTHER_DIGIT.sub("\u25a1", t)
        digits = _ANY_DIGIT.search(t) is not None
    if "." in t or "://" in t:
        _find_urls(t, cl, hits)
    _find_cases(t, cl, hits)
    if digits:
        _find_ids(t, cl, hits)
        _find_cards(t, cl, hits)
    _find_handles(t, cl, hits)
    if digits or _has_cn_digit(t):
        _find_phones(t, cl, hits, digits)
    _find_lenders(t, cl, hits)
    _find_deadlines(t, now, cl, hits)
    _find_overdue(t, cl, hits)
    commas = frozenset(i for i, c in enumerate(t) if c == "," and raw[view.raw_span(i, i + 1)[0]] == ",") if (
        "," in t
    ) else frozenset()
    _find_amounts(t, cl, hits, digits, commas)
    hits.sort(key=lambda h: (h.start, h.end))
    out: list[dict[str, Any]] = []
    for h in hits:
        s, e = view.raw_span(h.start, h.end)
        text = raw[s:e]
        value = h.value
        if h.type in ("account_handle", "url", "case_number", "lender"):
            value = unicodedata.normalize("NFKC", value)
        if mask:
            if h.type in _IDENTIFIERS:
                text = _mask_value(h.type, text)
                value = _mask_value(h.type, value)
            elif h.type == "case_number":  # an identifier too: first and last 4 digits (_mask.py)
                text = _mask_digits(text)
                value = _mask_digits(value)
            elif h.type == "url":  # a phone or ID number in the query string (?phone=138…)
                text = mask_identifiers(text)
                value = mask_identifiers(value)
        out.append({"type": h.type, "start": s, "end": e, "text": text, "value": value})
    return out
