"""Fairness benchmark: a candidate's final grading latency, quiet and under a flood of other candidates' sample runs.

Run: ``.venv/bin/python -m bench.fairness [--flooders 6] [--rounds 3]`` (PostgreSQL, Redis and Docker as for
the tests; it creates and migrates its own database, ``FAIRNESS_DATABASE_URL``, default
``loopwright_fairness_bench``, and starts a private Redis). Not a test: it prints one table.

Real Celery workers run as ``scripts/run`` starts them (one process on ``grading``, one on ``samples``,
sandbox pool of 2), and for comparison as one shared pool (two processes on ``grading,samples``: what a
single queue gives). Flooders are candidates whose sample runs call ``time.sleep`` until the wall clock
kills them; each asks for a new run as soon as the server lets it (one in flight per question, the
per-attempt rate lifted so the flood does not stop). Every ``--rounds`` a fresh candidate submits the
reference solution as a final submission; its latency is from the submit's commit to ``graded``.
Target (issue 12): flooded latency within 2x the quiet one in the deployed layout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

DATABASE_URL = os.environ.get("FAIRNESS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loopwright_fairness_bench")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ["SAMPLE_RUNS_PER_ATTEMPT"] = "100000"  # the in-flight limit stays; the rate would end the flood

import django  # noqa: E402
import psycopg  # noqa: E402

CODING_PROMPT = "Implement a function in Python that calculates the cosine similarity between two vectors."
BENCH_MD = f"# Bench\n\n## Coding\n\n1. {CODING_PROMPT}\n"
SLEEPER = "import time\n\ndef cosine_similarity(a, b):\n    time.sleep(60)\n    return 0.0\n"
LAYOUTS = {
    "deployed (scripts/run)": [("grading", "grading"), ("samples", "samples")],
    "one shared pool": [("shared-1", "grading,samples"), ("shared-2", "grading,samples")],
}


def database_create() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Seeded:
    question_set_id: int
    organisation_id: int
    stage_id: int  # the loop's assessment stage on the question set


def seed() -> Seeded:
    from django.utils import timezone

    from assessments.models import CodingSpec, Loop, QuestionSet, SectionItem, Stage
    from assessments.services.coding import coding_spec_from_seed
    from assessments.services.importing import question_set_import
    from organisations.models import Organisation

    organisation = Organisation.objects.create(name="Fairness bench", slug=f"fairness-{time.time_ns()}")
    report = question_set_import(
        organisation=organisation,
        text=BENCH_MD,
        slug="bench",
    )
    item = SectionItem.objects.filter(section__question_set=report.question_set).get()
    spec = coding_spec_from_seed(question=item.question, seed_name="cosine_similarity")
    CodingSpec.objects.filter(pk=spec.pk).update(published_at=timezone.now(), wall_seconds=5.0)
    QuestionSet.objects.filter(pk=report.question_set.pk).update(hidden_feedback="count")
    loop = Loop.objects.create(organisation=organisation, title="Fairness bench", role="Engineer")
    stage = Stage.objects.create(
        loop=loop, position=1, kind="assessment", title="Screen", question_set=report.question_set, duration_minutes=60
    )
    return Seeded(question_set_id=report.question_set.pk, organisation_id=organisation.pk, stage_id=stage.pk)


def attempt_question(seeded: Seeded):  # -> AttemptQuestion
    from django.utils import timezone

    from assessments.models import Candidate, QuestionSet, Stage
    from assessments.services.attempts import attempt_start
    from assessments.services.invitations import invitation_create

    question_set = QuestionSet.objects.get(pk=seeded.question_set_id)
    number = Candidate.objects.filter(organisation=question_set.organisation).count() + 1
    candidate = Candidate.objects.create(
        organisation=question_set.organisation, name=f"Candidate {number}", email=f"c{number}@example.test"
    )
    invitation = invitation_create(
        organisation=question_set.organisation,
        candidate=candidate,
        stage=Stage.objects.select_related("loop", "question_set").get(pk=seeded.stage_id),
        duration_minutes=60,
        expires_at=timezone.now() + timedelta(days=1),
    )
    return attempt_start(invitation=invitation).questions.get()


def final_latency(seeded: Seeded, timeout: float = 240) -> float:
    """Submit a fresh candidate's reference solution as final; seconds from commit to graded."""
    from django.db import transaction

    from assessments.models import CodeSubmission, SubmissionStatus
    from assessments.services.submissions import submission_create

    question = attempt_question(seeded)
    source = question.revision.coding_spec.reference_solution
    with transaction.atomic():
        submission = submission_create(attempt_question=question, source=source, purpose="final")
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status = CodeSubmission.objects.values_list("status", flat=True).get(pk=submission.pk)
        if status in (SubmissionStatus.GRADED, SubmissionStatus.FAILED):
            return time.monotonic() - started
        time.sleep(0.1)
    raise SystemExit(f"final submission {submission.pk} not graded within {timeout} s")


