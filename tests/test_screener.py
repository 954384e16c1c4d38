import json
import math

import pytest

import wxscreen
from wxscreen import InvalidInputError, Label


def _valid(s):
    assert s.label in set(Label)
    assert set(s.scores) == {lab.value for lab in Label}
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in s.scores.values())
    assert math.isclose(sum(s.scores.values()), 1.0, abs_tol=1e-6)
    json.loads(s.model_dump_json())


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \u3000", "？", "。。。", "，", "🙏🙏", "\u200b"])
def test_empty_is_other_without_flags(screener, text):
    s = screener.classify(text)
    assert s.label is Label.OTHER and s.flags == []
    _valid(s)


@pytest.mark.parametrize("bad", [None, b"bytes", 12, 3.5, ["list"]])
def test_non_str_raises_type_error_naming_type(screener, bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        screener.classify(bad)


def test_classify_many_rejects_bare_str(screener):
    with pytest.raises(InvalidInputError, match="single str"):
        screener.classify_many("请还款")


def test_classify_many_accepts_generators(screener):
    gen = (t for t in ["好的", "请把验证码发给我"])
    out = screener.classify_many(gen)
    assert len(out) == 2
    assert out[1].label is Label.POSSIBLE_SCAM


def test_classify_many_rejects_non_str_element(screener):
    with pytest.raises(TypeError, match="int"):
        screener.classify_many(["ok", 5])


def test_classify_many_names_the_index_of_a_non_str_element(screener):
    # a fresh-user trial: a None among 2,000 messages raised TypeError without saying which one
    texts = ["好的"] * 1523 + [None] + ["请还款"] * 600
    with pytest.raises(TypeError, match=r"^classify_many\(\): texts\[1523\] must be str, got NoneType$"):
        screener.classify_many(texts)
    with pytest.raises(TypeError, match=r"texts\[1\] must be str, got bytes"):
        wxscreen.classify_many(t for t in ["ok", b"x"])
    with pytest.raises(TypeError, match="expects an iterable of str, got int"):
        screener.classify_many(5)


def test_batch_equals_single(screener):
    texts = ["已逾期30天，可申请分期", "加我微信私下结清", "好的收到"]
    many = screener.classify_many(texts)
    for t, m in zip(texts, many, strict=False):
        assert screener.classify(t) == m


@pytest.mark.parametrize(
    "text, label, kinds",
    [
        ("【某某银行】验证码123456，5分钟内有效。任何人索要验证码都是诈骗，切勿泄露。", None, set()),
        ("【某某消费金融】温馨提示：本平台不会要求您转账到个人账户，请只在官方APP内还款。", None, set()),
        (
            "您的帳戶已逾期，請將還款轉帳到以下個人帳戶，並提供身分證號碼",
            Label.POSSIBLE_SCAM,
            {"unofficial_transfer", "personal_data_request"},
        ),
        (
            "您的账户已逾期，请将还款转账到以下个人账户，并提供身份证号码",
            Label.POSSIBLE_SCAM,
            {"unofficial_transfer", "personal_data_request"},
        ),
        ("加 微 信 私 下 还 款", Label.POSSIBLE_SCAM, {"unofficial_transfer", "off_platform"}),
    ],
)
def test_required_examples(screener, text, label, kinds):
    s = screener.classify(text)
    _valid(s)
    assert {f.kind for f in s.flags} == kinds
    if label is None:
        assert not s.risky
    else:
        assert s.label is label


def test_label_is_argmax_unless_rule(screener, corpus):
    for s in screener.classify_many([r.text for r in corpus["test"][:300]]):
        best = max(s.scores, key=s.scores.get)
        if s.label.value != best:
            assert any(r.startswith("rule ") for r in s.reasons)


def test_evidence_spans_on_whole_corpus(raw_screener, corpus):
    records = corpus["train"] + corpus["test"]
    for r, s in zip(records, raw_screener.classify_many([r.text for r in records]), strict=False):
        _valid(s)
        for f in s.flags:
            assert r.text[f.start : f.end] == f.evidence


def test_masking_in_evidence_and_reasons(screener):
    text = "直接转到这个卡 6222 0212 3456 7890 123 户名李某，或加vx: zhang_8899"
    s = screener.classify(text)
    dumped = s.model_dump_json()
    assert "0212 3456" not in dumped and "zhang_8899" not in dumped
    for f in s.flags:
        assert len(f.evidence) == f.end - f.start


def test_unmasked_screener_keeps_identifiers(raw_screener):
    text = "直接转到这个卡 6222 0212 3456 7890 123 户名李某"
    s = raw_screener.classify(text)
    assert any(text[f.start : f.end] == f.evidence for f in s.flags)


def test_module_level_functions():
    s = wxscreen.classify("请转到安全账户")
    assert s.label is Label.POSSIBLE_SCAM
    assert wxscreen.classify_many([]) == []


def test_flags_point_at_raw_characters_through_obfuscation(raw_screener):
    text = "请转\u200b账\u200b到\u200c个\u200d人\ufeff账户"
    s = raw_screener.classify(text)
    f = next(f for f in s.flags if f.kind == "unofficial_transfer")
    assert text[f.start : f.end] == f.evidence
    assert "个" in f.evidence and "账户" in f.evidence


def test_caller_given_lender_decides_the_payee(screener):
    text = "请将结清款转至对公账户，户名：锦程信息咨询有限公司，今天到账即可减免罚息。"
    assert any(f.kind == "unofficial_transfer" for f in screener.classify(text).flags)
    own = screener.classify(text, lender="锦程信息咨询有限公司")
    assert not any(f.kind == "unofficial_transfer" for f in own.flags)
    named = "还款请转至：星河消费金融有限公司 对公账户"
    assert not any(f.kind == "unofficial_transfer" for f in screener.classify(named, lender="星河消费金融").flags)
    other = "请将结清款转至对公账户，户名：星河消费金融有限公司。"
    assert any(f.kind == "unofficial_transfer" for f in screener.classify(other, lender="云朵借款").flags)
    with pytest.raises(TypeError, match="lender"):
        screener.classify(text, lender=5)


_OWN_ACCOUNT = "您好，本月账单请还款至以下账户：户名：星河消费金融有限公司，开户行：招商银行，请按时还款"


@pytest.mark.parametrize(
    "lender", ["星河消费金融有限公司 ", " 星河", "星河消费金融有限公司\n", "\u3000星河消费金融\t"]
)
def test_a_lender_with_stray_whitespace_names_the_same_lender(screener, lender):
    # the stray space once made the lender's own account "a payee that is not the lender" (possible_scam)
    want = screener.classify(_OWN_ACCOUNT, lender=lender.strip())
    got = screener.classify(_OWN_ACCOUNT, lender=lender)
    assert not any(f.kind == "unofficial_transfer" for f in got.flags)
    assert (got.label, got.reasons) == (want.label, want.reasons)
    chat = wxscreen.screen_chat(f"客服 2024-05-04 14:22\n{_OWN_ACCOUNT}\n", lender=lender, screener=screener)
    assert chat.messages[0].screening.label == want.label


@pytest.mark.parametrize("lender", ["", "  ", "\n", "\u3000"])
def test_a_blank_lender_is_refused_everywhere(screener, lender, capsys):
    from wxscreen._cli import main

    with pytest.raises(wxscreen.InvalidInputError, match="lender is blank"):
        screener.classify(_OWN_ACCOUNT, lender=lender)
    with pytest.raises(wxscreen.InvalidInputError, match="lender is blank"):
        wxscreen.classify_many([_OWN_ACCOUNT], lender=lender)
    with pytest.raises(wxscreen.InvalidInputError, match="lender is blank"):
        wxscreen.screen_chat("客服：你好", lender=lender, screener=screener)
    assert main(["classify", "--lender", lender, _OWN_ACCOUNT]) == 1
    assert "--lender is blank" in capsys.readouterr().err


_OTHER_COMPANY_PAYEES = [
    "您可以转账至我司对公账户还款，户名：星河消费金融有限公司，一次性结清可减免罚息",
    "请将还款转入以下账户：户名 星河消费金融有限公司 账号 6222 0212 3456 7890 123",
]


@pytest.mark.parametrize("text", _OTHER_COMPANY_PAYEES)
def test_a_payee_company_that_is_not_the_given_lender_is_a_designated_account(screener, text):
    found = [f for f in screener.classify(text, lender="云朵借").flags if f.kind == "unofficial_transfer"]
    assert [f.detail for f in found] == ["designated_account"]
    assert "星河消费金融有限公司" in found[0].evidence
    assert found[0].rule == "transfer.payee_not_lender"
    chat = wxscreen.screen_chat(f"客服 2024-05-04 14:22\n{text}\n", lender="云朵借", screener=screener)
    assert [f.detail for f in chat.messages[0].screening.flags if f.kind == "unofficial_transfer"] == [
        "designated_account"
    ]


@pytest.mark.parametrize("text", _OTHER_COMPANY_PAYEES)
@pytest.mark.parametrize("lender", ["星河消费金融有限公司", "星河消费金融", "星河金融"])
def test_a_payee_company_that_is_the_given_lender_in_any_form_is_not_flagged(screener, text, lender):
    assert not any(f.kind == "unofficial_transfer" for f in screener.classify(text, lender=lender).flags)


@pytest.mark.parametrize(
    "text",
    [
        "请将还款转入以下账户，收款单位：星河消费金融有限公司，账号6222020200112233445",
        "请将还款转入以下账户，户名：星河消费金融有限公司，账号6222020200112233445",
        "请将还款转入以下账户，户名是星河消费金融有限公司，账号6222020200112233445",
        "请将还款转入以下账户，收款单位为星河消费金融有限公司，账号6222020200112233445",
    ],
)
def test_the_two_payee_checks_agree_on_who_the_payee_is(screener, text):
    # one payee regex: the payee_check hook once missed 收款单位 while R10 read it, so the
    # lender's own account was both "the lender's" (R10) and "unofficial" (designated_account)
    from wxscreen._normalize import normalize
    from wxscreen.detectors._base import _payee_unofficial, payee_is_lender

    norm = normalize(text).text
    lender = "星河消费金融有限公司"
    assert payee_is_lender(norm, lender) is True
    assert _payee_unofficial(norm, lender) is False
    assert _payee_unofficial(norm) is False  # a lending word in the payee's name
    s = screener.classify(text, lender=lender)
    assert not any(f.kind == "unofficial_transfer" for f in s.flags)
    assert s.label.value != "possible_scam"


@pytest.mark.parametrize(
    "text",
    [
        "请勿转账至户名:星河消费金融有限公司的账户",  # a warning
        "您尾号1234的账户向对方户名:星河消费金融有限公司转账500元已成功",  # a bank's notice
        "我们公司全称是星河消费金融有限公司，请在APP内还款",  # named, not a payee
        "钱是直接付给保险公司的，您在官方APP里确认就行",  # a kind of company, not a named payee
        "能不能给我一个官方的还款账户？户名得是你们公司的我才转",  # the reader's own condition
        "尊敬的业主：物业费可转账至对公账户，户名：滨城阳光物业服务有限公司",  # the detector's own veto (物业费)
    ],
)
def test_a_company_that_is_not_a_payee_is_not_flagged_with_a_lender(screener, text):
    assert not any(f.kind == "unofficial_transfer" for f in screener.classify(text, lender="云朵借").flags)


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("卡号6222.0212.3456.7890", "0212.3456"),
        ("卡号6222_0212_3456_7890", "0212_3456"),
        ("电话138\u200b1234\u200b5678", "1234"),
        ("身份证410105199001011234", "199001"),
        ("加v：Ab_8899x 私下办", "_8899"),
        ("或者tg: @debtfix88", "btfix"),
        ("加q 987654321", "65432"),
    ],
)
def test_mask_formats(text, hidden):
    assert hidden not in wxscreen.mask_identifiers(text)
    assert len(wxscreen.mask_identifiers(text)) == len(text)


