"""Who is the borrower in a pasted chat: cue scores per speaker (used by ``screen_chat``).

The paste belongs to the borrower (the reader); the other side writes to them.
When neither ``me`` nor a structural hint (a speaker called 我, a WeCom ``@``
account, ``你已添加了X``, ``我通过了你的朋友验证请求``, a forwarded record of
one's own chat) settles it, each top-level speaker gets a score from what their
own messages do (DOMAIN.md §2 on how impostors and collectors open; cue lists
written for this project and checked on the chat fixture set):

* the other side (score down): asks for money, an account, a code, a link or a
  secret (``帮我交…``, ``转到这个账户``, ``户名：``, ``别找财务``), or any of
  their messages carries a screener flag; introduces or re-introduces itself
  (``我换号了``, ``是我，``, ``我是XX金融贷后专员``, ``这是我新号``); opens by
  addressing the reader as a customer or a junior (``张先生您好``, ``闺女，``,
  ``小陈，``, ``亲，``); speaks of the reader's debt (``您的借款已逾期``,
  ``你这笔``); its display name is a role or a kinship remark the
  reader saved (``李专员``, ``周总``, ``客服小林``, ``妈``); its messages look
  like collection (the screener's probability of anything but ``other``);
* the borrower (score up): doubts who the other is (``你是谁``, ``怎么换号了``,
  ``是不是骗子``, ``你先打个电话给我``, ``为什么要转到个人账户``); talks about
  repaying its own debt (``我下周发工资就还``, ``能不能分期``, ``没钱``) or
  says it has paid (``我已经转到这张卡上了``, ``转好了``);
  answers briefly (``好的``, ``在的``, ``收到``); is named at the start of a risky
  message by another speaker (``老王，是我``).

The speaker with the highest score is the borrower when it leads the next one
by at least :data:`MARGIN`; otherwise the evidence is too weak and ``screen_chat``
names nobody as the borrower (every message is screened) and reports the
likelier one as ``borrower_guess``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

__all__ = ["MARGIN", "SpeakerCues", "message_cues", "rank_speakers"]

#: How far (in score units) the likeliest borrower must lead the next speaker.
MARGIN = 0.6

# The reader doubting the sender: who are you, why a new number, is this a scam, call me first.
_DOUBT = regex.compile(
    r"你是谁|您是谁|你是哪位|您是哪位|是哪位|哪位啊|是不是骗子|是骗子|骗子吧|骗人的吧|不会是骗|是不是诈骗|诈骗吧|"
    r"真的假的|真的是你|是你吗|你真是|怎么换(了)?(个)?(手机)?号|为什么换号|换号了[吗？?]|(换|用)(了)?(个)?新号[？?]|"
    r"怎么(突然)?(用|换)(了)?(个)?(新|别的)?(微信|号)|为什么(要|让我|得)|凭什么(要|让我|得)|"
    r"我怎么(确认|知道|相信|核实)|怎么证明|(先)?(给我)?打(个)?电话(给我|确认|说|吧)|(先)?(视频|语音)(一下|确认|通话)|"
    r"你们是哪(个|家)|哪个平台|哪家公司|是官方的?吗|正规的?吗|我没(借|欠|在)(过)?(你们)?"
)
# The reader speaking of repaying their own debt.
_OWN_DEBT = regex.compile(
    r"我(?!们|司|方|这边|帮|给您|替)[^，。！？\n]{0,6}?(还款|还上|还清|结清|还钱|还给你|还你们)|"
    r"我(下周|下个?月|月底|明天|后天|这周|周末|过几天|发(了)?工资|一定|尽快|马上)(就|会|能)?还|"
    r"我(?!们|司|方|这边|帮)[^，。！？\n]{0,8}?(就|会|再|一定|尽快|马上)还(?![有在是没要得])|"
    r"我(?!们|司|方|这边|帮|看)[^，。！？\n]{0,10}?还(了|过|清了)|"
    r"(能|可以)(不能)?(再)?宽限.{0,6}[吗？?]|没(有)?钱(还)?|还不上|还不起|手头紧|"
    r"(能不能|可不可以|可以)(分期|减免|延期|少还|晚几天)|我的(借款|贷款|欠款|账单)|我(选|要|申请|想)(一下)?(分|办)\d*期"
)
# A call, not a payment, after 打/转: 打(了|过)你电话, 打您的电话, 转你电话 (code review 8: 我刚打你电话没接 read as
# "I paid", so the scammer asking for the code next was taken for the borrower).
_CALL = r"(?!(?:了|过)?(?:你|您|他|她)?的?电话)"
# What 打 pays: money (打钱, 打款, 打了过去, 打到…卡上, 打给你, 打了3000块); 打 alone (我都打了好几遍了) is a call.
_HIT_MONEY = (
    r"打(?:钱|款|了?过去|了?到|了?给(?:你|您)|了?[0-9一二两三四五六七八九十几百千万]+(?:块|元|万|千|百))"
)
# The reader saying it has paid or sent what was asked (我已经转到这张卡上了, 转好了, 截图发你了).
_PAID = regex.compile(
    rf"我(已经|刚刚?|都|早就)(汇|付|交|还|转{_CALL}|{_HIT_MONEY})|(转|汇|付|交|钱打|款打)(好|完)了"
    r"|已(转|汇|付|交)(了|过去)?[，。！\s]|截图(发|给)你"
)
# A short acknowledgement or answer (the whole message).
_ACK = regex.compile(
    r"^(好的?|好吧|好滴|嗯+|哦+|噢|行|行吧|可以|收到|知道了|明白|在的?|在呢|在啊|怎么了|什么事|啥事|谢谢|"
    r"ok|OK|Ok|稍等|等下|马上|我看(一下|看)|我看下|我想想)+$"
)
# The sender asking for money, an account, a code, a link, or secrecy.
_REQUEST = regex.compile(
    r"帮(我|忙)(先)?(交|转|垫|付|打|汇|充|买|还|出|借|取)|借我|(先)?(转|打|汇|付)(给|到)(我|这个|以下|下面|这张|该)|"
    r"给我(转|打|汇)|(先|直接)(垫|转|交|付|打)|(户名|账号|帐号|卡号|开户行|收款人)\s*[：:]|点(击|开)(链接|这个|下面)|"
    r"验证码(发|告诉|给|报)|发(给)?我(验证码|身份证|截图|卡号)|加(我|一下)(的)?(QQ|qq|微信|飞机|电报)|"
    r"别(找|告诉|跟|问)|不要(告诉|跟|找|问)|先别(说|告诉|声张|问)|这事(先)?(走|别)"
)
# The sender introducing (or re-introducing) itself.
_CLAIM = regex.compile(
    r"我(换|改)(了)?(个)?(手机)?号|^[^，。！？]{1,8}[，,]\s*是我[，,。！!]|是我啊|我是(你|您)|这是我(的)?新(微信|手机)?号|"
    r"(手机|电话)(丢|掉|坏|摔)了|我是[^，。！？\n]{1,12}(专员|客服|经理|律师|主管|法务|警官|工作人员|老同学|同学|表哥|表姐|表弟|表妹)"
)
# The sender speaking of the reader's debt or account (您的借款已逾期, 你这笔, 您尾号1234).
_YOUR_DEBT = regex.compile(
    r"(你|您)(的|在[^，。！？\n]{1,10}的)(借款|贷款|欠款|账单|逾期|订单|额度|征信|账户|网贷)|(你|您)(这笔|尾号)|"
    r"(你|您)(已|已经)?逾期"
)
# The sender opening by addressing the reader as a customer or a junior.
_ADDRESS_READER = regex.compile(
    r"^\s*(?:(?:亲爱的|亲|闺女|儿子|女儿|宝贝|孩子|同学|老同学|\p{Han}{1,2}(?:先生|女士|小姐)|小\p{Han}|"
    r"老(?!师|板|公|婆|总|大|爸|妈)\p{Han})(?:[，,：:！!\s]|您好|你好|在吗|在不)|(?:您好|你好)[，,]?\p{Han}{1,2}(?:先生|女士|小姐))"
)
# Display names the reader gives the other side: roles and kinship remarks.
_ROLE_NAME = regex.compile(
    r"专员|经理|客服|律师|主管|警官|主任|顾问|催收|法务|老师|财务|官方|金融|银行|平台|调解|^.{1,2}总$|"
    r"^(老?妈|老?爸|妈妈|爸爸|哥|姐|哥哥|姐姐|弟弟|妹妹|儿子|女儿|闺女|老公|老婆|舅舅|姑姑|叔叔|阿姨|大伯|小姨)$"
)
_PUNCT = regex.compile(r"[\s\p{P}\p{S}]+")


@dataclass
class SpeakerCues:
    """Evidence for one speaker (counts of messages showing each cue)."""

    messages: int = 0
    doubt: int = 0
    own_debt: int = 0
    ack: int = 0
    request: int = 0
    claim: int = 0
    address_reader: int = 0
    your_debt: int = 0
    addressed_by_risky: int = 0
    role_name: bool = False
    debt: float = 0.5  # mean probability of a label other than ``other``

    def score(self) -> float:
        """Higher is more like the borrower (weights in :func:`rank_speakers`)."""
        up = 1.0 * min(self.doubt, 2) + 0.5 * min(self.own_debt, 2) + 0.25 * min(self.ack, 2)
        up += 1.0 * min(self.addressed_by_risky, 1)
        down = 1.0 * min(self.request, 2) + 1.0 * min(self.claim, 1) + 0.5 * min(self.address_reader, 1)
        down += 0.5 * min(self.your_debt, 2)
        down += 0.5 * self.role_name + 1.0 * self.debt
        return up - down


def message_cues(view: str, flagged: bool, menace: bool = False) -> dict[str, bool]:
    """Which cues one message (as screened: placeholders blanked) shows.

    ``menace``: the message carries a ``threat`` flag. Only the other side threatens, so such a
    message is a request even when it also doubts (你是不是骗子，借了钱就想跑？…发到你们公司群里), and
    its doubt words do not count for the borrower.
    """
    s = view.strip()
    bare = _PUNCT.sub("", s)
    doubt = bool(_DOUBT.search(s)) and not menace
    paid = bool(_PAID.search(s))
    return {
        "doubt": doubt,
        "own_debt": paid or bool(_OWN_DEBT.search(s)),
        "ack": bool(bare) and len(bare) <= 6 and bool(_ACK.match(bare)),
        # a question about a request, or a report of having paid, repeats its words
        # (为什么要转到你同事的卡上, 我已经转到这张卡上了): not a request
        "request": menace or (not doubt and not paid and (flagged or bool(_REQUEST.search(s)))),
        "your_debt": bool(_YOUR_DEBT.search(s)),
        "claim": bool(_CLAIM.search(s)),
        "address_reader": bool(_ADDRESS_READER.match(s)),
    }


def rank_speakers(cues: dict[str, SpeakerCues]) -> tuple[str | None, str | None]:
    """Return ``(borrower, guess)``: the leading speaker when it leads by :data:`MARGIN`, else ``(None, leader)``.

    Parameters
    ----------
    cues : dict of str to SpeakerCues
        The candidates (two or more) and their evidence.
    """
    ranked: Sequence[tuple[str, float]] = sorted(
        ((n, c.score()) for n, c in cues.items()), key=lambda x: -x[1]
    )
    if not ranked:
        return None, None
    if len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= MARGIN:
        return ranked[0][0], None
    return None, ranked[0][0]


def role_name(name: str) -> bool:
    """A display name that is a role or a kinship remark (``李专员``, ``周总``, ``妈``)."""
    return bool(_ROLE_NAME.search(name.split("@")[0].strip()))
