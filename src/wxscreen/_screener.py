"""The Screener: normalise → detect → classify → decide, for one or many texts."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Sequence
from typing import Any, cast

import regex

from ._advice import advice_for, check_lang
from ._decision import decide, model_label
from ._entities import extract_entities, url_spans
from ._errors import InvalidInputError
from ._flagmodel import DEFAULT_THRESHOLD, FLAG_KINDS, Prediction
from ._mask import _mask_identifiers, mask_identifiers
from ._models import Entity, Flag, FlagKind, Label, ModelInfo, Screening
from ._normalize import NormalizedText, normalize, replace_surrogates
from .detectors._base import (
    LENDER_PAYEE_RULE,
    DetectorIndex,
    PatternDetector,
    _normalized_lender_core,
    _payee_unofficial,
    load_scope,
    payee_is_lender,
)

__all__ = ["MAX_MESSAGE_CHARS", "Screener", "load_screener"]

_LABEL_VALUES = [lab.value for lab in Label]
#: Messages transformed and predicted together by one classify_many step.
_CHUNK = 1024

#: Longest message screened, in characters (Python ``str`` code points). A
#: longer text is cut here: its first ``MAX_MESSAGE_CHARS`` characters are
#: screened and the Screening says ``truncated=True`` (and why, in ``reasons``),
#: so nothing is lost silently and time stays bounded (about 2 s on one core;
#: below the limit time grows linearly). 100,000 characters is some fifty
#: times the longest WeChat bubble a person pastes; a whole pasted chat goes
#: through :func:`wxscreen.screen_chat`, which screens message by message.
MAX_MESSAGE_CHARS = 100_000


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected a str message, got {type(text).__name__}")
    return text


def model_view(text: str) -> NormalizedText:
    """The normalised text the classifier reads for one message, as :meth:`Screener.classify_many` makes it.

    Surrogates read as U+FFFD and the text cut at :data:`MAX_MESSAGE_CHARS`
    characters, then :func:`~wxscreen._normalize.normalize`.
    """
    return normalize(replace_surrogates(text)[:MAX_MESSAGE_CHARS])


def model_rows(bundle: Any, norms: Sequence[NormalizedText]) -> tuple[list[int], Any]:
    """Rule R0 and the classifier's feature rows: the one feature path of the Screener and the estimator.

    Parameters
    ----------
    bundle : ModelBundle
        The fitted model.
    norms : sequence of NormalizedText
        The messages, normalised (:func:`model_view`).

    Returns
    -------
    live : list of int
        Indices of the messages with words (R0: a message without a Han
        character and with fewer than two letters, outside WeChat
        placeholders, is ``other`` and never reaches the model).
    X : SparseRows or None
        Their feature rows, with the invisible-characters-inside-words
        feature (``NormalizedText.invisible_in_words``); None when ``live``
        is empty.
    """
    live = [i for i, n in enumerate(norms) if _has_words(n.text)]
    if not live:
        return live, None
    return live, bundle.transform([norms[i].text for i in live], hidden=[norms[i].invisible_in_words for i in live])


def check_lender(lender: object, where: str = "lender") -> str | None:
    """The caller-given lender name, stripped of surrounding whitespace: the one check for every entry point.

    :meth:`Screener.classify_many` (and so ``classify``), :func:`wxscreen.screen_chat`
    and the ``--lender`` option of the command line all pass through here, so
    that ``"星河消费金融有限公司 "`` or a name pasted with its line end names the
    same lender as ``"星河消费金融有限公司"`` (a stray space once made the
    lender's own account a payee that is "not the lender").

    Parameters
    ----------
    lender : str or None
        The lender name as given (any form: full name, short name, Traditional).
    where : str, default="lender"
        How the error messages name the argument.

    Returns
    -------
    str or None
        ``lender.strip()``, or None when ``lender`` is None.

    Raises
    ------
    TypeError
        If ``lender`` is neither a ``str`` nor None.
    InvalidInputError
        If ``lender`` is blank (empty or whitespace only), or if its core name
        (the name without spaces, brackets, 股份, its legal form and a trailing
        金融/科技; README, ``lender=``) has fewer than 2 characters
        (``"有限公司"``, ``"["``, ``"金融"``): it would name no lender, and was once
        ignored silently (code review 7); leave it out (None) instead.
    """
    if lender is None:
        return None
    if not isinstance(lender, str):
        raise TypeError(f"{where} must be a str or None, got {type(lender).__name__}")
    name = lender.strip()
    if not name:
        raise InvalidInputError(
            f"{where} is blank ({lender!r}): give the lender's name (e.g. 星河消费金融有限公司) or leave it out"
        )
    if len(_normalized_lender_core(name)) < 2:
        raise InvalidInputError(
            f"{where}={lender!r} names no lender: without spaces, brackets, 股份, its legal form (有限公司) "
            "and a trailing 金融/科技 fewer than 2 characters are left; give the lender's name "
            "(e.g. 星河消费金融有限公司) or leave it out"
        )
    return name


#: A WeChat placeholder copied with a message ([图片], [语音], [表情], [抱拳]): no words of the sender's.
_PLACEHOLDER = regex.compile(r"\[[\p{Han}A-Za-z]{1,4}\]")


def _has_words(text: str) -> bool:
    """R0's test: a Han character, or at least two letters (digits alone are no words), outside placeholders."""
    if "[" in text:
        text = _PLACEHOLDER.sub("", text)
    if _HAN.search(text):
        return True
    return sum(ch.isalpha() for ch in text) >= 2


def _space_between(norm: NormalizedText, i: int) -> bool:
    """True when the raw text holds whitespace, removed by normalisation, just before ``norm.text[i]``."""
    a = norm.raw_span(i - 1, i)[1]
    b = norm.raw_span(i, i + 1)[0]
    return b > a and norm.raw[a:b].isspace()


def _word_chars(text: str, start: int, end: int) -> int:
    """Number of Han characters and letters in ``text[start:end]``."""
    return len(_WORD_CHAR.findall(text, start, end))


_WORD_CHAR = regex.compile(r"\p{Han}|\p{L}")
_HAN = regex.compile(r"\p{Han}")

#: Where a learned flag's sentence is cut into clauses to find its evidence (``Screener._narrow``).
_CLAUSE_CUTS = frozenset(",，、:：")
#: a run of digits or Latin letters long enough to be an identifier (order, tracking, card number)
_LONG_RUN = regex.compile(r"[0-9a-z_\-]{8,}")


#: A Latin word standing alone: letters with no digit, ``_``, ``@``, ``.``, ``-``, ``/`` or ``:``
#: beside them, so not part of a handle (zhang_8899, abc123), an address or an e-mail.
_LATIN_WORD = regex.compile(r"(?<![a-z0-9_@.\-/:])[a-z]{2,}(?![a-z0-9_@.\-/:])")
#: Latin words that are off_platform cues themselves (channels, meeting apps, links;
#: off_platform.toml macros ``chat``, ``meet``, ``url``): never taken out.
_CHANNEL_WORDS = frozenset(
    {"qq", "telegram", "line", "whatsapp", "skype", "potato", "dingtalk", "zoom", "todesk", "teamviewer",
     "anydesk", "app", "apk", "http", "https", "www", "id"}
)


def _rests_on_latin_words(flagger: Any, text: str, kind: str, start: int, end: int) -> bool:
    """True when a learned hit on ``text[start:end]`` stands only on ordinary Latin words.

    The sentence flagger scores character n-grams, and in its training data a Latin
    string almost always is an account handle after a contact cue (加vx: zhang_8899), so
    an English word alone scores as a contact: ``classmate`` 0.51 and ``abcdefg`` 0.58
    P(off_platform), above the kind's threshold (0.3), and 你好 hello 我是你的 classmate
    小王, 换了新号 got an other_chat flag with evidence ``classmate``. A handle counts only
    with the cue that makes it one, so the hit is kept only if the sentence still reaches
    the threshold with its standalone Latin words (other than channel names) taken out.
    """
    cut = [(m.start(), m.end()) for m in _LATIN_WORD.finditer(text, start, end) if m.group() not in _CHANNEL_WORDS]
    if not cut:
        return False
    kept, pos = [], start
    for a, b in cut:
        kept.append(text[pos:a])
        pos = b
    kept.append(text[pos:end])
    rest = "".join(kept)
    pred = flagger.predict([rest])[0]
    p = max((sc.get(kind, 0.0) for _, _, sc in pred.sentences), default=0.0)
    return bool(p < flagger.thresholds.get(kind, DEFAULT_THRESHOLD))


def _link_evidence(text: str, start: int, end: int, ns: int, ne: int) -> tuple[int, int]:
    """The evidence of a learned link flag: the address in its sentence, not the clause around it.

    ``text[start:end]`` is the sentence, ``text[ns:ne]`` the clause :meth:`Screener._narrow`
    chose. The first address (:func:`wxscreen._entities.url_spans`: it ends at quotes,
    angle brackets and Chinese punctuation) overlapping the clause, else the first one
    overlapping the sentence, becomes the evidence, whole; a sentence without one keeps the
    clause. The clause cut at ``:`` would otherwise split ``http://`` and run on into markup
    (``//x.cn'>点击</a></body></html>``).
    """
    # the whole text is scanned: a sentence ends at the ? of a query (https://x.cn/pay?id=1)
    spans = [(a, b) for a, b in url_spans(text) if a < end and b > start]
    if not spans:
        return ns, ne
    return next(((a, b) for a, b in spans if a < ne and b > ns), spans[0])


class Screener:
    """Screens WeChat messages: label, calibrated scores, flags with evidence.

    Build one with :func:`load_screener` (the shipped model) and reuse it: it is
    immutable after construction and safe to share between threads.

    Parameters
    ----------
    bundle : Bundle
        A fitted model bundle (see :func:`load_screener`).
    detectors : sequence of PatternDetector, optional
        Detectors to run; default: :func:`wxscreen.detectors.default_detectors`.
    mask_identifiers : bool, default=True
        Mask phone, card and ID numbers and account handles in ``evidence``,
        ``reasons`` and entity ``text``/``value``. Turn off only for local
        forensic use.
    advice_lang : {"zh", "en"}, default="zh"
        Language of ``Screening.advice``.

    Raises
    ------
    ValueError
        If ``advice_lang`` is not ``"zh"`` or ``"en"``.
    TypeError
        If ``mask_identifiers`` is not a bool (``"no"`` would otherwise read as true).

    Examples
    --------
    >>> s = load_screener()
    >>> s.classify("加我微信私下结清，转到我个人卡上").label.value
    'possible_scam'
    """

    def __init__(
        self,
        bundle: Any,
        *,
        detectors: Sequence[Any] | None = None,
        mask_identifiers: bool = True,
        advice_lang: str = "zh",
    ) -> None:
        if not isinstance(mask_identifiers, bool):
            raise TypeError(f"mask_identifiers must be a bool, got {type(mask_identifiers).__name__}")
        self.bundle = bundle
        self.detectors = detectors
        self.mask_identifiers = mask_identifiers
        self.advice_lang = check_lang(advice_lang)
        self._lock = threading.Lock()
        self._dets: tuple[Any, ...] | None = None
        self._info: ModelInfo | None = None
        #: one key index over all detectors when they are all PatternDetectors (False: they are not)
        self._index: DetectorIndex | bool | None = None
        self._ungated_ids: frozenset[str] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "detectors": self.detectors,
            "mask_identifiers": self.mask_identifiers,
            "advice_lang": self.advice_lang,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["bundle"],
            detectors=state["detectors"],
            mask_identifiers=state["mask_identifiers"],
            advice_lang=state.get("advice_lang", "zh"),
        )

    @property
    def model_info(self) -> ModelInfo:
        """Version information of the model (built once: ``ModelInfo`` is frozen and the bundle immutable)."""
        info = self._info
        if info is None:
            from . import __version__

            meta = self.bundle.metadata
            info = self._info = ModelInfo(
                wxscreen_version=__version__,
                model_id=str(meta.get("model_id", "unknown")),
                trained_on=str(meta.get("corpus_sha256", "unknown"))[:16],
            )
        return info

    def _detectors(self) -> tuple[Any, ...]:
        if self._dets is None:
            with self._lock:
                if self._dets is None:
                    if self.detectors is None:
                        from .detectors import default_detectors

                        self._dets = default_detectors()
                    else:
                        self._dets = tuple(self.detectors)
        return self._dets

    def _ungated(self) -> frozenset[str]:
        """Ids of the patterns whose hits skip the learned plausibility gate (``learned_gate = false``)."""
        ids = self._ungated_ids
        if ids is None:
            ids = self._ungated_ids = frozenset(
                p.id for d in self._detectors() for p in getattr(d, "patterns", ()) if not p.spec.learned_gate
            )
        return ids

    def _detect(self, norm: NormalizedText, lender: str | None) -> tuple[list[Any], bool]:
        """Every detector's hits (in detector order) and whether all of them completed."""
        index = self._index
        if index is None:
            dets = self._detectors()
            index = DetectorIndex(dets) if all(type(d) is PatternDetector for d in dets) else False
            self._index = index  # idempotent: a race builds the same index twice
        if index:
            return cast(DetectorIndex, index).detect(norm, lender=lender)
        found: list[Any] = []
        complete = True
        for det in self._detectors():
            hits, ok = det.detect(norm, lender=lender)
            complete &= ok
            found.extend(hits)
        return found, complete

    def _flags(
        self,
        norm: NormalizedText,
        lender: str | None = None,
        learned: Prediction | None = None,
        risky: float = 1.0,
    ) -> tuple[list[Flag], bool]:
        flags: list[Flag] = []
        found, complete = self._detect(norm, lender)
        best: dict[str, tuple[str, str, int, int, float]] = {}
        if learned is not None:
            fl = self.bundle.flagger
            # a pattern hit the learned flagger finds implausible in its sentence is dropped
            # (a payee that is not the caller-given lender stays: the caller knows better than the model)
            # (nor a hit of a pattern whose data says ``learned_gate = false``)
            ungated = self._ungated()
            found = [
                h for h in found
                if h.rule == LENDER_PAYEE_RULE or h.rule in ungated or self._plausible(norm, learned, h)
            ]
            # the learned flagger speaks only for kinds no pattern found, once per
            # kind (its most probable sentence)
            have = {h.kind for h in found}
            if "unofficial_transfer" not in have and not _payee_unofficial(norm.text, lender):
                have.add("unofficial_transfer")  # the payee is the lender itself: nothing to learn
            scope = load_scope()
            # a learned flag needs the label model to find the message risky enough (per kind)
            have |= {k for k, g in fl.risky_gates.items() if risky < g}
            if learned.hits and scope.doubt_closes(norm.text):
                have |= set(FLAG_KINDS)  # the reader retells an offer and asks if it is a scam: no learned flag
            for hit in learned.hits:
                if _word_chars(norm.text, hit[2], hit[3]) < 2:
                    continue  # a sentence of one letter and symbols (C\ufffd) says nothing the flagger learned
                if hit[0] not in have and (hit[0] not in best or hit[4] > best[hit[0]][4]):
                    if hit[0] == "off_platform" and _rests_on_latin_words(fl, norm.text, hit[0], hit[2], hit[3]):
                        continue  # an English word is no handle without a contact cue (classmate)
                    if not scope.vetoes_learned(norm.text, hit[2], hit[3]):
                        best[hit[0]] = hit
        if not found and not best:
            return flags, complete
        masked = _mask_identifiers(norm.raw, norm) if self.mask_identifiers else norm.raw
        for h in found:
            s, e = norm.raw_span(h.start, h.end)
            flags.append(
                Flag.model_construct(
                    kind=h.kind, detail=h.detail, start=s, end=e, evidence=masked[s:e],
                    rule=h.rule, score=h.score, context=h.context,
                )
            )
        for kind, detail, ss, se, p in best.values():
            ns, ne = self._narrow(norm, kind, ss, se, p)
            if kind == "off_platform" and detail == "link":
                ns, ne = _link_evidence(norm.text, ss, se, ns, ne)
            s, e = norm.raw_span(ns, ne)
            flags.append(
                Flag.model_construct(
                    kind=cast(FlagKind, kind), detail=detail, start=s, end=e, evidence=masked[s:e],
                    rule=f"learned:{kind}", score=round(min(max(p, 0.0), 1.0), 3),
                )
            )
        flags.sort(key=lambda f: (f.start, f.end, f.kind))
        return flags, complete

    def _plausible(self, norm: NormalizedText, learned: Prediction, hit: Any) -> bool:
        """Whether the learned flagger finds a pattern hit plausible in its sentence.

        A hit is kept when a sentence it overlaps has P(kind | sentence) at or
        above the kind's gate (no model or no sentence: kept). A long run of
        digits or Latin letters (an order number, a tracking code) fills a
        sentence with n-grams that say nothing about the ask beside it
        (订单号 DD202511301234567890 退款需要您提供验证码); when the sentence
        fails, it is scored again with every such run of 8 or more characters
        cut to its first four, and that decides.
        """
        fl = self.bundle.flagger
        gate = fl.gates.get(hit.kind, 0.0)
        p = fl.support(learned, hit.kind, hit.start, hit.end)
        if p is None or p >= gate:
            return True
        text = norm.text
        spans = [(s, e) for s, e, _ in learned.sentences if s < hit.end and e > hit.start]
        a, b = min(s for s, _ in spans), max(e for _, e in spans)
        short, n = _LONG_RUN.subn(lambda m: m.group()[:4], text[a:b])
        if not n:
            return False
        pred = fl.predict([short])
        return any(d.get(hit.kind, 0.0) >= gate for _, _, d in (pred[0].sentences if pred else []))

    def _narrow(self, norm: NormalizedText, kind: str, start: int, end: int, p_sentence: float) -> tuple[int, int]:
        """The clause of a learned hit's sentence that the flagger finds most telling of ``kind``.

        A learned flag is found on a whole sentence; its evidence should point at
        the words that carry it. The sentence ``text[start:end]`` is cut at
        commas, colons and enumeration commas, and where the raw text had a
        space that normalisation removed (voice-to-text bubbles such as 妈妈 我被
        拉进一个群 你帮我转800); when it has more than one clause,
        the flagger scores each on its own and the best one becomes the evidence
        if it tells the kind at least as surely as the whole sentence
        (``p_sentence``); else the sentence stays.
        """
        fl = self.bundle.flagger
        text = norm.text
        # (where a clause ends, where the next begins): a comma is dropped, a removed space is not there
        seps = [(i, i + 1) for i in range(start, end) if text[i] in _CLAUSE_CUTS]
        if " " in norm.raw or "\u3000" in norm.raw:
            seps = sorted(seps + [(i, i) for i in range(start + 1, end) if _space_between(norm, i)])
        bounds = [start] + [x for sep in seps for x in sep] + [end]
        parts = list(zip(bounds[::2], bounds[1::2], strict=True))
        parts = [(a, b) for a, b in parts if any(ch.isalnum() for ch in text[a:b])]
        if len(parts) < 2:
            return start, end
        preds = fl.predict([text[a:b] for a, b in parts])
        scored = [
            (pr.sentences[0][2].get(kind, 0.0), a, b) for pr, (a, b) in zip(preds, parts, strict=True) if pr.sentences
        ]
        if not scored:
            return start, end
        p, a, b = max(scored)
        if p < p_sentence:
            return start, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] in _CLAUSE_CUTS):
            b -= 1
        return (a, b) if b > a else (start, end)

    def _entities(self, raw: str, now: dt.datetime | None) -> list[Entity]:
        found = extract_entities(raw, now=now, mask=self.mask_identifiers)
        # the extractor's values already have the validated types: no second validation
        return [Entity.model_construct(**e) for e in found]

    def classify(self, text: str, *, lender: str | None = None, now: dt.datetime | None = None) -> Screening:
        r"""Screen one message.

        Parameters
        ----------
        text : str
            The message as received (one WeChat bubble or pasted block). Text
            beyond :data:`MAX_MESSAGE_CHARS` characters is not screened and the
            result says ``truncated=True``. Surrogate code points (U+D800 to
            U+DFFF, e.g. a lone ``"\ud800"``, which UTF-8 and JSON cannot
            encode) are read as U+FFFD, so evidence and entity text show U+FFFD
            in their place and ``model_dump_json()`` never fails; offsets are
            unchanged.
        lender : str or None, default=None
            The lender the reader really borrowed from, if known (e.g.
            ``"星河消费金融有限公司"``). A payee account in that name is not an
            unofficial transfer; a different company is. Surrounding whitespace
            is ignored (:func:`check_lender`).
        now : datetime or None, default=None
            The time the message was received, used to resolve relative
            deadlines (今天, 3天内, 周五前) into ``Entity.value``; without it only
            deadlines with an explicit year get a datetime. Use the same
            timezone awareness you want back.

        Returns
        -------
        Screening

        Raises
        ------
        TypeError
            If ``text`` is not a ``str``, ``lender`` is neither a ``str`` nor
            None, or ``now`` is not a ``datetime``.
        InvalidInputError
            (a ``ValueError``) If ``lender`` is blank (empty or whitespace only)
            or names no lender (its core name has fewer than 2 characters:
            ``"有限公司"``, ``"["``; :func:`check_lender`).
        """
        return self.classify_many([_check_text(text)], lender=lender, now=now)[0]

    def classify_many(
        self, texts: Iterable[str], *, lender: str | None = None, now: dt.datetime | None = None
    ) -> list[Screening]:
        """Screen a batch of messages with one feature transform and one predict.

        Parameters
        ----------
        texts : iterable of str
            Messages; any iterable (lists, tuples, generators) of ``str``.
        lender : str or None, default=None
            See :meth:`classify`; applies to every message of the batch.
        now : datetime or None, default=None
            See :meth:`classify`; applies to every message of the batch.

        Returns
        -------
        list of Screening
            One per input, in input order.

        Raises
        ------
        InvalidInputError
            If ``texts`` is a bare ``str`` (or ``bytes``): pass ``[text]``; or
            if ``lender`` is blank (empty or whitespace only) or names no
            lender (:func:`check_lender`).
        TypeError
            If ``texts`` is not iterable, an element is not a ``str`` (the
            message names its index: ``texts[1523] must be str, got NoneType``),
            ``lender`` is neither a ``str`` nor None, or ``now`` is not a ``datetime``.

        Notes
        -----
        Entities are extracted per message (regular expressions, linear in the
        text length); the model still runs once per batch.
        """
        if isinstance(texts, (str, bytes, bytearray)):
            raise InvalidInputError(
                "classify_many() expects an iterable of messages, got a single "
                f"{type(texts).__name__}; use classify(text) or classify_many([text])"
            )
        try:
            items = list(texts)
        except TypeError as exc:
            raise TypeError(f"classify_many() expects an iterable of str, got {type(texts).__name__}") from exc
        for i, t in enumerate(items):
            if not isinstance(t, str):  # name the item: a None among thousands is otherwise hard to find
                raise TypeError(f"classify_many(): texts[{i}] must be str, got {type(t).__name__}")
        lender = check_lender(lender)
        if now is not None and not isinstance(now, dt.datetime):
            raise TypeError(f"now must be a datetime or None, got {type(now).__name__}")
        if not items:
            return []
        # lone surrogates cannot be written as UTF-8 or JSON: U+FFFD, same offsets
        items = [replace_surrogates(t) for t in items]
        if len(items) > _CHUNK:  # bounded memory: intermediate features of one chunk at a time
            chunks = (items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK))
            return [r for chunk in chunks for r in self.classify_many(chunk, lender=lender, now=now)]
        cut = [len(t) > MAX_MESSAGE_CHARS for t in items]
        norms = [normalize(t[:MAX_MESSAGE_CHARS] if c else t) for t, c in zip(items, cut, strict=True)]
        cut_reason = (
            f"text longer than {MAX_MESSAGE_CHARS:,} characters: only the first {MAX_MESSAGE_CHARS:,} were screened"
        )
        # R0: a message without a Han character and with fewer than two letters (empty,
        # whitespace, punctuation, emoji or digits only, or one stray letter: Q, C\ufffd, 5000)
        # carries no words ⇒ other (the corpus labels every such message other).
        live, X = model_rows(self.bundle, norms)
        info = self.model_info
        probs: dict[int, dict[str, float]] = {}
        learned: dict[int, Prediction] = {}
        if live:
            if self.bundle.flagger is not None:
                for row, pred in zip(live, self.bundle.flagger.predict([norms[i].text for i in live]), strict=True):
                    learned[row] = pred
            P = self.bundle.predict_proba(X)
            classes = self.bundle.classes
            for row, i in enumerate(live):
                p = {lab: 0.0 for lab in _LABEL_VALUES}
                for j, c in enumerate(classes):
                    p[c] = float(P[row, j])
                total = sum(p.values())
                probs[i] = {k: v / total for k, v in p.items()}
        out: list[Screening] = []
        row_of = {i: r for r, i in enumerate(live)}
        for i, norm in enumerate(norms):
            if i not in probs:
                scores = {lab: (1.0 if lab == Label.OTHER.value else 0.0) for lab in _LABEL_VALUES}
                reasons = [
                    "rule R0: no words (empty, punctuation, emoji, digits, a single letter or WeChat placeholders only)"
                    " ⇒ other"
                ]
                if cut[i]:
                    reasons.append(cut_reason)
                out.append(
                    Screening.model_construct(
                        label=Label.OTHER, scores=scores, flags=[], reasons=reasons, model=info, truncated=cut[i],
                        entities=self._entities(norm.raw, now),
                    )
                )
                continue
            risky = probs[i][Label.POSSIBLE_SCAM.value] + probs[i][Label.SUSPICIOUS.value]
            flags, complete = self._flags(norm, lender, learned.get(i), risky)
            scope = load_scope()
            label, rule_reasons = decide(
                probs[i], flags, complete=complete, identity_money=scope.identity_money_ask(norm.text),
                agency=scope.agency_claim(norm.text), own_account=payee_is_lender(norm.text, lender),
            )
            best = model_label(probs[i]).value
            cues = self.bundle.top_features(X, best, row=row_of[i]) if X is not None else []
            reasons = [f"model: {best} ({probs[i][best]:.2f}); cues: {'、'.join(cues) or '—'}"] + rule_reasons
            if not complete:
                reasons.append("flag check incomplete: a detector pattern timed out")
            if cut[i]:
                reasons.append(cut_reason)
            if self.mask_identifiers:
                reasons = [mask_identifiers(r) for r in reasons]
            out.append(
                Screening.model_construct(  # every field built and checked here (scores sum to 1)
                    label=label,
                    scores=probs[i],
                    flags=flags,
                    reasons=reasons,
                    model=info,
                    flags_complete=complete,
                    truncated=cut[i],
                    advice=advice_for(label, flags, self.advice_lang),
                    entities=self._entities(norm.raw, now),
                )
            )
        return out


def load_screener(
    path: str | os.PathLike[str] | None = None, *, mask_identifiers: bool = True, advice_lang: str = "zh"
) -> Screener:
    """Load a model bundle and return a ready :class:`Screener`.

    Parameters
    ----------
    path : path-like or None, default=None
        A bundle directory written by ``wxscreen train``; ``None`` loads the
        model shipped inside the package.
    mask_identifiers : bool, default=True
        See :class:`Screener`.
    advice_lang : {"zh", "en"}, default="zh"
        Language of ``Screening.advice`` (see :class:`Screener`).

    Returns
    -------
    Screener

    Raises
    ------
    ModelLoadError
        If the bundle is missing, unreadable or holds untrusted types.
    ModelVersionError
        If it was built with an incompatible scikit-learn.
    ValueError
        If ``advice_lang`` is not ``"zh"`` or ``"en"``.
    """
    from importlib import resources

    from ._persist import load_bundle

    if path is None:
        with resources.as_file(resources.files("wxscreen").joinpath("data", "model")) as p:
            bundle = load_bundle(p)
    else:
        bundle = load_bundle(path)
    return Screener(bundle, mask_identifiers=mask_identifiers, advice_lang=advice_lang)