def test_dates_and_amounts_are_not_masked():
    text = "2024-03-05 应还12345.67元，客服95588"
    assert wxscreen.mask_identifiers(text) == text
    stamp = "2024-05-03 14:22:10 客服"
    assert wxscreen.mask_identifiers(stamp) == stamp


@pytest.mark.parametrize("text, hidden", [("Tel13800138000", "00138"), ("加薇信zhang_8899", "ang_88")])
def test_mask_more_formats(text, hidden):
    assert hidden not in wxscreen.mask_identifiers(text)


@pytest.mark.parametrize(
    "text",
    [
        "不要把身份证号发给别人",
        "别把身份证照片发给网上的人",
        "千万别把身份证号和银行卡号发给陌生人",
        "你把收款码发我，我扫给你。",  # the sender pays the reader
    ],
)
def test_learned_flagger_respects_warnings(screener, text):
    assert screener.classify(text).flags == []


def test_mask_identifiers_must_be_a_bool():
    with pytest.raises(TypeError, match="mask_identifiers"):
        wxscreen.load_screener(mask_identifiers="no")


def test_alipay_handle_evidence_covers_the_whole_handle(raw_screener):
    text = "支付宝账号是 zhao_1234x，直接转过来"
    f = next(f for f in raw_screener.classify(text).flags if f.detail == "alipay_personal")
    assert text[f.start : f.end].endswith("zhao_1234x")


