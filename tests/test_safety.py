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
