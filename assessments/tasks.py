from celery import shared_task

from assessments.services.answers import attempts_finalise_expired
from assessments.services.invitations import invitations_touch_clock_changes


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def finalise_expired_attempts() -> int:
    """At the deadline the server submits the attempt itself: none stays open after the candidate leaves.

    The same beat touches the links the clock opened or expired, so ``updated_since`` syncs see them.
    """
    invitations_touch_clock_changes()
    return len(attempts_finalise_expired())