def test_risky_gate_keeps_learned_flags_of_messages_the_label_model_finds_benign(screener):
    """A learned flag needs P(possible_scam) + P(suspicious) at its kind's risky gate; patterns do not."""
    import dataclasses

    from wxscreen import Screener
    from wxscreen._features import Bundle

    text = "侬手机浪向收到个验证码伐？报拨我听听，阿拉帮侬一道操作掉。"
    base = screener.classify(text)
    assert any(f.rule == "learned:personal_data_request" for f in base.flags)
    risky = base.scores["possible_scam"] + base.scores["suspicious"]
    fl = screener.bundle.flagger

    def with_gates(gates: dict[str, float]) -> Screener:
        bundle = dataclasses.replace(screener.bundle, flagger=dataclasses.replace(fl, risky_gates=gates))
        assert isinstance(bundle, Bundle)
        return Screener(bundle)

    assert with_gates({"personal_data_request": risky}).classify(text).flags == base.flags
    above = with_gates({"personal_data_request": risky + 1e-6}).classify(text)
    assert not any(f.rule.startswith("learned:") for f in above.flags)
    other_kind = with_gates({"threat": 1.01}).classify(text)
    assert other_kind.flags == base.flags
    # a pattern hit is not subject to the risky gate
    pattern = "你家里人电话我都有了哦"
    assert with_gates(dict.fromkeys(fl.thresholds, 1.01)).classify(pattern).flags == screener.classify(pattern).flags


