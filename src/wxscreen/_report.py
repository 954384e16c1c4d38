"""Evidence report: a screened chat rendered as Markdown, JSON or one self-contained HTML file.

The report is something a borrower can keep: every message with its verdict,
the flagged characters highlighted, the extracted entities (when the
Screening carries an ``entities`` attribute), the advice, when it was screened
(UTC, ISO-8601), the SHA-256 of the pasted text, and the wxscreen and model
versions. Identifiers are masked in every format unless ``mask=False``
(local forensic use only).

The HTML has inline CSS only: no script, no external URL, no web font, and a
Content-Security-Policy that forbids loading anything, so it opens offline and
on a phone. Every piece of message text is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Iterable, Mapping
from typing import Any

import regex

from ._advice import advice_for, advice_text, chat_advice_ids, check_lang
from ._entities import _mask_value
from ._mask import mask_identifiers
from ._models import ChatMessage, ChatScreening, Flag, Label, ModelInfo

__all__ = ["FORMATS", "render_report", "sha256_text"]

#: Output formats of :func:`render_report`.
FORMATS: tuple[str, ...] = ("md", "json", "html")

# Label names: LABELS.md §1.
_LABEL_NAME = {
    "possible_scam": {"zh": "疑似诈骗", "en": "Possible scam"},
    "suspicious": {"zh": "可疑", "en": "Suspicious"},
    "negotiation_offer": {"zh": "协商还款", "en": "Negotiation offer"},
    "collection_notice": {"zh": "催收通知", "en": "Collection notice"},
    "other": {"zh": "其他", "en": "Other"},
}
# Flag kind names: DOMAIN.md §5.1–§5.7 headings.
_KIND_NAME = {
    "personal_data_request": {"zh": "索要个人信息", "en": "personal data request"},
    "unofficial_transfer": {"zh": "转账至非官方账户", "en": "unofficial transfer"},
    "threat": {"zh": "威胁/骚扰", "en": "threat"},
    "impersonation": {"zh": "冒充身份", "en": "impersonation"},
    "off_platform": {"zh": "脱离官方渠道", "en": "off platform"},
    "advance_fee": {"zh": "前置费用", "en": "advance fee"},
    "borrow_to_repay": {"zh": "以贷养贷", "en": "borrow to repay"},
}
_UI = {
    "title": {"zh": "微信聊天筛查证据报告", "en": "WeChat chat screening — evidence report"},
    "verdict": {"zh": "整体结论", "en": "Verdict"},
    "screened_at": {"zh": "筛查时间（UTC）", "en": "Screened at (UTC)"},
    "sha256": {"zh": "原文 SHA-256", "en": "SHA-256 of the pasted text"},
    "sha_none": {"zh": "未提供原文", "en": "pasted text not provided"},
    "version": {"zh": "版本", "en": "Versions"},
    "borrower": {"zh": "借款人", "en": "Borrower"},
    "unknown": {"zh": "未识别", "en": "not identified"},
    "guess": {"zh": "未确认，可能是", "en": "uncertain, perhaps"},
    "n_messages": {"zh": "消息数", "en": "Messages"},
    "first_risky": {"zh": "首条风险消息", "en": "First risky message"},
    "truncated": {
        "zh": "注意：以下消息过长，只检查了前 100,000 个字符，其余部分请自行阅读：",
        "en": "Warning: these messages were too long; only their first 100,000 characters were screened:",
    },
    "none": {"zh": "无", "en": "none"},
    "masked": {
        "zh": "手机号、卡号、证件号和账号已打码。",
        "en": "Phone, card and ID numbers and account handles are masked.",
    },
    "unmasked": {
        "zh": "注意：本报告未打码，含完整号码，仅供本人留存，请勿外传。",
        "en": "Warning: this report is NOT masked and shows full identifiers; keep it private.",
    },
    "advice": {"zh": "建议", "en": "What to do"},
    "no_advice": {"zh": "没有需要特别处理的事项。", "en": "Nothing needs to be done."},
    "messages": {"zh": "逐条消息", "en": "Messages"},
    "flags": {"zh": "风险标记", "en": "Flags"},
    "entities": {"zh": "提取信息", "en": "Entities"},
    "you": {"zh": "借款人本人", "en": "borrower"},
    "speaker_unknown": {"zh": "（未知发送者）", "en": "(unknown sender)"},
    "disclaimer": {
        "zh": "本报告由 wxscreen 自动生成，结论是提示而非法律意见；请通过官方渠道核实。"
        "SHA-256 可用于证明原文未被改动。",
        "en": "Generated automatically by wxscreen; the verdicts are hints, not legal advice — verify through "
        "official channels. The SHA-256 lets you show the pasted text was not changed.",
    },
}

_CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
html{font-size:18px;-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;padding:10px;background:#f4f4f2;color:#1a1a1a;
 font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
 font-size:1rem;line-height:1.6}
main{max-width:46rem;margin:0 auto}
h1{font-size:1.35rem;margin:.2em 0 .6em}
h2{font-size:1.15rem;margin:1.2em 0 .5em}
.card{background:#fff;border-radius:10px;padding:12px 14px;margin:0 0 12px;border-left:6px solid #999;
 box-shadow:0 1px 2px rgba(0,0,0,.08)}
.meta{display:grid;grid-template-columns:auto 1fr;gap:4px 10px;margin:0}
.meta dt{color:#555;font-size:.85rem;white-space:nowrap;padding-top:.15em}.meta dd{margin:0;overflow-wrap:anywhere}
.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;word-break:break-all}
.badge{display:inline-block;padding:1px 10px;border-radius:999px;color:#fff;font-weight:600;font-size:.95rem}
.l-possible_scam{border-left-color:#b00020}.b-possible_scam{background:#b00020}
.l-suspicious{border-left-color:#c25e00}.b-suspicious{background:#c25e00}
.l-negotiation_offer{border-left-color:#1b6e3a}.b-negotiation_offer{background:#1b6e3a}
.l-collection_notice{border-left-color:#1f5f99}.b-collection_notice{background:#1f5f99}
.l-other{border-left-color:#8a8a8a}.b-other{background:#6b6b6b}
.msg header{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;font-size:.9rem;color:#444}
.msg .who{font-weight:600;color:#1a1a1a}
.msg.me{background:#f0f7ec}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.4em 0;font-size:1.05rem;line-height:1.7}
mark{background:#ffe08a;padding:0 1px;border-radius:3px}
mark.k-unofficial_transfer,mark.k-advance_fee,mark.k-personal_data_request{background:#ffc2c2}
mark.k-threat,mark.k-impersonation{background:#ffd9a8}
mark.k-off_platform,mark.k-borrow_to_repay{background:#fff0a0}
.kind{font-size:.7rem;color:#7a2e00;vertical-align:super;margin-left:1px}
ul{margin:.3em 0;padding-left:1.2em}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere;word-break:break-all}
#advice h2{margin-top:.2em}
li{margin:.2em 0}
.small{font-size:.85rem;color:#555}
details summary{cursor:pointer;color:#1f5f99}
.warn{color:#b00020;font-weight:600}
@media print{body{background:#fff}.card{box-shadow:none;border:1px solid #ccc}}
"""


