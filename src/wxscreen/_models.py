"""Result types: frozen pydantic v2 models returned by every public call."""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

__all__ = [
    "LABEL_ORDER",
    "RISKY_LABELS",
    "ChatMessage",
    "ChatQuote",
    "ChatScreening",
    "Entity",
    "EntityType",
    "Flag",
    "FlagKind",
    "Label",
    "ModelInfo",
    "Screening",
    "read_screening_json",
]


class Label(str, enum.Enum):
    """The five labels of LABELS.md §1, in precedence order (first wins)."""

    POSSIBLE_SCAM = "possible_scam"
    SUSPICIOUS = "suspicious"
    NEGOTIATION_OFFER = "negotiation_offer"
    COLLECTION_NOTICE = "collection_notice"
    OTHER = "other"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value

    @property
    def rank(self) -> int:
        """Precedence rank: 0 for ``possible_scam`` (highest) to 4 for ``other``."""
        return LABEL_ORDER.index(self)


#: Labels in precedence order (LABELS.md §1).
LABEL_ORDER: tuple[Label, ...] = tuple(Label)
#: Labels that count as risky in binary evaluations.
RISKY_LABELS: frozenset[Label] = frozenset({Label.POSSIBLE_SCAM, Label.SUSPICIOUS})

FlagKind = Literal[
    "personal_data_request",
    "unofficial_transfer",
    "threat",
    "impersonation",
    "off_platform",
    "advance_fee",
    "borrow_to_repay",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Flag(BaseModel):
    """One warning sign found in a message, with the characters that triggered it.

    Attributes
    ----------
    kind : str
        One of the seven flag kinds of LABELS.md §2.
    detail : str
        The detail within the kind (e.g. ``"verification_code"``).
    start, end : int
        Offsets, in characters, into the ORIGINAL text passed in:
        ``text[start:end]`` is the evidence.
    evidence : str
        ``text[start:end]`` with phone, card, ID numbers and account handles
        masked (unless the screener was built with ``mask_identifiers=False``).
    rule : str
        The id of the pattern that fired.
    score : float
        Detector confidence in [0, 1].
    context : str or None
        The context word that boosted the score, if any.
    """

    model_config = _FROZEN

    kind: FlagKind
    detail: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    evidence: str
    rule: str
    score: float = Field(ge=0.0, le=1.0)
    context: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Flag:
        if self.end < self.start:
            raise ValueError(f"flag end {self.end} is before start {self.start}")
        return self


EntityType = Literal[
    "amount",
    "overdue_days",
    "deadline",
    "lender",
    "phone",
    "bank_card",
    "id_number",
    "account_handle",
    "url",
    "case_number",
]

EntityValue = tuple[float, float] | float | int | dt.datetime | str | None


class Entity(BaseModel):
    """A structured fact found in a message (LABELS.md §3), with its raw span.

    Attributes
    ----------
    type : str
        ``amount``, ``overdue_days``, ``deadline``, ``lender``, ``phone``,
        ``bank_card``, ``id_number``, ``account_handle``, ``url`` or
        ``case_number``.
    start, end : int
        Offsets, in characters, into the ORIGINAL text passed in.
    text : str
        ``text[start:end]``; phone, card and ID numbers and account handles are
        masked (first and last 4 digits at most) unless the screener was built
        with ``mask_identifiers=False``.
    value : float, (float, float), int, datetime, str or None
        By type: ``amount`` — yuan as ``float``, or ``(low, high)`` for a range
        such as 两三千; ``overdue_days`` — ``int``; ``deadline`` — ``datetime``
        when the date is absolute or resolvable from the ``now`` given to
        ``classify``, else ``None``; identifiers — the number or id (digits only
        for phones and cards, masked like ``text``); ``lender``, ``url``,
        ``case_number`` — the name or address after NFKC (Simplified for
        lenders).

    Notes
    -----
    The span conventions (what a span includes) are in the docstring of
    ``wxscreen._entities`` and the fixture set ``tests/fixtures/entities.jsonl``.
    """

    model_config = _FROZEN

    type: EntityType
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    value: EntityValue = None

    @field_validator("value", mode="before")
    @classmethod
    def _typed_value(cls, v: object, info: ValidationInfo) -> object:
        # JSON round trips: a range arrives as a list, a deadline as a string.
        kind = info.data.get("type")
        if kind == "amount" and isinstance(v, list):
            return tuple(v)
        if kind == "deadline" and isinstance(v, str):
            return dt.datetime.fromisoformat(v)
        if kind == "overdue_days" and isinstance(v, float) and v.is_integer():
            return int(v)
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Entity:
        if self.end < self.start:
            raise ValueError(f"entity end {self.end} is before start {self.start}")
        return self


class ModelInfo(BaseModel):
    """Which model and library produced a Screening."""

    model_config = _FROZEN

    wxscreen_version: str
    model_id: str
    trained_on: str = Field(description="SHA-256 of the training corpus (first 16 hex digits)")


class Screening(BaseModel):
    """The verdict on one message.

    Attributes
    ----------
    label : Label
        The final label (LABELS.md §1). Equals the arg-max of ``scores`` unless a
        rule of the decision policy escalated it, or the message is the
        borrower's own in a chat (``screen_chat``); ``reasons`` then says which.
    scores : dict of str to float
        Calibrated probability of each of the five labels (keys are the label
        values), plain floats in [0, 1] summing to 1.
    flags : list of Flag
        Warning signs with their evidence spans, in text order.
    reasons : list of str
        Why this label: the top model cues and every rule that escalated it.
        Identifiers are masked.
    model : ModelInfo
        The model and library versions.
    flags_complete : bool
        False when a detector pattern timed out and the flag check is partial.
        (Each pattern reports at most 50 hits per message; that cap alone does
        not make the check incomplete, since further hits repeat the same cue.)
    truncated : bool
        True when the message was longer than :data:`wxscreen.MAX_MESSAGE_CHARS`
        characters and only its first ``MAX_MESSAGE_CHARS`` characters were
        screened (``reasons`` says so too). Flag offsets still index the text
        as passed in.
    advice : list of str
        Short, concrete steps for the reader derived from the label and flags
        (``src/wxscreen/_advice.py``; Chinese by default, English with the
        Screener's ``advice_lang="en"``). Empty for ``other`` without flags.
    entities : list of Entity
        Structured facts (amounts, days overdue, deadlines, lender, phone, card
        and ID numbers, account handles, URLs, case numbers) in text order,
        each with its raw span; never used for the label.
    """

    model_config = _FROZEN

    label: Label
    scores: dict[str, float]
    flags: list[Flag] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    model: ModelInfo
    flags_complete: bool = True
    truncated: bool = False
    advice: list[str] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)

    @field_validator("scores")
    @classmethod
    def _valid_scores(cls, v: dict[str, float]) -> dict[str, float]:
        if set(v) != {lab.value for lab in Label}:
            raise ValueError(f"scores must have exactly the five labels, got {sorted(v)}")
        total = 0.0
        for key, p in v.items():
            if not (isinstance(p, float) and math.isfinite(p) and 0.0 <= p <= 1.0):
                raise ValueError(f"score of {key} must be a float in [0, 1], got {p!r}")
            total += p
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"scores must sum to 1, got {total}")
        return v

    @property
    def risky(self) -> bool:
        """True when the label is ``possible_scam`` or ``suspicious``."""
        return self.label in RISKY_LABELS