def test_learned_evidence_is_the_telling_clause(raw_screener):
    """A learned flag points at the clause that carries it, not at the whole sentence."""
    text = "只要给我们3000服务费，就能帮你办停息挂账"
    flags = [f for f in raw_screener.classify(text).flags if f.rule.startswith("learned:")]
    assert flags
    for f in flags:
        assert text[f.start : f.end] == f.evidence
        assert "，" not in f.evidence and len(f.evidence) < len(text)


def test_one_letter_and_a_symbol_raise_no_learned_flag(raw_screener):
    # found by the long Hypothesis profile: 'C\ud800' (read as 'C\ufffd') drew a learned off_platform flag
    s = raw_screener.classify("C\ud800")
    assert s.flags == []
    assert json.loads(s.model_dump_json())["label"]


@pytest.mark.parametrize(
    "text", ["Q", "C\ufffd", "x!", "3", "5000", "138****0000", "👍", "？？", "[图片]", "[语音] [语音]", "[转账] ¥500.00"]
)
def test_no_words_is_other_by_rule_r0(screener, text):
    s = screener.classify(text)
    assert s.label is wxscreen.Label.OTHER and s.flags == [] and s.reasons[0].startswith("rule R0")


@pytest.mark.parametrize("text", ["滚", "ok", "V信", "[图片]验证码发我", "好的[抱拳]"])
def test_a_han_character_or_two_letters_go_to_the_model(screener, text):
    assert not screener.classify(text).reasons[0].startswith("rule R0")


