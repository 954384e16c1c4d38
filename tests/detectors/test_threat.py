"""threat.v1: unlawful pressure fires; lawful consequences, warnings and negations do not."""

import pytest

from .helpers import details, detector, finishes

DET = detector("threat")


def _details(text):
    return details(DET, text)


POSITIVE = [
    ("周五前不把欠款结了，抖音见。", {"shaming"}),
    ("你们单位的同事群我已经加进去了，钱呢？", {"shaming"}),
    ("只能麻烦我们挨个给您手机里存的每个号码打电话说明情况了", {"contacts_blast"}),
    ("欠款再不处理，今晚给你的好友群发消息", {"contacts_blast"}),
    ("你每天六点半下楼遛狗是吧，欠我们的钱想好怎么还了吗", {"violence"}),
    ("再不还钱，我们就把你的欠款截图群发给你通讯录里的所有人。", {"contacts_blast"}),
    ("你手机里的通讯录我们早都导出来了，自己掂量。", {"contacts_blast"}),
    ("今晚开始挨个给你的好友打电话，看你还躲不躲。", {"contacts_blast"}),
    ("爆 通 讯 录 了解一下？", {"contacts_blast"}),
    ("再不還錢，就把你的欠款發給你通訊錄所有人。", {"contacts_blast"}),
    ("再拖下去，我们只能联系你的父母，让他们替你还。", {"family_or_work"}),
    ("你们单位领导的电话我们已经查到了，明早打过去。", {"family_or_work"}),
    ("我们就把催款函寄到你单位，让同事都看看。", {"family_or_work"}),
    ("今晚把你欠钱的截图发到你家族群里。", {"family_or_work"}),
    ("你老公在哪上班我们都清楚，你自己看着办。", {"family_or_work"}),
    ("信不信我找人收拾你。", {"violence"}),
    ("你家门口明天就会多一桶红油漆。", {"violence"}),
    ("你再装死，我保证你这辈子都别想好过。", {"violence"}),
    ("我们的人已经在你家楼下了，下来聊聊吧。", {"home_visit"}),
    ("今天不把钱转过来，明天就去你家找你。", {"home_visit"}),
    ("派两个人去你公司楼下等着你下班。", {"home_visit"}),
    ("你的行为已经构成诈骗罪，等着坐牢吧。", {"fake_legal"}),
    ("三天之内不处理，直接冻结你名下所有银行卡和支付宝。", {"fake_legal"}),
    ("你已经被列入失信黑名单了，以后孩子考公政审都过不去。", {"fake_legal"}),
    ("案子已经移交经侦了，等着被带走吧。", {"fake_legal"}),
    ("你这属于恶意逃债，马上拘留十五天。", {"fake_legal"}),
    ("老赖，你还要不要脸？", {"shaming"}),
    ("你的照片我们P成海报了，今晚挂到网上让大家骂。", {"shaming"}),
    ("你欠钱的事我们会曝光到你们小区业主群。", {"shaming"}),
    ("明天就在你们小区门口拉横幅，让左邻右舍都知道。", {"shaming", "home_visit"}),
    ("你这个老賴，再不還就讓你社死。", {"shaming"}),
    ("今天不还，明天公安就上门抓人。", {"fake_legal", "home_visit"}),
    # generalised families (dev review): talk verbs, held copies, audiences, crews, idioms, media, filed-as-crime
    ("再拖着不还，我们就挨个给你微信好友打招呼，说说你欠钱的事。", {"contacts_blast"}),
    ("今晚就把你欠钱的截图群发给你所有的微信好友。", {"contacts_blast"}),
    ("我们手上有你整个通讯录，自己掂量。", {"contacts_blast"}),
    ("只能请你通讯录里的好友帮忙督促一下了。", {"contacts_blast"}),
    ("你家那位的手机号我们早就记下了，明天一早打给他。", {"family_or_work"}),
    ("今天不结清，就跟你们单位人事说明一下你的欠款情况。", {"family_or_work"}),
    ("要不要我们去跟你儿子班主任聊聊？", {"family_or_work"}),
    ("你还有个哥哥在工地上班吧，我们也联系上了。", {"family_or_work"}),
    ("你闺女在哪个学校我们都打听到了，放学路上注意点。", {"family_or_work", "violence"}),
    ("小心你的车，停在外面不安全。", {"violence"}),
    ("钱不还，你也别想安稳过日子。", {"violence"}),
    ("周六我们几个弟兄去你公司楼下坐坐，请你喝杯茶。", {"home_visit"}),
    ("你这个月还不上，你爸妈那边我们就直接上门了。", {"home_visit"}),
    ("你的照片我们剪个视频发快手，标题都想好了。", {"shaming"}),
    ("村里人问起来，我们可就如实说了。", {"shaming"}),
    ("你他妈再不接电话试试。", {"shaming"}),
    ("你这笔已经被认定为恶意骗贷，等着吃官司坐牢吧。", {"fake_legal"}),
]

