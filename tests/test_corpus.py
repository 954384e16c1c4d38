"""The corpus follows LABELS.md §4 and the split has no leakage."""

import re
import unicodedata
from collections import Counter

from wxscreen import Label

SHINGLE = 15
SECRET = {"verification_code", "password", "screen_share", "face_scan"}
FLAG_DETAILS = {
    "personal_data_request": {"verification_code", "password", "id_number", "bank_card", "face_scan",
                              "screen_share", "contacts", "address", "id_photo", "other_data"},
    "unofficial_transfer": {"personal_account", "designated_account", "safe_account", "qr_code",
                            "wechat_transfer", "alipay_personal", "third_party", "cash_or_card"},
    "threat": {"contacts_blast", "family_or_work", "violence", "home_visit", "fake_legal", "shaming"},
    "impersonation": {"police", "court", "regulator", "lawyer", "platform_staff"},
    "off_platform": {"other_chat", "link", "app_download"},
    "advance_fee": {"fee", "deposit", "proof_of_funds"},
    "borrow_to_repay": {"other_lender"},
}


def squash(text):
    """Letters and digits of the text as the screener reads it (T2S, variants, numerals), as the build groups."""
    from wxscreen._normalize import normalize

    return "".join(ch for ch in normalize(text).text if unicodedata.category(ch)[0] in "LN")


def test_sizes_and_balance(corpus):
    allr = corpus["train"] + corpus["test"]
    written = [r for r in allr if r.source == "written"]
    assert len(written) >= 2500
    counts = Counter(r.label for r in written)
    assert all(counts[lab] >= 400 for lab in Label), counts
    assert len(corpus["test"]) >= 0.2 * len(allr)
    flagged = sum(bool(r.flags) for r in written)
    assert flagged >= 0.2 * len(written)
    hard = sum("hard_negative" in r.tags for r in written)
    assert hard >= 0.1 * len(written)
    obf = sum("obfuscated" in r.tags for r in written)
    assert obf >= 0.1 * len(written)


def test_ids_unique_and_schema(corpus):
    allr = corpus["train"] + corpus["test"]
    ids = [r.id for r in allr]
    assert len(ids) == len(set(ids))
    for r in allr:
        assert r.text.strip()
        assert r.label is not None
        assert r.source
        for f in r.flags:
            assert f.detail in FLAG_DETAILS[f.kind]
            assert f.start is not None and r.text[f.start : f.end] == f.model_extra["evidence"]


def test_flags_consistent_with_labels(corpus):
    for r in corpus["train"] + corpus["test"]:
        kinds = {f.kind for f in r.flags}
        pdr = {f.detail for f in r.flags if f.kind == "personal_data_request"}
        if "unofficial_transfer" in kinds or pdr & SECRET or {"bank_card", "id_number"} <= pdr:
            assert r.label is Label.POSSIBLE_SCAM, r.id
        elif pdr:
            assert r.label in (Label.POSSIBLE_SCAM, Label.SUSPICIOUS), r.id
        if "hard_negative" in r.tags:
            assert not r.flags, r.id


def test_no_near_duplicate_crosses_the_split(corpus):
    seen = {}
    for r in corpus["train"]:
        s = squash(r.text)
        for i in range(len(s) - SHINGLE + 1):
            seen.setdefault(s[i : i + SHINGLE], r.id)
    leaks = []
    for r in corpus["test"]:
        s = squash(r.text)
        for i in range(len(s) - SHINGLE + 1):
            if s[i : i + SHINGLE] in seen:
                leaks.append((r.id, seen[s[i : i + SHINGLE]]))
                break
    assert leaks == []


def test_augmented_copies_stay_with_source(corpus):
    split_of = {r.id: name for name, rows in corpus.items() for r in rows}
    for name, rows in corpus.items():
        for r in rows:
            if r.source and r.source.startswith("augmented:"):
                assert split_of[r.source.split(":", 1)[1]] == name


def test_no_real_identifiers(corpus):
    for r in corpus["train"] + corpus["test"]:
        plain = unicodedata.normalize("NFKC", r.text)
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", plain), r.id


def test_dev_set_does_not_overlap_test():
    from wxscreen.training import load_corpus

    from .conftest import CORPORA

    dev = load_corpus(CORPORA / "dev.jsonl")
    test_sh = set()
    for r in load_corpus(CORPORA / "test.jsonl"):
        s = squash(r.text)
        test_sh.update(s[i : i + SHINGLE] for i in range(len(s) - SHINGLE + 1))
    for r in dev:
        s = squash(r.text)
        assert not any(s[i : i + SHINGLE] in test_sh for i in range(len(s) - SHINGLE + 1)), r.id