def test_learned_evidence_is_cut_where_a_voice_to_text_bubble_had_spaces(screener):
    # normalisation removes the spaces between Han characters; the clause cut must still see them
    text = "妈 我手机掉水里了 这是我同学的号 你先转两千到他卡上 我回头还你"
    flags = [f for f in screener.classify(text).flags if f.kind == "unofficial_transfer"]
    assert flags and all(text[f.start : f.end] == f.evidence for f in flags)
    assert all(" " not in f.evidence and len(f.evidence) < len(text) // 2 for f in flags)


def test_a_borrowers_closing_doubt_silences_what_they_retell_but_a_scammers_opening_one_does_not(screener):
    retold = screener.classify("这个说先交2000解冻费才能放款，是不是骗子啊？你帮我看看")
    assert retold.flags == []
    scam = screener.classify("是真的吗？请把您的银行卡密码和验证码发我核实。")
    assert scam.label is wxscreen.Label.POSSIBLE_SCAM and {f.kind for f in scam.flags} == {"personal_data_request"}


@pytest.mark.parametrize(
    "text",
    ["我刚把电费缴到国家电网有限公司了", "上个月我已经把首付转给万科房地产开发有限公司了", "有问题可以打给中国平安保险股份有限公司客服问问"],
)
def test_a_past_payment_or_a_phone_call_names_no_payee_for_the_lender_check(screener, text):
    assert not screener.classify(text, lender="星河消费金融有限公司").flags


def test_a_retold_offer_the_reader_doubts_raises_no_learned_flag_either(screener):
    # trial 5: the pattern flag was silenced by the closing doubt, a learned transfer flag was not
    s = screener.classify("客服说要把钱转到安全账户验证一下，转完就退，我该信吗？")
    assert s.flags == []


@pytest.mark.parametrize("order", ["DD202511301234567890", "202511301234567890", "SF1234567890123"])
def test_long_identifier_does_not_hide_an_ask(order):
    """A long order/tracking number beside an ask must not dilute the learned gate into dropping it (trial 6)."""
    s = wxscreen.classify(f"订单号 {order} 退款需要您提供验证码")
    assert s.label == "possible_scam"
    assert any(f.kind == "personal_data_request" and f.detail == "verification_code" for f in s.flags)


@pytest.mark.parametrize(
    "text, url",
    [
        ("<html><body><a href='http://x.cn'>点击</a></body></html>", "http://x.cn"),  # fresh-user trial
        ('<a href="https://x.cn/pay?id=1">点击</a>', "https://x.cn/pay?id=1"),
        ("网址http://x.cn」点击领取减免", "http://x.cn"),
        ("网址http://x.cn、点击领取减免", "http://x.cn"),
        ("点击http://1.2.3.4/pay'>领取减免</a>", "http://1.2.3.4/pay"),
    ],
)
def test_link_evidence_ends_at_quotes_brackets_and_chinese_punctuation(raw_screener, text, url):
    r = raw_screener.classify(text)
    links = [f for f in r.flags if f.kind == "off_platform" and f.detail == "link"]
    assert links, r.flags
    for f in links:
        assert f.evidence.endswith(url) and text[f.start : f.end] == f.evidence
    assert [e.text for e in r.entities if e.type == "url"] == [url]


def test_an_english_word_is_no_contact_handle(raw_screener):
    # a fresh-user trial: off_platform/other_chat with evidence 'classmate' (learned flagger: a bare
    # Latin word scored like a handle); a handle with its cue still counts
    for text in ["你好 hello 我是你的 classmate 小王, 换了新号", "我是你的 classmate 小王", "你好 abcdefg"]:
        assert [f for f in raw_screener.classify(text).flags if f.kind == "off_platform"] == []
    kept = raw_screener.classify("加我 zhangsan")
    assert [(f.kind, f.detail, f.evidence) for f in kept.flags] == [("off_platform", "other_chat", "加我")]
