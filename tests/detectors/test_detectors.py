"""Detector tables: (text, expected (kind, detail) set); every span must be the raw evidence."""

import pytest

from wxscreen import normalize
from wxscreen.detectors import DETECTORS, default_detectors, load_detector

PDR_POS = [
    ('是真的吗？请把您的银行卡密码和验证码发我核实。', {'verification_code', 'password'}),
    ('您好，减免是真的吗？是真的，请把验证码发给我确认。', {'verification_code'}),
    ('把卡正反面拍清楚发过来，还有卡背后三位数字', {'password'}),
    ('身份证号110101199003070000 发我一下', {'id_number'}),
    ("把验证码发给138****5678，我这边核对", {"verification_code"}),
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
    ("您好 your loan is overdue，请把 verification code 发给我", {"verification_code"}),  # trial 7
    # codes referred to in an earlier clause, homophones
    ("刚才那个码你收到没？把码发我", {"verification_code"}),
    ("短信来了吗？来了直接读给我", {"verification_code"}),
    ("收到一条短信对吧？把里面的数字截图发我", {"verification_code"}),
    ("yan证码发我下，马上给你撤销", {"verification_code"}),
    ("下载向日葵，把识别码和验证码告诉我", {"verification_code"}),
    ("密ma发我，我帮你操作", {"password"}),
    ("你把银行卡拍正反面发我", {"bank_card"}),
    ("共享一下屏幕，我帮你操作", {"screen_share"}),
    ("開啟螢幕分享，專員協助您退費", {"screen_share"}),
    ("点这个链接做一下人脸识别", {"face_scan"}),
    ("你领导电话给一个", {"contacts"}),
    ("你现在住哪？", {"address"}),
    ("请上传一张本人与身份证的合影", {"id_photo"}),
    ("把你的社保缴纳记录截个图", {"other_data"}),
    ("把支付宝和微信的余额截图发我看看", {"other_data"}),
    # generalised families (dev review): code words, copy/type/paste verbs, live face checks, full numbers, relatives
    ("刚才那条短信里的数字，你原样打给我就行。", {"verification_code"}),
    ("银行发你的解绑码念一下，我帮你操作。", {"verification_code"}),
    ("码收到了吗？收到了读一下。", {"verification_code"}),
    ("把收到的那条短信整条复制粘贴过来。", {"verification_code"}),
    ("卡背面最后三位报给我核对一下。", {"password"}),
    ("取款密码几位？直接打出来给我。", {"password"}),
    ("用FaceTime和我视频一下，确认是本人。", {"face_scan"}),
    ("开个视频，脸对着镜头眨眨眼。", {"face_scan"}),
    ("拍一张手持证件照发给我登记。", {"id_photo"}),
    ("身份证要18位完整的，补全发我。", {"id_number"}),
    ("卡号只给后四位不行，完整的十九位都要。", {"bank_card"}),
    ("位置共享开一下，我看你在哪。", {"address"}),
    ("你住的那个小区叫什么？", {"address"}),
    ("把你表哥的电话给我一个。", {"contacts"}),
    ("办张新手机卡寄给我们，后面短信我们处理。", {"other_data"}),
    ("装个AnyDesk，把识别码发我。", {"other_data"}),
    ("发三张生活照过来。", {"other_data"}),
    # an ask followed by a number already written in still asks for the next object (R3)
    ("请提供身份证号110101199001011234和银行卡号6222021234567890123", {"id_number", "bank_card"}),
    ("请提供银行卡号6222 0212 3456 7890 123和身份证号", {"id_number", "bank_card"}),
    ("麻烦发一下身份证号码11010119900101123X以及银行卡号", {"id_number", "bank_card"}),
    ("请勿向他人透露验证码，但我是官方客服，验证码可以告诉我。", {"verification_code"}),
    # a warning first, then the ask in a clause of its own: the warning does not cover the ask
    ("切勿泄露验证码，收到后发我核对。", {"verification_code"}),
    ("请勿向他人透露验证码，稍后收到后直接回复给我即可。", {"verification_code"}),
    ("验证码不要给别人，给我就行。", {"verification_code"}),
    ("请登录App，然后把收到的验证码告诉我", {"verification_code"}),
]

