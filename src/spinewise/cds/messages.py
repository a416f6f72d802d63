"""The CDS Hooks 2.0 shapes: discovery, request, response (cards, suggestions, actions, links,
system actions) and feedback. Responses omit absent elements (never `null`), as the
specification requires; requests accept extensions they do not know."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AcceptedSuggestion",
    "Action",
    "Card",
    "CdsRequest",
    "CdsResponse",
    "Coding",
    "Discovery",
    "FeedbackItem",
    "FeedbackRequest",
    "FhirAuthorization",
    "Link",
    "OverrideReason",
    "ReasonCoding",
    "ServiceDefinition",
    "Source",
    "Suggestion",
]


class Out(BaseModel):
    """Response parts: unknown keys are errors; serialised without `None`s."""

    model_config = ConfigDict(extra="forbid")

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


class In(BaseModel):
    """Request parts: extensions and future fields are allowed and ignored; the fields we read
    must have their declared JSON types (no coercion of "300" to 300)."""

    model_config = ConfigDict(extra="allow", strict=True)


class Coding(Out):
    code: str
    system: str | None = None
    display: str | None = None


class Source(Out):
    label: str
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None
    extension: dict[str, Any] | None = None


class Action(Out):
    type: Literal["create", "update", "delete"]
    # Required on suggestions by the specification, but its own systemActions examples omit
    # it: accepted when absent, always sent by spinewise.
    description: str | None = None
    resource: dict[str, Any] | None = None
    resourceId: str | list[str] | None = None
    extension: dict[str, Any] | None = None


class Suggestion(Out):
    label: str
    uuid: str | None = None
    isRecommended: bool | None = None
    actions: list[Action] | None = None
    extension: dict[str, Any] | None = None


class Link(Out):
    label: str
    url: str
    type: Literal["absolute", "smart"]
    appContext: str | None = None
    autolaunchable: bool | None = None
    extension: dict[str, Any] | None = None


class Card(Out):
    uuid: str | None = None
    summary: str = Field(max_length=139)
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[Coding] | None = None
    links: list[Link] | None = None
    extension: dict[str, Any] | None = None


class CdsResponse(Out):
    cards: list[Card]
    systemActions: list[Action] | None = None
    extension: dict[str, Any] | None = None

    def dump(self) -> dict[str, Any]:
        data = super().dump()
        data.setdefault("cards", [])  # the one element that is always present, even empty
        return data


class ServiceDefinition(Out):
    hook: str
    id: str
    title: str | None = None
    description: str
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None
    extension: dict[str, Any] | None = None


class Discovery(Out):
    services: list[ServiceDefinition]


class FhirAuthorization(In):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None


class CdsRequest(In):
    hook: str
    hookInstance: str
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None


#: An identifier as feedback carries them (card and suggestion uuids, reason codes): short and
#: plain, so that nothing else (a name, a note) can ride into the decision log in its place.
Token = Annotated[str, Field(pattern=r"^[A-Za-z0-9._:\-]{1,128}$")]


class ReasonCoding(In):
    code: Token
    system: (
        Annotated[str, Field(max_length=255, pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:\S*$")] | None
    ) = None
    display: str | None = None


class OverrideReason(In):
    reason: ReasonCoding | None = None
    userComment: Annotated[str, Field(max_length=2000)] | None = None


class AcceptedSuggestion(In):
    id: Token


class FeedbackItem(In):
    card: Token
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: Annotated[list[AcceptedSuggestion], Field(max_length=20)] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: Annotated[datetime, Field(strict=False)]

    def stored(self, *, comments: bool) -> dict[str, Any]:
        """What the decision log keeps: the specification's fields and nothing else (the
        clinician's free-text comment only when `comments`)."""
        out: dict[str, Any] = {
            "card": self.card,
            "outcome": self.outcome,
            "outcomeTimestamp": self.outcomeTimestamp.isoformat(),
        }
        if self.acceptedSuggestions:
            out["acceptedSuggestions"] = [{"id": s.id} for s in self.acceptedSuggestions]
        reason = self.overrideReason
        if reason is not None and (reason.reason is not None or (comments and reason.userComment)):
            kept: dict[str, Any] = {}
            if reason.reason is not None:
                kept["reason"] = reason.reason.model_dump(
                    include={"code", "system"}, exclude_none=True
                )
            if comments and reason.userComment:
                kept["userComment"] = reason.userComment
            out["overrideReason"] = kept
        return out


class FeedbackRequest(In):
    feedback: list[FeedbackItem] = Field(min_length=1)
