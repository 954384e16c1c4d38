"""off_platform.v1: another chat account, an unknown link, an unnamed app."""

import pytest

from wxscreen import normalize

from .helpers import details, detector, finishes

DET = detector("off_platform")


def _details(text):
    return details(DET, text)


POSITIVE = [
    ('要是不敢点链接，可以直接加我QQ 123456789 办理。', {'other_chat'}),
    ("这个号明天停用，加我私人微信 abc_123 继续聊。", {"other_chat"}),
    ("方案不方便在这里说，加我QQ：12345678。", {"other_chat"}),
    ("我们统一用纸飞机沟通，账号 @helper_01。", {"other_chat"}),
    ("扫码进群，群里有专员帮你申请减免。", {"other_chat"}),
    ("加 薇 信 hk_8899 详聊", {"other_chat"}),
    ("后续的事在微信上谈，号码我等会儿推给你。", {"other_chat"}),
    ("企业号下周回收，新号在这：vx zhou_1688。", {"other_chat"}),
    ("想要减免方案的私聊我，名额不多。", {"other_chat"}),
    ("關注公眾號“債務協商中心”後回覆姓名，專員會聯繫您。", {"other_chat"}),
    ("QQ多少？我拉你进处理群。", {"other_chat"}),
    ("点击 http://jm-fq.top/a 领取减免券。", {"link"}),
    ("复制到浏览器打开 zd-bill点com/abc 查看账单。", {"link"}),
    ("您的减免结果请点 t.cn/Ab12Cd 查看。", {"link"}),
    ("链接发你了，点进去按提示刷个脸。", {"link"}),
    ("请通过以下网址完成电子签署：qh-sign.cn/s/77", {"link"}),
    ("结清证明在这个网页：jq-zm.xyz/k2 ，24小时后失效。", {"link"}),
    ("下载腾讯会议，进去以后打开共享屏幕。", {"app_download"}),
    ("装一个向日葵，把识别码发给我。", {"app_download"}),
    ("新版还款APP在应用商店搜不到，用我发的链接安装。", {"app_download", "link"}),
    ("先下载“速还管家”，登录后能看到您的专属方案。", {"app_download"}),
    ("会议号 665 203 118，入会后点共享。", {"app_download"}),
    ("协商业务已经迁移到“钱多多”小程序，请搜索进入。", {"app_download"}),
    ("安卓手机我发你一个安装包，装上后我远程帮你操作。", {"app_download"}),
    ("先下载“聚财宝”APP，安装包地址 jcb-dl.xyz/apk", {"app_download", "link"}),
    ("加我QQ 778899123，再下载钉钉，我教你共享屏幕。", {"other_chat", "app_download"}),
    # generalised families (dev review): handles after 搜/ID, other accounts, entry pages, typed addresses
    ("企微这边不方便，纸飞机搜 @lin_kf88 找我。", {"other_chat"}),
    ("蝙蝠APP搜ID 775301，方案只在那边发。", {"other_chat"}),
    ("卫星号 kf2288，加的时候备注欠款。", {"other_chat"}),
    ("你加我备用号 zhao-1234 吧，这边消息看不到。", {"other_chat"}),
    ("后续专员会用个人微信和你联系。", {"other_chat"}),
    ("认证页面的入口发你了，点进去按提示操作。", {"link"}),
    ("在浏览器里输入 h k 8 点 t o p 就能查看方案。", {"link"}),
    ("结清通道：www.jieqing-help.net，进去提交资料就行。", {"link"}),
    ("我们晚点开个钉钉会议，你共享下屏幕。", {"app_download"}),
]

NEGATIVE = [
    '我不想加私人微信，就在APP里聊吧。',
    '我不加微信，有事就在APP里说。',
    '这个网址是你们官方的吗？bit.ly/xxxx 我不敢点。',
    "各位家长，周四晚上线上家长会，请提前下载会议软件，会议号稍后发群里。",
    '【优选商城】双11会员日全场五折，点击链接领取优惠券 m.yx-shop.cn/d11',
    '周五下午的部门例会改线上开，大家提前把腾讯会议装好。',
    '加我这个微信的是你们官方的吗？还是只能在APP里面沟通？',
    "我是某消费金融的李专员，添加我的企业微信与我联系吧。",
    "请登录官方APP还款，勿点击陌生链接。",
    "官方不会要求您下载会议软件或开启屏幕共享。",
    "请勿添加任何自称客服的个人微信。",
    "您的电子发票可在APP“我的-发票”中下载。",
    "结清证明可在官方小程序中查看。",
    "明天上午部门例会在三楼会议室，请准时参加。",
    "有人让我加他微信说能减免，这是你们吗？",
    "我们只通过企业微信和官方热线联系您，不会让您加其他QQ。",
    "还款请在APP首页点击“立即还款”。",
    "这个企业微信就是官方账号，有问题随时找我。",
    "【某某分期】下载某某分期APP，新用户首借享免息。",
    "期末成绩已经发布，有问题可以私信班主任。",
    "店铺会员入会即送10元券。",
    "扫码入住更快捷，到店刷身份证即可取房卡。",
    "增加紧急联系人请在APP内操作。",
    "加急放款请在官方APP提交申请。",
    "您的邮箱 abc123@qq.com 已绑定成功。",
    "我是青云贷的贷后专员小孔，工号QY0815，请在APP内还款。",
    "千万不要点陌生短信里的链接，也别扫来路不明的二维码。",
    "【某视频】您的会员已自动续费，如需取消请在APP设置。",
    "我们不会通过视频会议核实身份，也不会让您共享屏幕。",
    "微信支付已完成，订单号 2025****0001。",
    "凡是让你加私人微信还款的，都不是正规平台。",
    "还款方式：官方APP或者银行代扣。",
    "",
    # generalised families (dev review): the lender's own WeCom, narration, warnings, in-app entries
    "我的企业微信名片发你了，有问题在这里找我，还款在APP操作。",
    "加您企业微信是为了及时提醒账单，不需要的话回复退订。",
    "我之前加了个自称法务的QQ，他让我转钱，我没转。",
    "如已安装陌生软件请立即卸载并报警。",
    "需要的话我把申请入口发您APP消息中心。",
]


@pytest.mark.parametrize("text, details", POSITIVE)
def test_off_platform_positive(text, details):
    assert _details(text) == details


@pytest.mark.parametrize("text", NEGATIVE)
def test_off_platform_negative(text):
    assert _details(text) == set()


@pytest.mark.parametrize(
    "text",
    ["加" + "微信 " * 20000, "😀" * 500, "转" + " " * 50000 + "账", "http://a.top/" * 5000, "加我微信" * 5000],
)
def test_off_platform_long_input_finishes(text):
    assert finishes(DET, text)


@pytest.mark.parametrize(
    "text, hit",
    [
        ("逾期了，加一下我们的online客服处理", None),  # a Latin channel name inside a word is none
        ("加我 skyline 详聊还款", None),
        ("逾期了加我line聊还款", "加我line"),
        ("还款的事telegram上聊", "telegram上聊"),
        ("telegram: fastloan_bot 还款", "telegram: fastloan_bot"),
    ],
)
def test_a_latin_channel_name_counts_only_standing_alone(text, hit):
    n = normalize(text)
    found = [text[slice(*n.raw_span(h.start, h.end))] for h in DET.detect(n)[0] if h.detail == "other_chat"]
    assert found == ([hit] if hit else [])
