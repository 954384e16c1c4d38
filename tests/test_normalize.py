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


# --- issue #5: numerals, styled forms, spacing, variant map -------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("欠款三千五", "欠款3500"),
        ("借两万", "借20000"),
        ("手续费五百元", "手续费500元"),
        ("共计叁仟伍佰元整", "共计3500元整"),
        ("十五天内", "15天内"),
        ("两块钱", "2块钱"),
        ("一个赞两块", "一个赞2块"),
        ("三 千 五", "3500"),
        ("尾号一三八一二三四五六七八", "尾号13812345678"),
        ("幺三八幺", "1381"),
        ("二〇二四年", "2024年"),
    ],
)
def test_chinese_numerals_in_numeric_context(raw, expected):
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw",
    ["一定要还", "一次性结清", "三思而后行", "看一下", "万一逾期", "千万别信", "五一假期", "十分感谢",
     "七七八八", "三三两两", "一块去", "百分之五十", "三分之一", "3万", "2.5万", "第一次"],
)
def test_numerals_outside_numeric_context_are_kept(raw):
    assert normalize(raw).text == raw


def test_numeral_span_maps_to_its_whole_raw_range():
    raw = "先交三 千 五百元"
    n = normalize(raw)
    assert n.text == "先交3500元"
    i = n.text.index("3500")
    s, e = n.raw_span(i, i + 4)
    assert raw[s:e] == "三 千 五百"
    s, e = n.raw_span(i + 1, i + 2)  # one digit of a converted run maps to the whole run
    assert raw[s:e] == "三 千 五百"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("➊➌❽", "138"),  # dingbat circled digits (no NFKC mapping)
        ("⓵⓿", "10"),
        ("𝟏𝟑𝟖", "138"),  # mathematical bold digits
        ("⑴", "(1)"),
        ("⼀定", "一定"),  # Kangxi radical U+2F00
        ("⾦额", "金额"),
        ("\uf9b2号", "零号"),  # CJK compatibility ideograph U+F9B2 → 零
        ("ｖｘ", "微信"),
    ],
)
def test_styled_digits_kangxi_and_compatibility_forms(raw, expected):
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("加 微 信", "加微信"),
        ("请 转 账 到 个 人 卡", "请转账到个人卡"),
        ("hello world", "hello world"),
        ("pay to my account now", "pay to my account now"),
        ("转🌟账", "转账"),
        ("微❤️信", "微信"),
        ("验👉证👈码", "验证码"),
    ],
)
def test_spacing_and_emoji_between_han(raw, expected):
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("加V信", "加微信"),
        ("加薇信", "加微信"),
        ("加威信", "加微信"),
        ("绿泡泡联系", "微信联系"),
        ("加vx", "加微信"),
        ("加WX", "加微信"),
        ("加weixin", "加微信"),
        ("加扣扣", "加qq"),
        ("支fu宝", "支付宝"),
        ("ZFB转我", "支付宝转我"),
        ("轉賬", "转账"),
        ("轉帳", "转账"),
        ("加卫星", "加微信"),
        ("卫星号多少", "微信号多少"),
        ("加企鹅", "加qq"),
        ("企鹅号发你", "qq号发你"),
    ],
)
def test_variant_map(raw, expected):
    assert normalize(raw).text == expected


@pytest.mark.parametrize("raw", ["卫星发射成功", "企鹅很可爱", "维信金科", "wxyz", "vxd"])
def test_variants_need_their_context(raw):
    assert normalize(raw).text == raw.lower()


@pytest.mark.parametrize(
    "raw, total, in_words",
    [
        ("转\u200b账\u200c到", 2, 2),
        ("a\u2060b\ufeffc", 2, 2),
        ("\u200b\u200b你好", 2, 0),  # at the edge of the text, not inside a word
        ("你\u200b 好", 1, 0),
        ("👨\u200d👩", 0, 0),
    ],
)
def test_invisible_characters_inside_words_are_counted(raw, total, in_words):
    n = normalize(raw)
    assert (n.invisible, n.invisible_in_words) == (total, in_words)


