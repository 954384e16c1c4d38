"""Processes: a Screener pickles into a spawn pool; jieba set up once per process; JSON is byte-identical
across processes whatever PYTHONHASHSEED is."""

import json
import os
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from .conftest import CORPORA, ROOT

TEXTS = [
    "请把收到的验证码发给我，马上帮您办理减免",
    "加V信私下结清，转到我个人卡上可减免50%，手续费伍佰元先交",
    "您的借款已逾期15天，请尽快登录APP还款。",
    "好的，谢谢",
    "請轉\u200b賬到個人帳戶，加ＶＸ：ａｂｃ１２３",
]


def _screen_in_worker(args):
    screener_bytes, texts = args
    import wxscreen._tokenize as tok

    screener = pickle.loads(screener_bytes)
    out = [s.model_dump_json() for s in screener.classify_many(texts)]
    out += [s.model_dump_json() for s in screener.classify_many(texts)]
    return os.getpid(), out, tok._BUILD_COUNT


def test_screener_works_in_a_spawn_pool(raw_screener, monkeypatch):
    serial = [s.model_dump_json() for s in raw_screener.classify_many(TEXTS)]
    blob = pickle.dumps(raw_screener)
    env_path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT / "src"), env_path])))
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_screen_in_worker, [(blob, TEXTS[:3]), (blob, TEXTS[3:]), (blob, TEXTS)]))
    pids = {pid for pid, _, _ in results}
    assert pids and os.getpid() not in pids
    assert results[0][1][:3] + results[1][1][:2] == serial
    assert results[2][1][:5] == serial
    assert all(out[: len(out) // 2] == out[len(out) // 2 :] for _, out, _ in results)
    assert all(count == 1 for _, _, count in results)  # jieba dictionary built once per worker process


_DUMP = """
import json, sys
import wxscreen
texts = [json.loads(x)["text"] for x in open(sys.argv[1], encoding="utf-8")][:60] + sys.argv[2:]
sys.stdout.write("\\n".join(s.model_dump_json() for s in wxscreen.load_screener(mask_identifiers=False).classify_many(texts)))
"""


def test_json_is_byte_identical_across_hash_seeds():
    outs = []
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT / "src"))
        proc = subprocess.run(
            [sys.executable, "-c", _DUMP, str(CORPORA / "test.jsonl"), *TEXTS],
            env=env, capture_output=True, check=True,
        )
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
    rows = outs[0].decode("utf-8").splitlines()
    assert len(rows) == 65 and any(json.loads(r)["flags"] for r in rows)
