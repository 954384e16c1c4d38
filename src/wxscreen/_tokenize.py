"""jieba behind our own adapter.

jieba keeps a module-global tokenizer, prints to stderr through a handler it
installs on import, and writes its cache to the shared temp directory. wxscreen
uses none of that: :class:`JiebaTokenizer` owns a private ``jieba.Tokenizer``
whose prefix dictionary it builds itself (jieba's main dictionary plus our
domain user dictionary, ``data/lexicons/jieba_user.txt``), so jieba's
``initialize()`` — and its logging — never runs, and jieba's global state
(``jieba.dt``, ``finalseg`` force-split words) is never touched.

The built dictionary is kept split by first character (:class:`PrefixDict`,
each part unpacked when a text first needs it) and segmented without jieba's
code on the usual no-HMM path (:func:`_cut_no_hmm`, the same words as
``jieba.Tokenizer.lcut(HMM=False)``), so a process with a warm cache never
imports jieba. It is cached with :mod:`marshal` (data only, no code) in
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

from ._cache import sweep_stale, touch
from ._resources import data_path

__all__ = ["JiebaTokenizer"]

# Process-wide cache of built prefix dictionaries, keyed by content hash: a
# tokenizer unpickled in a worker process builds it once per process.
_BUILT: dict[str, PrefixDict] = {}
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
        self._pd: PrefixDict | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"hmm": self.hmm, "cache_dir": self.cache_dir}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.hmm = state["hmm"]
        self.cache_dir = state["cache_dir"]
        self._tk = None
        self._pd = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"JiebaTokenizer(hmm={self.hmm!r}, cache_dir={self.cache_dir!r})"

    # -- building ---------------------------------------------------------
    def _prefix(self) -> PrefixDict:
        pd = self._pd
        if pd is None:
            with self._lock:
                if self._pd is None:
                    self._pd = self._build()
                pd = self._pd
        return pd

    def _tokenizer(self) -> Any:
        """A private ``jieba.Tokenizer`` over the whole dictionary (the HMM cut needs one)."""
        tk = self._tk
        if tk is None:
            pd = self._prefix()
            with self._lock:
                if self._tk is None:
                    import jieba

                    t = jieba.Tokenizer()
                    t.FREQ, t.total = pd.full(), pd.total
                    t.initialized = True
                    self._tk = t
                tk = self._tk
        return tk

    def _build(self) -> PrefixDict:
        user_words = data_path("lexicons", "jieba_user.txt").read_text(encoding="utf-8")
        key = hashlib.sha256(
            (_CACHE_FORMAT + "\0" + _jieba_version() + "\0" + user_words).encode("utf-8")
        ).hexdigest()[:16]
        global _BUILD_COUNT
        with _BUILD_LOCK:
            built = _BUILT.get(key)
            if built is None:
                _BUILD_COUNT += 1
                expected = self._expected_entries(key)
                built = self._load_cache(key, expected) if expected else None
                if built is None:
                    import jieba

                    freq, total = jieba.Tokenizer.gen_pfdict(jieba.get_dict_file())
                    freq, total = _add_user_words(freq, total, user_words)
                    built = PrefixDict.from_freq(freq, total)
                    self._save_cache(key, built)
                    _ENTRIES[key] = (built.n, total)
                _BUILT[key] = built
        return built

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

    def _load_cache(self, key: str, expected: tuple[int, int]) -> PrefixDict | None:
        path = self._cache_file(key)
        try:
            st = os.stat(path)
            if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o022):
                return None  # someone else's or group/world-writable file: do not trust it
            with open(path, "rb") as fh:
                data = marshal.load(fh)
        except (OSError, ValueError, EOFError, TypeError):
            return None
        built = PrefixDict.from_cache(data, expected)
        if built is not None:
            touch(path)  # in use: a sweep keeps it and its sidecar
            touch(path + ".n")
        return built

    def _save_cache(self, key: str, built: PrefixDict) -> None:
        path = self._cache_file(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".jieba-")
            with os.fdopen(fd, "wb") as fh:
                marshal.dump(built.cache_data(), fh)
            os.replace(tmp, path)
            with open(path + ".n", "w", encoding="ascii") as fh:
                fh.write(f"{built.n} {built.total}")
        except OSError:
            return  # read-only or missing cache dir: stay in memory
        sweep_stale(os.path.dirname(path), os.path.basename(path))  # dictionaries of other versions

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
        if self.hmm:
            return [w for w in self._tokenizer().lcut(text, HMM=True) if not w.isspace()]
        return [w for w in _cut_no_hmm(self._prefix(), text) if not w.isspace()]

    def tokens_with_offsets(self, text: str) -> list[tuple[str, int, int]]:
        """Return ``(word, start, end)`` triples with character offsets into ``text``."""
        if self.hmm:
            words = list(self._tokenizer().cut(text, HMM=True))
        else:
            words = _cut_no_hmm(self._prefix(), text)
        out = []
        start = 0
        for w in words:  # as jieba.Tokenizer.tokenize: consecutive spans
            end = start + len(w)
            if not w.isspace():
                out.append((w, start, end))
            start = end
        return out


#: Version of the cache layout, part of the cache key.
_CACHE_FORMAT = "prefix-by-first-char/1"


def _jieba_version() -> str:
    """Return the installed jieba version without importing jieba (its import loads the HMM tables)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jieba")
    except PackageNotFoundError:  # pragma: no cover - an unpackaged jieba
        import jieba

        return str(jieba.__version__)