PDR_NEG = [
    '你的验证码是多少我不需要，自己登录就行。',
    '刚才银行给我发了个验证码，我没给任何人。',
    '那个说退费的让我下载会议软件开屏幕共享，我直接挂了。',
    '我把验证码告诉客服了吗？没有没有，我是在APP里自己输的。',
    '信用卡背面那三位数千万别露出来，谁问都别给。',
    '屏幕共享这个功能我们根本不用，您放心。',
    '本行不会通过短信、电话要求您提供验证码或银行卡密码。',
    '开屏幕共享会泄露你的短信，谁叫你开都不要开。',
    "请登录App，输入收到的短信验证码完成还款确认，本期应还980元。",  # typed into the app
    "验证码是您的隐私，任何人索要都不要发给对方。",
    "我自己的卡号我当然知道，你们别老在电话里念我的卡号，旁边有人听着呢",
    "请勿向他人透露验证码，任何人索要都不要给。",
    "Your OTP is 123456, do not share it with anyone. 请勿泄露。",
    "您尾号1234的银行卡已绑定，身份证号110101199001011234的实名认证已完成",
    "不要把身份证号发给别人",
    "千万别把身份证照片和银行卡号发给陌生人",
    "动态码482913，仅限本人在APP内使用，告诉他人可能造成资金损失。",
    "谁发个链接让你对着镜头点头眨眼，都是想偷你的人脸信息。",
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
    # narration, threats and the sender sharing their own data are not requests
    "我刚才差点把验证码念给一个自称你们客服的人，还好反应过来了。",
    "你再拖，我就把你借款时拍的手持身份证照片发到你们公司群里。",
    "我们会把您的欠款情况发给您通讯录里的每一位联系人。",
    "今晚先给你发个定位，让你看看我们离你家多远。",
    "市民接到电话，对方要求她下载会议软件并开启屏幕共享，随后转入所谓“银联监管账户”。",
    "下午两点线上评审，我这边开屏幕共享讲方案，大家听就行。",
    # asking about income to size a plan is lawful negotiation (LABELS.md negotiation_offer)
    "方便说一下您现在每月收入大概多少吗？我们好帮您匹配分期档位。",
    "【半岛咖啡】新会员注册：在小程序里输入手机号和收到的短信验证码，即可领取5折券。",
    "我们已向您预留手机号发送验证码，请在APP中输入。",
    # generalised families (dev review): "no need to send", codes sent TO the reader, in-app forms, narration, enumerated negations
    "验证码不用告诉我，在APP里输入就好。",
    "卡号不需要发给我，APP里自己绑定。",
    "系统会给您预留手机号发验证码，请在APP页面填写。",
    "APP里还完款截个图发我，我给你登记。",
    "提醒：任何让你开位置共享、发定位的都不是我们的人。",
    "紧急联系人请在APP个人资料页自行填写，我们不通过微信收集。",
    "我把屏幕共享关了，那个专员还一直催我打开。",
    "借款时录的那段视频，我们这边有存档。",
    "我司员工更不会找您要验证码、密码或让您开启屏幕共享。",
]