class ChatQuote(BaseModel):
    """The quoted part of a quoted reply (``「名字：引用内容」`` or ``引用 名字 的消息：…``).

    Attributes
    ----------
    speaker : str or None
        Whose words are quoted, as the quote names them (identifiers masked by
        default, like ``ChatMessage.speaker``).
    text : str
        The quoted words, ``block[start:end]`` (identifiers masked by default).
    start, end : int
        Character offsets into the pasted block. The quote lies outside its
        message's ``start``/``end`` and is never screened as the replier's words.
    """

    model_config = _FROZEN

    speaker: str | None
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class ChatMessage(BaseModel):
    """One message of a pasted chat.

    Attributes
    ----------
    speaker : str or None
        The display name, when the paste shows one.
    time : datetime or None
        When it was sent, when the paste shows a time that can be resolved
        (relative times need ``now``; see ``screen_chat``).
    text : str
        The message text, ``block[start:end]`` (identifiers masked by default,
        same length). A ``[聊天记录]`` card's text is the marker and its title.
    start, end : int
        Character offsets into the pasted block; a quoted reply's quote is
        outside them (see ``quote``).
    is_borrower : bool
        True for the borrower's own messages (labelled ``other``).
    depth : int
        0 for a message of the chat itself, 1 for a message inside a merged
        forwarded record (``[聊天记录]``), 2 for a record forwarded inside a
        record, and so on. Forwarded messages are listed flat, in paste order.
    record : int or None
        For a forwarded message, the index in ``ChatScreening.messages`` of the
        ``[聊天记录]`` card that carried its record; None at top level.
    quote : ChatQuote or None
        The quoted message, when this is a quoted reply.
    screening : Screening
        The verdict on this message; its flag offsets index the whole block.
    """

    model_config = _FROZEN

    speaker: str | None
    time: dt.datetime | None
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    is_borrower: bool = False
    depth: int = Field(default=0, ge=0)
    record: int | None = None
    quote: ChatQuote | None = None
    screening: Screening

    @property
    def forwarded(self) -> bool:
        """True for a message inside a merged forwarded record (``depth`` ≥ 1)."""
        return self.depth > 0