class PrefixDict:
    """jieba's prefix dictionary (word or word prefix → frequency, 0 for a bare prefix), split by first character.

    Loading jieba's whole dictionary (350,000 entries) is most of jieba's start
    time; a message needs the entries of a few dozen first characters. The
    entries are kept per first character as :mod:`marshal` bytes and turned
    into a dict the first time a text holds that character, so start-up reads
    one file of byte strings and segmentation looks up the same frequencies
    as jieba would (see :func:`_cut_no_hmm`).

    Parameters
    ----------
    chunks : dict of str to bytes
        First character → ``marshal.dumps`` of the sub-dictionary of the
        entries starting with it.
    total : int
        jieba's frequency total (``Tokenizer.total``).
    n : int
        Number of entries over all chunks.
    """

    def __init__(self, chunks: dict[str, bytes], total: int, n: int) -> None:
        self._chunks = chunks
        self._loaded: dict[str, dict[str, int]] = {}
        self.total = total
        self.logtotal = log(total)
        self.n = n

    @classmethod
    def from_freq(cls, freq: dict[str, int], total: int) -> PrefixDict:
        """Split a whole prefix dictionary by first character."""
        by_first: dict[str, dict[str, int]] = {}
        for w, f in freq.items():
            if w:
                by_first.setdefault(w[0], {})[w] = f
        pd = cls({c: marshal.dumps(d) for c, d in by_first.items()}, total, len(freq))
        pd._loaded = by_first
        return pd

    @classmethod
    def from_cache(cls, data: object, expected: tuple[int, int]) -> PrefixDict | None:
        """Rebuild from :meth:`cache_data`, or None when it is malformed or not the recorded (count, total)."""
        if not (isinstance(data, tuple) and len(data) == 3):
            return None
        total, n, chunks = data
        # jieba's own total counts duplicate dictionary lines twice, so it is checked
        # against the recorded value, not recomputed from the frequencies
        if not (isinstance(total, int) and isinstance(n, int) and isinstance(chunks, dict)):
            return None
        if (n, total) != expected or total <= 0 or n <= 0:
            return None
        if not all(isinstance(c, str) and len(c) == 1 and isinstance(b, bytes) for c, b in chunks.items()):
            return None
        return cls(chunks, total, n)

    def cache_data(self) -> tuple[int, int, dict[str, bytes]]:
        """What the cache file holds: ``(total, n, chunks)``."""
        return self.total, self.n, self._chunks

    def sub(self, ch: str) -> dict[str, int] | None:
        """The entries starting with ``ch`` (None when there are none)."""
        d = self._loaded.get(ch)
        if d is None:
            blob = self._chunks.get(ch)
            if blob is None:
                return None
            try:
                d = marshal.loads(blob)
            except (ValueError, EOFError, TypeError):
                d = None
            if not isinstance(d, dict):
                d = {}  # a damaged entry (the file passed the owner checks): that character is unknown
            self._loaded[ch] = d  # idempotent: a race loads the same dict twice
        return d

    def full(self) -> dict[str, int]:
        """The whole dictionary as one dict (for jieba's own HMM cut)."""
        out: dict[str, int] = {}
        for ch in self._chunks:
            out.update(self.sub(ch) or {})
        return out


# jieba's block splitters (jieba.re_han_default, jieba.re_skip_default) and the
# characters its no-HMM cut buffers into one token (jieba.re_eng)
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_RE_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _cut_no_hmm(pd: PrefixDict, text: str) -> list[str]:
    """``jieba.Tokenizer.lcut(text, HMM=False)`` over the prefix dictionary ``pd``: the same words.

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
            _cut_block(pd, blk, out)
        else:
            for x in _RE_SKIP.split(blk):
                if _RE_SKIP.match(x):
                    out.append(x)
                else:
                    out.extend(x)
    return out


def _cut_block(pd: PrefixDict, s: str, out: list[str]) -> None:
    n = len(s)
    logtotal = pd.logtotal
    sub = pd.sub
    # ends[k]: ends x (inclusive) of dictionary words starting at k; logs[k]: their log(freq)
    ends: list[list[int]] = []
    logs: list[list[float]] = []
    for k in range(n):
        xs: list[int] = []
        ls: list[float] = []
        d = sub(s[k])
        if d is not None:
            get = d.get
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
            ls.append(log((d.get(s[k]) if d is not None else None) or 1))
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
