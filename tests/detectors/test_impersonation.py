"""impersonation.v1: a claimed authority or platform that demands action through chat."""

import time

import pytest

from wxscreen import normalize
from wxscreen.detectors import PatternDetector, load_scope, load_spec

DET = PatternDetector(load_spec("impersonation.toml"), load_scope(), source="impersonation.toml")


def _details(text):
    n = normalize(text)
    hits, complete = DET.detect(n)
    assert complete
    for h in hits:
        assert h.kind == "impersonation"
        s, e = n.raw_span(h.start, h.end)
        assert 0 <= s < e <= len(text)
        assert text[s:e].strip()
    return {h.detail for h in hits}


POSITIVE = [
    ("我是城东派出所的民警，你的账户涉嫌洗钱，马上把钱转到安全账户配合调查。", {"police"}),
    ("这里是市公安局经侦支队，你名下银行卡涉案，此事需保密，不要告诉家人。", {"police"}),
    ("【某县公安局】你涉嫌一起洗钱案，请添加办案民警QQ配合调查。", {"police"}),
    ("我是刑警队的李警官，你的网贷逾期已经立案，明天上午来队里说明情况。", {"police"}),
    ("請添加辦案警官微信配合核查，你名下資金需要比對。", {"police"}),
    ("我是区人民法院执行局的书记员，你的案子今天必须结，执行款扫码缴纳。", {"court"}),
    ("法院传票：你已被起诉，添加书记员微信处理。", {"court"}),
    ("【网贷纠纷调解中心】您的欠款已进入调解程序，调解费请转入调解员个人账户。", {"court"}),
    ("我是金融仲裁委的调解员，你那几笔欠款都转到我这了，下午回个电话。", {"court"}),
    ("我是银保监会的工作人员，你的贷款利率违规，需要配合注销账户。", {"regulator"}),
    ("【人行征信中心】您有不良记录待处理，点击链接在线修复。", {"regulator"}),
    ("根据银保监会最新要求，您的借款利率需下调，请下载会议软件办理。", {"regulator"}),
    ("我是国家金融监督管理总局专项组的，你名下有多笔逾期，今天必须说明。", {"regulator"}),
    ("我这边是医保局的工作人员，您的医保卡异常，请下载“医保助手”核验。", {"regulator"}),
    ("我是律师，受你借款平台委托，不想被起诉就加我微信谈。", {"lawyer"}),
    ("我们律所受平台委托，今天把和解款转到律所代收账户就能免于起诉。", {"lawyer"}),
    ("【某某律师事务所】如不希望进入诉讼，请扫描下方二维码支付和解金。", {"lawyer"}),
    ("我是云帆消费金融的客服，系统升级期间请把还款转到我个人支付宝。", {"platform_staff"}),
    ("【锦鲤借款】您的学生账户未注销，将影响征信，请添加注销专员QQ办理。", {"platform_staff"}),
    ("您好，我是快递公司的理赔专员，赔偿款需要您提供银行卡号和验证码。", {"platform_staff"}),
    ("我是平台法务部的，明天就走程序。", {"platform_staff"}),
    ("【某某银行】您的网银证书今日失效，请登录 abc-zs.top 输入卡号和密码更新。", {"platform_staff"}),
    ("这里是青禾分期协商中心，您的减免已审批，需先缴纳手续费才能生效。", {"platform_staff"}),
    ("受星河消费金融委托，结清款请汇入我司项目负责人个人账户。", {"platform_staff"}),
    ("我是橙子借的官方客服，APP还款通道故障，先转到我微信，我帮你核销。", {"platform_staff"}),
    ("案件组通知：你的案子已进入执行准备阶段，请立即回电。", {"platform_staff"}),
    # generalised families (dev review): colloquial claims, regional regulators, signed headings and footers
    ("我检察院的，你名下的案子需要配合调查，先别挂电话。", {"police"}),
    ("【12381反诈中心】您的账户存在风险，请立即下载“安全守护”APP完成验证。", {"police"}),
    ("我是银保监局的工作人员，你的投诉需要核实，加一下我QQ。", {"regulator"}),
    ("按监管要求，你的高息账户必须今天关闭，请下载会议软件配合。", {"regulator"}),
    ("作为本案代理律师，我通知你今晚前和解，否则后果自负。", {"lawyer"}),
    ("喜鹊分期客服部通知：您的账户异常已冻结，请添加专员微信 xq_kf01 解冻。", {"platform_staff"}),
    ("星河借款官方客服阿明（个人号）：您的额度需要重新激活，稍后发您会议号。", {"platform_staff"}),
    ("请将结清款转入合作方对公账户，户名：某某商务咨询有限公司。（青禾分期贷后部）", {"platform_staff"}),
    ("我是星河贷后中心的，请把收到的校验码回复在这里，帮您办理停催。", {"platform_staff"}),
]

