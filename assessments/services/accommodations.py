"""Extra time (accommodations): how much a grant is, and its record (who, why, what moved).

The rule (README, "Accommodations"): extra time given with the invitation lengthens the duration, and
the window's end still bounds the deadline, as for everyone (``min(start + duration + extra, window
end)``; the landing page tells the candidate their whole time and when the window closes). Time added
to a started attempt is given in full: its deadline moves by the minutes granted, past the window's end
if need be, and the window's end then moves to the new deadline, so an attempt never runs in a closed
window. The records are the audit trail; the deadline itself lives on the attempt.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assessments.models import Accommodation, AccommodationKind, Attempt, Invitation
from common.actors import actor_label, actor_user
from common.exceptions import ApplicationError

MAX_EXTRA_MINUTES = 24 * 60
MAX_EXTRA_PERCENT = 300


@dataclass(frozen=True)
class ExtraTime:
    """Extra time asked for with an invitation: minutes or a percentage of the duration (one of them), and why."""

    reason: str
    minutes: int | None = None
    percent: int | None = None

    def for_duration(self, duration_minutes: int) -> int:
        """The extra minutes: as given, or the percentage of the duration rounded up to a whole minute."""
        reason_check(self.reason)
        if (self.minutes is None) == (self.percent is None):
            raise ApplicationError(
                "Give the extra time in minutes or as a percentage, not both.", code="extra_time_invalid"
            )
        if self.percent is not None:
            _in_range("percent", self.percent, MAX_EXTRA_PERCENT)
            return math.ceil(duration_minutes * self.percent / 100)
        assert self.minutes is not None
        _in_range("minutes", self.minutes, MAX_EXTRA_MINUTES)
        return self.minutes


def _in_range(field: str, value: int, maximum: int) -> None:
    if not 1 <= value <= maximum:
        raise ApplicationError(
            f"Extra time in {field} must be 1 to {maximum}.", code="extra_time_invalid", details={field: value}
        )


def reason_check(reason: str) -> str:
    """The reason, trimmed: an accommodation is recorded with why, so a blank one is refused."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Say why the extra time is given.", code="reason_required")
    return reason[:2000]


def accommodation_record_invitation(
    *, invitation: Invitation, extra: ExtraTime, minutes: int, by: Any
) -> Accommodation:
    return _record(
        invitation=invitation,
        kind=AccommodationKind.INVITATION,
        minutes=minutes,
        percent=extra.percent,
        reason=reason_check(extra.reason),
        by=by,
    )


def accommodation_record_extension(
    *,
    attempt: Attempt,
    minutes: int,
    reason: str,
    deadline_before: datetime,
    window_end_before: datetime,
    by: Any,
) -> Accommodation:
    invitation = attempt.invitation
    moved = window_end_before != invitation.expires_at
    return _record(
        invitation=invitation,
        attempt=attempt,
        kind=AccommodationKind.EXTENSION,
        minutes=minutes,
        reason=reason,
        deadline_before=deadline_before,
        deadline_after=attempt.deadline,
        window_end_before=window_end_before if moved else None,
        window_end_after=invitation.expires_at if moved else None,
        by=by,
    )


def _record(*, invitation: Invitation, by: Any, **fields: Any) -> Accommodation:
    accommodation = Accommodation(
        organisation_id=invitation.organisation_id,
        invitation=invitation,
        granted_by=actor_user(by),
        granted_by_label=actor_label(by) or "—",
        **fields,
    )
    accommodation.full_clean(exclude=["organisation", "invitation", "attempt", "granted_by"])
    accommodation.save()
    return accommodation
