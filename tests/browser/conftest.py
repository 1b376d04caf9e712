"""Real-browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

Grading runs for real: a private ``redis-server`` and a Celery worker process whose DATABASE_URL is
this run's test database (as in tests/grading/test_reliability.py), grading in the Docker sandbox.
The editor bundle is built once (``scripts/build-frontend`` skips when it is fresh).

Screenshots of the main pages are taken on every run; they go to ``docs/screenshots/`` only when
``LOOPWRIGHT_UPDATE_SCREENSHOTS=1`` (so an ordinary test run leaves the repository alone).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings

from config.celery import app
from rubrics.services.demo import DEMO_PASSWORD
from tests.grading.processes import GRADING_QUEUES, CeleryProcesses, RedisServer, celery_app_pointed_at, worker_env

# Playwright's sync API runs an asyncio loop in the test thread; Django's ORM would refuse to run there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LOOPWRIGHT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 900}
WORKER_ENV = {
    "LOOPWRIGHT_SANDBOX_POOL_SIZE": "0",
    "GRADING_SWEEP_SECONDS": "5",
    "PYTHONUNBUFFERED": "1",
}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)  # lets fixtures see whether the test failed
    return report


@pytest.fixture(scope="session")
def editor_bundle() -> Path:
    """Build the CodeMirror bundle once (a no-op when it is newer than every input)."""
    completed = subprocess.run(
        [str(REPO_ROOT / "scripts" / "build-frontend")], capture_output=True, text=True, timeout=600, check=False
    )
    bundle = REPO_ROOT / "assessments" / "static" / "candidate" / "editor.bundle.js"
    if completed.returncode != 0 or not bundle.is_file() or bundle.stat().st_size < 10_000:
        pytest.fail(
            f"scripts/build-frontend failed (exit {completed.returncode}); the browser tests need the editor "
            f"bundle.\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}",
            pytrace=False,
        )
    return bundle


@pytest.fixture(scope="session")
def browser(editor_bundle: Path) -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium "
            "(never `playwright install`: it downloads a browser)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Grading:
    """A private Redis and one real Celery worker grading in the sandbox, against the test database."""

    redis: RedisServer
    celery: CeleryProcesses
    screenshots: Path
    notes: list[str] = field(default_factory=list)

    def logs(self) -> str:
        return self.celery.logs()


@pytest.fixture(scope="module")
def grader(
    django_db_setup: None, django_db_blocker: Any, docker_engine: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Grading]:
    directory = tmp_path_factory.mktemp("browser-grading")
    redis_server = RedisServer(directory).start()
    with django_db_blocker.unblock():  # worker_env reads the test database's name, not the configured one
        env = worker_env(redis_server.url, **WORKER_ENV, DOCKER_HOST=django_settings.DOCKER_HOST)
    celery = CeleryProcesses(directory, env)
    if os.environ.get("LOOPWRIGHT_UPDATE_SCREENSHOTS") == "1":
        screenshots = REPO_ROOT / "docs" / "screenshots"
    else:
        screenshots = directory / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    try:
        with celery_app_pointed_at(app, redis_server.url):
            celery.worker("browser-worker", queues=GRADING_QUEUES)
            yield Grading(redis=redis_server, celery=celery, screenshots=screenshots)
    finally:
        celery.stop_all()
        redis_server.stop()


def record_csp_violation(message: Any, errors: list[str]) -> None:
    """Something the Content-Security-Policy refused (a script, a style, an image) fails the test too."""
    if "Content Security Policy" in message.text:
        errors.append(message.text)


@dataclass
class PageErrors:
    uncaught: list[str] = field(default_factory=list)


@pytest.fixture
def new_page(browser: Any, live_server: Any, grader: Grading, request: pytest.FixtureRequest, tmp_path: Path):
    """Open a page in a fresh browser context (a fresh cookie jar): ``new_page()``; several are allowed.

    Uncaught JavaScript errors and Content-Security-Policy violations fail the test; on failure each
    page is saved as a screenshot and the worker's log is printed.
    """
    contexts: list[Any] = []
    pages: list[tuple[Any, PageErrors]] = []

    def open_page(context: Any = None) -> Any:
        if context is None:
            context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="en-GB")
            context.set_default_timeout(15_000)
            contexts.append(context)
        page = context.new_page()
        errors = PageErrors()
        page.on("pageerror", lambda exc: errors.uncaught.append(str(exc)))
        page.on("console", lambda message: record_csp_violation(message, errors.uncaught))
        pages.append((page, errors))
        return page

    yield open_page

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        for index, (page, _) in enumerate(pages):
            with contextlib.suppress(Exception):
                page.screenshot(path=str(tmp_path / f"failure-{index}.png"))
        print(f"screenshots of the failure: {tmp_path}\n{grader.logs()}")
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
    uncaught = [message for _, errors in pages for message in errors.uncaught]
    if uncaught and not failed:
        pytest.fail(f"uncaught JavaScript errors: {uncaught}", pytrace=False)


def save_screenshot(page: Any, grader: Grading, name: str) -> Path:
    path = grader.screenshots / name
    page.screenshot(path=str(path))
    return path


# --- pages without the grader: a fresh context per page, JavaScript errors fail the test ------------


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """docs/screenshots/ with LOOPWRIGHT_UPDATE_SCREENSHOTS=1 (as the shared conftest does), else a temp folder."""
    if os.environ.get("LOOPWRIGHT_UPDATE_SCREENSHOTS") == "1":
        return REPO_ROOT / "docs" / "screenshots"
    return tmp_path


@pytest.fixture
def open_page(browser: Any, live_server: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A page in a fresh context (own cookies). Uncaught JavaScript errors and CSP violations fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def open_one() -> Any:
        context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda message: record_csp_violation(message, errors))
        return page

    yield open_one

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for index, context in enumerate(contexts):
        if failed:
            for page in context.pages:
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(tmp_path / f"failure-{index}.png"))
        with contextlib.suppress(Exception):
            context.close()
    if failed:
        print(f"screenshots of the failure: {tmp_path}")
    if errors and not failed:
        pytest.fail(f"uncaught JavaScript errors: {errors}", pytrace=False)


def log_in(page: Any, username: str, next_url: str) -> None:
    """Log in through the login page as a demo user and land on ``next_url``."""
    page.goto(f"/accounts/login/?next={quote(next_url)}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.endswith(next_url))