class ChatScreening(BaseModel):
    """The verdict on a pasted chat.

    Attributes
    ----------
    messages : list of ChatMessage
        Messages in order (system lines and time separators removed).
    borrower : str or None
        The speaker taken as the borrower (given or inferred); None when the
        paste has fewer than two speakers and no hint, or when the inference
        was too weak to act on (see ``borrower_guess``). With no borrower,
        every message is screened.
    label : Label
        The worst label among the messages not written by the borrower,
        messages inside forwarded records included.
    first_risky : int or None
        Index of the first ``suspicious`` or ``possible_scam`` message.
    escalation : list of (int, Label)
        Each message index at which the worst label of the other side so far
        rose above ``other``, with that label (empty when every message is
        ``other``); the last entry is the message that set the verdict.
    advice : list of str
        What the verdict and every flag of the other speakers' messages call
        for, most urgent first, each item once (empty when the verdict is
        ``other`` and nothing was flagged).
    borrower_guess : str or None
        When ``me`` was not given and no speaker could be told to be the
        borrower with confidence: the likelier one, for information only (its
        messages are screened like everyone's; pass ``me`` to settle it).
        None otherwise.
    """

    model_config = _FROZEN

    messages: list[ChatMessage]
    borrower: str | None
    label: Label
    first_risky: int | None
    escalation: list[tuple[int, Label]]
    advice: list[str] = Field(default_factory=list)
    borrower_guess: str | None = None


def read_screening_json(line: str | bytes) -> tuple[Any, Screening]:
    """Read back one line of ``wxscreen classify --json`` output.

    The command writes ``Screening.model_dump_json()`` per message and, when the
    JSON Lines input record had an ``id``, puts that id first in the same
    object (``{"id":"a-1","label":…}``), so output line *n* can be joined to
    input record *n*. ``Screening`` forbids unknown fields, so
    ``Screening.model_validate_json`` rejects such a line ("Extra inputs are
    not permitted: id"); this function splits the id off and validates the rest.

    Parameters
    ----------
    line : str or bytes
        One output line (UTF-8 when ``bytes``; a trailing newline is fine).

    Returns
    -------
    id : any JSON value or None
        The input record's ``id`` as given (string, number, …); ``None`` when
        the line has none (a plain-text input line or a record without ``id``).
    screening : Screening
        The result, equal to the one the command printed.

    Raises
    ------
    ValueError
        If the line is not JSON (``json.JSONDecodeError``), not a JSON object,
        or not a valid Screening (``pydantic.ValidationError``; both are
        ``ValueError`` subclasses).

    Examples
    --------
    >>> import wxscreen
    >>> line = '{"id":"a-1",' + wxscreen.classify("请把验证码发给我").model_dump_json()[1:]
    >>> rid, s = read_screening_json(line)
    >>> rid, s.label.value
    ('a-1', 'possible_scam')
    """
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError(f"a wxscreen classify --json line is a JSON object, got {type(obj).__name__}")
    rid = obj.pop("id", None)
    return rid, Screening.model_validate_json(json.dumps(obj, ensure_ascii=False))