TRANSFER_POS = [
    ("欠款已转法务，今天把钱转到法务专员个人账户，户名张某", {"personal_account", "designated_account"}),
    ('用微信扫这个收款码给我转3000就能注销账户', {'qr_code'}),
    ("卡号分两条发你，户名写我名字就行", {"personal_account"}),
    ("我是表妹，号被盗了，能帮我充一下200的话费吗，明天还你", {"cash_or_card"}),
    ("支付宝账号是 zhao_1234x，直接转过来", {"alipay_personal", "personal_account"}),
    ("转２０００元到ｖｘ：ｌｉｕ＿７７，备注结清", {"wechat_transfer"}),
    ("支付宝转 chen_5566，实名陈*，今天到账就销账", {"alipay_personal"}),
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
    # payees given as a person, the sender's own card, cash pickup
    ("款打到经办人卡上", {"personal_account"}),
    ("走我卡上比走APP便宜八百", {"personal_account"}),
    ("私了吧，钱给到我这里", {"personal_account"}),
    ("这张卡是我弟的，你放心转", {"third_party"}),
    ("我可以见面收现金，当面给你写收条", {"cash_or_card"}),
    ("充3000话费到这个号就当还款了", {"cash_or_card"}),
    # red packets and WeChat/Alipay of the sender
    ("你发我一个520的红包，罚息全免", {"wechat_transfer"}),
    ("红包发1888就能了结", {"wechat_transfer"}),
    ("先转两百诚意金到我V信上", {"wechat_transfer"}),
    ("转账至客服个人支付宝 ut***@mail.com", {"alipay_personal"}),
    # QR codes
    ("还款请长按识别下方收款码[图片]", {"qr_code"}),
    ("码发你了，扫这个，备注手机后四位", {"qr_code"}),
    ("用支付宝相册扫一扫付款", {"qr_code"}),
    # payee companies unrelated to lending
    ("公户信息发你了，瑞祥文化传媒有限公司，直接网银转", {"designated_account"}),
    ("这个账户是我们的结算公司，户名跟平台不一样是正常的", {"designated_account"}),
    ("您的待还款项由“武汉楚越企业服务有限公司”代为收取", {"designated_account"}),
    # safe-account variants
    ("清退专户收到款后合同即视为履行完毕", {"safe_account"}),
    ("请把余额先转进备付金账户，核验后原路退回", {"safe_account"}),
    # generalised families (dev review): money parked with the sender, staff and titled payees, offered accounts, channels
    ("钱先放我这儿，我统一帮你还进去。", {"personal_account"}),
    ("先转五百进来，过完流水马上退你。", {"personal_account"}),
    ("尾款交给律所的王律师，他确认后出结清证明。", {"personal_account"}),
    ("这个账户是我们主管的，你直接转进去就行。", {"third_party"}),
    ("我给你个账户，不是平台的，转过去就能结清。", {"designated_account"}),
    ("钱转到我们合作的“恒通商务咨询”对公账户就行。", {"designated_account"}),
    ("收款账户我私信发你，今天转账今天结清。", {"designated_account"}),
    ("先发个200的红包当手续费，马上给你办。", {"wechat_transfer"}),
    ("还款也在微信上转，APP那边不用管了。", {"wechat_transfer"}),
    ("加我这个号 kf_9988，通过后直接转账。", {"wechat_transfer"}),
    ("支付宝转一下，马上给你销账。", {"alipay_personal"}),
    ("我们财务的支付宝是 cw***@xx.com，转过去备注姓名。", {"alipay_personal"}),
    ("明天我们的人去你家，现金备好。", {"cash_or_card"}),
]

