"""advance_fee.v1: a fee, deposit or proof of funds paid first to unlock something."""

import pytest

from .helpers import details, detector, finishes

DET = detector("advance_fee")


def _details(text):
    return details(DET, text)


POSITIVE = [
    ("请先缴纳风险保证金3,000元至客户经理的个人账户，审核通过即可停息", {"deposit"}),
    ("减免已经批了，先交300元手续费才能出方案。", {"fee"}),
    ("請先繳納手續費288元才能辦理延期。", {"fee"}),
    ("解冻金1500元交完马上给您放款。", {"fee"}),
    ("只需先开通VIP会员即可提现。", {"fee"}),
    ("征信修复一条三千，先付一半定金。", {"deposit"}),
    ("停催备案费380元，交了所有平台都不会再打你电话。", {"fee"}),
    ("撤诉需要先交一笔律师费，两千，转到我这边。", {"fee"}),
    ("先 转 两 百 手 续 费", {"fee"}),
    ("恭喜中奖！领取前请先支付个税1,600元。", {"fee"}),
    ("兼职日结，先垫付68元买商品，五分钟返还本金加佣金。", {"fee"}),
    ("您的分期已通过，请于两小时内支付分期公证费260元至公证员账户。", {"fee"}),
    ("只要交199元会员费，平台就先帮你把逾期还了。", {"fee"}),
    ("办理分期需要先缴纳保证金2000元，办完退还。", {"deposit"}),
    ("先交500押金，押金到位马上给你批减免。", {"deposit"}),
    ("想撤案就先交两万取保金。", {"deposit"}),
    ("征信洗白包过，定金八百，下款后付尾款。", {"deposit"}),
    ("缴纳保证金壹仟元后即可放款。", {"deposit"}),
    ("放款前要做个验资，往卡里存入借款额的20%。", {"proof_of_funds"}),
    ("流水不够的话要先刷流水，三天刷到五万才能批。", {"proof_of_funds"}),
    ("您的账户余额要有八千才能入账，存进去截图给我。", {"proof_of_funds"}),
    ("为核实还款能力，请往本人卡里存入首期金额的十倍。", {"proof_of_funds"}),
    ("退款前需要先转一笔等额资金到验证账户，确认后一起退回。", {"proof_of_funds"}),
    ("降息要交一笔调整手续费，198元，扫码付完马上生效。", {"fee"}),
    ("罚息全免的前提是先付叁佰手续费。", {"fee"}),
    ("包装费1200，包下款，下不来全退。", {"fee"}),
    # generalised families (dev review): goodwill money, paid memberships, solvency tests, fees withheld
    ("想让我帮你申请减免，先转三百过来表示诚意。", {"fee"}),
    ("放款前需要开通VIP会员，年卡198元，开通后马上到账。", {"fee"}),
    ("罚息可以全免，前提是先走一笔公证费，520元。", {"fee"}),
    ("不交材料费方案批不下来的。", {"fee"}),
    ("保证金直接支付宝转我，300，到了就给你提交方案。", {"deposit"}),
    ("先转3000到这个账户，证明你有还款能力，我们再给你办延期。", {"proof_of_funds"}),
    ("放款前请往卡里存入5000元并保持24小时，系统检测后放款。", {"proof_of_funds"}),
]

NEGATIVE = [
    "他们让我先交800保证金才给放款，我没理。",
    "朋友说先交手续费就能下款，我觉得不靠谱",
    '办延期需不需要先交保证金？我怕遇到骗子。',
    "协商还款不收取任何手续费。",
    "分期手续费已包含在每期应还金额中，以APP展示为准。",
    "办理延期无需缴纳保证金。",
    "凡要求先交费才能减免的均为诈骗。",
    "如判决后仍不履行，诉讼费由您承担。",
    "一次性信用修复无需申请、不收费，也不需要任何中介。",
    "上门维修费50元，修好后再结算。",
    "您本月的会员费已自动扣除。",
    "有人让我先交手续费才能放款，这靠谱吗？",
    "请在APP内上传收入证明和银行流水完成审核。",
    "您尾号1234的账户转账500元成功，手续费0.00元。",
    "年货节预售开启，付定金10元抵30元。",
    "【某银行】动账提醒服务每月服务费2元，从签约账户扣收。",
    "本期应还1,200元，含分期手续费36元，请按时在APP还款。",
    "您的养老保险费300元已缴费成功。",
    "结清后可在APP免费下载结清证明。",
    "办理个性化分期全程免费，请勿相信收费中介。",
    "平台不会以任何名义收取保证金或押金。",
    "逾期将产生罚息和违约金，请尽快还款。",
    "小区停车费每月150元，请到物业缴纳。",
    "6期手续费5折，限时优惠。",
    "请确保扣款卡余额充足，系统将于今晚扣款。",
    "提醒：贷款前收取“工本费”“解冻费”的都是骗局。",
    "我们不需要您先转任何钱来证明还款能力。",
    "您的话费充值已到账，感谢使用。",
    "",
    # generalised families (dev review): per-instalment fees in the app, the borrower refusing, reported offers, refunds
    "每期服务费20元已含在月供中，以APP展示为准。",
    "凭什么要我先交手续费？我不办了。",
    "我朋友收到短信，说要交500保证金才能停息挂账，靠谱吗？",
    "请勿相信“先交保证金才能减免”的说法。",
    "您之前被多收的担保费现在统一退还，请在APP内申请。",
]


@pytest.mark.parametrize("text, details", POSITIVE)
def test_advance_fee_positive(text, details):
    assert _details(text) == details


@pytest.mark.parametrize("text", NEGATIVE)
def test_advance_fee_negative(text):
    assert _details(text) == set()


@pytest.mark.parametrize(
    "text", ["加" + "微信 " * 20000, "😀" * 500, "转" + " " * 50000 + "账", "先交手续费" * 5000]
)
def test_advance_fee_long_input_finishes(text):
    assert finishes(DET, text)