def sha256_text(source: str | bytes) -> str:
    """SHA-256 (hex) of the pasted text: of ``source`` itself when bytes, else of its UTF-8 bytes.

    Parameters
    ----------
    source : str or bytes
        The pasted chat, exactly as received.

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def _t(key: str, lang: str) -> str:
    return _UI[key][lang]


def _borrower_line(v: _View, lang: str) -> str:
    """The borrower as given or inferred; else the likelier speaker marked unconfirmed; else "not identified"."""
    c = v.chat
    if c.borrower:
        return v.m(c.borrower)
    if c.borrower_guess:
        return f"{_t('unknown', lang)} ({_t('guess', lang)} {v.m(c.borrower_guess)})"
    return _t("unknown", lang)


def _label_name(label: Label | str, lang: str) -> str:
    value = label.value if isinstance(label, Label) else str(label)
    return _LABEL_NAME[value][lang]


def _kind_name(kind: str, lang: str) -> str:
    return _KIND_NAME.get(kind, {}).get(lang, kind)


_IDENTIFIER_TYPES = frozenset({"phone", "bank_card", "id_number", "account_handle"})


def _mask_tree(obj: Any) -> Any:
    """Mask identifiers in every string of a JSON-like tree (entities)."""
    if isinstance(obj, str):
        return mask_identifiers(obj)
    if isinstance(obj, Mapping):
        return {k: _mask_tree(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_mask_tree(v) for v in obj]
    return obj


def _entity_dicts(screening: Any, mask: bool) -> list[dict[str, Any]]:
    """The Screening's entities as plain dicts, if it has an ``entities`` attribute."""
    ents = getattr(screening, "entities", None)
    if not ents:
        return []
    items: Iterable[Any]
    if isinstance(ents, Mapping):  # {"amount": [...], ...}
        items = [{"kind": k, "value": v} for k, v in ents.items()]
    else:
        items = ents
    out = []
    for e in items:
        if hasattr(e, "model_dump"):
            d = e.model_dump(mode="json")
        elif isinstance(e, Mapping):
            d = dict(e)
        else:
            d = {"value": str(e)}
        if mask:
            kind = str(d.get("type") or d.get("kind") or "")
            if kind in _IDENTIFIER_TYPES:
                # the entity knows what it is (a bare handle like zhou_jl2026 has no cue a
                # text masker could see), so mask its text and value by type
                d = {k: (_mask_value(kind, v) if k in ("text", "value") and isinstance(v, str) else v)
                     for k, v in d.items()}
            d = _mask_tree(d)
        out.append(d)
    return out