TRANSFER_NEG = [
    # trial 8 (session 7): a case handed to a department, a payment already made or a receipt,
    # a merchant's code for in-person payment
    "法务部通知：你的欠款已转法务处理，今日下午将派人上门核实",
    "我刚转了你500，收到没？微信转账那个",
    "微信支付\n转账给 王某某 ¥1,500.00\n转账成功\n对方已收款",
    "二维码收款码我贴在店门口了，顾客扫码付款就行",
    "您到了直接去前台，付款刷卡扫码都可以。",
    "一共一千一百二，你来了付或者我发你收款码都行。",
    '【某银行】您正在进行网银转账，收款人王*明，金额500.00元。如非本人操作请致电客服。',
    '您的转账汇款2,000.00元已成功到账对方尾号1234账户。',
    '安全账户？我才不转。',
    '收款码发我一下，饭钱我转你。',
    '不转个人账户，我只在APP上还。',
    '款项仅支付至债权人名下账户，请勿向任何个人转账。',
    "你把收款码发我，我扫给你。",  # the reader is the payee
    "妈，我刚帮你充了100话费，到账了说一声",
    "户名写我的名字，开户行写建设银行，这是我办工资卡填的表",
    "提醒：私人账户收款一律不是我司的做法，请在APP内还款。",
    "我司对公还款账户户名为蓝鲸信用科技有限公司，账号以借款合同及APP还款页面为准。",
    # a verdict on the whole sentence, receipts, property fees
    "谁让你把钱转到“清查账户”“过渡账户”里，统统是骗子。",
    "您经对公账户汇入的3,200元已于今日核销，户名与我司一致。",
    "尊敬的业主：本季度物业费可转账至物业公司对公账户，户名：翠湖物业服务有限公司。",
    # friends and family settling up (peer lexicon), payments already made, a courier's COD code
    "婚礼的礼金我替你一起给了，800，你有空转我就行",
    "报销批下来以后直接打我卡上就可以，谢谢王姐",
    "你帮我垫的那笔打车钱，我已经转你了，看看",
    "阿姨，下个月的生活费我昨晚转过去了",
    "刚才扫码付了56块，老板你查一下",
    "王总，您让我付的那笔货款已经通过公司对公账户付了，回单在财务那。",
    "本单货到付款，签收时可扫快递员的收款码支付",
    # the borrower checking a payee, a court's own account, money that already arrived
    "这个对公账户户名怎么不是你们公司？我不敢转",
    "那张卡户名是一家文化传媒公司，和合同对不上，幸好没转",
    "执行款请缴入本院执行款专户，本院不通过个人账户收取案款",
    "货款已经到公司对公账户了，发票下午寄出",
    # a news report about the trick
    "本报讯 近日警方破获一起案件，骗子冒充网贷客服，诱导借款人把钱转到所谓安全账户。",
    "群收款：周六烧烤每人50，直接发群里红包就行",
    "你上次借我的500块方便的话微信转我就行哈，不急。",
    '周末烧烤人均95，你那份直接转我就好。',
    '我先垫了电影票钱，回头微信转我一半吧。',
    '上个月借你的两千我刚微信转过去了，注意查收。',
    "【某某消费金融】温馨提示：本平台不会要求您转账到个人账户，请只在官方APP内还款。",
    "法院和公安机关不存在安全账户，请勿向陌生账户转账。",
    "仅可通过官方APP或我司对公还款专户（户名：星河消费金融有限公司）还款。",
    "请通过APP主动还款完成支付，系统将自动扣款。",
    "张先生：昨天有人自称客服让我把额度转到安全账户，我没理，这个是你们吗？",
    "我下周就还，别催了",
    "您尾号1234的银行卡将于今日自动扣款，请确保余额充足。",
    "您本月应还的2,310元请在APP内还款，客服不会在微信里给您发收款二维码。",
    "本所不代收任何款项，请通过官方渠道还款。",
    "【锦程消费金融】您的账户已成功绑定新的还款银行卡（尾号0916）。",
    "【某银行】您尾号9305的账户向李某某的个人账户汇款2,800.00元已成功。",
    "还款请认准户名“澜泽银行股份有限公司”的对公账户。",
    "【市医保】门诊结算，统筹基金支付112.40元，个人账户支付36.80元。",
    "扫码关注公众号，领取还款提醒",
    "老板发的开工红包，手气最佳",
    "我刚把钱转给我妈了",
    "我把验证码发给你了吗？没有吧",
    "骗子开场白千变万化，最后都是一句话：把钱转到我给的账户。",
    # generalised families (dev review): the sender refusing cash, the lender's own or the court's account, borrower questions
    "我们外访人员不收现金，请在APP还款。",
    "你转给我个人我可不敢收，还是在APP上还吧。",
    "还款请通过户名为本公司的对公专户或官方APP完成。",
    "您通过对公专户（户名：星借科技有限公司）转账后，请把回单发我。",
    "法院执行款只能缴入法院账户，不要转给任何个人。",
    "那个让你加微信转账的人不是我们员工。",
    "我用支付宝转一下可以吗？APP老是卡。",
    "发红包还款行吗？我没绑银行卡。",
    "你发来的那个收款码我不敢扫。",
    "收到，我明天上午去银行取钱再在APP里还。",
    "提醒：公检法机关更没有什么“安全账户”。",
    "如您收到要求转账至“监管账户”的短信，请勿理会。",
    "你老婆电话我们有，今晚直接打给她。",
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
        "threat.v1": "threat.toml",
        "impersonation.v1": "impersonation.toml",
        "off_platform.v1": "off_platform.toml",
        "advance_fee.v1": "advance_fee.toml",
        "borrow_to_repay.v1": "borrow_to_repay.toml",
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


@pytest.mark.parametrize(
    "text, kind, detail",
    [
        ("请勿挂断电话请开启屏幕共享", "personal_data_request", "screen_share"),
        ("任何时候都可以把验证码发给我", "personal_data_request", "verification_code"),
        ("别犹豫了把验证码告诉我", "personal_data_request", "verification_code"),
        ("不要再拖了把钱转到我个人卡上", "unofficial_transfer", "personal_account"),
        ("别慌转到安全账户就行", "unofficial_transfer", "safe_account"),
        ("不用担心把验证码发给我就好", "personal_data_request", "verification_code"),
    ],
)
def test_negation_does_not_reach_past_a_new_instruction(text, kind, detail):
    assert detail in _detect(kind, text)


def test_in_app_card_entry_is_not_a_request():
    assert _detect("personal_data_request", "请登录APP更换还款银行卡，在APP内填写新的银行卡号即可") == set()


def test_detector_index_finds_what_each_detector_finds():
    from wxscreen.detectors._base import DetectorIndex

    dets = default_detectors()
    index = DetectorIndex(dets)
    for raw in (
        "我是平台客服专员，您的账户异常需要注销，请把验证码发给我，并下载会议app开启屏幕共享",
        "【星河金融】您好，我是法务部的，请转到我个人卡上，否则起诉，加我微信",
        "先交2000元手续费才能放款，红包转我当手续费",
        "警惕！自称客服要求转账到安全账户的都是诈骗",
        "好的谢谢",
        "",
    ):
        norm = normalize(raw)
        want, complete = [], True
        for d in dets:
            hits, ok = d.detect(norm)
            want.extend(hits)
            complete &= ok
        assert index.detect(norm) == (want, complete)


@pytest.mark.parametrize(
    ("sentence", "vetoed"),
    [
        ("你的网贷还不上就先别还了，去跟平台协商分期，别去借新的还旧的", True),
        ("千万不要以贷养贷", True),
        ("不要把身份证号发给别人", True),
        ("找个口子借新还旧，先把这期平了", False),
        ("把验证码发给我", False),
    ],
)
def test_learned_vetoes(sentence, vetoed):
    """A sentence warning against the practice drops the learned flagger's flag (scope.toml learned_vetoes)."""
    from wxscreen.detectors import load_scope

    assert load_scope().vetoes_learned(sentence, 0, len(sentence)) is vetoed


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        # session 6, dev hard negatives: a check of data already filled in, a reported loss, a warning
        # about other payee names, "don't believe that sort", someone else's ask retold
        ("personal_data_request", "小张，合同我放你桌上了，你记得核一下身份证号和银行卡号有没有填错"),
        ("advance_fee", "那个群里的内部低息口子千万别点，我同事就是交了588会员费钱没下来"),
        ("unofficial_transfer", "【千禾金融】提示：我司对公还款账户户名仅为千禾金融科技有限公司，如收到其他户名的收款信息，请勿付款。"),
        ("threat", "对 欠钱是民事纠纷 别信那种说马上抓你的 真正起诉会有法院的正式文书"),
        ("borrow_to_repay", "那个叫我“借新还旧”的客服到底是不是官方的啊，我已经欠了五个平台了"),
        ("unofficial_transfer", "千万别加催收员的微信私下还款，钱转过去平台不认的，我就上过当"),
    ],
)
def test_session6_warnings_and_reports_raise_nothing(kind, text):
    from .helpers import details, detector

    assert details(detector(kind), text) == set()