class Flood:
    """Candidates asking for sample runs of sleeping code as fast as the server lets them."""

    def __init__(self, seeded: Seeded, flooders: int) -> None:
        self.questions = [attempt_question(seeded) for _ in range(flooders)]
        self.stop = threading.Event()
        self.started = self.refused = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection

        from assessments.services.answers import samples_run
        from common.exceptions import TooManyRequestsError

        try:
            while not self.stop.is_set():
                for question in self.questions:
                    try:
                        samples_run(attempt=question.attempt, attempt_question_id=question.pk, source=SLEEPER)
                        self.started += 1
                    except TooManyRequestsError:
                        self.refused += 1
                self.stop.wait(0.5)
        finally:
            connection.close()

    @contextmanager
    def running(self) -> Iterator[None]:
        self.thread.start()
        try:
            yield
        finally:
            self.stop.set()
            self.thread.join()


def queued_samples() -> int:
    from assessments.models import CodeSubmission, SubmissionStatus

    return CodeSubmission.objects.filter(purpose="samples", status=SubmissionStatus.QUEUED).count()


def drain_samples() -> None:
    """Fail what a layout left queued or running, so the next layout starts quiet."""
    from assessments.models import CodeSubmission

    CodeSubmission.objects.filter(purpose="samples", status__in=("queued", "running")).update(status="failed")


Row = tuple[str, str, list[float], "Flood | None"]


def measure(layout: str, seeded: Seeded, args: argparse.Namespace, directory: Path) -> list[Row]:
    from config.celery import app
    from tests.grading.processes import CeleryProcesses, RedisServer, celery_app_pointed_at, worker_env

    redis = RedisServer(directory).start()
    env = worker_env(redis.url, LOOPWRIGHT_SANDBOX_POOL_SIZE="2", PYTHONUNBUFFERED="1")
    celery = CeleryProcesses(directory, env)
    rows: list[Row] = []
    try:
        with celery_app_pointed_at(app, redis.url):
            workers = [celery.worker(name, queues=queues, wait=False) for name, queues in LAYOUTS[layout]]
            celery.wait_ready(*workers)
            final_latency(seeded)  # warm-up: images, pools, connections
            quiet = [final_latency(seeded) for _ in range(args.rounds)]
            flood = Flood(seeded, args.flooders)
            with flood.running():
                time.sleep(args.build_up)  # let the sample queue fill
                depth = queued_samples()
                flooded = [final_latency(seeded) for _ in range(args.rounds)]
            rows.append((layout, "quiet", quiet, None))
            rows.append((layout, f"flood: {args.flooders} candidates, {depth} runs queued", flooded, flood))
    finally:
        celery.stop_all()
        redis.stop()
        drain_samples()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flooders", type=int, default=6, help="candidates flooding sample runs")
    parser.add_argument("--rounds", type=int, default=3, help="final submissions measured per condition")
    parser.add_argument("--build-up", type=float, default=8.0, help="seconds of flood before measuring")
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated: " + ", ".join(LAYOUTS))
    args = parser.parse_args()

    database_create()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seeded = seed()
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-fairness-") as directory:
        for layout in args.layouts.split(","):
            rows += measure(layout, seeded, args, Path(directory))
            print(f"{layout} done; load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    print(f"\n{'workers':24} {'condition':42} {'final grading latency s (each)':34} {'p50':>6} {'x quiet':>8}")
    print("-" * 118)
    quiet_p50: dict[str, float] = {}
    verdicts = []
    for layout, condition, latencies, flood in rows:
        p50 = statistics.median(latencies)
        if condition == "quiet":
            quiet_p50[layout] = p50
        ratio = p50 / quiet_p50[layout]
        each = " ".join(f"{x:.1f}" for x in latencies)
        print(f"{layout:24} {condition:42} {each:34} {p50:6.1f} {ratio:8.2f}")
        if flood is not None:
            print(f"{'':24} (sample runs started {flood.started}, refused with 429 {flood.refused})")
            verdicts.append((layout, ratio))
    print()
    for layout, ratio in verdicts:
        met = "met" if ratio <= 2.0 else "NOT met"
        print(f"{layout}: flooded final grading {ratio:.2f}x quiet (target <= 2x): {met}")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
