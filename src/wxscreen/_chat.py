"""Pasted WeChat chats: split into messages, attribute speakers, screen each.

Layouts recognised (DOMAIN.md §6.2–§6.3):

* a speaker header with a timestamp (``张先生 2024/5/3 14:22``,
  ``李专员 @XX金融 2024-05-03 14:22:10``, ``XX客服 2024年5月3日 14:22``), or the
  time first (``2024-05-03 14:22:10 张先生``), the message on the next lines;
* a speaker header ending in a colon (``李专员:`` / ``李专员：``) with the
  message on the next lines, or inline (``李专员：您好…``) when the same
  speaker name is used at least twice or carries an ``@企业简称`` suffix;
* centred time separators (``14:22``, ``昨天 20:15``, ``星期三 09:10``,
  ``5月3日 14:22``, ``2023年5月3日 14:22``, ``下午 3:05``), which set the time of
  the messages that follow;
* WeChat system lines (以上是打招呼的内容, 你已添加了…, 对方为企业微信用户…,
  the anti-fraud banners, recalls, pats), which are dropped from classification;
* multi-line messages and placeholders ([图片], [转账] ¥500.00, [红包] …), kept as
  message text.

Text with no chat structure is one message.
"""

from __future__ import annotations

import datetime as dt

import regex

from ._models import LABEL_ORDER, RISKY_LABELS, ChatMessage, ChatScreening, Label, Screening

__all__ = ["parse_chat", "screen_chat"]

_TS_FULL = (
    r"(?:\d{4}[/\-.]\d{1,2}[/\-.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)\s*(?:上午|下午|晚上|凌晨|中午)?\s*"
    r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
)
_TS_REL = (
    r"(?:(?:昨天|前天|今天|星期[一二三四五六日天]|周[一二三四五六日天]|\d{1,2}月\d{1,2}日)\s*)?"
    r"(?:上午|下午|晚上|凌晨|中午)?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
)
_SEPARATOR = regex.compile(rf"^\s*(?:{_TS_FULL}|{_TS_REL})\s*$")
_HEADER_TS = regex.compile(rf"^\s*(?P<name>[^\s:：\[【][^\n]{{0,40}}?)\s+(?P<ts>{_TS_FULL}|{_TS_REL})\s*$")
_HEADER_TS_FIRST = regex.compile(rf"^\s*(?P<ts>{_TS_FULL})\s+(?P<name>[^\s:：][^\n]{{0,40}}?)\s*$")
_HEADER_COLON = regex.compile(r"^\s*(?P<name>[^\s:：\[【，。！？][^:：\n，。！？]{0,30}?)\s*[:：]\s*$")
_INLINE_COLON = regex.compile(r"^\s*(?P<name>[^\s:：\[【，。！？\d][^:：\n，。！？]{0,16}?)\s*[:：]\s*(?P<body>\S.*)$")
_SYSTEM = regex.compile(
    r"以上是打招呼的内容|现在可以开始聊天了|对方为企业微信用户|了解更多。?$|添加我的企业微信与我联系吧|"
    r"撤回了一条消息|^以下为新消息$|消息已发出，但被对方拒收了|对方开启了朋友验证|邀请.{1,30}加入了群聊|"
    r"与群里其他人都不是朋友关系|拍了拍|如果陌生人主动添加你|与对方发生资金往来可能存在风险|我通过了你的朋友验证请求"
)
_WEEKDAYS = "一二三四五六日"