def _entity_line(d: Mapping[str, Any]) -> str:
    kind = next((str(d[k]) for k in ("kind", "type", "label", "name") if d.get(k) is not None), "entity")
    shown = []
    for k, v in d.items():
        if k in ("kind", "type", "label", "name", "start", "end") or v is None or v == [] or v == {}:
            continue
        shown.append(f"{k}={v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}")
    span = f" [{d['start']}:{d['end']}]" if isinstance(d.get("start"), int) and isinstance(d.get("end"), int) else ""
    return f"{kind}: {', '.join(shown)}{span}"


def _segments(text: str, flags: Iterable[Flag], offset: int) -> list[tuple[str, list[Flag]]]:
    """Cut ``text`` at every flag boundary; each piece with the flags that cover it."""
    spans = []
    for f in flags:
        a, b = max(0, f.start - offset), min(len(text), f.end - offset)
        if a < b:
            spans.append((a, b, f))
    cuts = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    out: list[tuple[str, list[Flag]]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        cover = [f for (x, y, f) in spans if x <= a and b <= y]
        out.append((text[a:b], cover))
    return out


def _check_source(chat: ChatScreening, source: str | bytes) -> bool:
    r"""Check that ``source`` is the paste ``chat`` was screened from; return True when its texts are masked.

    Raises ``ValueError`` when a message's span in ``source`` holds other text, so a report never
    stamps the hash of an unrelated text as the original. Bytes that are not UTF-8 are not checked;
    UTF-8 bytes match when the chat was screened from their text as decoded, or as the command line
    reads a file (:func:`wxscreen._normalize.read_paste`: every line end a ``\n``).
    """
    from ._normalize import read_paste

    if isinstance(source, bytes):
        try:
            decoded = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        readings = [decoded, read_paste(decoded)]
    else:
        readings = [source]
    failure = ""
    for text in readings:
        masked = False
        for i, m in enumerate(chat.messages):
            raw = text[m.start : m.end]
            if raw == m.text:
                continue
            if len(raw) == len(m.text) and mask_identifiers(raw) == m.text:
                masked = True
                continue
            failure = f"source does not match the chat: message {i} is not at [{m.start}:{m.end}] of source"
            break
        else:
            return masked
    raise ValueError(failure)


class _View:
    """Everything the three formats show, computed once (masked, localised)."""

    def __init__(
        self,
        chat: ChatScreening,
        lang: str,
        source: str | bytes | None,
        screened_at: dt.datetime | None,
        mask: bool,
    ) -> None:
        from . import __version__

        self.chat = chat
        self.lang = lang
        self.mask = mask
        when = screened_at or dt.datetime.now(dt.timezone.utc)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        self.screened_at = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if source is not None:
            already = _check_source(chat, source)
            if already and not mask:
                self.mask = mask = True  # the chat was screened masked: nothing left to unmask
        self.sha256 = sha256_text(source) if source is not None else None
        self.version = __version__
        self.model: ModelInfo | None = chat.messages[0].screening.model if chat.messages else None
        self.advice = advice_text(chat_advice_ids(chat.label, chat.messages), lang)
        self.msg_advice = [
            [] if m.is_borrower else advice_for(m.screening.label, m.screening.flags, lang) for m in chat.messages
        ]
        self.texts = [self.m(m.text) for m in chat.messages]
        self.entities = [_entity_dicts(m.screening, mask) for m in chat.messages]

    def m(self, s: str | None) -> str:
        """Masked (when masking) version of ``s``."""
        if s is None:
            return ""
        return mask_identifiers(s) if self.mask else s

    def speaker(self, msg: ChatMessage) -> str:
        return self.m(msg.speaker) if msg.speaker else _t("speaker_unknown", self.lang)

    def versions(self) -> str:
        model = f"model {self.model.model_id} (corpus {self.model.trained_on})" if self.model else "model —"
        return f"wxscreen {self.version}; {model}"


def _when(msg: ChatMessage) -> str:
    return msg.time.strftime("%Y-%m-%d %H:%M") if msg.time else ""


# --------------------------------------------------------------------------- JSON


def _json(v: _View) -> str:
    chat = v.chat.model_dump(mode="json")
    chat["advice"] = v.advice
    for i, (d, msg) in enumerate(zip(chat["messages"], v.chat.messages, strict=True)):
        d["text"] = v.texts[i]
        d["speaker"] = v.m(msg.speaker) if msg.speaker else None
        scr = d["screening"]
        scr["advice"] = v.msg_advice[i]
        scr["reasons"] = [v.m(r) for r in scr["reasons"]]
        for fl in scr["flags"]:
            fl["evidence"] = v.m(fl["evidence"])
        if d.get("quote"):  # the quoted speaker's name and words are identifiers too
            q = d["quote"]
            q["speaker"] = v.m(q["speaker"]) if q.get("speaker") else q.get("speaker")
            q["text"] = v.m(q["text"])
        if "entities" in scr:
            scr["entities"] = v.entities[i] if v.mask else scr["entities"]
    for key in ("borrower", "borrower_guess"):
        if chat.get(key):
            chat[key] = v.m(chat[key])
    doc = {
        "chat": chat,
        "report": {
            "format": "wxscreen-evidence-report",
            "format_version": 1,
            "lang": v.lang,
            "masked": v.mask,
            "model": v.model.model_dump(mode="json") if v.model else None,
            "screened_at": v.screened_at,
            "sha256": v.sha256,
            "wxscreen_version": v.version,
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = regex.compile(r"([\\`*_\[\]<>&|~#])")
# Line starts that Markdown would read as a list item or a setext heading underline.
_MD_LINE_START = regex.compile(r"^(\s*)([-+=])", regex.MULTILINE)
_MD_ORDERED = regex.compile(r"^(\s*\d+)([.)])(?=\s|$)", regex.MULTILINE)


#: C0 and C1 control characters (but tab and line feed) and DEL: a message holding ESC [2J would clear
#: the reader's terminal, ESC ]0; retitle it and CR overwrite a line, so text outputs show them as \\xNN
_CONTROLS: dict[int, str] = {
    c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0))
}
#: Bidirectional formatting characters (Unicode's "Trojan Source" set, CVE-2021-42574): the embeddings
#: and overrides U+202A-U+202E, the isolates U+2066-U+2069, and the marks U+200E, U+200F, U+061C. A
#: U+202E in a speaker's name or a message prints "moc.live" as "evil.com" and can make a flagged line
#: read as another; text outputs show them as \\uNNNN, as they show C0/C1 controls as \\xNN.
_CONTROLS.update(
    {c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
)


def visible_controls(s: str) -> str:
    r"""Return ``s`` with control characters (but tab and line feed) written as ``\xNN``.

    Bidirectional formatting characters (U+202A to U+202E, U+2066 to U+2069,
    U+200E, U+200F, U+061C), which would reorder what a terminal shows, are
    written as ``\uNNNN``.

    Parameters
    ----------
    s : str

    Returns
    -------
    str
        The same text, safe to print to a terminal. JSON output is data, not
        for a terminal, and keeps these characters (``json`` writes C0
        controls as ``\u00NN`` itself).
    """
    return s.translate(_CONTROLS)


def _md_escape(s: str) -> str:
    """Backslash-escape Markdown and HTML syntax so message text renders as plain text."""
    s = _MD_SPECIAL.sub(r"\\\1", visible_controls(s))
    s = _MD_LINE_START.sub(r"\1\\\2", s)
    return _MD_ORDERED.sub(r"\1\\\2", s)


def _md(v: _View) -> str:
    L = v.lang
    c = v.chat
    out = [f"# {_t('title', L)}", ""]
    out.append(f"- **{_t('verdict', L)}**: {_label_name(c.label, L)} (`{c.label.value}`)")
    out.append(f"- **{_t('screened_at', L)}**: {v.screened_at}")
    out.append(f"- **{_t('sha256', L)}**: `{v.sha256 or _t('sha_none', L)}`")
    out.append(f"- **{_t('version', L)}**: {_md_escape(v.versions())}")
    out.append(f"- **{_t('borrower', L)}**: {_md_escape(_borrower_line(v, L))}")
    out.append(f"- **{_t('n_messages', L)}**: {len(c.messages)}")
    fr = f"#{c.first_risky}" if c.first_risky is not None else _t("none", L)
    out.append(f"- **{_t('first_risky', L)}**: {fr}")
    cut = [i for i, m in enumerate(c.messages) if m.screening.truncated]
    if cut:
        out.append(f"- **{_t('truncated', L)}** " + ", ".join(f"#{i}" for i in cut))
    out.append(f"- {_t('masked', L) if v.mask else _t('unmasked', L)}")
    out += ["", f"## {_t('advice', L)}", ""]
    out += [f"{i}. {_md_escape(a)}" for i, a in enumerate(v.advice, 1)] or [_t("no_advice", L)]
    out += ["", f"## {_t('messages', L)}", ""]
    for i, msg in enumerate(c.messages):
        s = msg.screening
        who = _md_escape(v.speaker(msg)) + (f" ({_t('you', L)})" if msg.is_borrower else "")
        when = f" · {_when(msg)}" if msg.time else ""
        out.append(f"### #{i} {who}{when} · {_label_name(s.label, L)} (`{s.label.value}`)")
        out.append("")
        body = []
        for seg, cover in _segments(v.texts[i], s.flags, msg.start):
            if cover:
                kinds = "/".join(dict.fromkeys(_kind_name(f.kind, L) for f in cover))
                body.append(f"**{_md_escape(seg)}**〔{kinds}〕")
            else:
                body.append(_md_escape(seg))
        out += ["> " + line for line in "".join(body).split("\n")]
        out.append("")
        if s.flags:
            out.append(f"{_t('flags', L)}:")
            out += [
                f"- `{f.kind}/{f.detail}` ({_kind_name(f.kind, L)}) «{_md_escape(v.m(f.evidence))}» "
                f"[{f.start}:{f.end}]"
                for f in s.flags
            ]
            out.append("")
        if v.entities[i]:
            out.append(f"{_t('entities', L)}:")
            out += [f"- {_md_escape(_entity_line(d))}" for d in v.entities[i]]
            out.append("")
        if v.msg_advice[i]:
            out.append(f"{_t('advice', L)}:")
            out += [f"- {_md_escape(a)}" for a in v.msg_advice[i]]
            out.append("")
    out += ["---", "", _md_escape(_t("disclaimer", L)), ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _html(v: _View) -> str:
    L = v.lang
    c = v.chat
    lab = c.label.value
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if L == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing may be loaded or run: the report is one offline file.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_e(_t('title', L))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body><main>",
        f"<h1>{_e(_t('title', L))}</h1>",
        f'<section class="card l-{lab}" id="summary"><dl class="meta">',
        f"<dt>{_e(_t('verdict', L))}</dt><dd><span class=\"badge b-{lab}\">{_e(_label_name(lab, L))}</span>"
        f" <code>{lab}</code></dd>",
        f"<dt>{_e(_t('screened_at', L))}</dt><dd><time datetime=\"{v.screened_at}\">{v.screened_at}</time></dd>",
        f"<dt>{_e(_t('sha256', L))}</dt><dd class=\"hash\" id=\"sha256\">{_e(v.sha256 or _t('sha_none', L))}</dd>",
        f"<dt>{_e(_t('version', L))}</dt><dd class=\"small\">{_e(v.versions())}</dd>",
        f"<dt>{_e(_t('borrower', L))}</dt><dd>{_e(_borrower_line(v, L))}</dd>",
        f"<dt>{_e(_t('n_messages', L))}</dt><dd>{len(c.messages)}</dd>",
        f"<dt>{_e(_t('first_risky', L))}</dt><dd>"
        + (f'<a href="#m{c.first_risky}">#{c.first_risky}</a>' if c.first_risky is not None else _e(_t("none", L)))
        + "</dd>",
        "</dl>",
        *(
            [f'<p class="small"><strong>{_e(_t("truncated", L))}</strong> '
             + ", ".join(f'<a href="#m{i}">#{i}</a>' for i in cut) + "</p>"]
            if (cut := [i for i, m in enumerate(c.messages) if m.screening.truncated])
            else []
        ),
        f'<p class="small">{_e(_t("masked", L))}</p>'
        if v.mask
        else f'<p class="warn">{_e(_t("unmasked", L))}</p>',
        "</section>",
        f'<section class="card l-{lab}" id="advice"><h2>{_e(_t("advice", L))}</h2>',
    ]
    if v.advice:
        parts.append("<ol>" + "".join(f"<li>{_e(a)}</li>" for a in v.advice) + "</ol>")
    else:
        parts.append(f"<p>{_e(_t('no_advice', L))}</p>")
    parts.append("</section>")
    parts.append(f"<h2>{_e(_t('messages', L))}</h2>")
    for i, msg in enumerate(c.messages):
        s = msg.screening
        ml = s.label.value
        cls = f"card msg l-{ml}" + (" me" if msg.is_borrower else "")
        who = _e(v.speaker(msg)) + (f" ({_e(_t('you', L))})" if msg.is_borrower else "")
        parts.append(f'<article class="{cls}" id="m{i}"><header><span>#{i}</span><span class="who">{who}</span>')
        if msg.time:
            parts.append(f'<time datetime="{msg.time.isoformat()}">{_when(msg)}</time>')
        parts.append(f'<span class="badge b-{ml}">{_e(_label_name(ml, L))}</span></header>')
        body = []
        for seg, cover in _segments(v.texts[i], s.flags, msg.start):
            if cover:
                kinds = list(dict.fromkeys(f.kind for f in cover))
                title = "; ".join(f"{f.kind}/{f.detail}" for f in cover)
                names = "/".join(_kind_name(k, L) for k in kinds)
                body.append(
                    f'<mark class="{" ".join("k-" + k for k in kinds)}" data-kind="{_e(" ".join(kinds))}" '
                    f'title="{_e(title)}">{_e(seg)}</mark><span class="kind">{_e(names)}</span>'
                )
            else:
                body.append(_e(seg))
        parts.append(f'<p class="text">{"".join(body)}</p>')
        if s.flags:
            parts.append(f'<p class="small">{_e(_t("flags", L))}:</p><ul class="small">')
            parts += [
                f"<li><code>{_e(f.kind)}/{_e(f.detail)}</code> {_e(_kind_name(f.kind, L))} "
                f"«{_e(v.m(f.evidence))}»</li>"
                for f in s.flags
            ]
            parts.append("</ul>")
        if v.entities[i]:
            parts.append(f'<p class="small">{_e(_t("entities", L))}:</p><ul class="small">')
            parts += [f"<li>{_e(_entity_line(d))}</li>" for d in v.entities[i]]
            parts.append("</ul>")
        if v.msg_advice[i]:
            parts.append(f"<details><summary>{_e(_t('advice', L))} ({len(v.msg_advice[i])})</summary><ul>")
            parts += [f"<li>{_e(a)}</li>" for a in v.msg_advice[i]]
            parts.append("</ul></details>")
        parts.append("</article>")
    parts.append(f'<p class="small">{_e(_t("disclaimer", L))}</p>')
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def render_report(
    chat: ChatScreening,
    *,
    format: str = "html",
    lang: str = "zh",
    source: str | bytes | None = None,
    screened_at: dt.datetime | None = None,
    mask: bool = True,
) -> str:
    r"""Render a screened chat as an evidence report the person can keep.

    Parameters
    ----------
    chat : ChatScreening
        The result of :func:`wxscreen.screen_chat`.
    format : {"html", "md", "json"}, default="html"
        ``html``: one self-contained file (inline CSS, no script, no network),
        readable on a phone. ``md``: Markdown. ``json``: the ChatScreening
        model dump under ``"chat"`` plus ``"report"`` metadata, keys sorted.
    lang : {"zh", "en"}, default="zh"
        Language of the headings, label names and advice (advice is recomputed
        from the labels and flags in this language).
    source : str or bytes, optional
        The pasted text exactly as received; the report shows its SHA-256 (of
        the bytes as given, or of the UTF-8 encoding of a ``str``). Without it
        the hash is reported as missing. It must be the paste ``chat`` was
        screened from (checked message by message when it is UTF-8).
    screened_at : datetime, optional
        When the chat was screened; default now. Naive datetimes are taken as
        UTC; the report shows UTC in ISO-8601 (``2026-05-03T14:22:00Z``).
    mask : bool, default=True
        Mask phone, card and ID numbers and account handles in message text,
        speaker names, evidence, reasons and entities. ``False`` only for local
        forensic use.

    Returns
    -------
    str
        The report.

    Raises
    ------
    ValueError
        If ``format`` or ``lang`` is not supported, or ``source`` is not the screened paste.
    TypeError
        If ``chat`` is not a ChatScreening.

    Examples
    --------
    >>> import wxscreen
    >>> text = "张先生：您好\n李专员：请转到个人卡6222 0212 3456 7890\n李专员：今天"
    >>> chat = wxscreen.screen_chat(text)
    >>> md = render_report(chat, format="md", source=text)
    >>> "6222 0212 3456 7890" in md
    False
    """
    if not isinstance(chat, ChatScreening):
        raise TypeError(f"render_report() expects a ChatScreening, got {type(chat).__name__}")
    if format not in FORMATS:
        raise ValueError(f"report format must be one of {FORMATS}, got {format!r}")
    view = _View(chat, check_lang(lang), source, screened_at, mask)
    if format == "json":
        return _json(view)
    if format == "md":
        return _md(view)
    return _html(view)
