"""borrow_to_repay.v1: pushing the reader to borrow elsewhere (以贷养贷) to repay or hand over."""

import pytest

from .helpers import details, detector, finishes

DET = detector("borrow_to_repay")


def _details(text):
    return details(DET, text)


OTHER = {"other_lender"}

POSITIVE = [
    "你去别的平台借一笔，先把我们这笔还了。",
    "信用卡套现还款最快，今天就能到。",
    "把你手机上几个借款APP的额度都借出来，先还我们。",
    "以贷养贷怎么了？大家都这样过来的。",
    "我这有几个不看征信的口子，下款了先还我们。",
    "你就借新还旧呗，很多人都这么干。",
    "拆东墙补西墙也得先补我们这堵。",
    "支付宝里不是还有额度吗？提出来先还上。",
    "信用卡还能刷吧？刷个POS出来把逾期平了。",
    "找个网贷周转一下不就完了。",
    "随便找个平台借点，今天必须到账。",
    "先在“快借花”借三千还我们，下个月再说。",
    "公积金贷一笔出来，把网贷全清了。",
    "我认识贷款中介，能帮你下一笔。",
    "你白金卡取现五千，今天就能处理完。",
    "去別的平台借一下先還上。",
    "学生账户要注销，需要把各平台额度借出来清零。",
    "先借个过桥，明天我帮你申请减免。",
    "能不能先找其他平台过渡一下？",
    "你其他几个平台额度还在，拿一个出来周转一下。",
    "不还就去借啊，网上那么多贷款APP。",
    "额度借出来了吗？借出来先转到核查账户。",
    "打开借钱入口，点借款，期限选12期，放到储蓄卡里。",
    "你老婆的信用卡也能套，别说没办法。",
    "我们合作的放款机构下款快，下了款直接还我们这边。",
    # generalised families (dev review): paying with credit, borrowed-then-repay, drawing lines, refinancing
    "用花呗付也行，直接转我微信。",
    "网上那么多口子，总有一家能下款的。",
    "借到了就先还我们这笔。",
    "你名下还有两家平台的额度没用，建议调用额度处理这笔逾期。",
    "拿别家的钱来还，这都不会？",
    "去撸两个口zi，先把窟窿堵上。",
    "借呗花呗随便哪个先挪一下，今天必须到账。",
    "去银行申请一笔消费贷，把这些网贷置换掉。",
]

NEGATIVE = [
    "请勿以贷养贷，理性消费。",
    "不建议您通过其他网贷平台借款还款。",
    "如果手头紧，可以找亲戚朋友周转一下，尽快把这期还上。",
    "我们不会让您去别的平台借钱来还。",
    "您的借款已逾期，请尽快在APP内还款。",
    "信用卡账单已出，请按时还款。",
    "有人让我去别的平台借钱还你们，这正常吗？",
    "您可以在APP申请延期或分期，减轻还款压力。",
    "额度已提升至5万元，请在APP内查看。",
    "借款已到账，请留意还款日。",
    "我下个月一定还，现在真的没钱。",
    "实在不够的话可以和家人商量，或者在APP里申请分期。",
    "切勿借新还旧，以免债务越滚越大。",
    "反诈小课堂：骗子会让你把各平台额度借出来转走，千万别信。",
    "您在橙意借的借款有新的还款方案可选。",
    "请通过禾苗借款APP或合同约定账户还款。",
    "当初借钱是为了看病，后来拆东墙补西墙，越借越多。",
    "您的信用卡积分可在APP兑换礼品。",
    "下个月起每月还一点可以吗？",
    "方案申请下来了，只还本金就行。",
    "你涉嫌一起信用卡套现案，速与承办人联系。",
    "借钱不还是要上征信的。",
    "本月账单可在APP中申请最低还款。",
    "公积金缴存基数调整通知已发布。",
    "还款日前请确保储蓄卡余额充足。",
    "",
    # generalised families (dev review): soft advice, family help, the borrower, card ads, warnings
    "不太建议您去别的平台借钱还这笔，会越滚越大。",
    "实在不行找家里人先借点周转一下。",
    "我不想再以贷养贷了，能不能给我出个分期方案？",
    "【东岳银行】使用东岳信用卡分期付款，6期免息，活动截至月底。",
    "等我借到钱就马上还你们，别催了。",
    "信用卡取现、刷POS套现还网贷都会加重负担，请理性还款。",
]


@pytest.mark.parametrize("text", POSITIVE)
def test_borrow_to_repay_positive(text):
    assert _details(text) == OTHER


@pytest.mark.parametrize("text", NEGATIVE)
def test_borrow_to_repay_negative(text):
    assert _details(text) == set()


@pytest.mark.parametrize(
    "text", ["加" + "微信 " * 20000, "😀" * 500, "转" + " " * 50000 + "账", "借出来还" * 5000]
)
def test_borrow_to_repay_long_input_finishes(text):
    assert finishes(DET, text)
