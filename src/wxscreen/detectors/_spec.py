"""Pydantic models for detector data files (``data/detectors/*.toml``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DetectorSpec", "PatternSpec", "ScopeSpec"]

_STRICT = ConfigDict(frozen=True, extra="forbid")


class PatternSpec(BaseModel):
    """One named pattern of a detector.

    ``regex`` may use macros written ``<<name>>`` (defined in the detector's
    ``macros`` table or the shared scope file); they are expanded before
    compilation. Patterns are matched on normalised text (Simplified, NFKC,
    lower-case ASCII, ``，`` → ``,``) without word boundaries.
    """

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9_.]+$")
    detail: str
    regex: str
    score: float = Field(ge=0.0, le=1.0)
    unless: str | None = Field(
        default=None, description="regex; no flag when it matches inside the cue's clause"
    )
    needs: str | None = Field(
        default=None, description="regex that must match inside the cue's clause"
    )
    needs_message: str | None = Field(
        default=None,
        description="regex that must match somewhere in the message (e.g. money, debt or identity at stake)",
    )
    unless_message: str | None = Field(
        default=None,
        description="regex; no flag when it matches anywhere in the message (e.g. friends settling a shared bill)",
    )
    validate_hook: Literal["payee_check"] | None = Field(default=None, alias="validate")
    boost: list[str] = Field(default_factory=list, description="context words that add 0.1 nearby")
    learned_gate: bool = Field(
        default=True,
        description=(
            "false: a hit is kept even when the learned sentence flagger finds its sentence implausible "
            "for the kind (a cue whose menace is in the situation, not in n-grams it learned)"
        ),
    )


class DetectorSpec(BaseModel):
    """A declarative detector: one flag kind, its patterns and macros."""

    model_config = _STRICT

    name: str = Field(pattern=r"^[a-z_]+\.v\d+$")
    kind: Literal[
        "personal_data_request",
        "unofficial_transfer",
        "threat",
        "impersonation",
        "off_platform",
        "advance_fee",
        "borrow_to_repay",
    ]
    description: str
    macros: dict[str, str] = Field(default_factory=dict)
    patterns: list[PatternSpec] = Field(min_length=1)


class ScopeSpec(BaseModel):
    """Negation, warning and reported-speech scope (DOMAIN.md §5.0)."""

    model_config = _STRICT

    clause_breaks: str
    sentence_breaks: str
    window: int = Field(ge=1, le=100, description="characters before a cue searched for a negator")
    negators: list[str]
    warning_frames: list[str]
    reported_speech: list[str]
    negation_resets: list[str] = Field(
        default_factory=list,
        description="regexes that, between a negator and a cue, start a new instruction and end the negation",
    )
    reassurances: list[str] = Field(
        default_factory=list, description="negator-looking reassurances (别慌, 不用担心) that negate nothing"
    )
    questions: list[str] = Field(
        default_factory=list,
        description="regexes that, in a clause ending in a question mark, make it the reader's own question "
        "(要不要交手续费？ 是不是官方的？), which asks nothing of the reader",
    )
    sentence_warning_frames: list[str] = Field(
        default_factory=list,
        description="warning verdicts (一律是诈骗) that suppress every cue of their sentence, not only of their clause",
    )
    identity_claims: list[str] = Field(
        default_factory=list, description="self-introductions as the reader's relative, friend or superior (R8)"
    )
    agency_claims: list[str] = Field(
        default_factory=list,
        description="a third party offering to negotiate the reader's debts with the lenders (R9)",
    )
    agency_context: list[str] = Field(
        default_factory=list, description="debt words one of which a message needs for an agency claim to count (R9)"
    )
    agency_vetoes: list[str] = Field(
        default_factory=list,
        description="the lender's own mandate or app named in the message (受…委托, 请通过官方APP): no agency (R9)",
    )
    doubt_retell: list[str] = Field(
        default_factory=list,
        description="words of a retold offer (说, 看到, 有人 …) a doubt question needs before it (doubt_questions)",
    )
    money_asks: list[str] = Field(
        default_factory=list, description="requests for money, read together with identity_claims (R8)"
    )
    learned_vetoes: list[str] = Field(
        default_factory=list,
        description="regexes that, anywhere in a sentence the learned flagger flags, mark it as a warning "
        "(不要把身份证号发给别人) and drop the learned flag",
    )
    doubt_questions: list[str] = Field(
        default_factory=list,
        description="the reader asking whether what the message retells is a scam (anywhere in the message)",
    )
    report_frames: list[str] = Field(
        default_factory=list,
        description="regexes that mark the whole message from there on as a report about others "
        "(本报讯, 记者…获悉, 【反诈提醒】): every later cue is weighed as reported speech",
    )
    reported_speech_factor: float = Field(ge=0.0, le=1.0)
    threshold: float = Field(ge=0.0, le=1.0, description="minimum score for a flag to be reported")
    macros: dict[str, str] = Field(default_factory=dict)