NEGATIVE = [
    "【某区人民法院】诉前调解通知：您与某消费金融借款纠纷已委派调解，案号（2025）某0101民诉前调88号，可拨打12368核实。",
    "我是受某某消费金融委托的律师，所在律所为某某律师事务所，执业信息可在律师协会网站查询，请通过官方APP还款，本所不代收任何款项。",
    "您好，我是某消费金融法务部的工作人员，您的借款已逾期120天，公司将依法提起诉讼。",
    "公安机关不会通过电话要求转账，也不存在所谓安全账户。",
    "如有人自称法院工作人员要求您转账，请先拨打12368核实。",
    "我是某某分期的贷后专员小李，您的借款已逾期5天，请在APP内还款。",
    "【某消费金融】您本期账单已出，应还1,200元，请登录APP还款。",
    "【某银行】验证码123456，您正在登录手机银行，请勿告诉他人。",
    "我是某某分期的客服，这个企业微信就是官方账号，我们不会让您转账到个人账户。",
    "昨天有人自称公安说我涉嫌洗钱，这是真的吗？",
    "国家金融监督管理总局提醒：警惕代理退保等非法中介。",
    "如对催收行为有异议，可拨打12378向金融监管部门投诉。",
    "【城南派出所】您申请的居住证已制作完成，请携带回执到窗口领取。",
    "这边是丰泽消费金融客服，您的分期方案已生成，请在APP中确认。",
    "您好，我是受某银行委托的某商务公司工作人员，请通过银行APP还款，我们不经手任何款项。",
    "【市医保局】新年度居民医保缴费已开始，可通过税务APP或银行网点缴纳。",
    "我是某消费金融的客户经理，您的合约下个月到期，到期后可以在APP续签。",
    "【某商城】您的退款已原路退回，预计1-3个工作日到账。",
    "法院判决后如仍不履行，我司将依法申请强制执行。",
    "【某银行】您的网银登录密码连续输错三次，已暂时锁定，24小时后自动解锁。",
    "我们已委托某某律师事务所向您发送律师函，还款仍请通过官方APP办理。",
    "反诈民警提示：任何自称检察院的人让你把钱转走，都不要相信。",
    "【某消费金融】您的借款已全部结清，结清证明可在APP中下载。",
    "我要去派出所报案，你们天天打电话骚扰我。",
    "我是小区物业的工作人员，明天上午停水，请提前储水。",
    "",
    # generalised families (dev review): courts and regulators named in lawful statements, named legal departments
    "我司将依法向人民法院提起诉讼，具体请以法院送达的文书为准。",
    "根据人民银行征信中心的规定，逾期记录保存5年。",
    "锦程消费金融法务部告知：我司将依法通过诉讼途径主张债权。",
    "法院执行款只能缴入法院账户，不要转给任何个人。",
    "国家反诈中心提醒：所谓“征信修复”都是骗人的，请勿轻信。",
    "我是受星河银行委托的催收专员，您可在银行APP核实，我个人不代收任何款项，也不会找您要验证码。",
]


@pytest.mark.parametrize("text, details", POSITIVE)
def test_impersonation_positive(text, details):
    assert _details(text) == details


@pytest.mark.parametrize("text", NEGATIVE)
def test_impersonation_negative(text):
    assert _details(text) == set()


@pytest.mark.parametrize(
    "text", ["加" + "微信 " * 20000, "😀" * 500, "转" + " " * 50000 + "账", "我是法院的，" * 3000]
)
def test_impersonation_long_input_finishes(text):
    t0 = time.perf_counter()
    hits, _ = DET.detect(normalize(text))
    assert time.perf_counter() - t0 < 30
    assert isinstance(hits, list)
