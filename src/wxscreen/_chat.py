"""Pasted WeChat chats: split into messages, attribute speakers, screen each.

Layouts recognised (DOMAIN.md §6.2–§6.3):

* a speaker header with a timestamp (``张先生 2024/5/3 14:22``,
  ``李专员 @XX金融 2024-05-03 14:22:10``, ``XX客服 2024年5月3日 14:22``,
  ``张先生 昨天 20:15``), or the time first (``2024-05-03 14:22:10 张先生``),
  in brackets (``客服（14:22）``) or followed by a colon
  (``客服 2024-05-04 14:22:``), the message on the next lines;
* inline messages with a time (``[2024-05-03 14:22:10] 张先生: 话``,
  ``2024-05-03 14:22 张先生：话``), also with the time after the name
  (``客服 14:22：话``, ``客服 2024-05-04 14:22：话``, ``客服（14:22）：话``); a
  lone ``名字 14:22：话`` line with no other chat structure is message text;
* a speaker header ending in a colon (``李专员:`` / ``李专员：``) with the
  message on the next lines, or inline (``李专员：您好…``) when the name is a
  known speaker (used twice, seen in a header or a record title, or carrying
  an ``@企业简称`` suffix) and not a field label such as ``户名：`` or ``账号：``;
* the two mixed: after timed headers, an inline ``名字：话`` line starts a
  message only when the name is a known speaker — seen in a header, named by
  ``你已添加了X``, used inline twice, or 我 — so ``户名：张三`` or
  ``注意：…`` stay message text, and so does such a line straight under a
  header (a salutation: ``王经理 14:05`` then ``张先生：您好，…``); an inline
  message takes the time of the header above it;
* centred time separators (``14:22``, ``昨天 20:15``, ``星期三 09:10``,
  ``5月3日 14:22``, ``2023年5月3日 14:22``, ``下午 3:05``), which set the time of
  the messages that follow;
* the phone-screenshot / copy layout: an optional time line, a name line on
  its own with no colon (``客服小林``, ``我``), the message lines, optionally
  a status line (``已读``, ``未读``, ``已送达``, ``送达``: dropped, never text
  nor a speaker); name lines may come without a time line. Read only in a
  paste with no other speaker headers, when name lines recur as the heads of
  blocks or follow time lines (:func:`_phone_names`), so a letter with a
  heading or a message of short lines is not re-read. A status line ending a
  message in another layout is dropped too;
* WeChat system lines (以上是打招呼的内容, 你已添加了…, 对方为企业微信用户…,
  the anti-fraud banners, recalls, pats), dropped from classification;
* multi-line messages, blank lines inside a message, and placeholders
  ([图片], [语音], [链接], [转账] ¥500.00, [转账]已收款, [红包], [文件], [表情],
  emoji codes such as [抱拳], call records), kept in the message text but
  blanked out before the message is screened (a transfer card's amount,
  ``¥500.00``, stays visible), so a placeholder never makes a message risky by
  itself;
* merged forwarded records: a ``[聊天记录]`` line (optionally followed by a
  title line ``XX和YY的聊天记录``) or a title line alone opens a record whose
  messages are one level deeper (``depth`` + 1; records nest). An indented
  record ends at the first line indented no deeper than its marker; a record
  that is not indented ends at a system line, or at a header or time separator
  whose time is not earlier than the time of the message that carried the
  record, or at a header in the outer layout when the record uses another one
  (``名字：`` inside, ``名字 时间`` outside); after a blank line, at the header
  of a speaker its title (``A和B的聊天记录``) does not name, and, for a record
  copied with no blank line inside, at a header in the outer chat's layout
  once the outer chat has shown one. Otherwise a non-indented record with no
  times and the same header layout as the outer chat runs to the end of the
  paste: the paste cannot tell them apart;
* quoted replies: a ``「名字：引用内容」`` block (optionally followed by a
  ``- - - - -`` line) at the start or end of a message, or a
  ``引用 名字 的消息：…`` line, becomes the message's ``quote`` and is left
  out of its ``start``/``end``; a quote in the middle of a message stays in
  its text but is blanked out before screening. A quote standing alone with
  no speaker before the next message (``引用 王经理 的消息：…`` above
  ``我：…``) becomes that message's ``quote``. Either way the quoted words
  are never screened as the replier's.

Text with no chat structure is one message with no speaker.

Times: a header or separator with a full date resolves on its own; relative
forms (``昨天``, ``前天``, ``星期三``, ``5月3日`` — in the most recent year that
does not put it after ``now`` —, a bare ``14:22``) resolve only against
``now``, and a bare time takes the date of the last dated header or
separator above it; with none, it is today's (``now``'s date), or
yesterday's when it is later in the day than ``now`` (``[14:22]`` read at
10:00). 上午/下午/晚上/凌晨/中午 shift the hour. Unresolvable
times are ``None``. Resolved times carry ``now``'s ``tzinfo`` when ``now`` is
given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import regex

from ._clock import NIGHT, PARTS_OF_DAY, wall_clock
from ._errors import InvalidInputError
from ._models import RISKY_LABELS, ChatMessage, ChatQuote, ChatScreening, Label, Screening

if TYPE_CHECKING:  # _screener imports the model machinery; screen_chat imports it when called
    from ._screener import Screener

__all__ = ["ParsedMessage", "parse_chat", "screen_chat"]

# the parts of the day a timestamp may carry: one list with the deadline finders (_clock.py)
_AMPM = "(?:" + "|".join(sorted(PARTS_OF_DAY, key=len, reverse=True)) + ")"
_NIGHT_WORDS = "|".join(p for p in NIGHT if p in PARTS_OF_DAY)
_CLOCK = r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
_TS_FULL = (
    rf"(?:\d{{4}}[/\-.]\d{{1,2}}[/\-.]\d{{1,2}}|\d{{4}}年\d{{1,2}}月\d{{1,2}}日)\s*{_AMPM}?\s*{_CLOCK}"
)
_DAY_WORD = r"(?:昨天|前天|今天|星期[一二三四五六日天]|周[一二三四五六日天]|\d{1,2}月\d{1,2}日)"
_TS_DAY = rf"{_DAY_WORD}\s*{_AMPM}?\s*{_CLOCK}"
_TS_BARE = rf"{_AMPM}?\s*{_CLOCK}"
_TS_ANY = rf"(?:{_TS_FULL}|{_TS_DAY}|{_TS_BARE})"
_SEPARATOR = regex.compile(rf"^(?:{_TS_ANY})$")
# Date-only separators that exports draw between days: "—— 2024-05-03 ——".
_DATE_LINE = regex.compile(
    r"^[-—–=~·*\s]*(?P<date>\d{4}[/\-.]\d{1,2}[/\-.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)"
    r"(?:\s*(?:星期|周)[一二三四五六日天])?[-—–=~·*\s]*$"
)
# Inline messages with their time: "[2024-05-03 14:22:10] 张先生: 话", "2024-05-03 14:22 张先生：话".
_INLINE_TS = regex.compile(
    rf"^(?:[\[【(（](?P<ts>{_TS_ANY})[\]】)）]|(?P<ts2>{_TS_FULL}))\s*"
    r"(?P<name>[^\s:：\[【「][^:：\n「」]{0,30}?)\s*[:：]\s*(?P<body>\S.*)$"
)
# Inline messages with the time after the name: "客服 14:22：话", "客服 2024-05-04 14:22：话", "客服（14:22）：话".
# The first form with a bare or relative time (ts) is weak evidence of a chat on its own ("会议 14:00：…");
# a body of two digits alone is the seconds of a header ("张三 2024-05-02 11:00:00").
_INLINE_NAME_TS = regex.compile(
    rf"^(?P<name>[^\s:：\[【「(（，。！？\d][^:：\n「」()（），。！？]{{0,30}}?(?:[(（][^()（）\n:：]{{1,12}}[)）])?)"
    rf"(?:\s+(?P<ts>{_TS_ANY})|\s*[(（](?P<ts2>{_TS_ANY})[)）])\s*[:：]\s*(?P<body>(?!\d{{2}}\s*$)\S.*)$"
)
_NAME_CHARS = r"[^\s:：「」\[\]，。！？；、(（][^\n:：「」，。！？；]{0,39}?"
_BRACKET_NAME = r"【[^】\n]{1,20}】[^\n:：，。！？]{0,30}?"
# The time after the name, or in brackets after it ("客服（14:22）"), optionally with a colon
# ("客服 2024-05-04 14:22:").
_HEADER_TS = regex.compile(
    rf"^(?P<name>{_NAME_CHARS}|{_BRACKET_NAME})(?:\s+(?P<ts>{_TS_ANY})|\s*[(（](?P<ts>{_TS_ANY})[)）])\s*[:：]?$"
)
_HEADER_TS_FIRST = regex.compile(rf"^(?P<ts>{_TS_FULL})\s+(?P<name>[^\s:：\[「][^\n:：，。！？]{{0,39}}?)$")
_HEADER_COLON = regex.compile(r"^(?P<name>[^\s:：\[【「，。！？\d][^:：\n，。！？]{0,30}?)\s*[:：]$")
_INLINE_COLON = regex.compile(
    r"^(?P<name>[^\s:：\[【「，。！？\d][^:：\n，。！？「」]{0,16}?)\s*[:：]\s*(?P<body>\S.*)$"
)
# Words that end a line with a colon in message text but are never speakers.
_FIELD_LABEL = regex.compile(
    r"^(?:户名|收款人|收款方|收款账户|收款账号|收款卡号|账户名?|帐户名?|账号|帐号|卡号|银行卡号?|开户行|开户银行|开户名|银行|"
    r"金额|备注|微信号?|QQ号?|qq号?|电话|手机号?|联系电话|联系方式|地址|姓名|身份证号?|时间|日期|注意|注意事项|提示|"
    r"温馨提示|重要提示|特别提醒|提醒|通知|说明|方式|网址|链接|验证码|订单号|合同编号|借款编号|案件编号|欠款金额|"
    r"应还金额|本金|利息|罚息|逾期天数|还款方式|还款账户|支付宝|原因|问题|答|问|PS|ps|Tips|tips|附|另|例如|比如|原话|"
    r"步骤\S{0,3}|第\S{1,3}步|如下|以下|方案\S{0,3}|.*(?:如下|以下|账户|账号|方式|金额|号码|日期|时间|地址|注意))$"
)
# Header names that are really message text ending in a time ("请在今天 18:00").
_NOT_A_NAME = regex.compile(
    r"(?:今天|明天|后天|今晚|明晚|本周|下周|周末|之前|以前|截止|截至|最晚|务必|请在|请于|[前于在到至从等约])$"
    r"|^(?:周|星期|礼拜)[一二三四五六日天]$|^(?:今天|明天|后天|昨天|上午|下午|晚上|中午|早上|凌晨)$"
)
_SYSTEM = regex.compile(
    r"以上是打招呼的?内容|现在可以开始聊天了|对方为企业微信用户|添加我的企业微信与我联系吧|"
    r"撤回了一条消息|^以下为新消息$|消息已发出，但被对方拒收了|对方开启了朋友验证|邀请.{1,30}加入了群聊|"
    r"与群里其他人都不是朋友关系|^\S{1,20}拍了拍\S{0,20}$|如果陌生人主动添加你|与对方发生资金往来可能存在风险|"
    r"我通过了你的朋友验证请求|^(?:你|对方)已添加了|^你已添加了|修改群名为|^\S.{0,30}开启了朋友验证"
)
_ADDED = regex.compile(r"^你已添加了(?P<name>\S[^，,。]{0,39}?)\s*(?:[，,。]|$)")
_RECALL = regex.compile(r"^[\"“]?(?P<name>.{1,30}?)[\"”]?\s*撤回了一条消息$")
_RECORD = regex.compile(r"^\[聊天记录\]$")
_TITLE = regex.compile(r"^(?P<t>.{1,40}?)的聊天记录$")
_TITLE_NAMES = regex.compile(r"^(?P<a>[^和与]{1,20})[和与](?P<b>[^和与]{1,20})$")
_QUOTE_OPEN = regex.compile(r"^「(?P<name>[^「」:：\n]{1,30})[:：]")
_QUOTE_LINE = regex.compile(r"^(?:\[引用\]\s*|引用\s*)(?P<name>[^\s:：].{0,30}?)\s*(?:的消息)?\s*[:：]\s*(?P<body>.+)$")
_DASHES = regex.compile(r"^[-－—–\s]{5,}$")
_INNER_QUOTE = regex.compile(r"「[^「」\n:：]{1,30}[:：][^「」]*」")
# Placeholders for non-text messages and WeChat emoji codes ([微笑], [OK]).
_PLACEHOLDER = regex.compile(r"\[[\p{Han}A-Za-z]{1,4}\]")
# Lines that are only a transfer / red-packet / call card.
_CARD_LINE = regex.compile(
    r"^(?:\[(?:转账|红包)\]\s*)?(?:请你确认收款|请确认收款|请收款|已被接收|朋友已确认收款|待确认收款|已收款|已收钱|已领取|"
    r"已退还|转账给你|转账给\S{1,12}|你已收款|恭喜发财，?大吉大利！?)?\s*(?:[¥￥]\s*\d[\d,]*(?:\.\d{1,2})?)?$"
    r"|^(?:语音通话|视频通话)?\s*(?:通话时长\s*\d{1,2}:\d{2}(?::\d{2})?|已取消|对方已取消|对方已拒绝|已拒绝|对方无应答|未接听)$"
)
_CARD_AMOUNT = regex.compile(r"[¥￥]\s*\d[\d,]*(?:\.\d{1,2})?")
_WEEKDAYS = "一二三四五六日"
# Delivery status under a bubble in a phone screenshot or copy ("已读", "未读", "已送达", "送达"):
# screen furniture, never message text, never a speaker.
_STATUS = regex.compile(r"^(?:对方)?(?:已读|未读|已送达|送达)$")
# A name line on its own (phone layout: "客服小林" above the bubble): short, no sentence
# punctuation, no digits first, no brackets or URL.
_NAME_LINE = regex.compile(
    r"^[^\s\d\[【「(（<《#@*\-—·•…][^，。！？,.!?；;：:、…\"“”'‘’「」\[\]【】()（）/\\<>《》~～]{0,11}$"
)
# Short replies that stand alone on a line as a whole message, not names.
_SHORT_REPLY = regex.compile(
    r"^(?:好|好的|好滴|好吧|嗯|嗯嗯|哦|哦哦|噢|啊|对|对的|是|是的|是啊|行|行吧|可以|收到|知道了|明白|明白了|谢谢|谢谢你|"
    r"多谢|没有|没|不是|不行|不用|不要|在|在的|在吗|你好|您好|hi|Hi|hello|Hello|ok|OK|Ok|嗯呢|哈哈|哈哈哈|晚安|早|早上好|"
    r"辛苦了|再见|拜拜|稍等|马上|等等|什么|啥|为什么|怎么了|真的|真的吗|算了|不会|会的|放心|没问题|同意|不同意|转账|红包)$"
    r"|[吗呢吧啊呀哦嘛啦了么哈嗯噢]$|^(?:我|你|他|她|您)[^们]"
)
_BORROWER_NAMES = frozenset({"我", "我自己", "本人", "me", "Me", "ME"})


@dataclass(frozen=True)
class ParsedMessage:
    """One message found by :func:`parse_chat` (offsets index the paste).

    Attributes
    ----------
    speaker : str or None
        The display name, when the paste shows one.
    time : datetime or None
        When it was sent, when resolvable.
    start, end : int
        ``text[start:end]`` is the message text (quote excluded).
    depth : int
        0 at top level, 1 inside a forwarded record, 2 inside a record
        forwarded within a record, …
    record : int or None
        Index (in the returned list) of the message that carried the record
        this message belongs to.
    quote : (str or None, int, int) or None
        The quoted speaker and the span of the quoted words.
    is_record : bool
        True for the ``[聊天记录]`` card that opens a record.
    """

    speaker: str | None
    time: dt.datetime | None
    start: int
    end: int
    depth: int = 0
    record: int | None = None
    quote: tuple[str | None, int, int] | None = None
    is_record: bool = False


@dataclass
class _Line:
    a: int
    b: int
    body: str
    s: str  # stripped
    indent: int


@dataclass
class _Pending:
    """Where the message being collected belongs, set when it starts."""

    speaker: str | None = None
    time: dt.datetime | None = None
    depth: int = 0
    record: int | None = None
    is_record: bool = False
    inline_start: int | None = None  # offset after "名字：" on an inline line
    inline_line: _Line | None = None


@dataclass
class _Frame:
    depth: int
    carrier: int | None
    indent: int
    carrier_time: dt.datetime | None
    indented: bool | None = None
    speaker: str | None = None
    when: dt.datetime | None = None
    day: dt.date | None = None
    header_kind: str | None = None
    names: set[str] = field(default_factory=set)
    seen: bool = False  # a line inside the record has been read
    gapped: bool = False  # a blank line stood between two lines inside it


def _indent(body: str) -> int:
    n = 0
    for ch in body:
        if ch == "\t":
            n += 4
        elif ch == "\u3000":
            n += 2
        elif ch.isspace():
            n += 1
        else:
            break
    return n


def _unquote(name: str) -> str:
    return name.strip().strip("“”\"'「」‘’").strip()


def _lead(ln: _Line) -> int:
    return len(ln.body) - len(ln.body.lstrip())


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        out.append(_Line(pos, pos + len(body), body, body.strip(), _indent(body)))
        pos += len(line)
    return out


def _parse_time(
    ts: str, now: dt.datetime | None, day: dt.date | None = None
) -> tuple[dt.datetime | None, dt.date | None]:
    """Resolve a WeChat timestamp; return (datetime or None, the day it sets or None).

    Relative forms need ``now``; a bare clock time takes ``day`` (the last
    dated header or separator) or ``now``'s date, or the day before when that
    puts it after ``now`` (``[14:22]`` read at 10:00 was yesterday's).
    """
    ts = ts.replace("：", ":")
    m = regex.search(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", ts)
    if not m:
        return None, day
    hour, minute, sec = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if hour > 23:
        return None, day  # a WeChat timestamp never says 24:00
    part = regex.search(_AMPM, ts)
    hour, days = wall_clock(hour, part.group() if part else None)  # shared with deadlines (_clock.py)
    if days and part is not None:
        # 晚上12:00 (or 0:00) is midnight at the end of that day, i.e. 00:00 of the next one;
        # 晚上1:30 is 01:30 of the next one
        clock = f"{hour:02d}:" + m.group(0).split(":", 1)[1]
        plain = regex.sub(_NIGHT_WORDS, "", ts.replace(m.group(0), clock, 1))
        when, sets = _parse_time(plain, now, day)
        if when is None:
            return None, sets
        when += dt.timedelta(days=1)
        if _bare_clock(plain) and day is None and now is not None and when > now:
            when -= dt.timedelta(days=1)  # midnight at the end of yesterday, not of today
        return when, sets
    if hour > 23 or minute > 59 or sec > 59:
        return None, day
    date: dt.date | None = None
    full = regex.search(r"(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})", ts)
    md = regex.search(r"(?<!\d)(\d{1,2})月(\d{1,2})日", ts)
    tz = now.tzinfo if now is not None else None
    try:
        if full:
            date = dt.date(int(full.group(1)), int(full.group(2)), int(full.group(3)))
        elif now is not None:
            today = now.date()
            if md:
                date = dt.date(today.year, int(md.group(1)), int(md.group(2)))
                if date > today:
                    date = dt.date(today.year - 1, date.month, date.day)
            elif "前天" in ts:
                date = today - dt.timedelta(days=2)
            elif "昨天" in ts:
                date = today - dt.timedelta(days=1)
            elif "今天" in ts:
                date = today
            elif wd := regex.search(r"(?:星期|周)([一二三四五六日天])", ts):
                target = _WEEKDAYS.index(wd.group(1).replace("天", "日"))
                back = (today.weekday() - target) % 7 or 7
                date = today - dt.timedelta(days=back)
            else:
                date = day or today
                when = dt.datetime(date.year, date.month, date.day, hour, minute, sec, tzinfo=tz)
                if day is None and when > now:
                    # a time of day later than now, with no dated line above, was yesterday's
                    when -= dt.timedelta(days=1)
                return when, day
        elif day is not None and not md and not regex.search(r"天|星期|周", ts):
            return dt.datetime(day.year, day.month, day.day, hour, minute, sec), day
    except ValueError:
        return None, day
    if date is None:
        return None, None if (md or regex.search(r"天|星期|周", ts)) else day
    return dt.datetime(date.year, date.month, date.day, hour, minute, sec, tzinfo=tz), date


def _bare_clock(ts: str) -> bool:
    """A time of day with no date or day word (``14:22``, ``下午 2:22``)."""
    return not regex.search(r"\d{4}[/\-.年]|月|天|星期|周", ts)


def _is_sep(s: str) -> bool:
    return bool(_SEPARATOR.match(s) or _decorated_date(s))


def _decorated_date(s: str) -> bool:
    """A date-only line drawn as a separator ("—— 2024-05-03 ——"); a bare date may be message text."""
    m = _DATE_LINE.match(s)
    return bool(m) and len(s.strip()) > len(m.group("date")) + 2


def _inline_ts(s: str) -> regex.Match[str] | None:
    m = _INLINE_TS.match(s) or _INLINE_NAME_TS.match(s)
    return m if m and _is_name(m.group("name")) else None


def _weak_inline(m: regex.Match[str]) -> bool:
    """An inline ``名字 14:22：话`` line (time after the name, not bracketed, no full date).

    One such line alone is not a chat ("会议 14:00：讨论还款" may be message text);
    it starts a message only in a paste with other chat structure or a second one.
    """
    ts = m.group("ts")
    return m.re is _INLINE_NAME_TS and ts is not None and not regex.fullmatch(_TS_FULL, ts.strip())


def _is_name(name: str) -> bool:
    name = name.strip()
    return bool(name) and not (
        _FIELD_LABEL.match(name) or _NOT_A_NAME.search(name) or _PLACEHOLDER.fullmatch(name)
    )


def _ts_header(s: str) -> tuple[str, str] | None:
    m = _HEADER_TS.match(s) or _HEADER_TS_FIRST.match(s)
    if not m:
        return None
    name = m.group("name").strip()
    if not _is_name(name) or _SEPARATOR.match(name) or _RECORD.match(name) or _CARD_LINE.match(s):
        return None
    return name, m.group("ts")


def _colon_name(s: str) -> tuple[str, str] | None:
    m = _HEADER_COLON.match(s)
    return (m.group("name").strip(), "") if m and _is_name(m.group("name")) else None


def _name_line(s: str) -> bool:
    """A line that may be a speaker's name on its own (phone layout): ``客服小林``, ``我``, ``小雨``."""
    return bool(
        _NAME_LINE.match(s)
        and (s in _BORROWER_NAMES or not _SHORT_REPLY.search(s))
        and _is_name(s)
        and not (_is_sep(s) or _STATUS.match(s) or _SYSTEM.search(s) or _CARD_LINE.match(s) or _TITLE.match(s))
        and not regex.search(r"https?|www\.|\d{3}", s)
    )


def _phone_names(lines: list[_Line]) -> set[str]:
    """The speakers of a phone-screenshot / copy layout, or an empty set when the paste is not one.

    The layout: an optional time line (``12:03``, ``2024年5月6日 上午9:12``,
    ``昨天 21:40``), a name line on its own with no colon (``客服小林``,
    ``我``), the message lines, optionally status lines (``已读``, ``未读``,
    ``已送达``, ``送达``). A name line heads a block (a message line follows
    it). It is read conservatively, only in a paste with no other speaker
    headers: a name counts when it heads a block right after a time line or
    heads two blocks or more (我 heading one block counts); the layout needs two such blocks, and either one
    of them right after a time line or two different names (one block right
    after a time line is enough when status lines are present). A letter
    with a short heading, or one message split over short lines, is not
    re-read.
    """
    rows = [ln.s for ln in lines if ln.s]
    heads: list[tuple[str, bool]] = []
    for k, s in enumerate(rows):
        if not _name_line(s) or k + 1 >= len(rows):
            continue
        nxt = rows[k + 1]
        if nxt == s or _is_sep(nxt) or _STATUS.match(nxt) or _SYSTEM.search(nxt):
            continue
        heads.append((s, k > 0 and _is_sep(rows[k - 1])))
    counts: dict[str, int] = {}
    for name, _ in heads:
        counts[name] = counts.get(name, 0) + 1
    names = {n for n, after_time in heads if after_time} | {n for n, c in counts.items() if c >= 2}
    names |= {n for n in counts if n in _BORROWER_NAMES}  # 我 heading one block is a name
    blocks = [(n, t) for n, t in heads if n in names]
    timed = any(t for _, t in blocks)
    status = any(_STATUS.match(s) for s in rows)
    if (len(blocks) >= 2 and (timed or len({n for n, _ in blocks}) >= 2)) or (len(blocks) == 1 and timed and status):
        return names
    return set()


def parse_chat(text: str, *, now: dt.datetime | None = None) -> list[ParsedMessage]:
    """Split a pasted chat into messages (the layouts of this module's docstring).

    Parameters
    ----------
    text : str
        The pasted block.
    now : datetime, optional
        Resolves relative times (昨天 20:15, 星期三 09:10, 5月3日 14:22, 14:22).

    Returns
    -------
    list of ParsedMessage
        One entry per message, in paste order, with character offsets into
        ``text``; system lines and time separators are not messages. A block
        with no chat structure is one message with speaker ``None``.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"screen_chat() expects str, got {type(text).__name__}")
    lines = _lines(text)
    # Pass 1: which names are speakers. A paste counts as a chat only with real
    # structure: a system line, a time separator, a record marker, or at least
    # two speaker headers. A single line ending in "：" or in a time
    # ("请将还款转到以下账户：", "今天务必还款 18:00") is message text.
    ts_names: dict[str, int] = {}
    full_ts_headers = 0
    colon_names: dict[str, int] = {}
    inline_names: dict[str, int] = {}
    known: set[str] = set()
    added: set[str] = set()  # named by 你已添加了X (a system line, not a header)
    weak_inline: set[str] = set()
    n_weak_inline = 0
    has_frame = False
    n_seps = 0
    first_is_sep: bool | None = None
    for ln in lines:
        s = ln.s
        if not s:
            continue
        if m := _inline_ts(s):
            if _weak_inline(m):
                weak_inline.add(m.group("name").strip())
                n_weak_inline += 1
                continue
            has_frame = True
            known.add(m.group("name").strip())
            continue
        if _is_sep(s):
            # Time separators alone make a chat only when the paste opens with one
            # (or there are headers): "逾期起算日\n2024/5/1 14:00\n以系统为准" is one message.
            n_seps += 1
            first_is_sep = first_is_sep if first_is_sep is not None else True
            continue
        first_is_sep = first_is_sep if first_is_sep is not None else False
        if _SYSTEM.search(s) or _RECORD.match(s):
            has_frame = True
            if m := _ADDED.match(s):
                known.add(m.group("name").strip())
                added.add(m.group("name").strip())
            continue
        if (m := _TITLE.match(s)) and not regex.search(r"[\s，。！？,.!?]", m.group("t")):
            if tm := _TITLE_NAMES.match(m.group("t")):
                has_frame = True
                known.update({_unquote(tm.group("a")), _unquote(tm.group("b"))})
                continue
            if m.group("t") == "群聊":
                has_frame = True
                continue
        if _QUOTE_OPEN.match(s) or _QUOTE_LINE.match(s):
            continue
        if h := _ts_header(s):
            ts_names[h[0]] = ts_names.get(h[0], 0) + 1
            if not regex.fullmatch(_TS_BARE, h[1].strip()):
                full_ts_headers += 1
            continue
        if (m := _HEADER_COLON.match(s)) and _is_name(m.group("name")):
            colon_names[m.group("name").strip()] = colon_names.get(m.group("name").strip(), 0) + 1
            continue
        if (m := _INLINE_COLON.match(s)) and _is_name(m.group("name")):
            inline_names[m.group("name").strip()] = inline_names.get(m.group("name").strip(), 0) + 1
    n_ts = sum(ts_names.values())
    n_headers = full_ts_headers + sum(c for n, c in ts_names.items() if c >= 2) + sum(colon_names.values())
    structured_ok = has_frame or n_headers >= 2 or (n_seps > 0 and (bool(first_is_sep) or n_headers >= 1))
    # Two speakers under bare-time headers (客服 14:22 / 张先生 14:25, as WeChat PC copies
    # today's messages), or a paste that opens with one dated header and has text under it.
    if not structured_ok and len(ts_names) >= 2:
        structured_ok = True
    opening = next((ln.s for ln in lines if ln.s), "")
    if (
        not structured_ok
        and full_ts_headers == 1
        and (h0 := _ts_header(opening))
        and not regex.fullmatch(_TS_BARE, h0[1].strip())
        and sum(1 for ln in lines if ln.s) >= 2
    ):
        structured_ok = True
    known |= {n for n, c in ts_names.items() if c >= 2} | set(colon_names)
    known |= {n for n, c in inline_names.items() if c >= 2 or "@" in n}
    if not structured_ok and len([n for n in inline_names if n in known]) >= 2:
        structured_ok = True
    # "客服 14:22：话" lines: a chat when there are two, or one beside other speaker lines.
    if n_weak_inline and (
        structured_ok or n_weak_inline + n_headers + len([n for n in inline_names if n in known]) >= 2
    ):
        structured_ok = True
        known |= weak_inline
    # In a paste laid out with timed headers, an inline "名字：话" line starts a
    # message only when the name is a known speaker: seen in a header, named by
    # a system line (你已添加了X), used inline twice, or the borrower's 我. Text
    # such as "户名：张三" or "注意：…" stays inside the message.
    ts_inline_ok = known | set(ts_names) | _BORROWER_NAMES
    if not structured_ok and full_ts_headers >= 1 and any(n in ts_names for n in inline_names):
        # One dated header and the same speaker inline further down: a chat.
        structured_ok = True
    # Phone-screenshot / copy layout (time line, name line, message, 已读): only when no other
    # speaker headers were found, so the layouts above are never re-read.
    phone: set[str] = set()
    if not (ts_names or colon_names or (known - added) or n_weak_inline):
        phone = _phone_names(lines)
        structured_ok = structured_ok or bool(phone)

    msgs: list[ParsedMessage] = []
    # A speakerless message that is only a quote, kept to become the next message's quote.
    held: tuple[ParsedMessage, tuple[str | None, int, int]] | None = None
    stack = [_Frame(depth=0, carrier=None, indent=-1, carrier_time=None, indented=False)]
    cur: list[_Line] = []
    meta = _Pending()
    structured = False

    def start_msg(frame: _Frame, is_record: bool = False) -> None:
        nonlocal meta
        meta = _Pending(frame.speaker, frame.when, frame.depth, frame.carrier, is_record)

    def flush() -> None:
        nonlocal cur
        body = [ln for ln in cur]
        cur = []
        if meta.inline_start is not None and body and body[0] is meta.inline_line:
            # An inline "名字：话" line: the message starts after the name.
            first = body[0]
            rest = text[meta.inline_start : first.b]
            body[0] = _Line(meta.inline_start, first.b, rest, rest.strip(), 0)
        while body and not body[0].s:
            body.pop(0)
        while body and not body[-1].s:
            body.pop()
        while len(body) > 1 and _STATUS.match(body[-1].s):
            # "已读" / "未读" under a bubble (WeCom, phone copies): not the message's words
            body.pop()
            while body and not body[-1].s:
                body.pop()
        if not body:
            return
        quote: tuple[str | None, int, int] | None = None
        if not meta.is_record:
            body, quote = _split_quote(body, text)
        a = body[0].a + (len(body[0].body) - len(body[0].body.lstrip()))
        b = body[-1].b - (len(body[-1].body) - len(body[-1].body.rstrip()))
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a >= b:
            return
        msg = ParsedMessage(meta.speaker, meta.time, a, b, meta.depth, meta.record, quote, meta.is_record)
        nonlocal held
        if held is not None:
            if quote is None and not meta.is_record and (held[0].depth, held[0].record) == (meta.depth, meta.record):
                # A quote with no message of its own ("引用 王经理 的消息：…" above "我：…"): the reply's.
                msg = ParsedMessage(meta.speaker, meta.time, a, b, meta.depth, meta.record, held[1])
                held = None
            else:
                msgs.append(held[0])
                held = None
        if (
            msg.quote is None
            and meta.speaker is None
            and not meta.is_record
            and (q := _quote_span(body, text)) is not None
        ):
            held = (msg, q)
            return
        msgs.append(msg)

    def header_time(ts: str, frame: _Frame) -> dt.datetime | None:
        return _parse_time(ts, now, frame.day)[0]

    def closes(frame: _Frame, ln: _Line) -> bool:
        """Whether a non-indented record ends at this line."""
        outer = stack[-2]
        s = ln.s
        if _SYSTEM.search(s):
            return True
        ts: str | None = None
        kind: str | None = None
        if _SEPARATOR.match(s):
            ts = s
        elif im := _inline_ts(s):
            ts, kind = im.group("ts") or im.group("ts2"), "inline"
        elif h := _ts_header(s):
            ts, kind = h[1], "ts"
        elif (m := _HEADER_COLON.match(s)) and m.group("name").strip() in known:
            kind = "colon"
        elif (m := _INLINE_COLON.match(s)) and m.group("name").strip() in known:
            kind = "inline"
        if ts is not None and frame.carrier_time is not None:
            t = header_time(ts, outer)
            if t is not None and t >= frame.carrier_time:
                return True
        return (
            kind is not None
            and frame.header_kind is not None
            and outer.header_kind is not None
            and kind == outer.header_kind
            and kind != frame.header_kind
        )

    def gap_closes(frame: _Frame, ln: _Line) -> bool:
        """Whether a non-indented record ends at this header, which follows a blank line.

        A record whose title names its two speakers ends at a blank line
        followed by the header of a speaker the title does not name
        (``张先生和客服的聊天记录`` then a blank line and ``老婆 …``), in the
        outer chat's header layout or while the outer chat has shown none. A
        record copied as a compact block (no blank line between its lines so
        far) ends at a blank line followed by a header in the outer chat's
        layout once the outer chat has shown one. A blank line then a speaker
        the title names, with no outer layout to compare, stays inside: the
        record may just space its own messages.
        """
        if not frame.seen:
            return False
        s = ln.s
        kind: str | None = None
        name = ""
        if im := _inline_ts(s):
            kind, name = "inline", im.group("name").strip()
        elif h := _ts_header(s):
            kind, name = "ts", h[0]
        elif (m := _HEADER_COLON.match(s)) and m.group("name").strip() in known:
            kind, name = "colon", m.group("name").strip()
        elif (m := _INLINE_COLON.match(s)) and m.group("name").strip() in known:
            kind, name = "inline", m.group("name").strip()
        if kind is None:
            return False
        outer_kind = stack[-2].header_kind
        if frame.names and name not in frame.names and outer_kind in (None, kind):
            return True
        return not frame.gapped and outer_kind == kind

    def opens_message(j: int) -> bool:
        """Whether the next non-blank line from ``lines[j]`` starts a new message or is chat furniture."""
        while j < len(lines) and not lines[j].s:
            j += 1
        if j >= len(lines):
            return True
        t = lines[j].s
        if _SYSTEM.search(t) or _is_sep(t) or _RECORD.match(t) or _ts_header(t) or _inline_ts(t):
            return True
        if t in phone or (phone and _STATUS.match(t)):
            return True
        m = _HEADER_COLON.match(t) or _INLINE_COLON.match(t)
        return bool(m and _is_name(m.group("name")) and m.group("name").strip() in known | stack[-1].names)

    def name_heads(j: int) -> bool:
        """Whether a phone-layout name line above ``lines[j]`` heads a message (a message line follows)."""
        while j < len(lines) and not lines[j].s:
            j += 1
        if j >= len(lines):
            return False
        t = lines[j].s
        return not (t in phone or _is_sep(t) or _STATUS.match(t) or _SYSTEM.search(t))

    def header_next(j: int) -> bool:
        """Whether the next non-blank line from ``lines[j]`` is a speaker header or a time separator."""
        while j < len(lines) and not lines[j].s:
            j += 1
        if j >= len(lines):
            return False
        t = lines[j].s
        m = _HEADER_COLON.match(t)
        return bool(_is_sep(t) or _ts_header(t) or _inline_ts(t) or (m and m.group("name").strip() in colon_names))

    in_quote = 0
    blank_before = False  # a blank line just above this one
    just_header = False  # the previous non-blank line was a timed header
    i = 0
    while i < len(lines):
        ln = lines[i]
        i += 1
        s = ln.s
        if not s:
            blank_before = True
            if cur:
                cur.append(ln)
            continue
        after_header, just_header = just_header, False
        gap, blank_before = blank_before, False
        # Close forwarded records this line is outside of.
        while len(stack) > 1 and not in_quote:
            fr = stack[-1]
            if fr.indented is None:
                fr.indented = ln.indent > fr.indent
                break
            if (fr.indented and ln.indent <= fr.indent) or (not fr.indented and closes(fr, ln)):
                flush()
                stack.pop()
                continue
            if not fr.indented and gap and gap_closes(fr, ln):
                flush()
                stack.pop()
                gap = False  # one blank line ends one record
                continue
            break
        fr = stack[-1]
        if len(stack) > 1 and not fr.indented:
            fr.gapped = fr.gapped or (gap and fr.seen)
            fr.seen = True
        if in_quote:
            cur.append(ln)
            in_quote = 0 if s.endswith("」") else in_quote - 1
            continue
        if _SYSTEM.search(s):
            flush()
            structured = True
            continue
        if phone and _STATUS.match(s):
            # 已读 / 未读 / 已送达 under a bubble: ends the message, is no part of it.
            flush()
            continue
        if s in phone and name_heads(i):
            flush()
            structured = True
            fr.speaker = s
            fr.header_kind = fr.header_kind or "name"
            continue
        # A quote opens a block that may span lines; it belongs to the current message.
        if _QUOTE_OPEN.match(s) or _QUOTE_LINE.match(s):
            if not cur:
                start_msg(fr)
            cur.append(ln)
            if _QUOTE_OPEN.match(s) and not s.endswith("」"):
                in_quote = 12
            continue
        inline_rec = _INLINE_COLON.match(s)
        is_rec = bool(_RECORD.match(s)) or bool(
            inline_rec and _RECORD.match(inline_rec.group("body").strip()) and _is_name(inline_rec.group("name"))
        )
        title = _TITLE.match(s)
        if title and not is_rec:
            # A title line alone opens a record only when it reads like one
            # ("A和B的聊天记录", "群聊的聊天记录") and a message or an indented
            # line follows; "这是他发给我的聊天记录" is message text.
            t = title.group("t")
            nxt = next((x for x in lines[i:] if x.s), None)
            title_ok = (
                structured_ok
                and (bool(_TITLE_NAMES.match(t)) or t == "群聊")
                and not regex.search(r"[\s，。！？,.!?]", t)
                and nxt is not None
                and (nxt.indent > ln.indent or opens_message(i))
            )
            title = title if title_ok else None
        if is_rec or title:
            flush()
            structured = True
            if inline_rec and not _RECORD.match(s):
                fr.speaker = inline_rec.group("name").strip()
            start_msg(fr, is_record=True)
            cur.append(ln)
            if inline_rec and not _RECORD.match(s):
                meta.inline_start = ln.a + _lead(ln) + inline_rec.start("body")
                meta.inline_line = ln
            names: set[str] = set()
            if is_rec:
                j = i
                while j < len(lines) and not lines[j].s:
                    j += 1
                if j < len(lines) and (tt := _TITLE.match(lines[j].s)):
                    cur.extend(lines[i : j + 1])
                    i = j + 1
                    title = tt
            if title and (tm := _TITLE_NAMES.match(title.group("t"))):
                names = {_unquote(tm.group("a")), _unquote(tm.group("b"))}
            carrier = len(msgs)
            carrier_time = fr.when
            flush()
            if len(msgs) == carrier:  # pragma: no cover - the card always has text
                continue
            stack.append(
                _Frame(depth=fr.depth + 1, carrier=carrier, indent=ln.indent, carrier_time=carrier_time, names=names)
            )
            continue
        if (im := _inline_ts(s)) and (structured_ok or not _weak_inline(im)):
            flush()
            structured = True
            fr.speaker = im.group("name").strip()
            fr.when, fr.day = _parse_time(im.group("ts") or im.group("ts2"), now, fr.day)
            fr.header_kind = fr.header_kind or "inline"
            start_msg(fr)
            cur.append(ln)
            meta.inline_start = ln.a + _lead(ln) + im.start("body")
            meta.inline_line = ln
            continue
        plain_date = bool(_DATE_LINE.match(s)) and not _decorated_date(s) and header_next(i)
        if structured_ok and (_is_sep(s) or plain_date) and not (cur and fr.header_kind and not opens_message(i)):
            # (A time alone on a line inside a message of a paste laid out with
            # speaker headers, and not followed by one, is message text: "最晚今天\n18:00\n之前…".)
            flush()
            structured = True
            if dm := _DATE_LINE.match(s):
                fr.when, fr.day = None, _parse_time(dm.group("date") + " 00:00", now)[1]
            else:
                # A bare clock separator is today's (WeChat dates older ones), or yesterday's
                # when later than now.
                fr.when, fr.day = _parse_time(s, now, None)
            fr.speaker = None
            continue
        h = _ts_header(s) if structured_ok else None
        if h and (
            n_ts >= 2 or ts_names.get(h[0], 0) >= 2 or not regex.fullmatch(_TS_BARE, h[1].strip()) or h[0] in known
        ):
            flush()
            structured = True
            fr.speaker = h[0]
            fr.when, fr.day = _parse_time(h[1], now, fr.day)
            fr.header_kind = fr.header_kind or "ts"
            just_header = True
            continue
        # In a paste laid out with timed headers, a lone "名字：" line is a
        # salutation inside a message ("冯先生：" then the letter), not a header.
        # A "名字：" line straight before another header has no message: it is
        # text ("帮我看看这个：" above a pasted chat).
        m = _HEADER_COLON.match(s) if structured_ok and fr.header_kind != "ts" else None
        if m and _is_name(m.group("name")) and not header_next(i):
            flush()
            structured = True
            fr.speaker = m.group("name").strip()
            fr.header_kind = fr.header_kind or "colon"
            continue
        m = _INLINE_COLON.match(s) if structured_ok or fr.header_kind != "ts" else None
        if m and _is_name(m.group("name")):
            name = m.group("name").strip()
            # In a chat already laid out as "名字：话", a new short name is a speaker too.
            newcomer = fr.header_kind == "inline" and len(name) <= 10 and not regex.search(r"[说讲问道称]$", name)
            speakers = ts_inline_ok if fr.header_kind == "ts" else known
            if fr.header_kind == "ts" and after_header:
                # "王经理 14:05" then "张先生：您好，…": a salutation opening the header's message.
                speakers = set()
            if name in speakers or name in fr.names or newcomer:
                flush()
                structured = True
                fr.speaker = name
                fr.header_kind = fr.header_kind or "inline"
                start_msg(fr)
                cur.append(ln)
                meta.inline_start = ln.a + _lead(ln) + m.start("body")
                meta.inline_line = ln
                continue
        if not cur:
            start_msg(fr)
        cur.append(ln)
    flush()
    if held is not None:
        msgs.append(held[0])
    if not structured or not msgs:
        stripped = text.strip()
        if not stripped:
            return []
        start = text.index(stripped)
        return [ParsedMessage(None, None, start, start + len(stripped))]
    return msgs


def _quote_block(block: list[_Line], text: str) -> tuple[str | None, int, int] | None:
    """The quoted speaker and words of a block that is one quote (``引用 X 的消息：…`` or ``「X：…」``)."""
    first = block[0]
    if m := _QUOTE_LINE.match(first.s) if len(block) == 1 else None:
        off = first.a + (len(first.body) - len(first.body.lstrip()))
        return m.group("name").strip(), off + m.start("body"), off + m.end("body")
    m = _QUOTE_OPEN.match(first.s)
    if not m or not block[-1].s.endswith("」"):
        return None
    off = first.a + (len(first.body) - len(first.body.lstrip()))
    a = off + m.end()
    while a < len(text) and text[a] == " ":
        a += 1
    last = block[-1]
    b = last.a + len(last.body.rstrip()) - 1
    return m.group("name").strip(), a, max(a, b)


def _quote_span(body: list[_Line], text: str) -> tuple[str | None, int, int] | None:
    """The quote when a message's lines are one quote block and nothing else (dash lines aside)."""
    while body and (not body[-1].s or _DASHES.match(body[-1].s)):
        body = body[:-1]
    if not body:
        return None
    if len(body) == 1 and _QUOTE_LINE.match(body[0].s):
        return _quote_block(body, text)
    if not _QUOTE_OPEN.match(body[0].s) or any(ln.s.endswith("」") for ln in body[:-1]) or len(body) > 12:
        return None
    return _quote_block(body, text)


def _split_quote(body: list[_Line], text: str) -> tuple[list[_Line], tuple[str | None, int, int] | None]:
    """Take a quote block off the start or the end of a message's lines."""

    def quote_span(block: list[_Line]) -> tuple[str | None, int, int] | None:
        return _quote_block(block, text)

    def strip_blank(ls: list[_Line]) -> list[_Line]:
        while ls and (not ls[0].s or _DASHES.match(ls[0].s)):
            ls = ls[1:]
        while ls and (not ls[-1].s or _DASHES.match(ls[-1].s)):
            ls = ls[:-1]
        return ls

    # Quote at the start: 「name：…」 (possibly several lines) or 引用 line.
    if _QUOTE_LINE.match(body[0].s):
        rest = strip_blank(body[1:])
        q = quote_span(body[:1])
        if rest and q:
            return rest, q
    if _QUOTE_OPEN.match(body[0].s):
        for j, ln in enumerate(body[:12]):
            if ln.s.endswith("」"):
                rest = strip_blank(body[j + 1 :])
                q = quote_span(body[: j + 1])
                if rest and q:
                    return rest, q
                break
    # Quote at the end.
    if _QUOTE_LINE.match(body[-1].s):
        rest = strip_blank(body[:-1])
        q = quote_span(body[-1:])
        if rest and q:
            return rest, q
    if body[-1].s.endswith("」"):
        for j in range(len(body) - 1, max(-1, len(body) - 13), -1):
            if _QUOTE_OPEN.match(body[j].s):
                rest = strip_blank(body[:j])
                q = quote_span(body[j:])
                if rest and q:
                    return rest, q
                break
    return body, None


def _screen_view(text: str) -> str:
    """The message as the screener sees it: placeholders, cards and quotes blanked, same length."""
    out = list(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if not out[k].isspace():
                out[k] = " "

    pos = 0
    for line in text.splitlines(keepends=True):
        s = line.strip()
        if s and _CARD_LINE.match(s):
            # The card's words go; its amount (¥500.00) stays visible, it is a fact.
            amount = _CARD_AMOUNT.search(line)
            if amount:
                blank(pos, pos + amount.start())
                blank(pos + amount.end(), pos + len(line))
            else:
                blank(pos, pos + len(line))
        pos += len(line)
    for m in _PLACEHOLDER.finditer(text):
        blank(m.start(), m.end())
    for m in _INNER_QUOTE.finditer(text):
        blank(m.start(), m.end())
    return "".join(out)


def _to_block(res: Screening, offset: int, shown: str) -> Screening:
    """Move every span of a message's Screening from message to block offsets.

    Flags get ``offset`` added and their evidence re-read from the message as
    shown (so a blanked placeholder never leaks into evidence). Any other list
    field of span-carrying items (``start``/``end``, e.g. entities) is shifted
    the same way, so every offset in a chat's output indexes the pasted block.
    """
    update: dict[str, object] = {}
    for name in type(res).model_fields:
        items = getattr(res, name)
        if not isinstance(items, list) or not items:
            continue
        if not all(hasattr(x, "start") and hasattr(x, "end") and hasattr(x, "model_copy") for x in items):
            continue
        moved = []
        for x in items:
            change: dict[str, object] = {"start": x.start + offset, "end": x.end + offset}
            if name == "flags":
                change["evidence"] = shown[x.start : x.end]
            moved.append(x.model_copy(update=change))
        update[name] = moved
    return res.model_copy(update=update) if update else res


def _infer_borrower(
    text: str, parsed: list[ParsedMessage], results: list[Screening], views: list[str] | None = None
) -> tuple[str | None, str | None]:
    """Return ``(borrower, guess)``: the speaker who is not the sender, or None and the likelier one.

    Structural hints first (DOMAIN.md §6.3): a speaker called 我; not a WeCom
    ``@`` account, not whoever ``你已添加了X`` names or recalls a message by
    name, not whoever sent ``我通过了你的朋友验证请求``; a candidate who forwards
    their own chat with another speaker, unless that candidate's own top-level
    messages carry a flag, ask for money or an account, or introduce
    themself. Then the cue scores of
    :mod:`wxscreen._borrower`; when no speaker leads by its margin the borrower
    is None and ``guess`` names the likelier one. ``views`` are the messages as
    screened (placeholders blanked); by default the raw message text.
    """
    from ._borrower import SpeakerCues, message_cues, rank_speakers, role_name

    names = list(dict.fromkeys(p.speaker for p in parsed if p.depth == 0 and p.speaker))
    for n in names:
        if n in _BORROWER_NAMES:
            return n, None
    if len(names) < 2:
        return None, None
    not_me: set[str] = {n for n in names if "@" in n}
    for ln in _lines(text):
        if m := _ADDED.match(ln.s):
            not_me.add(m.group("name").strip())
        elif (m := _RECALL.match(ln.s)) and m.group("name") not in {"你", "对方"}:
            not_me.add(m.group("name").strip())
    prev = ""
    for ln in _lines(text):
        if not ln.s:
            continue
        if regex.search(r"我通过了你的朋友验证请求", ln.s):
            # sent as the other party's first message, under their header (DOMAIN.md §6.3)
            if (h := _ts_header(prev)) or (h := _colon_name(prev)):
                not_me.add(h[0])
        prev = ln.s
    candidates = [n for n in names if n not in not_me] or names
    if len(candidates) == 1:
        return candidates[0], None

    def debt_score(name: str, depth: int | None = 0, record: int | None = None) -> float:
        vals = [
            1.0 - r.scores[Label.OTHER.value]
            for p, r in zip(parsed, results, strict=True)
            if p.speaker == name and not p.is_record and (depth is None or p.depth == depth)
            and (record is None or p.record == record)
        ]
        return sum(vals) / len(vals) if vals else 0.5

    cues = {n: SpeakerCues(role_name=role_name(n), debt=debt_score(n)) for n in candidates}
    for i, (p, r) in enumerate(zip(parsed, results, strict=True)):
        if p.depth or p.is_record or p.speaker not in cues:
            continue
        body = views[i] if views is not None else text[p.start : p.end]
        c = cues[p.speaker]
        c.messages += 1
        flags = getattr(r, "flags", None) or []
        menace = any(getattr(f, "kind", None) == "threat" for f in flags)
        for cue, shown in message_cues(body, bool(flags), menace).items():
            if shown:
                setattr(c, cue, getattr(c, cue) + 1)
        # The paste's owner is the one a risky sender writes to by name (老王，是我 / 张先生，您的借款…);
        # a borrower's own 李专员，宽限几天 does not count: it is rarely risky.
        if getattr(r, "label", None) in RISKY_LABELS:
            for n in candidates:
                if n != p.speaker and regex.match(rf"\s*@?{regex.escape(n)}\s*[,，:：!！]", body):
                    cues[n].addressed_by_risky += 1
    # Someone who forwards their own chat with a lender or collector is the
    # borrower asking for advice: a top-level candidate who, inside a record,
    # is the speaker looking least like collection there. Not when their own
    # top-level messages carry a flag, ask for money or an account, or
    # introduce themself: a sender can forward a record to look credible
    # (这是我跟平台的聊天记录…你把钱先转到我卡上); then the cues decide.
    records = {p.record for p in parsed if p.record is not None}
    owners = set()
    for rec in records:
        inner = {p.speaker for p in parsed if p.record == rec and p.speaker and not p.is_record}
        if len(inner) >= 2:
            owner = min(inner, key=lambda n: debt_score(n, None, rec))
            if owner in candidates:
                owners.add(owner)
    if len(owners) == 1:
        owner = owners.pop()
        if not (cues[owner].request or cues[owner].claim):
            return owner, None
    return rank_speakers(cues)


def screen_chat(
    text: str,
    *,
    me: str | None = None,
    now: dt.datetime | None = None,
    lender: str | None = None,
    screener: Screener | None = None,
) -> ChatScreening:
    r"""Screen a pasted WeChat conversation message by message.

    Parameters
    ----------
    text : str
        The pasted chat (any of the layouts in this module's docstring).
        Surrogate code points (U+D800 to U+DFFF) are read as U+FFFD, as in
        :meth:`Screener.classify`: message text, speakers and evidence show
        U+FFFD there, offsets are unchanged and ``model_dump_json()`` never
        fails.
    me : str, optional
        The borrower's display name as it appears in the paste (it must be one
        of its speakers, see Raises). When omitted,
        the borrower is inferred among the top-level speakers: a speaker called
        我; otherwise not a WeCom ``@`` account, not the person the system line
        ``你已添加了X`` names, not whoever sent ``我通过了你的朋友验证请求``; a
        speaker who forwards their own chat with another (unless that
        speaker's own messages carry a flag, ask for money or an account, or
        introduce themself); among the rest, by
        what each speaker's messages do (``wxscreen._borrower``): the borrower
        doubts (你是谁, 怎么换号了), talks of repaying, answers briefly, is
        addressed; the other side asks for money, accounts, codes or secrecy,
        introduces itself (我换号了), addresses the reader as 张先生/闺女/小陈,
        speaks of the reader's debt, bears a role or kinship remark name
        (李专员, 周总, 妈) and writes like a collector. When no speaker leads by
        a clear margin nobody is the borrower (every message is screened) and
        ``borrower_guess`` names the likelier one. With fewer than two speakers
        and no such hint nobody is the borrower.
    now : datetime, optional
        Resolves relative times (昨天, 星期三, 5月3日, a bare 14:22); without it
        only times with a full date are resolved and the others are ``None``.
    lender : str, optional
        The lender the reader really borrowed from, if known (e.g.
        ``"星河消费金融有限公司"``), as for :func:`wxscreen.classify`: in every
        message, a payee account in that name is not an unofficial transfer; a
        different company is. Surrounding whitespace is ignored; a blank name
        is an error.
    screener : Screener, optional
        Defaults to the shipped model (:func:`wxscreen.load_screener`).

    Returns
    -------
    ChatScreening
        Every message in paste order, including those of forwarded records
        (``depth`` ≥ 1, ``record`` = index of the ``[聊天记录]`` card that
        carried them), each with its own Screening. ``ChatMessage.start``/``end``
        index ``text`` (``text[start:end]`` is the message, a quote excluded),
        and every flag offset in a message's Screening is an offset into the
        whole pasted ``text`` too: ``text[f.start:f.end]`` is the evidence
        (masked in ``f.evidence`` unless the screener was built with
        ``mask_identifiers=False``). Placeholders, emoji codes and quoted words
        are blanked before screening. Entities are read from the same text
        (their offsets index the block too; relative deadlines count from the
        message's own time when it has one). The borrower's own messages are
        ``other`` with no flags and no advice; with no borrower (unknown or
        uncertain) every message is screened. The verdict is the worst label
        of the other speakers' messages (records included), with the first
        risky message, the escalation sequence, and the chat's ``advice``:
        what the verdict and every flag of the other side call for, in the
        screener's ``advice_lang``.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``, ``me`` or ``lender`` is neither a ``str`` nor ``None``,
        or ``screener`` is neither a :class:`~wxscreen.Screener` nor ``None``.
    InvalidInputError
        (a ``ValueError``) If ``lender`` is blank (empty or whitespace only),
        or if ``me`` is not the name of any speaker the paste shows (compared
        with surrounding whitespace stripped); the message lists the speakers
        found (masked as the screener masks), so a typo is not silently taken
        as "the borrower wrote nothing" and every message screened as the
        other side's.

    Examples
    --------
    >>> import wxscreen
    >>> r = wxscreen.screen_chat("小王 2024/3/5 10:12\n您已逾期\n\n张先生 2024/3/5 10:15\n我下周还\n")
    >>> [m.speaker for m in r.messages], r.borrower
    (['小王', '张先生'], '张先生')
    """
    from ._advice import advice_text, chat_advice_ids
    from ._api import default_screener
    from ._mask import mask_identifiers
    from ._normalize import replace_surrogates
    from ._screener import Screener, check_lender

    if screener is not None and not isinstance(screener, Screener):
        raise TypeError(
            f"screen_chat() screener must be a Screener (wxscreen.load_screener()) or None, "
            f"got {type(screener).__name__}"
        )
    if me is not None and not isinstance(me, str):
        raise TypeError(f"screen_chat() me must be a str (the borrower's name) or None, got {type(me).__name__}")
    lender = check_lender(lender, "screen_chat() lender")
    if isinstance(text, str):
        text = replace_surrogates(text)  # U+FFFD in message text, evidence and speakers; same offsets
    if isinstance(me, str):
        me = replace_surrogates(me)
    parsed = parse_chat(text, now=now)
    scr = screener if screener is not None else default_screener()
    if me is not None:
        speakers = list(dict.fromkeys(p.speaker.strip() for p in parsed if p.speaker))
        if me.strip() not in speakers:
            hide = mask_identifiers if getattr(scr, "mask_identifiers", True) else (lambda x: x)
            found = "、".join(hide(n) for n in speakers) if speakers else "none (the text has no speaker names)"
            raise InvalidInputError(f"me={hide(me)!r} is not a speaker of this chat; speakers found: {found}")
    views = [_screen_view(text[p.start : p.end]) if not p.is_record else "" for p in parsed]
    results: list[Screening] = scr.classify_many(views, lender=lender, now=now) if views else []
    borrower, guess = (me, None) if me is not None else _infer_borrower(text, parsed, results, views)
    mask = bool(getattr(scr, "mask_identifiers", True))
    lang = getattr(scr, "advice_lang", "zh")

    def show(s: str) -> str:
        return mask_identifiers(s) if mask else s

    messages: list[ChatMessage] = []
    for p, view, res in zip(parsed, views, results, strict=True):
        is_me = borrower is not None and p.speaker is not None and p.speaker.strip() == borrower.strip()
        if p.time is not None and p.time != now and hasattr(scr, "_entities"):
            # relative deadlines (今天, 3天内) count from when the message was sent
            res = res.model_copy(update={"entities": scr._entities(view, p.time)})
        raw = text[p.start : p.end]
        shown = show(raw)
        scr_res = _to_block(res, p.start, shown)
        if is_me:
            scr_res = scr_res.model_copy(
                update={
                    "label": Label.OTHER,
                    "flags": [],
                    "reasons": [*res.reasons, "the borrower's own message ⇒ other (LABELS.md §1)"],
                    "advice": [],
                }
            )
        quote = None
        if p.quote is not None:
            qs, qa, qb = p.quote
            quote = ChatQuote(speaker=show(qs) if qs is not None else None, text=show(text[qa:qb]), start=qa, end=qb)
        messages.append(
            ChatMessage(
                speaker=show(p.speaker) if p.speaker is not None else None,
                time=p.time,
                text=shown,
                start=p.start,
                end=p.end,
                is_borrower=is_me,
                depth=p.depth,
                record=p.record,
                quote=quote,
                screening=scr_res,
            )
        )
    others = [m for m in messages if not m.is_borrower]
    verdict = Label.OTHER
    for m in others:
        if m.screening.label.rank < verdict.rank:
            verdict = m.screening.label
    first_risky = next(
        (i for i, m in enumerate(messages) if not m.is_borrower and m.screening.label in RISKY_LABELS), None
    )
    sequence: list[tuple[int, Label]] = []
    worst = Label.OTHER.rank
    for i, m in enumerate(messages):
        if not m.is_borrower and m.screening.label.rank < worst:
            worst = m.screening.label.rank
            sequence.append((i, m.screening.label))
    ids = chat_advice_ids(verdict, messages)  # src/wxscreen/_advice.py
    return ChatScreening(
        messages=messages,
        borrower=show(borrower) if borrower is not None else None,
        label=verdict,
        first_risky=first_risky,
        escalation=sequence,
        advice=advice_text(ids, lang),
        borrower_guess=show(guess) if guess is not None else None,
    )
