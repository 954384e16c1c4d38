"""Advice: short, concrete steps derived from a label and its flags.

Advice is data: :data:`ADVICE` maps an advice id to its text in Chinese and
English, and :data:`TRIGGERS` maps a label (``label:<value>``), a flag kind
(``flag:<kind>``) or a flag kind with one detail (``flag:<kind>/<detail>``) to
the advice ids it calls for. :func:`advice_ids` returns the union in the fixed
order of :data:`ADVICE` (most urgent first), without duplicates, so the same
label and flags always give the same list.

``other`` with no flags gets **no** advice: greetings, acknowledgements and the
borrower's own words need nothing done, and advice on every harmless bubble
would drown the warnings that matter.

Each entry cites its source in DOMAIN.md (the workspace's ``shared/spec``).
The public service numbers (96110, 110, 12378, 12368) are listed in DOMAIN.md
§6.1 and §3.6; 12348 (the Ministry of Justice's public legal-service line) is
background knowledge not covered by DOMAIN.md — verify it before relying on it.
No lender hotline number is given: the reader must take it from the lender's
official app or contract (DOMAIN.md §2.1 "do not rely on number shape").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from ._models import ChatMessage, Flag, Label

__all__ = [
    "ADVICE",
    "LANGS",
    "TRIGGERS",
    "AdviceLang",
    "advice_for",
    "advice_ids",
    "advice_text",
    "chat_advice_ids",
    "check_lang",
]

AdviceLang = Literal["zh", "en"]
#: Languages advice is available in.
LANGS: tuple[str, ...] = ("zh", "en")

#: advice id -> {"zh": text, "en": text}, in output order (most urgent first).
ADVICE: dict[str, dict[str, str]] = {
    # DOMAIN.md §5.0 (warning frames: 请报警 / 拨打96110 / 向公安机关报案), §6.1 (96110 anti-fraud,
    # 110 police), §3.4 (police hold no 安全账户 and take no money by phone or WeChat).
    "stop_and_report": {
        "zh": "先停下：不要再转账，也不要按对方说的做任何操作。拿不准可拨打反诈专线96110咨询；"
        "已经转账或泄露了验证码、密码的，立即拨打110报警，并联系银行冻结或挂失。",
        "en": "Stop: send no more money and do nothing else they ask. If unsure, call the anti-fraud line 96110; "
        "if you already paid or gave away a code or password, call the police on 110 now and ask your bank "
        "to freeze or block the card.",
    },
    # DOMAIN.md §1.6 (consequence for F1: a real lender needs no code, password, CVV or ID photo in chat;
    # face checks happen inside the official app), §2.3, §3.5 (screen sharing, remote control), §3.12.
    "no_secrets": {
        "zh": "不要向任何人提供短信验证码、密码、卡背面安全码或手持身份证照片，不要授权通讯录，"
        "不要开启屏幕共享或安装对方发来的会议、远程控制软件；正规机构的身份核验只在官方App内完成。",
        "en": "Never give anyone an SMS code, password, card security code or a photo holding your ID, never "
        "grant access to your contacts, and never share your screen or install a meeting or remote-control "
        "app they send; real lenders verify identity only inside their official app.",
    },
    # DOMAIN.md §2.1 (repayment only through the app, the official merchant channel, or an account in the
    # creditor's name), §1.4 item 8 (payment to anyone but the creditor), §3.4 (安全/监管/对公 accounts).
    "repay_official_only": {
        "zh": "只在贷款平台的官方App内还款，或转入合同约定、户名就是贷款机构本身的还款账户；"
        "不要转给个人、“安全账户/监管账户”、陌生公司、二维码或红包。",
        "en": "Repay only inside the lender's official app, or into the repayment account named in your "
        "contract and held in the lender's own name; never to a person, a 'safe' or 'supervised' account, "
        "an unrelated company, a QR code or a red packet.",
    },
    # DOMAIN.md §2.2 (conventions: no fee is charged to get a waiver), §2.3, §3.3 (advance fees, 验资),
    # §1.7 (objections to credit records are free; no paid 征信修复 exists).
    "no_advance_fee": {
        "zh": "办理减免、分期、放款、退款或征信异议都不需要先交手续费、保证金或“验资”；要求先交钱的就是诈骗。"
        "征信异议申请本身是免费的。",
        "en": "No real waiver, instalment plan, loan, refund or credit-record correction requires a fee, deposit "
        "or 'proof of funds' first; asking for money first is the scam. Objecting to a credit record is free.",
    },
    # DOMAIN.md §1.4 item 6 (inducing new loans to repay is banned), §2.3, §5.7, §2.2 (the lender's own
    # instalment and deferral options).
    "no_new_loan": {
        "zh": "不要为了还这笔钱去别的平台或信用卡借新贷（以贷养贷）；确实还不上，直接向原贷款机构申请协商分期或延期。",
        "en": "Do not take a new loan or use another card to repay this one; if you cannot pay, ask the original "
        "lender for an instalment plan or a deferral.",
    },
    # DOMAIN.md §2.3 (moving to another WeChat, QQ or Telegram), §3.5 (apps from links), §3.10 (fake
    # customer-service links), §3.11 (channels favoured by scam gangs), §5.5.
    "stay_official_channel": {
        "zh": "不要添加对方给的其他微信、QQ或Telegram，不要点击陌生链接，不要下载应用商店以外的App；"
        "只通过官方App、官方公众号或官方客服联系。",
        "en": "Do not add the other WeChat, QQ or Telegram account they give you, do not open unknown links and "
        "do not install apps from outside the app store; use only the official app, official account or "
        "official customer service.",
    },
    # DOMAIN.md §2.1 (official app and hotline; keep an allowlist, do not trust number shape; a WeCom
    # suffix proves nothing by itself), §3.9 (fake 法务部/调解中心).
    "verify_official": {
        "zh": "自己打开借款平台的官方App，或拨打App内、借款合同上的官方客服热线，核实对方身份、欠款金额和方案；"
        "不要用聊天里给的电话或链接核实。",
        "en": "Check who they are, the amount and any offer yourself: open the lender's official app or call the "
        "hotline shown in the app or your contract, not a number or link given in the chat.",
    },
    # DOMAIN.md §3.6 (case numbers are checked through 人民法院在线服务 or 12368; courts never collect into a
    # person's account), §3.4 and §3.11 (police do not handle cases or take money by phone or WeChat).
    "verify_legal_claim": {
        "zh": "自称法院、公安、监管部门或律师的：案号可在“人民法院在线服务”或拨打12368核实；"
        "法院、公安和监管部门不会通过微信办案，也不会要求向个人账户付款。",
        "en": "If they claim to be a court, the police, a regulator or a lawyer: check any case number on the "
        "People's Court Online Service or by calling 12368; courts, police and regulators do not handle cases "
        "over WeChat and never ask for payment to a personal account.",
    },
    # DOMAIN.md §1.2 (no collection 22:00–08:00), §1.3 (who may be contacted; 爆通讯录 is unlawful),
    # §1.4 items 1–3 (threats, harassment, third parties), §0 (治安管理处罚法 Art. 42, 刑法 Art. 293-1).
    "know_your_rights": {
        "zh": "合法催收不得威胁、辱骂，不得联系或告知你的亲友、同事（爆通讯录），不得以上门相要挟，"
        "晚上22点到次日8点不得催收；遇到这些可以投诉，情节严重的可以报警。",
        "en": "Lawful collectors may not threaten or insult you, contact or tell your family, friends or colleagues "
        "(blasting your contacts), use a home visit as a threat, or collect between 22:00 and 08:00; you can "
        "complain about this, and report serious cases to the police.",
    },
    # DOMAIN.md §2.1 (offers are confirmed in the app: 最终方案以APP页面为准), §2.2 (no fee for a waiver;
    # principal usually repaid in full).
    "negotiate_in_app": {
        "zh": "协商方案请在官方App内确认并签署电子协议，以App页面显示为准；正规的减免和分期不收任何费用。",
        "en": "Confirm any repayment plan inside the official app and sign the electronic agreement there; what the "
        "app shows is what counts. Real waivers and instalment plans cost no fee.",
    },
    # DOMAIN.md §1.1 (stating the debt, deadline and lawful consequences is lawful), §2.2 (instalments,
    # deferral and minimum payments are offered by lenders themselves).
    "collection_lawful": {
        "zh": "按时还款的提醒本身是合法的；核实欠款后在官方App还款，确有困难可主动向官方客服申请分期或延期。",
        "en": "A reminder to repay is lawful in itself; after checking the debt, repay in the official app, or ask "
        "official customer service for instalments or a deferral if you cannot pay.",
    },
    # DOMAIN.md §0 (the acts behind the flags are punishable: 治安管理处罚法 Art. 42, 刑法 Art. 293-1; a
    # complaint or report needs the record), §3.6 (QR codes and documents arrive as pictures), §8 (trace).
    "keep_evidence": {
        "zh": "保留证据：完整保存聊天记录并截图，记下对方的账号、电话和收款账户，保存转账凭证，不要删除对话。",
        "en": "Keep the evidence: save the whole chat and screenshots, note their account, phone number and any "
        "payee account, keep transfer receipts, and do not delete the conversation.",
    },
    # DOMAIN.md §5.0 (如对催收行为有异议，可拨打我司客服热线或向监管部门投诉), §6.1 (12378: NFRA consumer
    # line [K]), §2.1 (the lender's hotline comes from the app or contract).
    "complain": {
        "zh": "投诉渠道：贷款机构的官方客服热线（以App或合同上的为准）；金融监管投诉热线12378。",
        "en": "Where to complain: the lender's official hotline (as shown in the app or contract) and the "
        "financial regulator's consumer line 12378.",
    },
    # 12348 public legal-service line: background knowledge, not in DOMAIN.md [K]. The warning against paid
    # "法律援助/债务优化" agencies is DOMAIN.md §3.7.
    "legal_aid": {
        "zh": "需要法律帮助，可拨打公共法律服务热线12348；不要相信收费的“停息挂账、债务优化、法律援助中心”代理。",
        "en": "For legal help call the public legal-service line 12348; do not trust paid 'debt optimisation', "
        "'stop interest' or 'legal aid centre' agencies.",
    },
}

#: trigger -> advice ids. Triggers: ``label:<label>``, ``flag:<kind>``, ``flag:<kind>/<detail>``.
TRIGGERS: dict[str, tuple[str, ...]] = {
    # LABELS.md §1: a mechanism that takes money or secrets → stop, verify, keep evidence, report.
    "label:possible_scam": ("stop_and_report", "verify_official", "keep_evidence", "complain"),
    # LABELS.md §1: warning signs without the mechanism yet → verify, keep evidence, complain.
    "label:suspicious": ("verify_official", "keep_evidence", "complain"),
    # LABELS.md §1 and DOMAIN.md §2: a genuine offer is confirmed and paid in the official app.
    "label:negotiation_offer": ("verify_official", "negotiate_in_app", "repay_official_only"),
    # LABELS.md §1 and DOMAIN.md §1.1: a lawful notice → verify, pay officially, ask for a plan.
    "label:collection_notice": ("verify_official", "repay_official_only", "collection_lawful"),
    # Documented choice: other with no flags gets no advice (see the module docstring).
    "label:other": (),
    "flag:personal_data_request": ("no_secrets",),
    "flag:unofficial_transfer": ("stop_and_report", "repay_official_only", "keep_evidence"),
    "flag:threat": ("know_your_rights", "keep_evidence", "complain", "legal_aid"),
    "flag:impersonation": ("verify_official",),
    "flag:impersonation/police": ("verify_legal_claim",),
    "flag:impersonation/court": ("verify_legal_claim", "legal_aid"),
    "flag:impersonation/regulator": ("verify_legal_claim",),
    "flag:impersonation/lawyer": ("verify_legal_claim", "legal_aid"),
    "flag:off_platform": ("stay_official_channel",),
    "flag:advance_fee": ("stop_and_report", "no_advance_fee"),
    "flag:borrow_to_repay": ("no_new_loan",),
}

_ORDER = {aid: i for i, aid in enumerate(ADVICE)}


def check_lang(lang: object) -> AdviceLang:
    """Return ``lang`` if it is a supported advice language.

    Parameters
    ----------
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`LANGS`.
    """
    if lang == "zh" or lang == "en":
        return lang
    raise ValueError(f"advice language must be one of {LANGS}, got {lang!r}")


def advice_ids(label: Label | str, flags: Iterable[Flag] = ()) -> list[str]:
    """Advice ids for a label and its flags.

    Parameters
    ----------
    label : Label or str
        The message's label.
    flags : iterable of Flag
        Its flags (only ``kind`` and ``detail`` are used).

    Returns
    -------
    list of str
        The union of the ids the label and each flag call for, in the order of
        :data:`ADVICE`, each at most once. Empty for ``other`` without flags.
    """
    value = label.value if isinstance(label, Label) else Label(label).value
    found = set(TRIGGERS[f"label:{value}"])
    for f in flags:
        found.update(TRIGGERS.get(f"flag:{f.kind}", ()))
        found.update(TRIGGERS.get(f"flag:{f.kind}/{f.detail}", ()))
    return sorted(found, key=_ORDER.__getitem__)


def chat_advice_ids(verdict: Label | str, messages: Iterable[ChatMessage]) -> list[str]:
    """Advice ids for a whole chat.

    Parameters
    ----------
    verdict : Label or str
        The chat's label (the worst label of the other side).
    messages : iterable of ChatMessage
        The chat's messages; the borrower's own are skipped.

    Returns
    -------
    list of str
        What the verdict and every flag of the other speakers' messages call
        for — not the advice of milder messages (a collection notice's "a
        reminder is lawful" would contradict a scam verdict).
    """
    return advice_ids(verdict, [f for m in messages if not m.is_borrower for f in m.screening.flags])


def advice_text(ids: Sequence[str], lang: str = "zh") -> list[str]:
    """The texts of advice ids in one language.

    Parameters
    ----------
    ids : sequence of str
        Advice ids (keys of :data:`ADVICE`).
    lang : {"zh", "en"}, default="zh"

    Returns
    -------
    list of str
        The texts, in the order given.

    Raises
    ------
    ValueError
        If ``lang`` is not supported.
    KeyError
        If an id is unknown.
    """
    code = check_lang(lang)
    return [ADVICE[i][code] for i in ids]


def advice_for(label: Label | str, flags: Iterable[Flag] = (), lang: str = "zh") -> list[str]:
    """Advice texts for a label and its flags (:func:`advice_ids` then :func:`advice_text`).

    Parameters
    ----------
    label : Label or str
    flags : iterable of Flag
    lang : {"zh", "en"}, default="zh"

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If ``lang`` is not supported.

    Examples
    --------
    >>> advice_for("other")
    []
    >>> advice_for("collection_notice", lang="en")[0].startswith("Repay only")
    True
    """
    return advice_text(advice_ids(label, flags), lang)
