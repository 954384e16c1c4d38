"""classify_many works through long batches in chunks, with the same results."""

import wxscreen._screener as screener_mod


def test_long_batches_are_chunked_with_identical_results(screener, monkeypatch):
    texts = ["加我微信私下结清，转到我个人卡上", "", "您好，您的账单已逾期3天，请尽快还款。", "🙂", "明天开会", "可以减免一半利息", "请在明天下午3点前还款"]
    whole = screener.classify_many(texts)
    monkeypatch.setattr(screener_mod, "_CHUNK", 2)
    assert screener.classify_many(texts) == whole
    assert screener.classify_many(iter(texts), lender="星河消费金融") == screener.classify_many(texts, lender="星河消费金融")
    import datetime as dt

    now = dt.datetime(2026, 3, 1, 12, 0)
    monkeypatch.setattr(screener_mod, "_CHUNK", 1024)
    whole_now = screener.classify_many(texts, now=now)
    monkeypatch.setattr(screener_mod, "_CHUNK", 2)
    assert screener.classify_many(texts, now=now) == whole_now
