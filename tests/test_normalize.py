import pytest

from wxscreen import normalize


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("請轉賬到個人帳戶", "请转账到个人账户"),
        ("请转\u200b账\u200b到\u200c个\u200d人\ufeff账户", "请转账到个人账户"),
        ("加 微 信 私 下 还 款", "加微信私下还款"),
        ("加ＶＸ：ａｂｃ１２３", "加微信:abc123"),
        ("微❤信", "微信"),
        ("验-证-码", "验证码"),
        ("加薇信", "加微信"),
        ("扣扣号", "qq号"),
        ("hello world", "hello world"),
        ("①③⑧", "138"),
        ("身分證號碼", "身份证号码"),
        ("", ""),
    ],
)
def test_normalized_text(raw, expected):
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw",
    [
        "請轉\u200b賬到個人帳戶，加ＶＸ：ａｂｃ１２３",
        "减 免 可 以 办，先 交 伍佰 保 证 金😀😀",
        "👨\u200d👩\u200d👧 好的",
        "ﬁ㈠①\ufe0f1\ufe0f\u20e3",
        "\x00\x07控制\u202e字符",
    ],
)
def test_offset_map_covers_raw(raw):
    n = normalize(raw)
    assert len(n.starts) == len(n.ends) == len(n.text)
    for i in range(len(n.text)):
        assert 0 <= n.starts[i] < n.ends[i] <= len(raw)
        if i:
            assert n.starts[i] >= n.starts[i - 1]


def test_raw_span_maps_obfuscated_cue_back():
    raw = "请转\u200b账\u200b到\u200c个\u200d人\ufeff账户"
    n = normalize(raw)
    i = n.text.index("个人账户")
    s, e = n.raw_span(i, i + 4)
    assert raw[s:e] == "个\u200d人\ufeff账户"


def test_invisible_characters_are_counted():
    assert normalize("转\u200b账\u200c").invisible == 2
    assert normalize("👨\u200d👩").invisible == 0


def test_type_error_names_type():
    with pytest.raises(TypeError, match="bytes"):
        normalize(b"abc")  # type: ignore[arg-type]


def test_raw_span_rejects_bad_span():
    with pytest.raises(ValueError):
        normalize("abc").raw_span(2, 9)
