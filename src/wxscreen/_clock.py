"""One rule for a clock hour said with a part of the day (晚上12点, 中午1点, 凌晨12点).

Shared by the deadline extractor (:mod:`wxscreen._entities`) and the chat
timestamp parser (:mod:`wxscreen._chat`), which kept diverging copies
(code review 6, item 9).
"""

from __future__ import annotations

__all__ = ["NIGHT", "PARTS_OF_DAY", "wall_clock"]

#: Parts of the day whose 12 o'clock (and 0 o'clock) is the midnight that ends the day.
NIGHT = ("晚上", "夜里", "深夜", "半夜", "今晚", "明晚", "晚")
_AFTERNOON = ("下午", "傍晚")
_NOON = ("中午",)
_MORNING = ("上午", "凌晨", "早上", "今早", "明早", "早")
#: The parts of the day said before a clock hour (晚上8点, 傍晚6点, 夜里2点, 深夜1点): every word of
#: the period tuples above but the day words 今晚/明晚/今早/明早 and the bare 晚/早 (最晚8点 is "at
#: the latest 8 o'clock"). The deadline patterns of :mod:`wxscreen._entities` build their
#: part-of-day alternations from it, so they cannot miss a period :func:`wall_clock` knows (code
#: review 8: 傍晚, 夜里, 深夜 and 半夜 were missing from them).
PARTS_OF_DAY = tuple(
    p for p in (*NIGHT, *_AFTERNOON, *_NOON, *_MORNING) if len(p) > 1 and p not in ("今晚", "明晚", "今早", "明早")
)


def wall_clock(hour: int, period: str | None) -> tuple[int, int]:
    """Return the 24-hour clock hour and the days to add for ``hour`` said with ``period``.

    Parameters
    ----------
    hour : int
        The hour as written, 0 to 24 (``12`` in 晚上12点).
    period : str or None
        The part of the day written with it (上午, 中午, 下午, 傍晚, 晚上, 深夜,
        半夜, 夜里, 凌晨, 早上, or the day words 今晚/明晚/今早/明早), or None.

    Returns
    -------
    tuple of (int, int)
        ``(hour, days)``: 晚上12点 and 晚上0点 are 00:00 of the next day
        (``(0, 1)``), as is 24点; 晚上/夜里 1点 to 4点 are after that
        midnight (晚上1点 is ``(1, 1)``); 下午/晚上 3点 is 15:00 (晚上 5点 to
        11点 are 17:00 to 23:00); 中午 1点 and 2点 are 13:00 and 14:00 (中午
        11点 and 12点 stay, and so does any other hour: 中午10点 is 10:00);
        凌晨/上午 12点 is 00:00. An hour out of range is returned unchanged for
        the caller to reject.

    Notes
    -----
    The usage follows everyday Chinese clock talk: 晚上十二点 / 今晚零点 name the
    midnight at the end of that evening and 晚上一点 / 夜里两点 the small hours
    after it; 中午 covers 11:00 to about 14:00, so only its 1点 and 2点 are
    afternoon hours.
    """
    p = period or ""
    if hour == 24 or (p in NIGHT and hour in (0, 12)):
        return 0, 1
    if p in NIGHT and 1 <= hour <= 4:
        return hour, 1
    if (p in NIGHT or p in _AFTERNOON) and hour < 12:
        return hour + 12, 0
    if p in _NOON and hour in (1, 2):
        return hour + 12, 0
    if p in _MORNING and hour == 12:
        return 0, 0
    return hour, 0