def _parse_time(ts: str, now: dt.datetime | None) -> dt.datetime | None:
    """Resolve a WeChat timestamp; relative forms need ``now``."""
    ts = ts.replace("：", ":")
    m = regex.search(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", ts)
    if not m:
        return None
    hour, minute, sec = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if regex.search(r"下午|晚上", ts) and hour < 12:
        hour += 12
    if hour > 23 or minute > 59 or sec > 59:
        return None
    date: dt.date | None = None
    full = regex.search(r"(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})", ts)
    md = regex.search(r"(?<!\d)(\d{1,2})月(\d{1,2})日", ts)
    try:
        if full:
            date = dt.date(int(full.group(1)), int(full.group(2)), int(full.group(3)))
        elif now is not None:
            today = now.date()
            if md:
                date = dt.date(today.year, int(md.group(1)), int(md.group(2)))
            elif "前天" in ts:
                date = today - dt.timedelta(days=2)
            elif "昨天" in ts:
                date = today - dt.timedelta(days=1)
            elif wd := regex.search(r"(?:星期|周)([一二三四五六日天])", ts):
                target = _WEEKDAYS.index(wd.group(1).replace("天", "日"))
                back = (today.weekday() - target) % 7 or 7
                date = today - dt.timedelta(days=back)
            else:
                date = today
    except ValueError:
        return None
    if date is None:
        return None
    return dt.datetime(date.year, date.month, date.day, hour, minute, sec)


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((pos, pos + len(body), body))
        pos += len(line)
    return out


def parse_chat(text: str, *, now: dt.datetime | None = None) -> list[tuple[str | None, dt.datetime | None, int, int]]:
    """Split a pasted chat into messages.

    Parameters
    ----------
    text : str
        The pasted block.
    now : datetime, optional
        Resolves relative times (昨天 20:15, 星期三 09:10, 5月3日 14:22, 14:22).

    Returns
    -------
    list of (speaker, time, start, end)
        One entry per message, with character offsets into ``text``; system
        lines and time separators are not messages. A block with no chat
        structure is one message with speaker ``None``.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"screen_chat() expects str, got {type(text).__name__}")
    lines = _lines(text)
    # A paste counts as a chat only with real structure: a system line or time
    # separator, or at least two speaker headers. A single line ending in "：" or
    # in a time ("请将还款转到以下账户：", "今天务必还款 18:00") is message text.
    n_headers = sum(
        bool(_HEADER_TS.match(x) or _HEADER_TS_FIRST.match(x) or _HEADER_COLON.match(x)) for _, _, x in lines
    )
    has_frame = any(_SYSTEM.search(x) or _SEPARATOR.match(x) for _, _, x in lines if x.strip())
    inline_names: dict[str, int] = {}
    for _, _, body in lines:
        m = _INLINE_COLON.match(body)
        if m:
            inline_names[m.group("name").strip()] = inline_names.get(m.group("name").strip(), 0) + 1
    msgs: list[tuple[str | None, dt.datetime | None, int, int]] = []
    speaker: str | None = None
    when: dt.datetime | None = None
    cur: list[tuple[int, int]] = []
    structured = False

    def flush() -> None:
        nonlocal cur
        spans = [(a, b) for a, b in cur if text[a:b].strip()]
        if spans:
            a, b = spans[0][0], spans[-1][1]
            while a < b and text[a].isspace():
                a += 1
            msgs.append((speaker, when, a, b))
        cur = []

    for a, b, body in lines:
        if not body.strip():
            cur.append((a, b))
            continue
        if _SYSTEM.search(body):
            flush()
            structured = True
            continue
        headers_ok = has_frame or n_headers >= 2
        if headers_ok and _SEPARATOR.match(body):
            flush()
            structured = True
            when = _parse_time(body.strip(), now)
            continue
        m = (_HEADER_TS.match(body) or _HEADER_TS_FIRST.match(body)) if headers_ok else None
        if m:
            flush()
            structured = True
            speaker = m.group("name").strip()
            when = _parse_time(m.group("ts"), now)
            continue
        m = _HEADER_COLON.match(body) if headers_ok else None
        if m:
            flush()
            structured = True
            speaker = m.group("name").strip()
            continue
        m = _INLINE_COLON.match(body)
        if m:
            name = m.group("name").strip()
            if inline_names.get(name, 0) >= 2 or "@" in name:
                flush()
                structured = True
                speaker = name
                cur.append((a + m.start("body"), b))
                continue
        cur.append((a, b))
    flush()
    if not structured or not msgs:
        stripped = text.strip()
        if not stripped:
            return []
        start = text.index(stripped)
        return [(None, None, start, start + len(stripped))]
    return msgs


def _shift(s: Screening, offset: int) -> Screening:
    flags = [f.model_copy(update={"start": f.start + offset, "end": f.end + offset}) for f in s.flags]
    entities = [e.model_copy(update={"start": e.start + offset, "end": e.end + offset}) for e in s.entities]
    return s.model_copy(update={"flags": flags, "entities": entities})


def screen_chat(
    text: str, *, me: str | None = None, now: dt.datetime | None = None, screener: object | None = None
) -> ChatScreening:
    """Screen a pasted WeChat conversation message by message.

    Parameters
    ----------
    text : str
        The pasted chat (any of the layouts in this module's docstring).
    me : str, optional
        The borrower's display name. When omitted, the speaker whose messages
        look least like collection is taken as the borrower (only when there
        are two or more speakers).
    now : datetime, optional
        Resolves relative times; without it only absolute times are resolved.
    screener : Screener, optional
        Defaults to the shipped model.

    Returns
    -------
    ChatScreening
        Every message with its own Screening; flag and entity offsets in each
        message's Screening are offsets into the whole pasted ``text``. The borrower's own
        messages are ``other`` with no flags (reported speech is not a request).
        The verdict is the worst label of the other speakers' messages; the
        chat's ``advice`` is what the verdict and every flag of the other
        speakers' messages call for, in the screener's ``advice_lang``.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``.
    """
    from ._api import default_screener

    parsed = parse_chat(text, now=now)
    scr = screener if screener is not None else default_screener()
    bodies = [text[a:b] for _, _, a, b in parsed]
    results: list[Screening] = scr.classify_many(bodies, now=now) if bodies else []  # type: ignore[attr-defined]
    speakers = [sp for sp, _, _, _ in parsed]
    names = sorted({sp for sp in speakers if sp})
    borrower = me
    if borrower is None and len(names) >= 2:
        def debt_score(name: str) -> float:
            vals = [
                1.0 - r.scores[Label.OTHER.value] for sp, r in zip(speakers, results, strict=True) if sp == name
            ]
            return sum(vals) / len(vals)

        borrower = min(names, key=debt_score)
    from ._advice import advice_text, chat_advice_ids
    from ._mask import mask_identifiers

    mask = getattr(scr, "mask_identifiers", True)
    lang = getattr(scr, "advice_lang", "zh")
    messages: list[ChatMessage] = []
    for (sp, when, a, b), res in zip(parsed, results, strict=True):
        is_me = borrower is not None and sp == borrower
        if when is not None and when != now and hasattr(scr, "_entities"):
            # relative deadlines (今天, 3天内) count from when the message was sent
            res = res.model_copy(update={"entities": scr._entities(text[a:b], when)})
        scr_res = _shift(res, a)
        if is_me:
            scr_res = scr_res.model_copy(
                update={
                    "label": Label.OTHER,
                    "flags": [],
                    "reasons": [*res.reasons, "the borrower's own message ⇒ other (LABELS.md §1)"],
                    "advice": [],
                }
            )
        messages.append(
            ChatMessage(
                speaker=sp,
                time=when,
                text=mask_identifiers(text[a:b]) if mask else text[a:b],
                start=a,
                end=b,
                is_borrower=is_me,
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
    worst = len(LABEL_ORDER)
    for i, m in enumerate(messages):
        if not m.is_borrower and m.screening.label.rank < worst:
            worst = m.screening.label.rank
            sequence.append((i, m.screening.label))
    ids = chat_advice_ids(verdict, messages)  # src/wxscreen/_advice.py
    return ChatScreening(
        messages=messages,
        borrower=borrower,
        label=verdict,
        first_risky=first_risky,
        escalation=sequence,
        advice=advice_text(ids, lang),
    )
