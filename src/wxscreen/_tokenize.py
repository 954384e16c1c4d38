"""jieba behind our own adapter.

jieba keeps a module-global tokenizer, prints to stderr through a handler it
installs on import, and writes its cache to the shared temp directory. wxscreen
uses none of that: :class:`JiebaTokenizer` owns a private ``jieba.Tokenizer``
whose prefix dictionary it builds itself (jieba's main dictionary plus our
domain user dictionary, ``data/lexicons/jieba_user.txt``), so jieba's
``initialize()`` — and its logging — never runs, and jieba's global state
(``jieba.dt``, ``finalseg`` force-split words) is never touched.

The built dictionary is cached with :mod:`marshal` (data only, no code) in
``cache_dir`` (default: ``$WXSCREEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/wxscreen``
or ``~/.cache/wxscreen``: a per-user directory, never the shared temp dir). A
cache file is used only when it is owned by the current user, not writable by
group or others, and matches the entry count and total recorded beside it
when it was written; otherwise, and when the directory is missing or
read-only, the dictionary is built in memory and nothing is printed.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import tempfile
import threading
from math import log
from typing import Any

from ._resources import data_path

__all__ = ["JiebaTokenizer"]

# Process-wide cache of built prefix dictionaries, keyed by content hash: a
# tokenizer unpickled in a worker process builds it once per process.
_BUILT: dict[str, tuple[dict[str, int], int]] = {}
_BUILD_LOCK = threading.Lock()
_ENTRIES: dict[str, tuple[int, int]] = {}
# How many times this process built (or loaded from the disk cache) a prefix
# dictionary: 1 after any number of tokenizers, threads and unpickled copies.
_BUILD_COUNT = 0


def _default_cache_dir() -> str:
    env = os.environ.get("WXSCREEN_CACHE_DIR")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wxscreen")


class JiebaTokenizer:
    """Segment Chinese text into words with a private jieba tokenizer.

    Parameters
    ----------
    hmm : bool, default=False
        Use jieba's HMM to join unknown words. Off by default: it is slower and
        the character n-gram features already cover unknown words.
    cache_dir : str or None, default=None
        Where to cache the built dictionary. ``None`` means
        ``$WXSCREEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/wxscreen`` or
        ``~/.cache/wxscreen``.

    Notes
    -----
    Instances are cheap to create and to pickle: the dictionary is built lazily,
    under a lock, on the first call, once per process. Thread-safe after that.

    Examples
    --------
    >>> JiebaTokenizer()("请把验证码发给我")
    ['请', '把', '验证码', '发给', '我']
    """

    def __init__(self, hmm: bool = False, cache_dir: str | None = None) -> None:
        self.hmm = hmm
        self.cache_dir = cache_dir
        self._tk: Any = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"hmm": self.hmm, "cache_dir": self.cache_dir}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.hmm = state["hmm"]
        self.cache_dir = state["cache_dir"]
        self._tk = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"JiebaTokenizer(hmm={self.hmm!r}, cache_dir={self.cache_dir!r})"

    # -- building ---------------------------------------------------------
    def _tokenizer(self) -> Any:
        tk = self._tk
        if tk is None:
            with self._lock:
                if self._tk is None:
                    self._tk = self._build()
                tk = self._tk
        return tk

    def _build(self) -> Any:
        import jieba

        user_words = data_path("lexicons", "jieba_user.txt").read_text(encoding="utf-8")
        main_dict = jieba.get_dict_file  # bound to the default dictionary path
        key = hashlib.sha256(
            (jieba.__version__ + "\0" + user_words).encode("utf-8")
        ).hexdigest()[:16]
        global _BUILD_COUNT
        with _BUILD_LOCK:
            built = _BUILT.get(key)
            if built is None:
                _BUILD_COUNT += 1
                expected = self._expected_entries(key)
                built = self._load_cache(key, expected) if expected else None
                if built is None:
                    freq, total = jieba.Tokenizer.gen_pfdict(main_dict())
                    freq, total = _add_user_words(freq, total, user_words)
                    self._save_cache(key, freq, total)
                    _ENTRIES[key] = (len(freq), total)
                    built = (freq, total)
                _BUILT[key] = built
        tk = jieba.Tokenizer()
        tk.FREQ, tk.total = built
        tk.initialized = True
        return tk

    def _expected_entries(self, key: str) -> tuple[int, int] | None:
        """(entry count, total) of the built dictionary, from a small per-user sidecar file."""
        if key in _ENTRIES:
            return _ENTRIES[key]
        try:
            path = self._cache_file(key) + ".n"
            st = os.stat(path)
            if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o022):
                return None
            with open(path, encoding="ascii") as fh:
                n, total = (int(x) for x in fh.read().split())
            return n, total
        except (OSError, ValueError):
            return None

    def _cache_file(self, key: str) -> str:
        return os.path.join(self.cache_dir or _default_cache_dir(), f"jieba-{key}.marshal")

    def _load_cache(self, key: str, expected: tuple[int, int]) -> tuple[dict[str, int], int] | None:
        path = self._cache_file(key)
        try:
            st = os.stat(path)
            if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o022):
                return None  # someone else's or group/world-writable file: do not trust it
            with open(path, "rb") as fh:
                freq, total = marshal.load(fh)
        except (OSError, ValueError, EOFError, TypeError):
            return None
        # jieba's own total counts duplicate dictionary lines twice, so it is checked
        # against the recorded value, not recomputed from the frequencies
        if isinstance(freq, dict) and isinstance(total, int) and (len(freq), total) == expected and total > 0:
            return freq, total
        return None

    def _save_cache(self, key: str, freq: dict[str, int], total: int) -> None:
        path = self._cache_file(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".jieba-")
            with os.fdopen(fd, "wb") as fh:
                marshal.dump((freq, total), fh)
            os.replace(tmp, path)
            with open(path + ".n", "w", encoding="ascii") as fh:
                fh.write(f"{len(freq)} {total}")
        except OSError:
            pass  # read-only or missing cache dir: stay in memory

    # -- use --------------------------------------------------------------
    def __call__(self, text: str) -> list[str]:
        """Return the words of ``text``, without whitespace-only tokens.

        Parameters
        ----------
        text : str
            Normalised text.

        Returns
        -------
        list of str
            Words in order; one-character words are kept.
        """
        tk = self._tokenizer()
        if self.hmm:
            return [w for w in tk.lcut(text, HMM=True) if not w.isspace()]
        return [w for w in _cut_no_hmm(tk.FREQ, tk.total, text) if not w.isspace()]

    def tokens_with_offsets(self, text: str) -> list[tuple[str, int, int]]:
        """Return ``(word, start, end)`` triples with character offsets into ``text``."""
        tk = self._tokenizer()
        return [(w, s, e) for w, s, e in tk.tokenize(text, HMM=self.hmm) if not w.isspace()]


# jieba's block splitters (jieba.re_han_default, jieba.re_skip_default) and the
# characters its no-HMM cut buffers into one token (jieba.re_eng)
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_RE_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _cut_no_hmm(freq: dict[str, int], total: int, text: str) -> list[str]:
    """``jieba.Tokenizer.lcut(text, HMM=False)`` with the prefix dictionary ``freq``: the same words.

    jieba's own cut builds a DAG dict and a route dict and takes ``max`` over a
    generator of tuples per position; this does the same dynamic programme
    (most probable path, ties to the longer word, as ``max`` on ``(score, end)``
    tuples does) with plain lists and the same floating-point expressions.
    """
    out: list[str] = []
    for blk in _RE_HAN.split(text):
        if not blk:
            continue
        if _RE_HAN.match(blk):
            _cut_block(freq, log(total), blk, out)
        else:
            for x in _RE_SKIP.split(blk):
                if _RE_SKIP.match(x):
                    out.append(x)
                else:
                    out.extend(x)
    return out


def _cut_block(freq: dict[str, int], logtotal: float, s: str, out: list[str]) -> None:
    n = len(s)
    get = freq.get
    # candidates[k]: ends x (inclusive) of dictionary words starting at k, with log(freq)
    ends: list[list[int]] = []
    logs: list[list[float]] = []
    for k in range(n):
        xs: list[int] = []
        ls: list[float] = []
        i = k
        frag = s[k]
        while True:
            f = get(frag)
            if f is None:
                break
            if f:
                xs.append(i)
                ls.append(log(f))
            i += 1
            if i >= n:
                break
            frag = s[k : i + 1]
        if not xs:
            xs.append(k)
            ls.append(log(get(s[k]) or 1))
        ends.append(xs)
        logs.append(ls)
    score = [0.0] * (n + 1)
    best = [0] * (n + 1)
    for k in range(n - 1, -1, -1):
        xs = ends[k]
        ls = logs[k]
        bs = ls[0] - logtotal + score[xs[0] + 1]
        bx = xs[0]
        for j in range(1, len(xs)):
            x = xs[j]
            v = ls[j] - logtotal + score[x + 1]
            if v >= bs:  # ends ascend: equal scores go to the longer word, as max() on tuples
                bs = v
                bx = x
        score[k] = bs
        best[k] = bx
    x = 0
    buf = ""
    eng = _ENG
    while x < n:
        y = best[x] + 1
        if y - x == 1 and s[x] in eng:
            buf += s[x]
        else:
            if buf:
                out.append(buf)
                buf = ""
            out.append(s[x:y])
        x = y
    if buf:
        out.append(buf)


def _add_user_words(freq: dict[str, int], total: int, text: str) -> tuple[dict[str, int], int]:
    """Add ``word freq`` lines to a prefix dictionary (jieba's format, no tags)."""
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        word = parts[0]
        f = int(parts[1]) if len(parts) > 1 else 3000
        if f <= 0:
            raise ValueError(f"jieba_user.txt: frequency of {word!r} must be positive")
        total += f - freq.get(word, 0)  # replacing a main-dictionary word replaces its count
        freq[word] = f
        for i in range(1, len(word)):
            freq.setdefault(word[:i], 0)
    return freq, total
