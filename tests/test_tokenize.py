import os
import pickle
import stat

import pytest

from wxscreen._tokenize import JiebaTokenizer


@pytest.mark.parametrize(
    "text, words",
    [
        ("请把验证码发给我", ["请", "把", "验证码", "发给", "我"]),
        ("转到安全账户", ["转", "到", "安全账户"]),
        ("可申请协商还款", ["可", "申请", "协商还款"]),
        ("加微信私下结清", ["加", "微信", "私下结清"]),
    ],
)
def test_golden_segmentation(text, words):
    assert JiebaTokenizer()(text) == words


def test_one_character_words_kept_and_spaces_dropped():
    assert "我" in JiebaTokenizer()("转给我 谢谢")
    assert all(not w.isspace() for w in JiebaTokenizer()("a  b\n c"))


def test_offsets():
    text = "请把验证码发给我"
    for w, s, e in JiebaTokenizer().tokens_with_offsets(text):
        assert text[s:e] == w


def test_pickle_round_trip():
    tk = JiebaTokenizer()
    tk("预热")
    tk2 = pickle.loads(pickle.dumps(tk))
    assert tk2("请把验证码发给我") == tk("请把验证码发给我")


def test_global_jieba_untouched():
    import jieba

    before = (jieba.dt.initialized, len(jieba.dt.FREQ))
    JiebaTokenizer()("不碰全局状态")
    assert (jieba.dt.initialized, len(jieba.dt.FREQ)) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_cache_dir(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    assert JiebaTokenizer(cache_dir=str(ro))("验证码") == ["验证码"]


def test_unwritable_cache_dir_even_as_root(tmp_path, monkeypatch, capsys):
    """A read-only cache directory (simulated: root ignores permissions) falls back to memory, silently."""
    from wxscreen import _tokenize

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Read-only file system")

    _tokenize._BUILT.clear()
    monkeypatch.setattr(_tokenize.tempfile, "mkstemp", refuse)
    monkeypatch.setattr(_tokenize.os, "makedirs", refuse)
    assert JiebaTokenizer(cache_dir=str(tmp_path / "ro"))("验证码") == ["验证码"]
    assert not (tmp_path / "ro").exists()
    assert capsys.readouterr().err == ""


def test_missing_and_garbage_cache(tmp_path, capsys):
    from wxscreen import _tokenize

    _tokenize._BUILT.clear()
    missing = tmp_path / "a" / "b"
    assert JiebaTokenizer(cache_dir=str(missing))("验证码") == ["验证码"]
    _tokenize._BUILT.clear()
    for f in missing.iterdir():
        f.write_bytes(b"not marshal data")
    assert JiebaTokenizer(cache_dir=str(missing))("验证码") == ["验证码"]
    _tokenize._BUILT.clear()
    f = tmp_path / "file"
    f.write_text("x")
    assert JiebaTokenizer(cache_dir=str(f))("验证码") == ["验证码"]  # cache dir is a file
    err = capsys.readouterr().err
    assert err == ""


def test_tampered_cache_is_not_trusted(tmp_path):
    import marshal

    from wxscreen import _tokenize

    _tokenize._BUILT.clear()
    good = JiebaTokenizer(cache_dir=str(tmp_path))("请把验证码发给我")
    cache = next(p for p in tmp_path.iterdir() if p.suffix == ".marshal")
    for bad in (({}, 0), ({"请": 1}, 1), (1, 1, {}), (1, 1, {"请": b"x"}), (0, 0, {"请": {"请": 1}})):
        cache.write_bytes(marshal.dumps(bad))
        _tokenize._BUILT.clear()
        assert JiebaTokenizer(cache_dir=str(tmp_path))("请把验证码发给我") == good
    cache.write_bytes(marshal.dumps(({}, 0)))
    cache.chmod(0o666)
    _tokenize._BUILT.clear()
    assert JiebaTokenizer(cache_dir=str(tmp_path))("请把验证码发给我") == good


def test_good_cache_is_used(tmp_path, monkeypatch):
    import jieba

    from wxscreen import _tokenize

    _tokenize._BUILT.clear()
    _tokenize._ENTRIES.clear()
    first = JiebaTokenizer(cache_dir=str(tmp_path))("请把验证码发给我")
    _tokenize._BUILT.clear()
    _tokenize._ENTRIES.clear()

    def no_rebuild(*a, **k):
        raise AssertionError("dictionary rebuilt although a valid cache exists")

    monkeypatch.setattr(jieba.Tokenizer, "gen_pfdict", staticmethod(no_rebuild))
    assert JiebaTokenizer(cache_dir=str(tmp_path))("请把验证码发给我") == first


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a file away")
def test_cache_owned_by_another_user_is_not_trusted(tmp_path, capsys):
    import marshal

    from wxscreen import _tokenize

    _tokenize._BUILT.clear()
    _tokenize._ENTRIES.clear()
    good = JiebaTokenizer(cache_dir=str(tmp_path))("请把验证码发给我")
    cache = next(p for p in tmp_path.iterdir() if p.suffix == ".marshal")
    total, n, chunks = marshal.loads(cache.read_bytes())
    part = marshal.loads(chunks["验"])
    part["验证码"] = 0  # same size and recorded total: only the owner check can catch it
    chunks["验"] = marshal.dumps(part)
    cache.write_bytes(marshal.dumps((total, n, chunks)))
    os.chown(cache, 65534, 65534)
    cache.chmod(0o644)
    _tokenize._BUILT.clear()
    _tokenize._ENTRIES.clear()
    assert JiebaTokenizer(cache_dir=str(tmp_path))("请把验证码发给我") == good
    assert cache.stat().st_uid == os.geteuid()  # rebuilt and replaced by our own file
    cache.write_bytes(marshal.dumps((total, n, chunks)))  # the same poisoned content, now ours, would be used
    _tokenize._BUILT.clear()
    _tokenize._ENTRIES.clear()
    assert JiebaTokenizer(cache_dir=str(tmp_path))("请把验证码发给我") != good
    _tokenize._BUILT.clear()
    _tokenize._ENTRIES.clear()
    assert capsys.readouterr().err == ""


def test_same_words_as_jieba_without_hmm():
    """The own no-HMM cut over the split dictionary gives jieba's words, spaces and symbols included."""
    tok = JiebaTokenizer()
    ref = tok._tokenizer()  # a jieba.Tokenizer over the same dictionary
    for text in ("请把验证码发给我", "abc123中文ABC def-ghi_jk.l", "中\r\n文 \t x", "加v信：wx123，转账5000元！", "", "  "):
        assert [w for w in ref.lcut(text, HMM=False) if not w.isspace()] == tok(text)
        assert [(w, s, e) for w, s, e in ref.tokenize(text, HMM=False) if not w.isspace()] == tok.tokens_with_offsets(
            text
        )
