import pickle
import re
from pathlib import Path
from typing import get_args

import pytest

import wxscreen
from wxscreen import Flag, Label
from wxscreen._advice import ADVICE, TRIGGERS, advice_for, advice_ids, advice_text, chat_advice_ids
from wxscreen._models import FlagKind
from wxscreen._screener import Screener


def flag(kind, detail="x"):
    return Flag(kind=kind, detail=detail, start=0, end=1, evidence="x", rule="t", score=0.9)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("possible_scam", ["stop_and_report", "verify_official", "keep_evidence", "complain"]),
        ("suspicious", ["verify_official", "keep_evidence", "complain"]),
        ("negotiation_offer", ["repay_official_only", "verify_official", "negotiate_in_app"]),
        ("collection_notice", ["repay_official_only", "verify_official", "collection_lawful"]),
        ("other", []),  # documented choice: nothing to do for a harmless message
    ],
)
def test_label_advice(label, expected):
    assert advice_ids(label) == expected
    assert advice_ids(Label(label)) == expected


@pytest.mark.parametrize(
    ("kind", "detail", "expected"),
    [
        ("personal_data_request", "verification_code", ["no_secrets"]),
        ("personal_data_request", "address", ["no_secrets"]),
        ("unofficial_transfer", "personal_account", ["stop_and_report", "repay_official_only", "keep_evidence"]),
        ("threat", "contacts_blast", ["know_your_rights", "keep_evidence", "complain", "legal_aid"]),
        ("impersonation", "platform_staff", ["verify_official"]),
        ("impersonation", "police", ["verify_official", "verify_legal_claim"]),
        ("impersonation", "court", ["verify_official", "verify_legal_claim", "legal_aid"]),
        ("impersonation", "regulator", ["verify_official", "verify_legal_claim"]),
        ("impersonation", "lawyer", ["verify_official", "verify_legal_claim", "legal_aid"]),
        ("off_platform", "other_chat", ["stay_official_channel"]),
        ("advance_fee", "fee", ["stop_and_report", "no_advance_fee"]),
        ("borrow_to_repay", "other_lender", ["no_new_loan"]),
    ],
)
def test_flag_advice(kind, detail, expected):
    # under "other" the label adds nothing, so this is exactly what the flag calls for
    assert advice_ids("other", [flag(kind, detail)]) == expected


def test_every_flag_kind_has_advice():
    for kind in get_args(FlagKind):
        assert advice_ids("other", [flag(kind)]), kind


def test_union_is_ordered_and_without_duplicates():
    flags = [flag("unofficial_transfer"), flag("advance_fee"), flag("unofficial_transfer", "qr_code")]
    ids = advice_ids("possible_scam", flags)
    assert len(ids) == len(set(ids))
    order = list(ADVICE)
    assert ids == sorted(ids, key=order.index)
    assert ids[0] == "stop_and_report"
    assert advice_ids("possible_scam", reversed(flags)) == ids


def test_table_is_consistent():
    for key, ids in TRIGGERS.items():
        kind, _, rest = key.partition(":")
        if kind == "label":
            Label(rest)
        else:
            assert rest.split("/")[0] in get_args(FlagKind), key
        for i in ids:
            assert i in ADVICE, (key, i)
    used = {i for ids in TRIGGERS.values() for i in ids}
    assert used == set(ADVICE)
    for aid, texts in ADVICE.items():
        assert set(texts) == {"zh", "en"} and all(t.strip() for t in texts.values()), aid
        assert re.search(r"[\u4e00-\u9fff]", texts["zh"]) and not re.search(r"[\u4e00-\u9fff]", texts["en"]), aid


def test_every_advice_item_cites_a_source():
    src = (Path(wxscreen.__file__).parent / "_advice.py").read_text("utf-8")
    for aid in ADVICE:
        block = src[: src.index(f'    "{aid}": {{')].rstrip().splitlines()
        comments = []
        while block and block[-1].strip().startswith("#"):
            comments.append(block.pop())
        assert any("DOMAIN.md §" in c or "[K]" in c for c in comments), aid


def test_languages():
    zh = advice_for("suspicious")
    en = advice_for("suspicious", lang="en")
    assert len(zh) == len(en) == 3
    assert "12378" in zh[-1] and "12378" in en[-1]
    with pytest.raises(ValueError, match="advice language"):
        advice_text(["complain"], "fr")


def test_screening_carries_advice(screener):
    r = screener.classify("请把收到的验证码发给我，马上帮您办理减免")
    assert r.label is Label.POSSIBLE_SCAM
    assert r.advice == advice_for(r.label, r.flags)
    assert any("验证码" in a for a in r.advice)
    assert screener.classify("好的，谢谢").advice == []
    assert screener.classify("").advice == []


def test_screener_language_option(screener):
    en = Screener(screener.bundle, advice_lang="en")
    r = en.classify("请把收到的验证码发给我")
    assert r.advice == advice_for(r.label, r.flags, "en")
    assert pickle.loads(pickle.dumps(en)).advice_lang == "en"
    with pytest.raises(ValueError, match="advice language"):
        Screener(screener.bundle, advice_lang="fr")


ISSUE_CHAT = """催收小王 2024/03/05 10:12
张先生你好，你的欠款已经逾期
45天了

张先生 2024/03/05 10:15
我下周还

催收小王 2024/03/05 10:16
直接转到这个卡 6222****0000 户名李某，今天转账可减免500
"""


def test_chat_advice(screener):
    c = wxscreen.screen_chat(ISSUE_CHAT, screener=screener)
    borrower = [m for m in c.messages if m.is_borrower]
    assert borrower and all(m.screening.advice == [] for m in borrower)
    assert c.label is Label.POSSIBLE_SCAM
    ids = chat_advice_ids(c.label, c.messages)
    assert c.advice == advice_text(ids)
    assert "stop_and_report" in ids and "repay_official_only" in ids
    # the milder message's "a reminder is lawful" does not contradict the scam verdict
    assert "collection_lawful" not in ids
    assert c.messages[0].screening.label is Label.COLLECTION_NOTICE
    assert ADVICE["collection_lawful"]["zh"] in c.messages[0].screening.advice


def test_harmless_chat_has_no_advice(screener):
    c = wxscreen.screen_chat("林女士：你好\n周经理：你好\n林女士：谢谢\n周经理：不客气", screener=screener)
    assert c.label is Label.OTHER
    assert c.advice == []
