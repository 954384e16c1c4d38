import pytest

from wxscreen import Flag, Label
from wxscreen._decision import decide


def scores(**kw):
    base = {lab.value: 0.0 for lab in Label}
    base.update(kw)
    total = sum(base.values())
    return {k: v / total for k, v in base.items()}


def flag(kind, detail):
    return Flag(kind=kind, detail=detail, start=0, end=1, evidence="x", rule="t", score=0.9)


def test_argmax_without_flags():
    label, reasons = decide(scores(negotiation_offer=0.7, other=0.3), [])
    assert label is Label.NEGOTIATION_OFFER and reasons == []


def test_r1_unofficial_transfer_escalates_to_scam():
    label, reasons = decide(scores(negotiation_offer=0.9, other=0.1), [flag("unofficial_transfer", "personal_account")])
    assert label is Label.POSSIBLE_SCAM
    assert any("R1" in r for r in reasons)


@pytest.mark.parametrize("detail", ["verification_code", "password", "screen_share", "face_scan"])
def test_r2_secret_escalates_to_scam(detail):
    label, reasons = decide(scores(other=1.0), [flag("personal_data_request", detail)])
    assert label is Label.POSSIBLE_SCAM
    assert any("R2" in r for r in reasons)


def test_r3_card_plus_id():
    fl = [flag("personal_data_request", "bank_card"), flag("personal_data_request", "id_number")]
    label, reasons = decide(scores(collection_notice=1.0), fl)
    assert label is Label.POSSIBLE_SCAM and any("R3" in r for r in reasons)


def test_r3_on_an_ask_with_the_id_number_written_in(screener):
    text = "请提供身份证号110101199001011234和银行卡号6222021234567890123"
    flags = screener.classify(text).flags
    assert {f.detail for f in flags if f.kind == "personal_data_request"} == {"id_number", "bank_card"}
    label, reasons = decide(scores(collection_notice=1.0), flags)
    assert label is Label.POSSIBLE_SCAM and any("R3" in r for r in reasons)


def test_r4_other_data_at_least_suspicious():
    label, reasons = decide(scores(collection_notice=1.0), [flag("personal_data_request", "address")])
    assert label is Label.SUSPICIOUS and any("R4" in r for r in reasons)


def test_rules_never_lower_the_label():
    label, reasons = decide(scores(possible_scam=0.8, other=0.2), [flag("personal_data_request", "address")])
    assert label is Label.POSSIBLE_SCAM and reasons == []


def test_tie_breaks_by_precedence():
    label, _ = decide(scores(collection_notice=0.5, other=0.5), [])
    assert label is Label.COLLECTION_NOTICE


def test_r7_unsupported_unsure_risky_label_falls_back():
    label, reasons = decide(scores(suspicious=0.45, possible_scam=0.1, collection_notice=0.3, other=0.15), [])
    assert label is Label.COLLECTION_NOTICE and any("R7" in r for r in reasons)


def test_r7_keeps_a_confident_risky_label():
    label, reasons = decide(scores(suspicious=0.4, possible_scam=0.25, other=0.35), [])
    assert label is Label.SUSPICIOUS and reasons == []


def test_r7_needs_no_flag_and_a_complete_check():
    s = scores(suspicious=0.55, other=0.45)
    assert decide(s, [flag("threat", "shaming")])[0] is Label.SUSPICIOUS
    assert decide(s, [], complete=False)[0] is Label.SUSPICIOUS
    assert decide(s, [])[0] is Label.OTHER


def test_r5_advance_fee_is_scam():
    label, reasons = decide(scores(negotiation_offer=1.0), [flag("advance_fee", "fee")])
    assert label is Label.POSSIBLE_SCAM and any("R5" in r for r in reasons)


@pytest.mark.parametrize(
    "kind, detail",
    [("threat", "contacts_blast"), ("off_platform", "other_chat"), ("borrow_to_repay", "other_lender"),
     ("impersonation", "court")],
)
def test_r6_warning_kinds_at_least_suspicious(kind, detail):
    label, reasons = decide(scores(collection_notice=1.0), [flag(kind, detail)])
    assert label is Label.SUSPICIOUS and any("R6" in r for r in reasons)


def test_r6_ignores_a_link_alone():
    label, reasons = decide(scores(other=1.0), [flag("off_platform", "link")])
    assert label is Label.OTHER and reasons == []
    label, _ = decide(scores(other=1.0), [flag("off_platform", "link"), flag("off_platform", "app_download")])
    assert label is Label.SUSPICIOUS


def test_r8_self_introduced_relative_asking_for_money_is_at_least_suspicious():
    label, reasons = decide(scores(other=0.9, suspicious=0.1), [], identity_money=True)
    assert label is Label.SUSPICIOUS and any("R8" in r for r in reasons)
    # R7 does not lower what R8 supports, and R8 never lowers a scam
    assert decide(scores(possible_scam=0.5, other=0.5), [], identity_money=True)[0] is Label.POSSIBLE_SCAM


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我是你表哥，手机丢了用的朋友的号，急用钱交医药费，能先借我三千吗", True),
        ("你好，我是你高中同学，在国外信用卡被冻了，能帮我垫付一下学费吗", True),
        ("哥，上次借你的钱我转你了", False),  # no self-introduction
        ("我是你同学小林，周末聚会来吗", False),  # no money
        ("老同学，我是李娜呀，还记得我吗？最近遇到点难处，能不能借我两千周转一下", True),  # addressed, then named
        ("哥，我是阿强，换号了，最近手头紧，能不能借我五千，过两天就还。", True),
        ("这是我新微信，旧号被盗了，能先借我一千吗", True),  # a new account announced
        ("这是我新微信，旧号被盗了，收到旧号借钱的消息千万别理", False),  # the money ask is warned about
        ("妈，最近骗子多，不管谁说是我换号了找你借钱，都先给我打电话确认", False),  # trial 5
    ],
)
def test_r8_cue_lists(text, expected):
    from wxscreen.detectors._base import load_scope

    assert load_scope().identity_money_ask(text) is expected


