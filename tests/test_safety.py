"""Threads, privacy and offline behaviour."""

import logging
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest


def test_eight_threads_match_serial(screener, corpus):
    texts = [r.text for r in corpus["test"][:240]]
    serial = [screener.classify(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(screener.classify, texts))
    assert threaded == serial


def test_message_text_is_never_logged(screener, caplog):
    secret = "请把验证码发给我，转到我个人卡上6222 0212 3456 7890 123"
    with caplog.at_level(logging.DEBUG):
        screener.classify(secret)
        screener.classify_many([secret, "好的"])
    for rec in caplog.records:
        assert "验证码发给我" not in rec.getMessage()
        assert "0212" not in rec.getMessage()


def test_no_network_connection(screener, corpus, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("wxscreen tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    out = screener.classify_many([r.text for r in corpus["test"]])
    assert len(out) == len(corpus["test"])


@pytest.mark.parametrize("n", [1_000, 20_000])
def test_long_input_gives_valid_result(screener, n):
    text = ("张先生您好，您的借款已逾期15天，请尽快登录APP还款。" * (n // 20))[:n]
    s = screener.classify(text)
    assert 0 <= len(s.flags)
    for f in s.flags:
        assert 0 <= f.start < f.end <= len(text)


@pytest.mark.parametrize(
    "text",
    [
        "abc\ud800def",
        "请加微信abc\ud800123，转账到个人\ud800账户",  # a surrogate inside flagged evidence
        "请提供身份证号\udcff110101199001011234",
        "\udce8\udcaf\udcb7转到安全账户",  # undecodable argv bytes (surrogateescape)
        "\ud800",
    ],
)
def test_lone_surrogates_become_u_fffd_in_every_output(screener, raw_screener, text):
    import json

    import wxscreen

    for scr in (screener, raw_screener):
        s = scr.classify(text)
        dumped = s.model_dump_json()  # raised PydanticSerializationError before
        dumped.encode("utf-8")
        assert json.loads(dumped)["label"] == s.label.value
        for f in s.flags:
            assert "\ufffd" in f.evidence or f.evidence == text[f.start : f.end]
            assert len(f.evidence) == f.end - f.start
        for e in s.entities:
            assert len(e.text) == e.end - e.start
    clean = screener.classify(text.replace("\ud800", "\ufffd").replace("\udcff", "\ufffd"))
    if "\udce8" not in text:
        assert screener.classify(text).label == clean.label
    chat = wxscreen.screen_chat("小王 2024/3/5 10:12\n" + text + "\n\n张先生 2024/3/5 10:15\n好\ud800的\n")
    dumped = chat.model_dump_json()
    dumped.encode("utf-8")
    assert "\ufffd" in chat.messages[0].text and chat.messages[1].text == "好\ufffd的"


def test_surrogate_in_cli_argument_gives_json(capsys):
    from wxscreen._cli import main

    assert main(["classify", "--json", "请把验证\ud800码发给我"]) == 0
    out = capsys.readouterr().out
    assert json_label(out) == "possible_scam" and "验证\ufffd码" in out


def json_label(line: str) -> str:
    import json

    return str(json.loads(line)["label"])
