"""The detector engine: declarative patterns, compiled once on first use, prefiltered, scope-aware."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

import regex
from pydantic import ValidationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .._errors import DetectorSpecError
from .._normalize import NormalizedText
from .._resources import data_path
from ._branches import alternatives
from ._firstchars import add_first_char_guards, first_chars
from ._prefilter import Formula, analyse, compile_check, save_memo, text_keys, unpack_formula
from ._spec import DetectorSpec, PatternSpec, ScopeSpec

__all__ = ["DetectorIndex", "Hit", "Pattern", "PatternDetector", "Scope", "load_scope", "load_spec"]

#: Seconds (wall clock) a single pattern may run on one text before it is
#: abandoned and the Screening is marked ``flags_complete=False``. Ordinary
#: messages need well under a millisecond per pattern; the limit only bites on
#: pathological input, so it is generous to keep results independent of load.
PATTERN_TIMEOUT = 1.0
#: Matches of one pattern evaluated per text; more add no evidence, only time.
MAX_MATCHES_PER_PATTERN = 50
_MACRO = regex.compile(r"<<([a-z_]+)>>")
#: A pattern's trailing macro references (``…<<nowarn>><<hasctx>>``).
_TAIL = regex.compile(r"(?:<<[a-z_]+>>)+$")
#: Proximity guards, recognised by the exact shape of their macro definition:
#: ``(?<!<<w>>[\s\S]{0,N}?)(?![\s\S]{0,N}?<<w>>)`` (no ``w`` within N characters)
#: and ``(?:(?<=<<c>>[\s\S]{0,N}?)|(?=[\s\S]{0,N}?<<c>>))`` (some ``c`` within N).
_NOT_NEAR = regex.compile(
    r"\(\?<!<<([a-z_]+)>>\[\\s\\S\]\{0,(\d+)\}\?\)\(\?!\[\\s\\S\]\{0,(\d+)\}\?<<([a-z_]+)>>\)"
)
_NEAR = regex.compile(
    r"\(\?:\(\?<=<<([a-z_]+)>>\[\\s\\S\]\{0,(\d+)\}\?\)\|\(\?=\[\\s\\S\]\{0,(\d+)\}\?<<([a-z_]+)>>\)\)"
)
_Regex: TypeAlias = "regex.Pattern[str]"  # the name ``regex`` is a property inside Pattern


@dataclass(frozen=True)
class Hit:
    """A detector match on normalised text (offsets into ``NormalizedText.text``)."""

    kind: str
    detail: str
    start: int
    end: int
    rule: str
    score: float
    context: str | None = None


def _expand(text: str, macros: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 5:
        raise DetectorSpecError(f"{where}: macros nest too deeply")

    def sub(m: regex.Match[str]) -> str:
        name = m.group(1)
        if name not in macros:
            raise DetectorSpecError(f"{where}: unknown macro <<{name}>>")
        return _expand(macros[name], macros, where, depth + 1)

    return _MACRO.sub(sub, text)


class Pattern:
    """A named pattern, compiled on first use.

    Compiling all detector regexes takes most of a second, and most patterns
    never run on a given message (see :attr:`required`), so each regex is
    compiled the first time a text passes its character prefilter. A source
    Python's regex parser cannot read is compiled at once instead, so typos
    still fail on load.

    Parameters
    ----------
    spec : PatternSpec
        The validated pattern data.
    macros : dict of str to str
        Macro definitions used to expand ``<<name>>`` references.
    where : str
        File name and field path, for error messages.

    Raises
    ------
    DetectorSpecError
        If a macro is unknown or a regex does not compile (on load, or — for
        the rare source Python's parser accepts and ``regex`` rejects — on
        first use).
    """

    def __init__(self, spec: PatternSpec, macros: dict[str, str], where: str) -> None:
        self.spec = spec
        self.id = spec.id
        self.detail = spec.detail
        self.score = spec.score
        self._where = where
        self._macros = macros
        self._src = {
            field: _expand(src, macros, f"{where}.{field}")
            for field, src in (
                ("regex", spec.regex),
                ("unless", spec.unless),
                ("needs", spec.needs),
                ("unless_message", spec.unless_message),
                ("needs_message", spec.needs_message),
            )
            if src is not None
        }
        self._compiled: dict[str, regex.Pattern[str] | None] = {}
        body, self._guards = _trailing_guards(spec.regex, macros, where)
        self._body = body
        self._guard_refs = [g[0] for g in self._guards]
        #: the guards apply to every match (the body has no top-level ``|``), not to its last branch only
        self._top_level = bool(self._guards) and not _has_top_level_bar(_expand(body, macros, f"{where}.regex"))
        #: ``regex`` without some of its trailing "no w nearby" guards, compiled on first use
        #: for texts holding no ``w`` at all (see :meth:`regex_for`).
        self._variants: dict[tuple[str, ...], regex.Pattern[str]] = {}
        self._checks: tuple[Callable[[frozenset[str]], bool], Callable[[frozenset[str]], bool]] | None = None
        #: the alternatives every match starts with, each with its prefilter check (``_branches``), built on first use
        self._pretest: tuple[tuple[Callable[[frozenset[str]], bool], _Regex], ...] | None = None
        #: Character sets every match must touch (see ``_prefilter``); a text
        #: missing one of them is skipped without running — or compiling — the regex.
        analysis = {field: analyse(src) for field, src in self._src.items()}
        self.required = analysis["regex"][1]
        self._formula_blob = analysis["regex"][2]
        self._formula: Formula | None = None
        for field, (ok, req, _f) in analysis.items():
            if not ok or (field == "regex" and not req):
                self._compile(field)  # compile now, so that a bad regex fails on load
        self.boost = tuple(spec.boost)

    def _compile(self, field: str) -> regex.Pattern[str] | None:
        try:
            return self._compiled[field]
        except KeyError:
            pass
        src = self._src.get(field)
        if src is None:
            pat = None
        else:
            try:
                pat = _compile_guarded(src)
            except regex.error as exc:
                raise DetectorSpecError(f"{self._where}.{field}: bad regex: {exc}") from exc
        self._compiled[field] = pat  # idempotent: a race compiles twice, same result
        return pat

    @property
    def regex(self) -> _Regex:
        """The compiled cue regex (compiled on first use)."""
        pat = self._compile("regex")
        assert pat is not None
        return pat

    @property
    def unless(self) -> _Regex | None:
        """The compiled ``unless`` regex, or None (compiled on first use)."""
        return self._compile("unless")

    @property
    def needs(self) -> _Regex | None:
        """The compiled ``needs`` regex, or None (compiled on first use)."""
        return self._compile("needs")

    @property
    def unless_message(self) -> _Regex | None:
        """The compiled ``unless_message`` regex, or None (compiled on first use)."""
        return self._compile("unless_message")

    @property
    def needs_message(self) -> _Regex | None:
        """The compiled ``needs_message`` regex, or None (compiled on first use)."""
        return self._compile("needs_message")

    @property
    def formula(self) -> Formula:
        """A finer necessary condition than :attr:`required` (alternatives kept apart), unpacked on first use."""
        f = self._formula
        if f is None:
            f = self._formula = unpack_formula(self._formula_blob)
        return f

    @formula.setter
    def formula(self, value: Formula) -> None:
        self._formula = value
        self._checks = None

    def __getstate__(self) -> dict[str, Any]:
        # the compiled prefilter checks are generated functions: rebuilt on first use after unpickling
        return {**self.__dict__, "_checks": None, "_pretest": None}

    def _get_checks(self) -> tuple[Callable[[frozenset[str]], bool], Callable[[frozenset[str]], bool]]:
        """``(full, rest)``: :meth:`may_match` as one compiled test, and the same without ``required[0]``."""
        checks = self._checks
        if checks is None:
            f = self.formula
            checks = self._checks = (compile_check(self.required, f), compile_check(self.required[1:], f))
        return checks

    def may_match(self, keys: frozenset[str]) -> bool:
        """Return False when a text with these keys cannot match :attr:`regex`.

        Parameters
        ----------
        keys : frozenset of str
            The text's characters and bigrams (``_prefilter.text_keys``).
        """
        return self._get_checks()[0](keys)

    def may_match_rest(self, keys: frozenset[str]) -> bool:
        """:meth:`may_match` for a text already known to touch ``required[0]`` (the detector's index)."""
        return self._get_checks()[1](keys)

    def pretest(self) -> tuple[tuple[Callable[[frozenset[str]], bool], _Regex], ...]:
        """The pattern's alternatives as ``(prefilter check, compiled regex)`` pairs, or ``()`` (built on first use).

        Every match of :attr:`regex` starts with a match of one of them
        (:func:`~wxscreen.detectors._branches.alternatives`), so a text where
        none is found holds no match (see :meth:`may_start`). Empty when the
        pattern is not such an alternation, when one of its alternatives starts
        with a known character (``_firstchars``: the engine then skips most
        positions of the whole alternation itself, and the pretest measured
        slower), or when an alternative has no prefilter key (it would be
        searched on every text, for nothing).
        """
        pre = self._pretest
        if pre is None:
            pre = self._pretest = self._build_pretest()
        return pre

    def _build_pretest(self) -> tuple[tuple[Callable[[frozenset[str]], bool], _Regex], ...]:
        alts = alternatives(self._src["regex"])
        if alts is None or any(first_chars(a) is not None for a in alts):
            # an alternative with known first characters already lets the engine skip most
            # positions of the whole alternation: searching the alternatives apart costs more
            return ()
        out = []
        for src in alts:
            _ok, req, blob = analyse(src)
            if not req:
                return ()
            try:
                rx = _compile_guarded(src)
            except regex.error:
                return ()
            out.append((compile_check(req, unpack_formula(blob)), rx))
        return tuple(out)

    def may_start(self, text: str, keys: frozenset[str]) -> bool:
        """Return False when no alternative of the pattern is found in ``text`` (so :attr:`regex` cannot match).

        The alternatives are searched one by one, each only when the text
        holds its prefilter keys: each alone often has a literal the
        ``regex`` engine skips ahead to, which the whole alternation lacks.
        True when the pattern has no pretest, and when a search runs past
        ``PATTERN_TIMEOUT`` (the pattern then runs, under its own limit).

        Parameters
        ----------
        text : str
            The normalised text.
        keys : frozenset of str
            Its :func:`~wxscreen.detectors._prefilter.text_keys`.
        """
        pre = self._pretest
        if pre is None:
            pre = self.pretest()
        if not pre:
            return True
        for check, rx in pre:
            if check(keys):
                try:
                    if rx.search(text, timeout=PATTERN_TIMEOUT) is not None:
                        return True
                except TimeoutError:
                    return True
        return False

    def regex_for(self, text: str, present: dict[str, bool]) -> _Regex | None:
        """The cue regex to run on ``text``: :attr:`regex`, or an equivalent cheaper one, or None.

        The impersonation patterns end in proximity guards — "no warning word
        within 300 characters" (``<<nowarn>>``), "some debt context within 300
        characters" (``<<hasctx>>``) — lookarounds that would otherwise be
        tried at every candidate end position. When the text holds no warning
        word at all, "none nearby" holds everywhere and the guard is left out;
        when it holds no context word at all, "some nearby" holds nowhere and
        the pattern cannot match (None). Either way the matches are exactly
        those of :attr:`regex`.

        Parameters
        ----------
        text : str
            The normalised text.
        present : dict of str to bool
            Memo of word-regex source -> whether it matches somewhere in ``text``
            (shared by the patterns of one text).

        Returns
        -------
        regex.Pattern or None
            None when the pattern cannot match ``text``.
        """
        if not self._guards:
            return self.regex
        kept: list[str] = []
        for ref, word, near in self._guards:
            has = _present(word, text, present)
            if near and not has:
                if self._top_level:
                    return None
                kept.append("(?!)")  # the guard fails wherever it is tried
            elif near or has:
                kept.append(ref)
        if kept == self._guard_refs:
            return self.regex
        key = tuple(kept)
        pat = self._variants.get(key)
        if pat is None:
            src = _expand(self._body + "".join(kept), self._macros, f"{self._where}.regex")
            pat = self._variants[key] = _compile_guarded(src)
        return pat

    def __repr__(self) -> str:
        return f"Pattern({self.id!r}, detail={self.detail!r}, score={self.score})"


def _trailing_guards(raw: str, macros: dict[str, str], where: str) -> tuple[str, tuple[tuple[str, str, bool], ...]]:
    """Split ``raw`` into its body and its trailing proximity guards.

    Returns ``(body, guards)``; each guard is ``(reference, word source
    (macros expanded), near)``, ``near`` False for a "no word nearby" guard
    (:data:`_NOT_NEAR`) and True for a "some word nearby" one (:data:`_NEAR`).
    Only the run of guards at the very end of ``raw`` is taken (any other
    macro ends the run), so ``body + "".join(references)`` is ``raw``.
    """
    tail = _TAIL.search(raw)
    if tail is None:
        return raw, ()
    refs = _MACRO.findall(tail.group())
    guards: list[tuple[str, str, bool]] = []
    for name in reversed(refs):
        definition = macros.get(name, "")
        m = _NOT_NEAR.fullmatch(definition) or _NEAR.fullmatch(definition)
        if m is None or m.group(1) != m.group(4) or m.group(2) != m.group(3) or m.group(1) not in macros:
            break
        word = _expand(f"<<{m.group(1)}>>", macros, f"{where}.regex")
        guards.append((f"<<{name}>>", word, m.re is _NEAR))
    guards.reverse()
    return raw[: len(raw) - sum(len(g[0]) for g in guards)], tuple(guards)


def _has_top_level_bar(src: str) -> bool:
    """True when the regex source ``src`` has an alternation ``|`` outside all groups and classes."""
    depth = 0
    i = 0
    in_class = False
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if src[i + 1 : i + 2] == "^":
                i += 1
            if src[i + 1 : i + 2] == "]":
                i += 1  # a literal ] first in the class
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


def _compile_guarded(src: str) -> _Regex:
    """Compile ``src`` (``regex.V0``) with first-character guards (``_firstchars``): same matches, faster.

    Raises
    ------
    regex.error
        If ``src`` itself does not compile.
    """
    guarded = add_first_char_guards(src)
    if guarded != src:
        try:
            return regex.compile(guarded, regex.V0)
        except regex.error:
            pass  # not expected; the source's own error (or success) below decides
    return regex.compile(src, regex.V0)


@functools.lru_cache(maxsize=64)
def _word_regex(src: str) -> _Regex | None:
    try:
        return _compile_guarded(src)
    except regex.error:
        return None


def _present(word: str, text: str, memo: dict[str, bool]) -> bool:
    """Whether ``word`` (a regex source) matches anywhere in ``text`` (True when unsure), memoised in ``memo``."""
    has = memo.get(word)
    if has is None:
        pat = _word_regex(word)
        try:
            has = pat is None or pat.search(text, timeout=PATTERN_TIMEOUT) is not None
        except TimeoutError:
            has = True  # unknown: keep the guard
        memo[word] = has
    return has


def _thousands(text: str, i: int) -> bool:
    """True when ``text[i]`` is a comma between digits (3,200元), which ends no clause."""
    return (
        text[i] == ","
        and 0 < i < len(text) - 1
        and text[i - 1].isascii()
        and text[i - 1].isdigit()
        and text[i + 1].isascii()
        and text[i + 1].isdigit()
    )


def _alternation(spec: ScopeSpec, field: str) -> regex.Pattern[str] | None:
    """Compile an optional list of ``scope.toml`` as one alternation (macros expanded), or None when empty."""
    items: list[str] = getattr(spec, field)
    if not items:
        return None
    return regex.compile("|".join(_expand(x, spec.macros, f"scope.{field}") for x in items))


class Scope:
    """Negation / warning / reported-speech scope of DOMAIN.md §5.0.

    A cue is suppressed when, inside its clause (ended by ``clause_breaks``),
    a negator (不会, 请勿, 切勿, 谨防, 任何 …) stands within ``window``
    characters before it — unless the negator is a reassurance (别慌, 不用担心)
    or a new instruction starts between the two (``negation_resets``: 请, 就,
    直接, 可以, 了 … as in 请勿挂断电话请开启屏幕共享) — or a warning frame
    (都是诈骗, 请报警, 认准官方 …) appears in the clause, or the clause is the
    reader's own question (``questions``: 要不要交手续费？). Reported speech (有人让我, 骗子会 …) earlier in the
    sentence, or a report frame (本报讯, 记者…获悉, 【反诈提醒】) anywhere earlier in the message,
    multiplies the score by ``reported_speech_factor``; a warning verdict anywhere in the
    sentence (``sentence_warning_frames``: 一律是诈骗) suppresses the cue.
    """

    def __init__(self, spec: ScopeSpec) -> None:
        self.spec = spec
        self._breaks = frozenset(spec.clause_breaks)
        self._sentence_breaks = frozenset(spec.sentence_breaks)
        self._neg = regex.compile("|".join(_expand(x, spec.macros, "scope.negators") for x in spec.negators))
        self._warn = regex.compile(
            "|".join(_expand(x, spec.macros, "scope.warning_frames") for x in spec.warning_frames)
        )
        self._reported = regex.compile(
            "|".join(_expand(x, spec.macros, "scope.reported_speech") for x in spec.reported_speech)
        )
        self._reset = _alternation(spec, "negation_resets")
        self._reassure = _alternation(spec, "reassurances")
        self._question = _alternation(spec, "questions")
        self._sentence_warn = _alternation(spec, "sentence_warning_frames")
        self._identity = _alternation(spec, "identity_claims")
        self._money = _alternation(spec, "money_asks")
        self._agency = _alternation(spec, "agency_claims")
        self._agency_context = _alternation(spec, "agency_context")
        self._agency_veto = _alternation(spec, "agency_vetoes")
        self._retell = _alternation(spec, "doubt_retell")
        self._veto = _alternation(spec, "learned_vetoes")
        self._report = _alternation(spec, "report_frames")
        self._doubt = _alternation(spec, "doubt_questions")
        self.window = spec.window
        self.factor = spec.reported_speech_factor
        self.threshold = spec.threshold

    def clause(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Return the bounds of the clause around ``text[start:end]`` (at most 200 characters each side)."""
        breaks = self._breaks
        lo = max(0, start - 200)
        a = lo
        for i in range(start - 1, lo - 1, -1):
            if text[i] in breaks and not _thousands(text, i):
                a = i + 1
                break
        hi = min(len(text), end + 200)
        b = hi
        for i in range(end, hi):
            if text[i] in breaks and not _thousands(text, i):
                b = i
                break
        return a, b

    def sentence_start(self, text: str, start: int) -> int:
        """Return where the sentence holding ``text[start]`` begins (at most 300 characters back)."""
        lo = max(0, start - 300)
        for i in range(start - 1, lo - 1, -1):
            if text[i] in self._sentence_breaks:
                return i + 1
        return lo

    def sentence_end(self, text: str, end: int) -> int:
        """Return where the sentence holding ``text[end - 1]`` ends (at most 300 characters on)."""
        hi = min(len(text), end + 300)
        for i in range(end, hi):
            if text[i] in self._sentence_breaks:
                return i
        return hi

    def identity_money_ask(self, text: str) -> bool:
        """True when ``text`` introduces its sender as the reader's relative, friend or superior and asks for money.

        The input of decision rule R8 (``identity_claims`` and ``money_asks`` in scope.toml).
        """
        if self._identity is None or self._money is None or self._identity.search(text) is None:
            return False
        # a money ask inside a warning (收到旧号借钱的消息千万别理) asks for nothing
        return any(self.weight(text, m.start(), m.end()) > 0 for m in self._money.finditer(text))

    def doubt_closes(self, text: str) -> bool:
        """The message ends with the reader's doubt question about something retold before it.

        (说先交2000解冻费才能放款，是不是骗子啊？) A doubt the sender asks and answers
        (是真的吗？是真的，请把验证码发给我) does not end the message; one with nothing
        retold before it (是真的吗？请把密码发我) is no reader's doubt either.
        """
        if self._doubt is None:
            return False
        for m in self._doubt.finditer(text):
            retold = self._retell is None or self._retell.search(text, 0, m.start()) is not None
            if retold and _DOUBT_TAIL.fullmatch(text, m.end()):
                return True
        return False

    def agency_claim(self, text: str) -> bool:
        """True when ``text`` presents its sender as a third party negotiating the reader's debts.

        The input of decision rule R9 (``agency_claims`` in scope.toml); a claim inside a
        warning, a negation (我司从未委托任何停息挂账机构) or reported speech (我朋友被拉进一个上岸群)
        does not count.
        """
        if self._agency is None:
            return False
        if self._agency_context is not None and self._agency_context.search(text) is None:
            return False  # 入职成功后再收费, 考研上岸群: not about debts
        if self._agency_veto is not None and self._agency_veto.search(text) is not None:
            return False  # 受星河消费金融委托 … 请通过官方APP还款: the lender's own agent
        return any(self.weight(text, m.start(), m.end()) >= self.threshold for m in self._agency.finditer(text))

    def vetoes_learned(self, text: str, start: int, end: int) -> bool:
        """True when ``text[start:end]`` (a sentence the learned flagger flagged) holds a ``learned_vetoes`` warning."""
        return self._veto is not None and self._veto.search(text, start, end) is not None

    def weight(self, text: str, start: int, end: int) -> float:
        """Return 0 when suppressed, else a factor in (0, 1] for the cue's score."""
        a, b = self.clause(text, start, end)
        lo = max(a, start - self.window)
        last = None
        for m in self._neg.finditer(text, lo, start):
            last = m
        if last is not None:
            reassured = self._reassure is not None and self._reassure.match(text, last.start())
            gap = text[last.end() : start]
            reset = self._reset is not None and self._reset.search(gap)
            if not reassured and not reset:
                return 0.0
        w = self._warn.search(text, a, self.sentence_end(text, end))
        if w is not None and w.start() < b:  # a frame in the clause (its lookaheads may read to the sentence end)
            return 0.0
        if self._question is not None and b < len(text) and text[b] in "?？" and self._question.search(text[a:b]):
            return 0.0
        s = self.sentence_start(text, start)
        if self._sentence_warn is not None and self._sentence_warn.search(text, s, self.sentence_end(text, end)):
            return 0.0
        if self._reported.search(text, s, start):
            return self.factor
        if self._report is not None and self._report.search(text, 0, start):
            return self.factor
        if self._doubt is not None and self.doubt_closes(text):
            return self.factor
        return 1.0


#: What may follow the reader's closing doubt question: punctuation, particles, "have a look for me".
_DOUBT_TAIL = regex.compile(
    r"[\s?？!！。.,，~～…啊呀呢吧哈😭]*(?:(?:你|您)?(?:帮我|给我)?(?:看看|看一下|瞅瞅)|你觉得呢|怎么办|咋办)?[\s?？!！。.,，~～…啊呀呢吧哈😭]*"
)


@functools.cache
def load_scope() -> Scope:
    """Load and validate ``data/detectors/scope.toml`` (cached)."""
    raw = _read_toml("scope.toml")
    try:
        spec = ScopeSpec.model_validate(raw)
    except ValidationError as exc:
        raise DetectorSpecError(_explain("scope.toml", exc)) from exc
    return Scope(spec)


def _read_toml(name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(data_path("detectors", name).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DetectorSpecError(f"detector file {name} is missing from the package") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DetectorSpecError(f"{name}: not valid TOML: {exc}") from exc


def _explain(name: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"])
        parts.append(f"{name}: {loc}: {err['msg']}")
    return "; ".join(parts)


def load_spec(name: str) -> DetectorSpec:
    """Load and validate one detector file from ``data/detectors``.

    Parameters
    ----------
    name : str
        File name, e.g. ``"personal_data_request.toml"``.

    Returns
    -------
    DetectorSpec

    Raises
    ------
    DetectorSpecError
        If the file is missing, not TOML, or fails validation; the message
        names the file and the field path.
    """
    raw = _read_toml(name)
    try:
        return DetectorSpec.model_validate(raw)
    except ValidationError as exc:
        raise DetectorSpecError(_explain(name, exc)) from exc


class PatternDetector:
    """A detector built from a :class:`DetectorSpec`.

    Parameters
    ----------
    spec : DetectorSpec
        Validated detector data.
    scope : Scope
        The shared negation / warning scope.
    source : str, default="<spec>"
        Where the spec came from, for error messages.

    Attributes
    ----------
    name : str
        Stable versioned name, e.g. ``"personal_data_request.v1"``.
    kind : str
        The flag kind this detector reports.
    patterns : tuple of Pattern
        Compiled patterns.
    """

    def __init__(self, spec: DetectorSpec, scope: Scope, source: str = "<spec>") -> None:
        self.spec = spec
        self.name = spec.name
        self.kind = spec.kind
        self.scope = scope
        macros = {**scope.spec.macros, **spec.macros}
        self.patterns = tuple(
            Pattern(p, macros, f"{source}: patterns[{i}] ({p.id})") for i, p in enumerate(spec.patterns)
        )
        save_memo()
        # inverted index of each pattern's most selective key set: key -> bit mask of patterns
        index: dict[str, int] = {}
        always = 0
        for i, pat in enumerate(self.patterns):
            if not pat.required:
                always |= 1 << i
                continue
            for k in pat.required[0]:
                index[k] = index.get(k, 0) | (1 << i)
        self._index = index
        self._index_keys = frozenset(index)
        self._always = always

    def __repr__(self) -> str:
        return f"PatternDetector({self.name!r}, {len(self.patterns)} patterns)"

    def detect(self, norm: NormalizedText, *, lender: str | None = None) -> tuple[list[Hit], bool]:
        """Find this detector's cues in a normalised text.

        Parameters
        ----------
        norm : NormalizedText
            The normalised message.
        lender : str or None, default=None
            The lender the reader actually borrowed from (e.g. ``"星河消费金融"``),
            if the caller knows it. A payee company matching it is treated as
            the lender's own account by the ``payee_check`` hook; for the
            ``unofficial_transfer`` detector, a payee company named in a payment
            instruction that does not match it is a ``designated_account`` hit
            (rule ``transfer.payee_not_lender``, see :func:`_lender_payee_hits`).

        Returns
        -------
        hits : list of Hit
            Non-overlapping hits per detail, best score first within overlaps,
            offsets into ``norm.text``.
        complete : bool
            False when a pattern, or one of its guards (``unless``, ``needs``,
            ``unless_message``, ``needs_message``, the payee check), hit its
            time limit (``PATTERN_TIMEOUT`` seconds) and was abandoned; a
            timeout is never raised.
        """
        keys = _keys_of(norm.text)
        candidates = self._always
        index = self._index
        for k in keys & self._index_keys:
            candidates |= index[k]
        return self._run(norm, lender, keys, candidates)

    def _run(
        self, norm: NormalizedText, lender: str | None, keys: frozenset[str], candidates: int
    ) -> tuple[list[Hit], bool]:
        """:meth:`detect` for the candidate patterns (bit mask) the index found for ``keys``."""
        text = norm.text
        hits: list[Hit] = []
        complete = True
        patterns = self.patterns
        present: dict[str, bool] = {}
        while candidates:  # patterns whose first key set the text touches, in order
            low = candidates & -candidates
            candidates ^= low
            pat = patterns[low.bit_length() - 1]
            checks = pat._checks or pat._get_checks()
            if not checks[1](keys):
                continue
            rx = pat.regex_for(text, present) if pat._guards else pat._compiled.get("regex") or pat.regex
            if rx is None or not pat.may_start(text, keys):
                continue
            matches = []
            try:
                for m in rx.finditer(text, timeout=PATTERN_TIMEOUT):
                    matches.append(m)
                    if len(matches) >= MAX_MATCHES_PER_PATTERN:
                        break
            except TimeoutError:
                complete = False
            for m in matches:
                s, e = m.span()
                if e <= s:
                    continue
                try:
                    hit = self._evaluate(pat, text, s, e, norm, lender)
                except TimeoutError:  # a guard (unless, needs, …_message) ran out of time: unknown
                    complete = False
                    continue
                if hit is not None:
                    hits.append(hit)
        if lender and self.kind == "unofficial_transfer":
            guard = next((p for p in self.patterns if p.spec.id == _COMPANY_PATTERN_ID), None)
            try:
                hits.extend(_lender_payee_hits(text, lender, self.scope, guard))
            except TimeoutError:
                complete = False
        return _merge(hits), complete

    def _evaluate(
        self, pat: Pattern, text: str, s: int, e: int, norm: NormalizedText, lender: str | None = None
    ) -> Hit | None:
        hit = self._judge(pat, text, s, e, s, norm, lender)
        if hit is None:
            # A match that runs over a clause break (验证码，收到后发我) asks in its last clause: a
            # warning in the first one (切勿泄露验证码，收到后发我核对) does not cover that ask.
            cut = max((i for i in range(s + 1, e) if text[i] in self.scope._breaks and not _thousands(text, i)),
                      default=None)
            if (
                cut is not None
                and self.kind == "personal_data_request"
                and _ASK_TO_ME.search(text, cut + 1, e)
                and not self.scope._neg.search(text, cut + 1, e)
            ):
                hit = self._judge(pat, text, s, e, cut + 1, norm, lender)
        return hit

    def _judge(
        self, pat: Pattern, text: str, s: int, e: int, at: int, norm: NormalizedText, lender: str | None
    ) -> Hit | None:
        """The hit ``text[s:e]`` of ``pat`` with its scope and context read from position ``at`` on, or None."""
        scope = self.scope
        w = scope.weight(text, at, e)
        if w == 0.0:
            return None
        a, b = scope.clause(text, at, e)
        if pat.unless is not None and pat.unless.search(text, a, b, timeout=PATTERN_TIMEOUT):
            return None
        if pat.needs is not None and not pat.needs.search(text, a, b, timeout=PATTERN_TIMEOUT):
            return None
        if pat.unless_message is not None and pat.unless_message.search(text, timeout=PATTERN_TIMEOUT):
            return None
        if pat.needs_message is not None and not pat.needs_message.search(text, timeout=PATTERN_TIMEOUT):
            return None
        if pat.spec.validate_hook == "payee_check" and not _payee_unofficial(
            text, lender, (scope.sentence_start(text, s), scope.sentence_end(text, e))
        ):
            return None
        score = pat.score * w
        context = None
        for word in pat.boost:
            i = text.find(word, max(0, s - 20), e + 20)
            if i != -1:
                score = min(1.0, score + 0.1)
                context = word
                break
        if score < scope.threshold:
            return None
        return Hit(self.kind, pat.detail, s, e, pat.id, round(score, 4), context)


class DetectorIndex:
    """One key index over several detectors: their candidate patterns for a text in one pass.

    Each :class:`PatternDetector` indexes its patterns by their most selective
    key set and intersects a text's keys with its own index. Screening runs
    every detector on every message, so this merges the indexes once: one
    intersection per text, then each detector runs its candidates
    (``PatternDetector._run``), exactly as :meth:`PatternDetector.detect` would.

    Parameters
    ----------
    detectors : sequence of PatternDetector
    """

    def __init__(self, detectors: tuple[PatternDetector, ...]) -> None:
        self.detectors = detectors
        index: dict[str, int] = {}
        self._shifts: list[tuple[int, int]] = []  # (offset, mask) of each detector's bits
        offset = 0
        always = 0
        for det in detectors:
            n = len(det.patterns)
            self._shifts.append((offset, (1 << n) - 1))
            always |= det._always << offset
            for k, m in det._index.items():
                index[k] = index.get(k, 0) | (m << offset)
            offset += n
        self._index = index
        self._keys = frozenset(index)
        self._always = always

    def detect(self, norm: NormalizedText, *, lender: str | None = None) -> tuple[list[Hit], bool]:
        """Every detector's :meth:`PatternDetector.detect` hits, in detector order, and whether all completed."""
        keys = _keys_of(norm.text)
        found = self._always
        index = self._index
        for k in keys & self._keys:
            found |= index[k]
        hits: list[Hit] = []
        complete = True
        for det, (offset, mask) in zip(self.detectors, self._shifts, strict=True):
            h, ok = det._run(norm, lender, keys, (found >> offset) & mask)
            hits.extend(h)
            complete &= ok
        return hits, complete


#: The sender as the recipient of data (发我, 告诉我, 回复给我, 报给客服): the ask of a data request.
_ASK_TO_ME = regex.compile(r"(?:发|告诉|给|回复|报|念|读|说|截图)(?:给|到|一下)?(?:我|本号|客服|专员)")

_LAST_KEYS: tuple[str, frozenset[str]] = ("", frozenset())


def _keys_of(text: str) -> frozenset[str]:
    """``text_keys(text)``, remembered for the last text (the detectors of one message share it)."""
    global _LAST_KEYS
    last = _LAST_KEYS  # one read: safe when threads interleave
    if last[0] is text:
        return last[1]
    keys = text_keys(text)
    _LAST_KEYS = (text, keys)
    return keys


def _merge(hits: list[Hit]) -> list[Hit]:
    """Keep the best hit among overlapping hits of the same detail (O(n log n))."""
    by_detail: dict[str, list[Hit]] = {}
    for h in hits:
        by_detail.setdefault(h.detail, []).append(h)
    kept: list[Hit] = []
    for group in by_detail.values():
        group.sort(key=lambda h: (h.start, h.end))
        cluster = [group[0]]
        cluster_end = group[0].end
        for h in group[1:]:
            if h.start < cluster_end:  # overlaps the current chain
                cluster.append(h)
                cluster_end = max(cluster_end, h.end)
            else:
                kept.extend(_best_of(cluster))
                cluster, cluster_end = [h], h.end
        kept.extend(_best_of(cluster))
    kept.sort(key=lambda h: (h.start, h.end))
    return kept


def _best_of(cluster: list[Hit]) -> list[Hit]:
    """Greedy best-score selection of non-overlapping hits inside one overlap chain."""
    if len(cluster) == 1:
        return cluster
    chosen: list[Hit] = []
    for h in sorted(cluster, key=lambda h: (-h.score, h.start, -(h.end - h.start))):
        if all(h.end <= c.start or c.end <= h.start for c in chosen):
            chosen.append(h)
        if len(chosen) > 64:
            break  # a pathological chain: enough evidence
    return chosen


# -- payee check (DOMAIN.md §3.4, §5.2 context rules) ----------------------------
_LENDER_WORDS = regex.compile(r"消费金融|银行|小额贷款|小贷|金融|融资担保|资产管理|信托|借款|分期|贷")
_SIGNED = regex.compile(r"【([^【】]{2,20})】")


#: Brackets around part of a company name (（深圳）, (有限公司), 【】), half- and full-width.
_BRACKETED = regex.compile(r"[(（\[【〔][^()（）\[\]【】〔〕]{0,20}[)）\]】〕]")
_BRACKET_CHARS = regex.compile(r"[()（）\[\]【】〔〕]")
#: The legal form: 股份 anywhere, 有限责任公司 / 有限公司 / 公司 at the end.
_LEGAL_FORM = regex.compile(r"股份|(?:有限责任公司|有限公司|公司)$")
#: A generic word a brand may drop or add (招联金融 for 招联消费金融有限公司): not 消费金融, whose
#: licence is part of who the lender is (星河消费金融 is not 星河小额贷款).
_GENERIC_TAIL = regex.compile(r"(?:(?<!消费)金融|科技)$")


@functools.lru_cache(maxsize=256)
def _normalized_lender_core(lender: str) -> str:
    """Normalise a caller-given lender name once (OpenCC and all), then strip its suffix."""
    from .._normalize import normalize

    return _lender_core(normalize(lender).text)


def _company_key(name: str) -> str:
    """A company name without spaces, brackets, 股份 and its legal form (有限公司, 有限责任公司, 公司).

    ``name`` is normalised text (NFKC: full-width forms are ASCII already). The
    characters inside brackets are kept: 星河消费金融（股份）有限公司 and
    星河消费金融股份有限公司 both give 星河消费金融.
    """
    return _LEGAL_FORM.sub("", _BRACKET_CHARS.sub("", regex.sub(r"\s+", "", name)))


def _lender_core(name: str) -> str:
    """The part of a caller-given lender name a payee company must hold (README, ``lender=``).

    Spaces, 股份 and the legal form go (:func:`_company_key`), and so does a
    bracketed part (（有限公司）, （深圳）) unless nothing would be left; then a
    generic trailing 金融 or 科技: 星河消费金融有限公司, 星河消费金融（有限公司）,
    星河消费金融股份有限公司 and 星河消费金融 all give 星河消费金融; 星河金融 gives 星河.
    """
    name = regex.sub(r"\s+", "", name)
    unbracketed = _company_key(_BRACKETED.sub("", name))
    key = unbracketed if len(unbracketed) >= 2 else _company_key(name)
    return _GENERIC_TAIL.sub("", key)


def _holds_lender(core: str, company: str) -> bool:
    """Whether the payee ``company`` (normalised text) holds the lender's ``core`` (:func:`_lender_core`)."""
    return core in _company_key(company)


#: Rule id of a payee company that is not the caller-given lender.
LENDER_PAYEE_RULE = "transfer.payee_not_lender"
_LENDER_PAYEE_SCORE = 0.85
#: The unofficial_transfer pattern for a company payee: its ``unless`` and ``unless_message`` guards
#: (a warning, a property-fee notice, 幸好没转 …) apply to a payee that is not the given lender too.
_COMPANY_PATTERN_ID = "transfer.designated_account.company"
#: A payee company (户名：X有限公司, 收款单位为X公司, 转至X有限公司): the one definition behind both
#: payee checks, :func:`_payee_unofficial` (the ``payee_check`` hook) and :func:`payee_is_lender`
#: / :func:`_lender_payee_hits` (R10 and ``transfer.payee_not_lender``), so that they never
#: disagree on who the payee is. After a payee label any company word counts; the lender payee
#: check takes only a registered name (…有限公司, …事务所) after a payment verb, so that 付给保险公司
#: or 转到我们调解中心 is no payee. A pronoun or a vague word (你们公司, 一家什么公司) names no company.
_PAYEE_COMPANY = regex.compile(
    r"(?:(?P<label>户名|收款人|账户名|开户名|收款方|收款单位|公司名称|单位名称)\s*(?:是|为)?"
    r"|(?P<verb>(?:转|汇|存|缴|付)(?:款|账)?(?:至|到|入|给)|打(?:款|钱|账)?(?:至|到|入|给)))\s*[:：]?\s*"
    r"(?P<company>(?!我|你|他|她|咱|本|该|这|那|贵|其|一家|什么|某家)"
    r"[\p{Han}a-z0-9()（）]{2,30}?(?:有限责任公司|股份有限公司|有限公司|公司|中心|工作室|商行|经营部|事务所))"
)
_REGISTERED = regex.compile(r"(?:有限责任公司|股份有限公司|有限公司|事务所)$")
#: A payment already made, told by the payer (我已经把首付转给…, 刚缴到…), before the payee.
_DONE = regex.compile(
    r"(?:我|咱|我们)[^,，。;；!！?？\n]{0,8}?把|(?:已经|已|刚刚|刚|上个月|昨天|之前)(?:把|转|汇|缴|付|存|打)"
)


def payee_is_lender(text: str, lender: str | None) -> bool:
    """True when ``text`` (normalised) names a payee company that is the caller-given ``lender``.

    The input of decision rule R10: the lender's own contract account, given in chat by
    someone the caller knows to be the lender's, asks for nothing unofficial (LABELS.md §2,
    ``unofficial_transfer``: "anywhere but the lender's official app or contract account in
    the lender's name").
    """
    if not lender:
        return False
    core = _normalized_lender_core(lender)
    if len(core) < 2:
        return False
    return any(_holds_lender(core, m.group("company")) for m in _PAYEE_COMPANY.finditer(text))
#: A payment instruction in the payee's sentence (转账至, 还款, 汇入, 收款, 对公账户 …).
_PAY_CUE = regex.compile(r"转|汇|打款|打钱|打到|打入|存入|缴|付|还款|结清|收款|对公|账户|账号|卡号")
#: A bank's notice of a transfer already made (对方户名), or the reader's own account: no instruction.
_NOT_AN_ASK = regex.compile(r"对方$|(?:你|您)(?:的|名下)$|本人$")


def _lender_payee_hits(text: str, lender: str, scope: Scope, guard: Pattern | None = None) -> list[Hit]:
    """Payee companies in ``text`` that are not the caller-given ``lender``.

    README ("If you know which lender …") and LABELS.md §2: the only lawful
    payee is the lender's official app or the contract account in the lender's
    own name. When the caller names the lender, a company named as the payee of
    a payment instruction (户名：X有限公司, 转至X有限公司) whose name does not
    hold the lender's core name (:func:`_lender_core`: 星河消费金融有限公司 and
    星河消费金融 give 星河消费金融, 星河金融 gives 星河) is an account in another company's
    name: detail ``designated_account``, the detail LABELS.md and
    ``unofficial_transfer.toml`` (``transfer.designated_account.company``) give
    a company payee. A lending word in the name (消费金融, 银行) does not make it
    the lender's here: the caller said who the lender is.

    Parameters
    ----------
    text : str
        The normalised message text.
    lender : str
        The caller-given lender name (any form; normalised here).
    scope : Scope
        The shared scope rules: a payee inside a warning or negation
        (请勿转至XX有限公司) is not a hit.
    guard : Pattern or None, default=None
        The detector's company-payee pattern (``transfer.designated_account.company``):
        its ``unless`` (on the payee's clause) and ``unless_message`` vetoes apply.

    Returns
    -------
    list of Hit
        One hit per such payee, span ``户名:X有限公司`` (cue and name), score
        ``0.85`` times the scope weight, rule :data:`LENDER_PAYEE_RULE`.
    """
    core = _normalized_lender_core(lender)
    if len(core) < 2:
        return []
    veto = guard.unless_message if guard is not None else None
    if veto is not None and veto.search(text, timeout=PATTERN_TIMEOUT):
        return []
    unless = guard.unless if guard is not None else None
    hits: list[Hit] = []
    for m in _PAYEE_COMPANY.finditer(text):
        company = m.group("company")
        if _holds_lender(core, company) or _NOT_AN_ASK.search(text, max(0, m.start() - 3), m.start()):
            continue
        if m.group("verb") and not _REGISTERED.search(company):
            continue
        s, e = m.span()
        ca, _cb = scope.clause(text, s, e)
        if m.group("verb") and (text.startswith("了", e) or _DONE.search(text, ca, m.end("verb"))):
            continue  # the reader's own past payment (我刚把电费缴到国家电网有限公司了)
        if unless is not None and unless.search(text, ca, _cb, timeout=PATTERN_TIMEOUT):
            continue
        a, b = scope.sentence_start(text, s), scope.sentence_end(text, e)
        if not _PAY_CUE.search(text, a, b):
            continue
        w = scope.weight(text, s, e)
        score = round(_LENDER_PAYEE_SCORE * w, 4)
        if w == 0.0 or score < scope.threshold:
            continue
        hits.append(Hit("unofficial_transfer", "designated_account", s, e, LENDER_PAYEE_RULE, score, None))
    return hits


def _payee_unofficial(text: str, lender: str | None = None, near: tuple[int, int] | None = None) -> bool:
    """Return False when every payee named is plausibly the lender itself.

    A payee company with a lending word (消费金融, 银行, 小额贷款 …), or one that
    shares its name with the 【signature】 of the message or with the
    caller-given ``lender``, is taken as the lender's own account; any other
    company, or no company at all, is not (DOMAIN.md §3.4, §5.2). Every payee
    company of the message is judged (code review 7): a second, fallback
    account in another company's name (户名：星河消费金融有限公司。如转账失败，请转至备用对公账户，
    户名：深圳市蓝海商贸有限公司) is an unofficial payee however lender-like the first is.

    Parameters
    ----------
    text : str
        The normalised message text.
    lender : str or None, default=None
        The caller-given lender name (any form; normalised here).
    near : tuple of (int, int) or None, default=None
        The sentence of a pattern hit (offsets into ``text``): when payee
        companies stand in it, only those are judged, so a hit in the lender's own
        payee sentence (请通过对公账户还款，户名：星河消费金融有限公司) is not let through by
        another payee elsewhere in the message.

    Returns
    -------
    bool
        True when no payee company is named, or when one judged is not the lender.
    """
    payees = [m.group("company") for m in _PAYEE_COMPANY.finditer(text)]
    if near is not None:
        here = [m.group("company") for m in _PAYEE_COMPANY.finditer(text) if m.start() < near[1] and near[0] < m.end()]
        payees = here or payees
    if not payees:
        return True
    core = _normalized_lender_core(lender) if lender else ""
    if len(core) >= 2:
        return any(not _holds_lender(core, company) for company in payees)
    sig_cores = [regex.sub(r"(?:有限公司|公司|消费金融|金融|科技)$", "", sig) for sig in _SIGNED.findall(text)]
    sig_cores = [c for c in sig_cores if len(c) >= 2]
    return any(
        not _LENDER_WORDS.search(company) and not any(c in company for c in sig_cores) for company in payees
    )
