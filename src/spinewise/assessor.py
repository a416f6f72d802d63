"""The core of every served entry point: assess, record in the decision log, look up."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from spinewise import metrics
from spinewise.decision_log import DecisionLog, LogEntry
from spinewise.engine import assess
from spinewise.model import Assessment, Presentation
from spinewise.rulebook import Rulebook, default_rulebook
from spinewise.settings import Settings

__all__ = ["Assessor"]

# Never log inputs or answers here: only ids, channels and decisions.
logger = logging.getLogger("spinewise.assessor")


@dataclass(frozen=True)
class Logged:
    assessment: Assessment
    entry: LogEntry
    presentation: Presentation


class Assessor:
    """Assessments made for a channel (api, page, cds-hooks) are logged before they are
    returned; the returned assessment carries the log's id."""

    def __init__(self, settings: Settings, rulebook: Rulebook | None = None) -> None:
        self.settings = settings
        self.rulebook = rulebook or default_rulebook()
        self.log = DecisionLog.from_settings(settings)
        self.log.key  # noqa: B018 (a missing or wrong key stops the start, not a request)
        self.log.on_commit = metrics.log_committed

    def close(self) -> None:
        self.log.close()

    def presentation(self, data: Any) -> Presentation:
        """Validate input against this service's rulebook (raises pydantic.ValidationError)."""
        if isinstance(data, Presentation):
            return data
        return Presentation.model_validate(data, context={"finding_ids": self.rulebook.finding_ids})

    async def assess(
        self,
        presentation: Presentation,
        policy: str,
        *,
        channel: str,
        reference: str | None = None,
    ) -> Assessment:
        """Assess and record; returns once the log row is committed. Runs on the event loop:
        the engine is fast, and the commit is awaited, not blocked on. Raises `LogError` when
        the log cannot be written: nothing unrecorded is ever returned."""
        result = assess(presentation, policy, rulebook=self.rulebook)
        entry = await self.log.append_async(
            kind="assessment",
            channel=channel,
            policy=result.policy.id,
            rulebook_version=result.policy.version,
            inputs=presentation.model_dump(mode="json"),
            decision=result.decision,
            urgency=result.urgency,
            reference=reference,
        )
        metrics.decision(result.decision, result.urgency, result.policy.id, channel)
        logger.info("assessment %s via %s: %s", entry.entry_id, channel, result.decision)
        return result.model_copy(update={"assessment_id": entry.entry_id})

    def preview(self, presentation: Presentation, policy: str) -> Assessment:
        """An assessment that is not recorded (for comparing policies side by side)."""
        return assess(presentation, policy, rulebook=self.rulebook)

    def logged(self, assessment_id: str) -> Logged | None:
        """A logged assessment, recomputed from its recorded inputs and policy."""
        entry = self.log.get(assessment_id)
        if entry is None or entry.kind != "assessment" or entry.inputs is None:
            return None
        presentation = self.presentation(json.loads(entry.inputs))
        policy = entry.policy or self.settings.policy
        result = assess(presentation, policy, rulebook=self.rulebook)
        return Logged(
            result.model_copy(update={"assessment_id": entry.entry_id}), entry, presentation
        )