def test_r9_debt_relief_agency_is_at_least_suspicious():
    label, reasons = decide(scores(negotiation_offer=0.9, other=0.1), [], agency=True)
    assert label is Label.SUSPICIOUS and any("R9" in r for r in reasons)
    # R7 does not lower what R9 supports, and R9 never lowers a scam
    assert decide(scores(suspicious=0.5, other=0.5), [], agency=True)[0] is Label.SUSPICIOUS
    assert decide(scores(possible_scam=0.9, other=0.1), [], agency=True)[0] is Label.POSSIBLE_SCAM
    assert decide(scores(negotiation_offer=1.0), [])[0] is Label.NEGOTIATION_OFFER


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我们工作室专门做停息挂账，信用卡网贷都能办，只还本金", True),
        ("你好，我们是第三方债务协商机构，能帮你申请分期", True),
        ("我这边可以帮您跟所有平台去谈，罚息全免", True),
        ("看你被催得挺惨，我是做债务优化的，有需要私聊", True),
        ("停催停诉，办成再收费，不成功不收一分钱", True),
        ("我们可以帮您跟星河协商停息挂账，本金分36期", True),
        ("我是您网贷的协商专员，可以帮您申请停息挂账", True),
        ("看到您逾期了，我们是第三方，帮您谈个延期没问题", True),
        ("我帮您跟平台协商一下，看能不能减免", False),  # an outsourced agent of the lender
        ("我这边代您办理延期还款，请在星河消费金融APP确认。", False),  # the lender itself
        ("我这边帮您跟资方协商一下，看能不能减免部分罚息。", False),
        ("我们是第三方催收公司，受星河消费金融委托，请通过官方APP还款。", False),  # lawful 委外
        ("我们是正规中介，入职成功后再收费", False),  # not about debts
        ("拉你进考研上岸群了", False),
        ("您好，您的分期申请已通过，共12期，请在APP内确认。", False),  # the lender's own offer
        ("我司从未委托任何停息挂账机构代为协商，请勿轻信。", False),  # a warning
        ("我朋友被拉进一个上岸群，交了钱群就散了。", False),  # reported speech
        ("我这边帮您向公司申请一下减免，结果明天告诉您。", False),  # an agent of the lender
        ("逾期了也别怕，我们跟这些平台都有合作，能帮您申请停息挂账，分36期只还本金。", True),
        ("我们可以帮您申请停息挂账，最长60期，只还本金不还利息。", True),
        # a warning's verdict on such agencies (session 7)
        ("协商还款是免费的，凡是先收代理费的“停息挂账中介”，都不可信。", False),
    ],
)
def test_r9_cue_list(text, expected):
    from wxscreen._normalize import normalize
    from wxscreen.detectors._base import load_scope

    assert load_scope().agency_claim(normalize(text).text) is expected


def test_r10_the_lenders_own_account_given_by_the_caller_lowers_a_model_only_risky_label():
    label, reasons = decide(scores(possible_scam=0.7, collection_notice=0.2, other=0.1), [], own_account=True)
    assert label is Label.COLLECTION_NOTICE and any("R10" in r for r in reasons)
    # a flag keeps the label: R10 speaks only when nothing was found
    flagged = decide(scores(possible_scam=0.7, collection_notice=0.3), [flag("threat", "shaming")], own_account=True)
    assert flagged[0] is Label.POSSIBLE_SCAM
    assert decide(scores(possible_scam=0.7, collection_notice=0.3), [])[0] is Label.POSSIBLE_SCAM


def test_r10_does_not_lower_when_the_flag_check_was_incomplete():
    # like R7: a timed-out detector may have missed the flag that keeps the label risky
    s = scores(possible_scam=0.9, suspicious=0.05, negotiation_offer=0.01, collection_notice=0.03, other=0.01)
    label, reasons = decide(s, [], complete=False, own_account=True)
    assert label is Label.POSSIBLE_SCAM and not any("R10" in r for r in reasons)
    assert decide(s, [], complete=True, own_account=True)[0] is Label.COLLECTION_NOTICE


def test_r10_needs_the_caller_to_name_the_lender(screener):
    text = "您的欠款请转入我司对公还款账户：户名：星河消费金融有限公司，开户行：招商银行，账号：7559 **** **** 0001"
    assert screener.classify(text, lender="星河").label is not Label.POSSIBLE_SCAM
    other = screener.classify(text, lender="云朵借")
    assert other.label is Label.POSSIBLE_SCAM and any(f.kind == "unofficial_transfer" for f in other.flags)


def test_r8_ignores_a_retold_scam_script_in_a_warning():
    from wxscreen._normalize import normalize
    from wxscreen.detectors._base import load_scope

    warning = "提醒长辈们：骗子先用孩子的照片当头像，说“爸，我换新号了”，过两天就让你往老师的卡里打钱。"
    assert load_scope().identity_money_ask(normalize(warning).text) is False
    assert load_scope().identity_money_ask(normalize("爸，我换新号了，急用钱，先往我同学卡里打两千").text) is True
