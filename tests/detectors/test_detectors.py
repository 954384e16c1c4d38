"""Detector tables: (text, expected (kind, detail) set); every span must be the raw evidence."""

import pytest

from wxscreen import normalize
from wxscreen.detectors import DETECTORS, default_detectors, load_detector

PDR_POS = [
    ("刚给您发了个验证码，麻烦截图发我确认一下。", {"verification_code"}),
    ("请把收到的验证码发给我，马上帮您办理减免", {"verification_code"}),
    ("验证码报一下，我这边给你提交", {"verification_code"}),
    ("把支付密码告诉我，我帮你操作还款", {"password"}),
    ("卡背面三位数发我核对一下", {"password"}),
    ("请提供您的身份证号码和银行卡号", {"id_number", "bank_card"}),
    ("下载会议软件开启屏幕共享，我指导您操作", {"screen_share"}),
    ("点击这个链接完成人脸识别", {"face_scan"}),
    ("录一段眨眼视频发给我", {"face_scan"}),
    ("发一下你父母的电话号码", {"contacts"}),
    ("把你单位地址发我", {"address"}),
    ("拍一张手持身份证照片发过来", {"id_photo"}),
    ("把你所有借款APP的截图发我", {"other_data"}),
    ("請提供身分證號碼", {"id_number"}),
    ("验\u200b证\u200b码发我", {"verification_code"}),
]

PDR_NEG = [
    "【某某银行】验证码123456，5分钟内有效。任何人索要验证码都是诈骗，切勿泄露。",
    "请勿向任何人透露短信验证码，工作人员不会索要验证码和密码。",
    "官方客服不会让您下载会议软件或开启屏幕共享，如遇此类情况请立即挂断并拨打96110。",
    "为核实身份，请告知身份证后四位。",
    "请在官方APP内完成人脸识别后提交申请。",
    "我们已向您预留手机号发送验证码，请在APP中输入。",
    "您的电子发票已开具，查看：https://inv.example.cn/view?request_code=ABC123",
    "昨天有人让我把验证码发给他，我没给，这是你们的人吗？",
    "好的，谢谢",
    "",
]

TRANSFER_POS = [
    ("您的帳戶已逾期，請將還款轉帳到以下個人帳戶", {"personal_account"}),
    ("请转\u200b账\u200b到\u200c个\u200d人\ufeff账户", {"personal_account"}),
    ("加 微 信 私 下 还 款", {"personal_account"}),
    ("直接转到这个卡 6222****0000 户名李某，今天转账可减免500", {"personal_account", "designated_account"}),
    ("请将资金转入安全账户配合调查", {"safe_account"}),
    ("为保障资金安全，请将结清款转至我司对公账户：户名XX信息咨询有限公司", {"designated_account"}),
    ("直接微信转给我就行，我帮你销账", {"wechat_transfer"}),
    ("扫下面的二维码付款，马上结清", {"qr_code"}),
    ("转到我支付宝上，今天就给你减免", {"alipay_personal"}),
    ("买两张京东卡把卡密发我抵扣还款", {"cash_or_card"}),
]

TRANSFER_NEG = [
    "【某某消费金融】温馨提示：本平台不会要求您转账到个人账户，请只在官方APP内还款。",
    "法院和公安机关不存在安全账户，请勿向陌生账户转账。",
    "仅可通过官方APP或我司对公还款专户（户名：星河消费金融有限公司）还款。",
    "请通过APP主动还款完成支付，系统将自动扣款。",
    "张先生：昨天有人自称客服让我把额度转到安全账户，我没理，这个是你们吗？",
    "我下周就还，别催了",
    "您尾号1234的银行卡将于今日自动扣款，请确保余额充足。",
]


def _detect(kind, text):
    det = load_detector(f"{kind}.v1")
    n = normalize(text)
    hits, complete = det.detect(n)
    assert complete
    for h in hits:
        s, e = n.raw_span(h.start, h.end)
        assert 0 <= s < e <= len(text)
    return {h.detail for h in hits}


@pytest.mark.parametrize("text, details", PDR_POS)
def test_personal_data_positive(text, details):
    assert _detect("personal_data_request", text) == details


@pytest.mark.parametrize("text", PDR_NEG)
def test_personal_data_negative(text):
    assert _detect("personal_data_request", text) == set()


@pytest.mark.parametrize("text, details", TRANSFER_POS)
def test_transfer_positive(text, details):
    assert _detect("unofficial_transfer", text) == details


@pytest.mark.parametrize("text", TRANSFER_NEG)
def test_transfer_negative(text):
    assert _detect("unofficial_transfer", text) == set()


def test_registry_snapshot():
    assert DETECTORS == {
        "personal_data_request.v1": "personal_data_request.toml",
        "unofficial_transfer.v1": "unofficial_transfer.toml",
    }
    assert [d.name for d in default_detectors()] == list(DETECTORS)


@pytest.mark.parametrize(
    "text",
    ["加" + "微信 " * 20000, "😀" * 500, "转" + " " * 50000 + "账", "验证码" * 5000, "个人" * 20000 + "账户"],
)
def test_long_repetitive_inputs_finish(text):
    n = normalize(text)
    for det in default_detectors():
        hits, complete = det.detect(n)
        for h in hits:
            s, e = n.raw_span(h.start, h.end)
            assert 0 <= s < e <= len(text)