NEGATIVE = [
    "下周朋友圈见，祝你旅途愉快",
    "天黑了，路上注意安全",
    "明天七点出门吧？我开车送你",
    "我们群发消息给大家，通知明天开会",
    "你们会爆我通讯录吗？我真的很害怕",
    "网上说逾期会被爆通讯录，这是真的吗",
    "若持续逾期，我司将依法提起诉讼并按规定报送征信。",
    "我们不会联系您的亲友，也不会向任何第三方透露您的欠款。",
    "下周将安排两名外访人员前往您登记的地址核实情况，届时会出示工作证。",
    "逾期将产生罚息，具体以合同约定为准。",
    "我司保留追究法律责任的权利，请于本周五前还款。",
    "信用卡恶意透支数额较大且经两次催收仍不归还的，可能承担刑事责任，请尽快处理。",
    "法院判决生效后仍不履行的，可能被列入失信被执行人名单。",
    "联系人明确拒绝后，我们将不再联系。",
    "我也是被催收爆通讯录了，现在该怎么办？",
    "您好，我们有要事找张先生，麻烦转告他回电。",
    "公司已将您的账户移交委外机构处理，请留意来电。",
    "我下周一定还，别再给我打电话了。",
    "警方提醒：凡是说你涉嫌洗钱要求转账的都是诈骗。",
    "请您按时还款，避免影响个人征信。",
    "外访同事会在合同登记地址与您本人面谈，不会向邻居透露任何信息。",
    "本平台承诺：不会上门催收，也不会打扰您的家人。",
    "本周我们会派两位同事上门拜访，核对一下借款情况，到了先给您打电话。",
    "孩子学校明天开家长会，记得早点出门。",
    "新年快乐，给您拜个早年！",
    "钣金喷漆季，单面喷漆398元起。",
    "更新简历后曝光率平均提升四成。",
    "【某银行】您的卡片因异常交易已临时冻结，如非本人操作请致电客服。",
    "催收人员不得威胁、辱骂借款人，如遇此类情况请向我司投诉。",
    "反诈宣传：骗子会说你已被通缉、马上拘留，遇到请直接挂断。",
    "停止暴力催收，不再爆通讯录，是行业自律公约的要求。",
    "",
    # generalised families (dev review): relay via emergency contact, borrower complaints, quoted speech, lifted freezes
    "如您无法接听，我们会联系您的紧急联系人请其转告，不会透露任何欠款信息。",
    "我们会联系您的紧急联系人，请其转告您尽快回电。",
    "他们一直爆我通讯录，我要投诉。",
    "催收员的原话是“再不还就爆你通讯录”，这个能投诉吗？",
    "别怪我们没提醒，逾期会上报征信。",
    "为保护您的隐私，我们不会让您的家人知道欠款情况。",
    "您可以和您的家人商量一下还款计划。",
    "工作人员已为您解除冻结，请重新登录APP。",
    "你们别再让人打我同事电话了，我会还的。",
]


@pytest.mark.parametrize("text, details", POSITIVE)
def test_threat_positive(text, details):
    assert _details(text) == details


@pytest.mark.parametrize("text", NEGATIVE)
def test_threat_negative(text):
    assert _details(text) == set()


@pytest.mark.parametrize(
    "text", ["加" + "微信 " * 20000, "😀" * 500, "转" + " " * 50000 + "账", "老赖" * 3000]
)
def test_threat_long_input_finishes(text):
    assert finishes(DET, text)
