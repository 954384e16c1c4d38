"""Stale cache files of wxscreen's own naming are removed when a new cache file is written."""

from __future__ import annotations

import os
import time

from wxscreen._cache import PREFILTER_FILE, STALE_AFTER_DAYS, sweep_stale

DAY = 86400.0
J_OLD, J_NEW = "jieba-" + "0" * 16 + ".marshal", "jieba-" + "1" * 16 + ".marshal"
M_OLD, M_NEW, M_KEEP = "model-" + "a" * 24 + ".npz", "model-" + "b" * 24 + ".npz", "model-" + "c" * 24 + ".npz"
STALE = [J_OLD, J_OLD + ".n", M_OLD, "prefilter-v1.json", "prefilter-v2.marshal", ".model-abc_1234.npz", ".jieba-zz99aa11"]
# not ours, or ours but in use: never removed
KEPT = [
    J_NEW, J_NEW + ".n", M_NEW, PREFILTER_FILE, ".prefilter-fresh123", "prefilter-v4.marshal",
    "notes.txt", "model-xyz.npz", J_OLD + ".bak", "prefilter-v3.marshal.orig", "jieba-" + "0" * 15 + ".marshal",
]


def _populate(d, now: float) -> None:
    old = now - (STALE_AFTER_DAYS + 1) * DAY
    for name in STALE + KEPT:
        (d / name).write_bytes(b"x")
        os.utime(d / name, (old, old))
    for name in (J_NEW, J_NEW + ".n", M_NEW, "prefilter-v1.json", "prefilter-v4.marshal"):
        # used yesterday: kept, except an older prefilter format (a newer one is another install's)
        os.utime(d / name, (now - DAY, now - DAY))
    os.utime(d / ".prefilter-fresh123", (now - 60, now - 60))  # another process is writing it
    (d / ("model-" + "d" * 24 + ".npz")).mkdir()  # a directory with our name: left alone
    os.utime(d / ("model-" + "d" * 24 + ".npz"), (old, old))
    if hasattr(os, "symlink"):
        (d / ("model-" + "e" * 24 + ".npz")).symlink_to(d / "notes.txt")


def test_sweep_removes_only_stale_files_of_our_naming(tmp_path):
    now = time.time()
    _populate(tmp_path, now)
    (tmp_path / M_KEEP).write_bytes(b"x")
    os.utime(tmp_path / M_KEEP, (now - 400 * DAY, now - 400 * DAY))  # the file just written is kept, whatever its age
    removed = sweep_stale(str(tmp_path), M_KEEP, now=now)
    assert removed == sorted(STALE)
    (tmp_path / "prefilter-v9.json").write_bytes(b"x")
    os.utime(tmp_path / "prefilter-v9.json", (now - 400 * DAY, now - 400 * DAY))
    assert sweep_stale(str(tmp_path), M_KEEP, now=now) == ["prefilter-v9.json"]  # a newer format unused for long
    left = set(os.listdir(tmp_path))
    assert left >= set(KEPT) | {M_KEEP, "model-" + "d" * 24 + ".npz"}
    assert not left & set(STALE)
    assert sweep_stale(str(tmp_path / "missing"), M_KEEP) == []  # never raises


def test_writing_a_model_twin_sweeps_the_cache_dir(tmp_path, monkeypatch):
    import wxscreen
    from wxscreen._persist import load_bundle, save_bundle

    cache = tmp_path / "cache"
    cache.mkdir()
    now = time.time()
    _populate(cache, now)
    monkeypatch.setenv("WXSCREEN_CACHE_DIR", str(cache))
    from importlib import resources

    with resources.as_file(resources.files("wxscreen").joinpath("data", "model")) as p:
        b = load_bundle(p)
    b.flagger = None
    bundle = save_bundle(b, tmp_path / "plain")
    s = wxscreen.load_screener(bundle)  # writes model-<key>.npz: the sweep runs
    assert s.classify("请尽快还款").label.value == "collection_notice"
    left = set(os.listdir(cache))
    assert not left & set(STALE)
    assert left >= set(KEPT)
    assert len([n for n in left if n.startswith("model-") and n.endswith(".npz")]) >= 3  # new twin + kept ones


def test_writing_the_prefilter_cache_drops_other_format_versions(tmp_path, monkeypatch):
    from wxscreen.detectors import _prefilter

    monkeypatch.setenv("WXSCREEN_CACHE_DIR", str(tmp_path))
    now = time.time()
    _populate(tmp_path, now)
    (tmp_path / PREFILTER_FILE).unlink()
    _prefilter._DIRTY[0] = True  # as after analysing a new pattern
    _prefilter.save_memo()
    left = set(os.listdir(tmp_path))
    assert PREFILTER_FILE in left and "prefilter-v1.json" not in left and "prefilter-v2.marshal" not in left
    assert M_OLD not in left and J_NEW in left and "notes.txt" in left
