r"""Evasion-aware normalisation with an offset map back to the raw text.

Steps, in the order DOMAIN.md §4 recommends:

0. read every line end as ``\n``, one character for one: a carriage return
   alone (old Mac text, some pastes), U+2028 LINE SEPARATOR, U+2029 PARAGRAPH
   SEPARATOR and U+0085 NEXT LINE (:func:`line_ends_as_newlines`; the ``\r``
   of a ``\r\n`` pair is kept, as the ``\n`` after it already ends the line),
   so that detectors and the flagger's sentence split see the same lines
   whatever the source wrote;
1. remove invisible format characters (Unicode category ``Cf``: zero-width
   space/joiners, word joiner, BOM, U+180E …), variation selectors and the
   combining keycap, counting how many invisible characters were removed;
2. NFKC, character by character (full-width forms, circled digits, Kangxi
   radicals, CJK compatibility characters);
3. Traditional → Simplified with OpenCC (``t2s``);
4. lower-case ASCII;
5. collapse separators (spaces, emoji, symbols such as ``·*-/|~_``) that sit
   between two word characters when at least one of them is a Han character
   (``加 微 信`` → ``加微信``, ``微❤信`` → ``微信``); English word spacing is kept;
6. map contact and payment variants to canonical words (``V信``/``薇信``/``vx`` →
   ``微信``, ``扣扣`` → ``qq``, ``纸飞机`` → ``telegram``, ``zfb`` → ``支付宝``,
   ``转帐`` → ``转账`` …). The table is :data:`VARIANTS`; words that are also
   ordinary words (``卫星`` satellite, ``企鹅`` penguin) are mapped only in a
   contact context (``加卫星``, ``卫星号``, ``企鹅号``, ``企鹅联系``);
7. convert Chinese numerals to Arabic digits in numeric contexts only, with
   ``cn2an`` (:data:`NUMERAL_RULES`): ``三千五`` → ``3500``, ``两万`` → ``20000``,
   ``五百元`` → ``500元``, ``一三八一二三四五六七八`` → ``13812345678``; words
   such as ``一定``, ``一次性``, ``三思``, ``一下``, ``万一``, ``千万别`` are kept.

Styled digits that NFKC leaves alone (dingbat circled ``➊❶➀``, negative and
double circled ``⓫⓵⓿``) are mapped by the Unicode numeric value in step 2.

Every normalised character keeps the raw span it came from, so a match
``[i, j)`` in the normalised text maps back to ``raw[starts[i]:ends[j - 1]]``.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

import regex

__all__ = [
    "NormalizedText", "normalize", "replace_surrogates", "line_ends_as_newlines", "read_paste", "VARIANTS",
    "NUMERAL_RULES",
]

# Surrogate code points (U+D800..U+DFFF): a Python str can hold them (a lone
# "\ud800", bytes decoded with errors="surrogateescape" as in sys.argv, UTF-16
# halves decoded with "surrogatepass"), but UTF-8 and JSON cannot encode them.
_SURROGATE = regex.compile(r"[\ud800-\udfff]")

# Characters removed outright. Cf covers U+200B-U+200F, U+2060-U+2064, U+FEFF,
# U+180E, U+202A-U+202E (bidi controls) and more; the others are added here.
_DROP_EXTRA = frozenset({"\ufe0e", "\ufe0f", "\u20e3"} | {chr(c) for c in range(0xFE00, 0xFE10)})
# Separators that may hide inside a keyword when they sit between characters.
_SEP_PUNCT = frozenset("·•・*~_-/|\\＊﹡∙⋅‧◦°¤")

#: Variant spellings of contact and payment words (DOMAIN.md §4), applied to
#: lower-cased, Simplified text after separators are collapsed (so ``V 信``,
#: ``Ｖ信``, ``威\u200b信`` and ``V信`` all arrive here as ``v信``, and
#: Traditional ``轉賬``/``轉帳`` as ``转账``/``转帐``). Each entry is
#: (pattern, canonical form); the first matching entry wins. ASCII variants
#: only match outside ASCII words (``wx`` yes, ``wxyz`` no).
#:
#: ==============================================  =========================
#: variants                                        canonical
#: ==============================================  =========================
#: wei xin, weixin, vxin, wxin                     微信
#: vx, wx, vchat, wechat                           微信
#: 薇信 徽信 威信 维信 微心 v信 威x 微x 绿泡泡 绿色泡泡  微信
#: +v, ➕v, 加v                                     加微信
#: 加卫星 / 添加卫星 (contact context only)           加微信
#: 卫星号, 卫星联系/聊 (contact context only)          微信号, 微信联系/聊
#: 扣扣 抠抠 蔻蔻                                     qq
#: 企鹅号, q号                                       qq号
#: 加企鹅, 企鹅联系/聊/上聊 (contact context only)      加qq, qq联系/聊
#: 纸飞机 飞机号 tg telegram 电报号                   telegram
#: 支fu宝 支付bao zfb zhifubao alipay                支付宝
#: zz zhuanzhang, 转帐 (轉賬 via OpenCC)             转账
#: 帐户 帐号 身分证 yhk sfz yzm …                     账户 账号 身份证 银行卡 …
#: ==============================================  =========================
VARIANTS: tuple[tuple[str, str], ...] = (
    (r"(?<![a-z0-9])(?:v|w|wei)\s?xin(?![a-z])", "微信"),
    (r"(?<![a-z0-9])(?:vx|wx|vchat|wechat)(?![a-z])", "微信"),
    (r"[薇徽威]信|维信(?!金科|卡卡)|微心|v信|威x|微x|绿泡泡|绿色泡泡", "微信"),
    (r"(?:\+|➕|加)v(?![a-z信])", "加微信"),
    (r"(?:添加|加)卫星", "加微信"),
    (r"卫星号", "微信号"),
    (r"卫星(?=联系|上联系|聊|上聊|私聊|沟通|上沟通)", "微信"),
    (r"扣扣|抠抠|蔻蔻", "qq"),
    (r"企鹅号|(?<![a-z])q号", "qq号"),
    (r"(?:添加|加)企鹅", "加qq"),
    (r"企鹅(?=联系|上联系|聊|上聊|私聊|沟通|上沟通|群)", "qq"),
    (r"纸飞机|飞机号|(?<![a-z0-9])(?:tg|telegram)(?![a-z])|电报号", "telegram"),
    (r"支fu宝|支付bao|(?<![a-z0-9])(?:zfb|zhifubao|alipay)(?![a-z])", "支付宝"),
    (r"(?<![a-z0-9])(?:zz|zhuanzhang)(?![a-z0-9])", "转账"),
    (r"转帐", "转账"),
    (r"帐户", "账户"),
    (r"帐号", "账号"),
    (r"身分证", "身份证"),
    (r"(?<![a-z0-9])(?:yhk)(?![a-z])", "银行卡"),
    (r"(?<![a-z0-9])(?:sfz)(?![a-z])", "身份证"),
    (r"(?<![a-z0-9])(?:yzm)(?![a-z])", "验证码"),
    (r"yan证码|验zheng码|yanzheng码", "验证码"),
    (r"身fen证|shen份证", "身份证"),
    (r"密ma(?![a-z])", "密码"),
    (r"jian管", "监管"),
    (r"萤幕", "屏幕"),
    (r"口zi|kou子", "口子"),
)
_VARIANT_RE = regex.compile("|".join(f"(?P<v{i}>{p})" for i, (p, _) in enumerate(VARIANTS)))
_VARIANT_OUT = {f"v{i}": out for i, (_, out) in enumerate(VARIANTS)}


@dataclass(frozen=True)
class NormalizedText:
    """A normalised string with the raw span of every character.

    Attributes
    ----------
    raw : str
        The text as passed in.
    text : str
        The normalised text.
    starts, ends : tuple of int
        ``raw[starts[i]:ends[i]]`` produced ``text[i]``; both have ``len(text)``
        entries.
    invisible : int
        Number of invisible format characters removed (an obfuscation signal).
    invisible_in_words : int
        How many of them sat between two word characters (Han, ASCII letters or
        digits), as in ``转\u200b账``; two or more is a strong obfuscation
        signal (DOMAIN.md §4), given to the model as a feature.
    """

    raw: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    invisible: int = 0
    invisible_in_words: int = 0

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the raw text.

        Parameters
        ----------
        start, end : int
            Character offsets into :attr:`text`, ``0 <= start <= end <= len(text)``.

        Returns
        -------
        (int, int)
            Offsets into :attr:`raw` covering every raw character that produced
            ``text[start:end]``.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}..{end} outside normalised text of {len(self.text)} characters")
        if start == end:
            pos = self.starts[start] if start < len(self.starts) else len(self.raw)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


_Chars = tuple[list[str], list[int], list[int]]


def replace_surrogates(text: str) -> str:
    r"""Replace every surrogate code point (U+D800..U+DFFF) with U+FFFD.

    Screening works on the result, so nothing derived from the text
    (evidence, entities, reasons, chat message text) can hold a character that
    UTF-8 or JSON cannot encode. One character becomes one character: offsets
    into the result index the original text too.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        ``text`` itself when it holds no surrogate, else a copy with each
        surrogate code point replaced by U+FFFD (REPLACEMENT CHARACTER).

    Examples
    --------
    >>> replace_surrogates("abc\ud800def") == "abc\ufffddef"
    True
    """
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF or 0xF900 <= o <= 0xFAFF


def _is_word(ch: str) -> bool:
    return _is_han(ch) or (ch.isascii() and ch.isalnum())


# Styled digits NFKC leaves unchanged: dingbat circled digits (U+2776-U+2793),
# negative and double circled numbers (U+24EB-U+24FF), dingbat circled zeros.
_STYLED_DIGITS = frozenset(range(0x2776, 0x2794)) | frozenset(range(0x24EB, 0x2500)) | {0x1F10B, 0x1F10C}


@functools.lru_cache(maxsize=65536)
def _nfkc(ch: str) -> str:
    if ord(ch) in _STYLED_DIGITS:
        return str(int(unicodedata.numeric(ch)))
    return unicodedata.normalize("NFKC", ch)


@functools.lru_cache(maxsize=65536)
def _category(ch: str) -> str:
    return unicodedata.category(ch)


def _is_separator(ch: str) -> bool:
    if ch in "\n\r":
        return False
    if ch.isspace() or ch in _SEP_PUNCT:
        return True
    cat = _category(ch)
    return cat in ("So", "Sk", "Sm", "Cs", "Co") and ch not in "+＋➕=<>"


_opencc_lock = threading.Lock()
_opencc: object | None = None


def _t2s_converter() -> object:
    global _opencc
    if _opencc is None:
        with _opencc_lock:
            if _opencc is None:
                import opencc

                _opencc = opencc.OpenCC("t2s")
    return _opencc


@functools.lru_cache(maxsize=65536)
def _t2s_char(ch: str) -> str:
    out: str = _t2s_converter().convert(ch)  # type: ignore[attr-defined]
    return out if len(out) == 1 else ch


def _strip_invisible(raw: str) -> tuple[_Chars, int, int]:
    chars: list[str] = []
    starts: list[int] = []
    count = 0
    in_words = 0
    pending = 0  # counted invisible characters since the last kept character
    for i, ch in enumerate(raw):
        if ch in _DROP_EXTRA:
            continue
        if not ch.isascii() and _category(ch) == "Cf":
            # a ZWJ inside an emoji sequence is not evasion
            if not (ch == "\u200d" and i > 0 and _category(raw[i - 1]) == "So"):
                count += 1
                pending += 1
            continue
        if pending:
            if chars and _is_word(chars[-1]) and _is_word(ch):
                in_words += pending
            pending = 0
        chars.append(ch)
        starts.append(i)
    return (chars, starts, [s + 1 for s in starts]), count, in_words


#: Characters that :func:`_strip_invisible` keeps and :func:`_nfkc` maps to exactly one character
#: (every ASCII character, and each other character once seen and checked); a text made of them only
#: goes through both steps as one ``str.translate`` with :data:`_NFKC_ONE`.
_SIMPLE: set[str] = {chr(i) for i in range(128)}
#: Code point -> its one-character NFKC form, for the characters of :data:`_SIMPLE` that change.
_NFKC_ONE: dict[int, str] = {}
#: Most characters remembered in :data:`_SIMPLE` (as the per-character caches, bounded).
_SIMPLE_MAX = 65536


def _learn_simple(raw: str) -> None:
    """Remember the characters of ``raw`` that the strip and NFKC steps map one to one."""
    if len(_SIMPLE) >= _SIMPLE_MAX:
        return
    for ch in set(raw).difference(_SIMPLE):
        if ch in _DROP_EXTRA or _category(ch) == "Cf":
            continue
        n = _nfkc(ch)
        if len(n) == 1:
            if n != ch:
                _NFKC_ONE[ord(ch)] = n  # written before the character is marked simple
            _SIMPLE.add(ch)  # set.add is atomic: concurrent callers at worst check a character twice


def _nfkc_step(c: _Chars) -> _Chars:
    chars, starts, ends = c
    oc: list[str] = []
    os_: list[int] = []
    oe: list[int] = []
    for ch, s, e in zip(chars, starts, ends, strict=False):
        n = ch if ch.isascii() else _nfkc(ch)
        for x in n:
            oc.append(x)
            os_.append(s)
            oe.append(e)
    return oc, os_, oe


def _t2s_step(c: _Chars) -> _Chars:
    chars, starts, ends = c
    if not any(_is_han(ch) for ch in chars):
        return c
    # OpenCC cannot encode lone surrogates: it gets U+FFFD in their place (same
    # length) and the surrogate is kept as it was.
    safe = ["\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in chars]
    conv: str = _t2s_converter().convert("".join(safe))  # type: ignore[attr-defined]
    if len(conv) == len(safe):
        return [o if x == "\ufffd" else n for o, x, n in zip(chars, safe, conv, strict=True)], starts, ends
    return [_t2s_char(ch) if _is_han(ch) else ch for ch in chars], starts, ends


def _collapse_step(c: _Chars) -> _Chars:
    chars, starts, ends = c
    n = len(chars)
    keep = [True] * n
    i = 0
    while i < n:
        if _is_separator(chars[i]):
            j = i
            while j < n and _is_separator(chars[j]):
                j += 1
            if 0 < i and j < n:
                left, right = chars[i - 1], chars[j]
                if _is_word(left) and _is_word(right) and (_is_han(left) or _is_han(right)):
                    drop = True
                elif left.isdigit() and right.isdigit():
                    # 8❤8❤0 and 5 0 0 hide one number; 2024 03 05 stays apart
                    symbols = any(not chars[k].isspace() for k in range(i, j))
                    lone_left = i < 2 or not chars[i - 2].isdigit()
                    lone_right = j + 1 >= n or not chars[j + 1].isdigit()
                    drop = symbols or (lone_left and lone_right)
                else:
                    drop = False
                if drop:
                    for k in range(i, j):
                        keep[k] = False
            i = j
        else:
            i += 1
    if all(keep):
        return c
    return (
        [x for x, k in zip(chars, keep, strict=False) if k],
        [x for x, k in zip(starts, keep, strict=False) if k],
        [x for x, k in zip(ends, keep, strict=False) if k],
    )


def _variant_step(c: _Chars) -> _Chars:
    chars, starts, ends = c
    text = "".join(chars)
    if not _VARIANT_RE.search(text):
        return c
    oc: list[str] = []
    os_: list[int] = []
    oe: list[int] = []
    pos = 0
    for m in _VARIANT_RE.finditer(text):
        a, b = m.span()
        oc.extend(chars[pos:a])
        os_.extend(starts[pos:a])
        oe.extend(ends[pos:a])
        out = _VARIANT_OUT[m.lastgroup or ""]
        s, e = starts[a], ends[b - 1]
        for ch in out:
            oc.append(ch)
            os_.append(s)
            oe.append(e)
        pos = b
    oc.extend(chars[pos:])
    os_.extend(starts[pos:])
    oe.extend(ends[pos:])
    return oc, os_, oe


_CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖幺"
_CN_UNITS = "十拾百佰千仟万亿"
_CN_DIGIT_VALUE = {ch: str(v) for v, chars in enumerate(
    ("零〇", "一壹幺", "二两贰", "三叁", "四肆", "五伍", "六陆", "七柒", "八捌", "九玖")) for ch in chars}
_NUMERAL_RUN = regex.compile(f"[{_CN_DIGITS}{_CN_UNITS}]+")
_CURRENCY_AFTER = ("元", "圆", "块钱")

#: When a run of Chinese numerals is converted (step 7). A run is a maximal
#: sequence of the characters ``零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖幺`` and
#: the units ``十拾百佰千仟万亿``; it is never converted next to an ASCII digit
#: or a decimal point (``3万``, ``2.5万`` stay as written), nor after ``之``
#: (``百分之五十``, ``三分之一`` stay as the detectors read them), nor when ``cn2an``
#: cannot read it as one number (``万一``, ``一五一十``, ``两三千``).
NUMERAL_RULES: tuple[str, ...] = (
    "a unit with a digit: 三千五 → 3500, 两万 → 20000, 五百 → 500, 十五 → 15 (not 千万别, 百分 alone)",
    "four or more digits without 两, not a doubled pattern: 一三八一二三四五六七八 → 13812345678, "
    "幺三八幺 → 1381, 二〇二四 → 2024 (not 七七八八, 三三两两)",
    "any run right before 元/圆/块钱: 五元 → 5元, 两块钱 → 2块钱 (一定, 一次性, 三思, 一下 stay); before 块 "
    "any run but 一 alone: 两块 → 2块, 十五块 → 15块 (一块 'together' stays)",
)

_cn2an_lock = threading.Lock()
_cn2an: Any = None


def _cn2an_convert(run: str) -> str | None:
    """Convert a numeral run with units through ``cn2an`` (normal mode); None if unreadable."""
    global _cn2an
    if _cn2an is None:
        with _cn2an_lock:
            if _cn2an is None:
                import cn2an

                _cn2an = cn2an.Cn2An()
    return _cn2an_cached(run)


@functools.lru_cache(maxsize=4096)
def _cn2an_cached(run: str) -> str | None:
    try:
        value = _cn2an.cn2an(run, "normal")
    except Exception:  # cn2an raises ValueError and others for what is not one number
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    return str(value) if isinstance(value, int) and value >= 0 else None


def _numeral_value(run: str, before: str, after: str) -> str | None:
    """The Arabic form of a Chinese numeral run in its context, or None to keep it."""
    if before.isascii() and (before.isdigit() or before == ".") or after.isascii() and after.isdigit():
        return None
    if before == "之":  # fractions and percentages stay as written: 三分之一, 百分之五十
        return None
    money = any(after.startswith(c) for c in _CURRENCY_AFTER) or (after.startswith("块") and run != "一")
    has_unit = any(ch in _CN_UNITS for ch in run)
    if has_unit:
        if "幺" in run:
            return None
        has_digit = any(ch in _CN_DIGITS for ch in run)
        if not (has_digit or money or (run[0] in "十拾" and len(run) >= 2)):
            return None
        return _cn2an_convert(run)
    doubled = len(run) == 4 and (run[0] == run[1] and run[2] == run[3] or run[:2] == run[2:])
    if money or (len(run) >= 4 and "两" not in run and not doubled):
        return "".join(_CN_DIGIT_VALUE[ch] for ch in run)
    return None


def _numeral_step(c: _Chars) -> _Chars:
    chars, starts, ends = c
    text = "".join(chars)
    oc: list[str] = []
    os_: list[int] = []
    oe: list[int] = []
    pos = 0
    for m in _NUMERAL_RUN.finditer(text):
        a, b = m.span()
        value = _numeral_value(m.group(), text[a - 1] if a else "", text[b : b + 2])
        if value is None:
            continue
        oc.extend(chars[pos:a])
        os_.extend(starts[pos:a])
        oe.extend(ends[pos:a])
        s, e = starts[a], ends[b - 1]
        for ch in value:
            oc.append(ch)
            os_.append(s)
            oe.append(e)
        pos = b
    if pos == 0:
        return c
    oc.extend(chars[pos:])
    os_.extend(starts[pos:])
    oe.extend(ends[pos:])
    return oc, os_, oe


#: A line end that is not ``\n``: a carriage return not followed by ``\n``, U+2028, U+2029, U+0085.
_OTHER_LINE_END = regex.compile(r"\r(?!\n)|[\u2028\u2029\x85]")


def line_ends_as_newlines(text: str) -> str:
    r"""Replace every line end that is not ``\n`` by ``\n``, one character for one.

    A carriage return alone, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
    and U+0085 NEXT LINE each become one ``\n``; ``\r\n`` is left as it is
    (its ``\n`` ends the line). Lengths and offsets are unchanged, so spans
    found in the result index ``text`` too.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        ``text`` with those line ends replaced (``text`` itself when it has none).

    Examples
    --------
    >>> line_ends_as_newlines("第一行\r第二行\u2028第三行\r\n第四行")
    '第一行\n第二行\n第三行\r\n第四行'
    """
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        return _OTHER_LINE_END.sub("\n", text)
    return text


def read_paste(text: str) -> str:
    r"""A pasted file's text as the command line screens it: every line end a single ``\n``.

    ``\r\n`` becomes ``\n`` (so offsets index the result, not ``text``), then
    :func:`line_ends_as_newlines` reads a lone ``\r``, U+2028, U+2029 and
    U+0085 as ``\n``. ``wxscreen chat`` and ``wxscreen report`` both read their
    input this way, and :func:`wxscreen.render_report` checks a ``bytes``
    source against it, so one file gives one reading.

    Parameters
    ----------
    text : str
        The decoded file or standard input.

    Returns
    -------
    str
        The text with ``\n`` line ends only.

    Examples
    --------
    >>> read_paste("客服 2024/5/3 14:22\r\n你好\r好的\u2028嗯")
    '客服 2024/5/3 14:22\n你好\n好的\n嗯'
    """
    return line_ends_as_newlines(text.replace("\r\n", "\n"))


def normalize(raw: str) -> NormalizedText:
    """Normalise a message for matching and features, keeping an offset map.

    Parameters
    ----------
    raw : str
        The message as received (any length; control characters, emoji and
        lone surrogates are accepted).

    Returns
    -------
    NormalizedText
        The normalised text and, for each of its characters, the raw span it
        came from.

    Raises
    ------
    TypeError
        If ``raw`` is not a ``str``.

    Examples
    --------
    >>> n = normalize("請轉\u200b賬到個人帳戶")
    >>> n.text
    '请转账到个人账户'
    >>> n.raw[slice(*n.raw_span(1, 3))]
    '轉\u200b賬'
    """
    if not isinstance(raw, str):
        raise TypeError(f"normalize() expects str, got {type(raw).__name__}")
    work = line_ends_as_newlines(raw)  # step 0: one for one, so offsets into work are offsets into raw
    if _SIMPLE.issuperset(work):  # nothing to strip, one character out of each: both steps as one translate
        n = len(work)
        c, invisible, in_words = (list(work.translate(_NFKC_ONE)), list(range(n)), list(range(1, n + 1))), 0, 0
    else:
        c, invisible, in_words = _strip_invisible(work)
        c = _nfkc_step(c)
        _learn_simple(work)
    c = _t2s_step(c)
    chars, starts, ends = c
    c = ([ch.lower() if ch.isascii() else ch for ch in chars], starts, ends)
    c = _collapse_step(c)
    c = _variant_step(c)
    c = _numeral_step(c)
    chars, starts, ends = c
    return NormalizedText(raw, "".join(chars), tuple(starts), tuple(ends), invisible, in_words)