def test_hidden_characters_reach_the_model_as_a_feature():
    from wxscreen._features import HIDDEN_TOKEN, build_estimators, feature_matrix
    from wxscreen._tokenize import JiebaTokenizer

    est = build_estimators()
    texts = [normalize(t) for t in ["请转\u200b账\u200b到个人卡", "请转\u2060账\u2060到这张卡", "请在APP内还款", "好的谢谢"]]
    X = feature_matrix(
        est["word"], est["char"], JiebaTokenizer(), [n.text for n in texts], fit=True,
        hidden=[n.invisible_in_words for n in texts],
    )
    col = est["word"].vocabulary_[HIDDEN_TOKEN]
    assert [X[i, col] > 0 for i in range(4)] == [True, True, False, False]
    assert normalize("请转\u200b账\u200b到个人卡").text == normalize("请转账到个人卡").text


def test_translate_fast_path_equals_the_character_steps(monkeypatch):
    import random

    import wxscreen._normalize as nm

    rng = random.Random(3)
    pool = "abc ＡＢ１２３①❶\u200b\u200d\ufe0f\u20e3😀·• 我你轉賬帳戶，：！\ufffdé\u0301ﬁ㈠⑴\u3000\n"
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 25))) for _ in range(400)]
    texts += ["请转账到个人账户，谢谢！", "ＡＢＣ１２３：加微信", "plain ascii"]

    def run():
        return [(n.text, n.starts, n.ends, n.invisible, n.invisible_in_words) for n in map(normalize, texts)]

    run()  # learn the simple characters
    fast = run()
    assert any(nm._SIMPLE.issuperset(t) and not t.isascii() for t in texts)  # the fast path was taken
    monkeypatch.setattr(nm, "_SIMPLE", set())  # every non-empty text through the character steps
    assert run() == fast


_LINE_ENDS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85"]


@pytest.mark.parametrize("sep", _LINE_ENDS)
def test_every_line_end_is_a_line_end_one_for_one(sep):
    import wxscreen

    raw = "第一行" + sep + "请把验证码发给我" + sep + "加微信 zhang_8899"
    n = normalize(raw)
    assert n.text == "第一行" + ("\r\n" if sep == "\r\n" else "\n") + "请把验证码发给我" + (
        "\r\n" if sep == "\r\n" else "\n"
    ) + "加微信zhang_8899"
    for i, ch in enumerate(n.text):  # offsets keep indexing the raw text
        a, b = n.raw_span(i, i + 1)
        assert raw[a:b] == ch or ch == "\n" and raw[a:b] == sep[-1:] or raw[a:b] == sep
    s = wxscreen.load_screener(mask_identifiers=False).classify(raw)
    # a lone \r once joined the lines: an extra transfer flag '发给我\r加微信' that \n never gave
    assert sorted((f.kind, f.detail, f.evidence) for f in s.flags) == [
        ("off_platform", "other_chat", "加微信"),
        ("personal_data_request", "verification_code", "验证码发给我"),
    ]
    assert all(raw[f.start : f.end] == f.evidence for f in s.flags)


@pytest.mark.parametrize("sep", _LINE_ENDS[1:])
def test_chat_and_report_read_a_file_the_same_way(sep, tmp_path, capsys):
    import json

    from wxscreen._cli import main

    p = tmp_path / "chat.txt"
    p.write_bytes(f"客服 2024/3/5 10:12{sep}第一行{sep}请把验证码发给我{sep}加微信 zhang_8899{sep}".encode())
    assert main(["chat", "--json", "--now", "2024-03-06T10:00", str(p)]) == 0
    chat = json.loads(capsys.readouterr().out)
    assert main(["report", "--format", "json", "--now", "2024-03-06T10:00", str(p)]) == 0
    report = json.loads(capsys.readouterr().out)["chat"]
    for doc in (chat, report):
        [m] = doc["messages"]
        assert m["text"] == "第一行\n请把验证码发给我\n加微信 zh******99"
        assert sorted(f["evidence"] for f in m["screening"]["flags"]) == ["加微信", "验证码发给我"]
