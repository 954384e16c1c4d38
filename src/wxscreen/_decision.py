"""The decision policy: the one place where classifier and detectors meet.

:func:`decide` takes the calibrated probabilities of the classifier and the
flags found by the detectors and returns the final label and the reasons.
The label is the arg-max of the probabilities unless one of these rules
escalates it (LABELS.md §2; each rule adds a sentence to ``reasons``):

R0  (applied by the Screener before the model runs) a message with no Han
    character and fewer than two letters — empty, whitespace, punctuation,
    emoji or digits only, one stray letter (``Q``, ``5000``), or WeChat
    placeholders only (``[图片]``, ``[语音]``, as pasted chats blank them) — is ``other``
    with probability 1 and no flags (the corpus labels every such message
    ``other``: a bare number asks nothing).

R1  ``unofficial_transfer`` ⇒ ``possible_scam``.
R2  ``personal_data_request`` for a secret (``verification_code``,
    ``password``, ``screen_share``, ``face_scan``) ⇒ ``possible_scam``.
R3  ``personal_data_request`` for both ``bank_card`` and ``id_number``
    ⇒ ``possible_scam``.
R4  any other ``personal_data_request`` ⇒ at least ``suspicious``.
R5  ``advance_fee`` ⇒ ``possible_scam`` (LABELS.md §1: a fee, deposit or
    验资 before a reduction, loan, refund or repair is a scam mechanism).
R6  ``threat``, ``off_platform``, ``borrow_to_repay`` or ``impersonation``
    ⇒ at least ``suspicious`` (LABELS.md §1, the warning signs of
    ``suspicious``) — except an ``off_platform`` flag whose only detail is
    ``link``: a link alone is a weak cue (DOMAIN.md §5.5) and ordinary
    marketing carries links.

R7  no flag at all, the flag check complete, and the classifier's
    probability for the two risky labels together (``possible_scam`` +
    ``suspicious``) below :data:`RISKY_WITHOUT_FLAGS` (0.6) ⇒ the most
    probable of the three other labels. In the corpus a risky message
    almost always carries a flag (train, corpus v7: 251 of 5,186 do not), so a risky
    arg-max without any flag and without a confident model is mostly an
    ordinary message in an unusual style (marketing, notices). Chosen on
    the two blind dev sets, never on ``test``: on ``dev`` with a model
    trained on ``train`` only, accuracy 0.892 → 0.900, macro-F1 0.892 →
    0.898, risky precision 0.906 → 0.921, risky recall 0.981 → 0.980; on
    ``dev_e`` (320 messages written later) with the model shipped before
    it, accuracy 0.966 → 0.972, risky precision 0.952 → 0.965, recall 1.000
    unchanged. A threshold of 0.8 gained more precision but lost recall
    (0.974 and 0.986); a borrower is worse served by a missed scam.
    R7 does not apply to a message that R8 or R9 reads (their cues are no
    flags, but they are warning signs).

R8  the sender introduces themself as the reader's relative, classmate,
    friend or superior (我是你哥哥 / 我是你高中同学 / 我是王主任) and asks for
    money in the same message (借点钱, 垫付, 代付, 转账 …) ⇒ at least
    ``suspicious`` (LABELS.md §1: an identity that cannot be verified; a real
    relative does not introduce themself). The two cue lists are
    ``identity_claims`` and ``money_asks`` in ``data/detectors/scope.toml``.
    On train + dev (corpus v7) they match 53 messages: 51 possible_scam, 1
    suspicious, 1 other (a borrower telling a friend what to say if asked).
    A warning about such asks (不管谁说是我换号了找你借钱, 骗子先…再让你往…卡里打钱)
    does not count.

R5 and R6 were checked on out-of-fold predictions of the training split
(macro-F1 0.934 → 0.949) and left the held-out split unchanged (0.907 →
0.906); a DOMAIN.md §8 rule "two medium flags ⇒ possible_scam" lowered both
(0.942, 0.895) and is not used.

R9  the sender presents itself as a third party that negotiates the reader's
    debts with the lenders (我们团队专门做停息挂账 / 第三方协商机构 / 帮您跟所有
    平台谈) ⇒ at least ``suspicious`` (LABELS.md §1: an unsolicited debt-relief
    agency). The cue list is ``agency_claims`` in ``data/detectors/scope.toml``;
    a claim inside a warning does not count, nor one in a message with no debt
    word (``agency_context``) or one that names the lender's own mandate or app
    (``agency_vetoes``: 受…委托, 请通过官方APP — a lawful 委外 agent). Found by
    three fresh-user trials (agency offers labelled ``negotiation_offer``); on
    train + dev (corpus v7) it matches 83 messages, all risky (61 suspicious,
    22 possible_scam); a warning's verdict (…中介，都不可信) does not count.

R10 the caller passed ``lender=`` and the message names that lender as the
    payee (户名：星河消费金融有限公司 with ``lender="星河"``), and no flag was
    found and the flag check was complete ⇒ the most probable of the three
    non-risky labels (LABELS.md §2: the contract account in the lender's name
    is an official channel). Without
    ``lender=`` the model's label stands: anyone can write a lender's name.
    Like R7, R10 does not apply to a message that R8 or R9 reads: a relative
    asking for money or a debt-relief agency is a warning sign whoever the
    payee is (我是你表哥…还款请转至户名：星河消费金融有限公司 stays risky).

R1–R6, R8 and R9 only ever raise the label (towards ``possible_scam``); only R7 and
R10 lower it, and only when no detector found anything and none timed out. Scores are left as the
classifier computed them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._models import LABEL_ORDER, Flag, Label

__all__ = ["RISKY_WITHOUT_FLAGS", "SECRET_DETAILS", "decide", "model_label"]

#: R7: the probability (possible_scam + suspicious) a risky label needs when no flag supports it.
RISKY_WITHOUT_FLAGS = 0.6

_RISKY = (Label.POSSIBLE_SCAM, Label.SUSPICIOUS)

#: personal_data_request details that imply possible_scam (LABELS.md §2).
SECRET_DETAILS = frozenset({"verification_code", "password", "screen_share", "face_scan"})

_WARNING_KINDS = frozenset({"threat", "off_platform", "borrow_to_repay", "impersonation"})

_ZH = {
    "verification_code": "验证码",
    "password": "密码",
    "screen_share": "屏幕共享",
    "face_scan": "人脸/视频",
    "bank_card": "银行卡号",
    "id_number": "身份证号",
}


def _raise_to(current: Label, floor: Label) -> Label:
    return floor if floor.rank < current.rank else current


def _most_probable_safe(scores: Mapping[str, float]) -> Label:
    """The most probable of the three non-risky labels (R7, R10), ties broken by precedence."""
    return max((lab for lab in LABEL_ORDER if lab not in _RISKY), key=lambda lab: (scores[lab.value], -lab.rank))


def _details(flags: Sequence[Flag], kind: str) -> list[str]:
    return sorted({f.detail for f in flags if f.kind == kind})


def model_label(scores: Mapping[str, float]) -> Label:
    """Return the classifier's label: the arg-max of ``scores``, ties broken by precedence."""
    return max(LABEL_ORDER, key=lambda lab: (scores[lab.value], -lab.rank))


