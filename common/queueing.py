"""Work sent to the broker once the caller's transaction commits, without failing what committed.

The row the task works on is already committed when the message is sent; if the broker cannot take the
message (Redis down, a closed pool), the request must not turn into a 500 for work that is saved. The
failure is logged, and the row waits for its sweep (grading, import jobs and every outgoing delivery
re-send what sits queued) or for the person to ask again (a question's validation).
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def after_commit(send: Callable[[], object], *, what: str) -> None:
    """Call ``send`` after commit (at once outside a transaction); its failure is logged, never raised."""

    def send_committed() -> None:  # a named function: Django logs a robust hook's failure by __qualname__
        try:
            send()
        except Exception:
            logger.exception("Could not send %s to the broker; its sweep or a retry will send it", what)

    transaction.on_commit(send_committed, robust=True)


def send_task_on_commit(name: str, *, args: Sequence[Any], queue: str | None = None) -> None:
    """``send_task(name, args, queue)`` after commit, through :func:`after_commit`."""
    after_commit(lambda: current_app.send_task(name, args=tuple(args), queue=queue), what=f"{name}{tuple(args)!r}")
