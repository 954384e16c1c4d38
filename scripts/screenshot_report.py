"""Render an example chat as an HTML evidence report and screenshot it in headless Chromium.

    python scripts/screenshot_report.py                      # tests/fixtures/report_chat.txt -> docs/
    python scripts/screenshot_report.py --chat my.txt --png /tmp/r.png --html /tmp/r.html --lang en

The browser is driven over the Chrome DevTools Protocol on a pipe
(``--remote-debugging-pipe``; standard library only, no Playwright). The page
is loaded at a phone's width, and the script fails (non-zero exit) when

* the page logs any console message or throws (console API, exceptions and
  browser log entries, e.g. a Content-Security-Policy violation),
* it requests anything but the report file itself (the report must be offline),
* it contains a <script>, has no highlighted flag, or is wider than the screen.

Before the report, a canary page with a deliberate console error, an
exception and a blocked external stylesheet is loaded; if those are not all
seen, console capture is broken and the script fails rather than report a
false "no errors". The screenshot is the full page (PNG); when it is larger than
``--max-bytes`` and Pillow happens to be installed, it is re-encoded with a
256-colour palette.

Exit codes: 0 ok; 1 the report failed a check; 2 no Chromium found; 3 the
console capture self-check failed.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

CANARY = """<!DOCTYPE html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'">
<link rel="stylesheet" href="https://example.invalid/x.css"></head>
<body><p>canary</p><script>console.error("canary-console"); canaryUndefined();</script></body></html>
"""


class Browser:
    """Headless Chromium driven over CDP on a pipe (fd 3: commands in, fd 4: messages out)."""

    def __init__(self, exe: str, user_dir: str) -> None:
        cmd_r, self._cmd_w = os.pipe()
        self._out_r, out_w = os.pipe()

        def _fds() -> None:  # runs in the child before exec
            a, b = os.dup(cmd_r), os.dup(out_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [
                exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: nothing can leave the machine
                f"--user-data-dir={user_dir}", "--remote-debugging-pipe", "about:blank",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=_fds,  # the pipe ends must sit at fds 3 and 4
        )
        os.close(cmd_r)
        os.close(out_w)
        self._id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.session: str | None = None

    def _read(self) -> None:
        buf = b""
        with os.fdopen(self._out_r, "rb", buffering=0) as fh:
            while chunk := fh.read(65536):
                buf += chunk
                while b"\0" in buf:
                    raw, buf = buf.split(b"\0", 1)
                    msg = json.loads(raw)
                    if "id" in msg:
                        with self._cv:
                            self._replies[msg["id"]] = msg
                            self._cv.notify_all()
                    else:
                        self._events.put(msg)

    def send(self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 30) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cv:
            while self._id not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no reply to {method}")
                self._cv.wait(left)
            reply = self._replies.pop(self._id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return dict(reply.get("result", {}))

    def events(self, until: str, timeout: float = 30) -> list[dict[str, Any]]:
        """Collect events until ``until`` arrives, then for a short settle time."""
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        seen = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                if not seen:
                    raise TimeoutError(f"no {until} event")
                return got
            try:
                ev = self._events.get(timeout=min(left, 0.5))
            except queue.Empty:
                if seen:
                    return got
                continue
            got.append(ev)
            if ev.get("method") == until and not seen:
                seen = True
                deadline = time.monotonic() + 1.0  # late console messages

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # best effort: the browser may already be gone
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._cmd_w)


def problems_in(events: list[dict[str, Any]], allowed_url: str) -> tuple[list[str], list[str]]:
    """Console messages / exceptions / log entries, and requests other than ``allowed_url``."""
    console, requests = [], []
    for ev in events:
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Runtime.consoleAPICalled":
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            console.append(f"console.{p.get('type')}: {args}")
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            console.append(f"exception: {d.get('exception', {}).get('description') or d.get('text')}")
        elif m == "Log.entryAdded":
            e = p.get("entry", {})
            console.append(f"log.{e.get('level')} ({e.get('source')}): {e.get('text')}")
        elif m == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if url != allowed_url:
                requests.append(url)
    return console, requests


def load(b: Browser, url: str) -> list[dict[str, Any]]:
    b.send("Page.navigate", {"url": url})
    return b.events("Page.loadEventFired")


def shrink(path: Path) -> None:
    """Re-encode a PNG with a 256-colour palette when Pillow is installed (it is optional)."""
    try:
        from PIL import Image
    except ImportError:
        print("Pillow not installed: PNG left as captured")
        return
    before = path.stat().st_size
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    print(f"PNG palette-quantised: {before} -> {path.stat().st_size} bytes")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chat", default=str(ROOT / "tests" / "fixtures" / "report_chat.txt"))
    ap.add_argument("--html", default=str(ROOT / "docs" / "report-example.html"))
    ap.add_argument("--png", default=str(ROOT / "docs" / "report-example.png"))
    ap.add_argument("--lang", choices=["zh", "en"], default="zh")
    ap.add_argument("--width", type=int, default=412, help="viewport width in CSS px (a phone: 412)")
    ap.add_argument("--scale", type=float, default=1.0, help="device pixel ratio of the screenshot")
    ap.add_argument("--max-bytes", type=int, default=300_000, help="palette-quantise a larger PNG (needs Pillow)")
    ap.add_argument("--chromium", default=None, help=f"browser executable (default: first of {BROWSERS})")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    import wxscreen

    raw = Path(args.chat).read_bytes()
    chat = wxscreen.screen_chat(
        raw.decode("utf-8"), screener=wxscreen.load_screener(advice_lang=args.lang)
    )
    page = wxscreen.render_report(
        chat, format="html", lang=args.lang, source=raw, screened_at=dt.datetime.now(dt.timezone.utc)
    )
    html_path = Path(args.html).resolve()
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(page, encoding="utf-8")
    size = len(page.encode())
    print(f"report: {html_path} ({size} bytes, verdict {chat.label.value}, {len(chat.messages)} messages)")

    exe = args.chromium or next((p for p in map(shutil.which, BROWSERS) if p), None)
    if not exe:
        print(f"BLOCKED: no headless browser found (looked for {', '.join(BROWSERS)})", file=sys.stderr)
        return 2
    print(f"browser: {exe}")
    with tempfile.TemporaryDirectory(prefix="wxscreen-shot-") as tmp:
        b = Browser(exe, str(Path(tmp) / "profile"))
        try:
            target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            b.session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                b.send(f"{domain}.enable")
            b.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": args.width, "height": 915, "deviceScaleFactor": args.scale, "mobile": True},
            )

            canary = Path(tmp) / "canary.html"
            canary.write_text(CANARY, encoding="utf-8")
            c_console, c_requests = problems_in(load(b, canary.as_uri()), canary.as_uri())
            joined = "\n".join(c_console)
            ok = "canary-console" in joined and "canaryUndefined" in joined and "example.invalid" in joined
            print(f"self-check: canary page produced {len(c_console)} console entries (expected >= 3)")
            if not ok:
                print("console capture self-check FAILED:\n" + joined, file=sys.stderr)
                return 3

            url = html_path.as_uri()
            console, requests = problems_in(load(b, url), url)
            probe = b.send(
                "Runtime.evaluate",
                {
                    "returnByValue": True,
                    "expression": "({scripts: document.scripts.length,"
                    " marks: document.querySelectorAll('mark[data-kind]').length,"
                    " messages: document.querySelectorAll('article.msg').length,"
                    " overflow: document.documentElement.scrollWidth - window.innerWidth,"
                    " fontPx: parseFloat(getComputedStyle(document.querySelector('.text')).fontSize)})",
                },
            )["result"]["value"]
            metrics = b.send("Page.getLayoutMetrics")
            height = int(metrics["cssContentSize"]["height"]) + 1
            shot = b.send(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": args.width, "height": height, "scale": 1},
                },
                timeout=60,
            )
        finally:
            b.close()
    png_path = Path(args.png).resolve()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    png_path.write_bytes(base64.b64decode(shot["data"]))
    if png_path.stat().st_size > args.max_bytes:
        shrink(png_path)
    print(f"page: {probe}; content {args.width}x{height} CSS px")
    print(f"console messages/errors: {len(console)}; requests other than the file: {len(requests)}")
    for line in console + requests:
        print(f"  {line}")
    print(f"screenshot: {png_path} ({png_path.stat().st_size} bytes)")
    failed = bool(console or requests) or probe["scripts"] != 0 or probe["marks"] == 0
    failed |= probe["messages"] != len(chat.messages) or probe["overflow"] > 0
    print("RESULT: " + ("FAILED" if failed else "OK: rendered without errors, offline, no script, fits the screen"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
