"""Production settings: `check --deploy` is clean, and a missing secret stops start-up with a clear error."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "loopwright.example.test",
    "DATABASE_URL": "sqlite:////tmp/loopwright-deploy-check.sqlite3",
    "EMAIL_URL": "smtp+tls://loopwright:secret@smtp.example.test:587",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_email_would_not_leave_the_server():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_URL"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0 and "loopwright.W001" in result.stderr + result.stdout


def test_missing_secret_key_is_a_clear_startup_error():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_debug_has_a_development_default_secret():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"} | {"DJANGO_DEBUG": "1"}
    assert _manage("check", env=env).returncode == 0


CONCURRENT_WRITES = """
import threading, time
from django.db import OperationalError, connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS counter (n integer)")
    cursor.execute("PRAGMA journal_mode")
    print("journal_mode", cursor.fetchone()[0])
errors = []

def write():
    try:
        for _ in range(10):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM counter")  # read, then write: the request pattern
                time.sleep(0.005)
                cursor.execute("INSERT INTO counter (n) VALUES (1)")
    except OperationalError as exc:
        errors.append(str(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=write) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM counter")
    print("rows", cursor.fetchone()[0], "errors", sorted(set(errors)))
"""


def test_the_embedded_sqlite_default_survives_concurrent_writes(tmp_path):
    env = PRODUCTION_ENV | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = _manage("shell", "-c", CONCURRENT_WRITES, env=env)
    assert result.returncode == 0, result.stderr
    assert "journal_mode wal" in result.stdout
    assert "rows 80 errors []" in result.stdout, result.stdout