def decide(
    scores: Mapping[str, float],
    flags: Sequence[Flag],
    *,
    complete: bool = True,
    identity_money: bool = False,
    agency: bool = False,
    own_account: bool = False,
) -> tuple[Label, list[str]]:
    """Combine classifier scores and detector flags into the final label.

    Parameters
    ----------
    scores : mapping of str to float
        Calibrated probability per label value (all five labels).
    flags : sequence of Flag
        Flags found in the message.
    complete : bool, default=True
        False when a detector pattern timed out; R7 and R10 (which lower a
        risky label that no flag supports) are then not applied.
    identity_money : bool, default=False
        The message introduces its sender as the reader's relative, friend or
        superior and asks for money (R8; ``Scope.identity_money_ask``).
    agency : bool, default=False
        The sender presents itself as a third party negotiating the reader's
        debts (R9; ``Scope.agency_claim``).
    own_account : bool, default=False
        The message names the caller-given lender as the payee (R10;
        ``detectors._base.payee_is_lender``); ignored when ``identity_money``
        or ``agency`` is true.

    Returns
    -------
    label : Label
        The final label.
    reasons : list of str
        One sentence per rule that changed the label (empty when the label is
        the classifier's arg-max).
    """
    label = model_label(scores)
    reasons: list[str] = []
    if not flags and complete and label in _RISKY and not identity_money and not agency:
        risky = sum(scores[lab.value] for lab in _RISKY)
        if risky < RISKY_WITHOUT_FLAGS:
            label = _most_probable_safe(scores)
            reasons.append(
                f"rule R7: no warning sign found by the detectors and the model is not sure "
                f"(risky {risky:.2f} < {RISKY_WITHOUT_FLAGS}) ⇒ {label.value}"
            )
    if not flags and complete and own_account and label in _RISKY and not identity_money and not agency:
        label = _most_probable_safe(scores)
        reasons.append(
            f"rule R10: the payee named is the lender given by the caller and no warning sign was found ⇒ {label.value}"
        )
    kinds = {f.kind for f in flags}
    pdr = {f.detail for f in flags if f.kind == "personal_data_request"}
    warn_kinds = set(kinds & _WARNING_KINDS)
    if {f.detail for f in flags if f.kind == "off_platform"} == {"link"}:
        warn_kinds.discard("off_platform")

    # the raising rules, in order: (applies, floor, the sentence for reasons)
    raising: list[tuple[bool, Label, str]] = [
        ("unofficial_transfer" in kinds, Label.POSSIBLE_SCAM,
         f"rule R1: asks for a transfer outside the lender's official channel "
         f"({', '.join(_details(flags, 'unofficial_transfer'))}) ⇒ possible_scam (LABELS.md §2)"),
        (bool(pdr & SECRET_DETAILS), Label.POSSIBLE_SCAM,
         f"rule R2: asks for a secret ({'、'.join(_ZH.get(d, d) for d in sorted(pdr & SECRET_DETAILS))}) "
         f"⇒ possible_scam (LABELS.md §2)"),
        ({"bank_card", "id_number"} <= pdr, Label.POSSIBLE_SCAM,
         "rule R3: asks for bank card number together with ID number ⇒ possible_scam (LABELS.md §2)"),
        ("advance_fee" in kinds, Label.POSSIBLE_SCAM,
         f"rule R5: asks for a fee or deposit first ({', '.join(_details(flags, 'advance_fee'))}) "
         f"⇒ possible_scam (LABELS.md §1)"),
        (bool(pdr), Label.SUSPICIOUS,
         f"rule R4: asks for personal data ({', '.join(sorted(pdr))}) ⇒ at least suspicious (LABELS.md §2)"),
        (bool(warn_kinds), Label.SUSPICIOUS,
         f"rule R6: warning signs ({', '.join(sorted(warn_kinds))}) ⇒ at least suspicious (LABELS.md §1)"),
        (identity_money, Label.SUSPICIOUS,
         "rule R8: the sender introduces themself as a relative, friend or superior and asks for money; "
         "that identity cannot be verified ⇒ at least suspicious (LABELS.md §1)"),
        (agency, Label.SUSPICIOUS,
         "rule R9: the sender offers to negotiate the reader's debts with the lenders as a third party "
         "(an unsolicited debt-relief agency) ⇒ at least suspicious (LABELS.md §1)"),
    ]
    for applies, floor, why in raising:
        new = _raise_to(label, floor) if applies else label
        if new is not label:
            reasons.append(why)
            label = new
    return label, reasons
