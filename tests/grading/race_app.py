"""The real Celery app, for the concurrent-grading test: an attempt's two gradings meet before deciding.

Workers load it with ``-A tests.grading.race_app``. In every pool process the attempt's decision is
wrapped where a grading makes it: ``assessments.services.attempts.attempt_mark_graded``, as
``grading.services.grade`` calls it once a final submission's result is written. A grading that has
written its own submission's result (inside its transaction, not yet committed) waits until the
attempt's other grading has done the same (a Redis counter keyed by the attempt, bounded wait), then
decides. That is the interleaving production hit by chance about once in 25 gVisor attempts; here every
attempt hits it, and the counters show the test that it did.
"""

import os
import time

from celery.signals import worker_process_init

from config.celery import app

__all__ = ["app", "meet_key"]

MEET_SECONDS = 15.0  # bounded: a grading never waits longer than this for its partner


def meet_key(attempt_id: int) -> str:
    return f"race-meet:{attempt_id}"


def meet(client, attempt_id: int, parties: int = 2) -> None:
    key = meet_key(attempt_id)
    client.incr(key)
    deadline = time.monotonic() + MEET_SECONDS
    while int(client.get(key) or 0) < parties and time.monotonic() < deadline:
        time.sleep(0.005)


@worker_process_init.connect
def _make_gradings_meet(**_: object) -> None:
    import redis

    from assessments.services import attempts
    from grading.services import grade

    client = redis.Redis.from_url(os.environ["RACE_MEET_REDIS_URL"])
    decide = attempts.attempt_mark_graded
    assert grade.attempt_mark_graded is decide, "grading no longer decides through attempt_mark_graded"

    def attempt_mark_graded(*, attempt_id: int) -> bool:
        meet(client, attempt_id)
        return decide(attempt_id=attempt_id)

    grade.attempt_mark_graded = attempt_mark_graded
