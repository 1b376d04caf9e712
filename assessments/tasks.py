from celery import shared_task

from assessments.services.answers import attempts_finalise_expired


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def finalise_expired_attempts() -> int:
    """At the deadline the server submits the attempt itself: none stays open after the candidate leaves."""
    return len(attempts_finalise_expired())
