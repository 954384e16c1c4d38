"""Housekeeping of the per-user cache directory: stale files of our own naming are removed.

wxscreen caches three kinds of derived data per user (``$WXSCREEN_CACHE_DIR``,
else ``$XDG_CACHE_HOME/wxscreen`` or ``~/.cache/wxscreen``): the jieba prefix
dictionary (``jieba-<16 hex>.marshal`` and its ``.n`` sidecar,
:mod:`wxscreen._tokenize`), the numpy twins of a model (``model-<24 hex>.npz``,
:mod:`wxscreen._persist`) and the detector prefilter analysis
(``prefilter-v<N>.marshal``, :mod:`wxscreen.detectors._prefilter`). A new
wxscreen version, lexicon or model writes a file under a new name and never
reads the old one again, so without cleaning the directory only grows (about
10-15 MB per model twin).

Each time a cache file is written, :func:`sweep_stale` removes, in the same
directory and only among regular files owned by the current user whose names
match one of the patterns above exactly:

* prefilter files of an older format version (``prefilter-v1.json``,
  ``prefilter-v2.marshal`` …), whatever their age: this version never reads
  them, and a library that old never deletes the current file, so two
  installations side by side do not rewrite each other's file forever; a
  *newer* version's file is treated like a keyed file (below);
* jieba and model files with another key that have not been used (written or
  loaded: loading refreshes the modification time, see :func:`touch`) for
  :data:`STALE_AFTER_DAYS` days — another installed version or a model bundle
  the user still loads keeps its file;
* temporary files left by an interrupted write (``.jieba-XXXXXXXX``,
  ``.model-XXXXXXXX.npz``, ``.prefilter-XXXXXXXX``) older than
  :data:`TEMP_AFTER_HOURS` hours.

Nothing else is ever deleted: other names, directories, symbolic links and
other users' files are left alone, and any error (a read-only directory, a
file removed meanwhile by another process) only skips that file.
"""

from __future__ import annotations

import os
import stat
import time

import regex

__all__ = ["PREFILTER_FILE", "PREFILTER_VERSION", "STALE_AFTER_DAYS", "TEMP_AFTER_HOURS", "sweep_stale", "touch"]

#: Format version of the prefilter cache file, part of its name.
PREFILTER_VERSION = 3
#: Name of the current prefilter cache file.
PREFILTER_FILE = f"prefilter-v{PREFILTER_VERSION}.marshal"
#: A keyed cache file (jieba, model twin) unused for this many days is removed when another is written.
STALE_AFTER_DAYS = 30
#: A temporary file of an interrupted write older than this many hours is removed.
TEMP_AFTER_HOURS = 24

_KEYED = regex.compile(r"jieba-[0-9a-f]{16}\.marshal(?:\.n)?|model-[0-9a-f]{24}\.npz")
_VERSIONED = regex.compile(r"prefilter-v(?P<v>[0-9]{1,4})\.(?:marshal|json)")
# tempfile.mkstemp names: the prefix, then 8 characters of [a-z0-9_]
_TEMP = regex.compile(r"\.(?:jieba|prefilter)-[a-z0-9_]{8}|\.model-[a-z0-9_]{8}\.npz")


def touch(path: str) -> None:
    """Mark a cache file as used now (its modification time), so a sweep keeps it.

    Parameters
    ----------
    path : str
        A cache file that was just loaded. Errors (read-only file system, file
        gone) are ignored.
    """
    try:
        os.utime(path)
    except OSError:
        pass


def sweep_stale(directory: str, keep: str, *, now: float | None = None) -> list[str]:
    """Remove stale cache files of wxscreen's own naming from ``directory``.

    Parameters
    ----------
    directory : str
        The cache directory a file was just written to.
    keep : str
        Name (not path) of that file; it and its ``.n`` sidecar are never removed.
    now : float or None, default=None
        The current time in seconds since the epoch (``time.time()`` when None);
        for tests.

    Returns
    -------
    list of str
        Names of the files removed, sorted.

    Notes
    -----
    The rules (which names, which ages) are in this module's docstring. Never
    raises: a file that cannot be examined or removed is skipped.
    """
    t = time.time() if now is None else now
    protected = {keep, keep + ".n", PREFILTER_FILE}
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    removed: list[str] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        if name in protected:
            continue
        versioned = _VERSIONED.fullmatch(name)
        if versioned and int(versioned.group("v")) < PREFILTER_VERSION:
            min_age = 0.0
        elif versioned or _KEYED.fullmatch(name):
            min_age = STALE_AFTER_DAYS * 86400.0
        elif _TEMP.fullmatch(name):
            min_age = TEMP_AFTER_HOURS * 3600.0
        else:
            continue
        path = os.path.join(directory, name)
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or (uid is not None and st.st_uid != uid):
                continue
            if t - st.st_mtime < min_age:
                continue
            os.remove(path)
        except OSError:
            continue
        removed.append(name)
    return sorted(removed)
