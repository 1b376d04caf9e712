"""The README's commands as a newcomer types them: in a new shell, and a plain-HTTP trial with DJANGO_DEBUG=0.

Both run real processes with an environment that holds only what a new shell has (PATH, HOME), plus a
throwaway SQLite database so the developer's own ``var/db.sqlite3`` is never touched.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
NEW_SHELL = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/root")}
PASSWORD = "trial-password-1"  # a throwaway user in a throwaway database
SECRET_MESSAGE = "Set the DJANGO_SECRET_KEY environment variable"


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_readme_commands_work_in_a_new_shell(tmp_path):
    env = NEW_SHELL | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    bare = _run([sys.executable, "manage.py", "demo_logins"], env, ROOT)
    assert bare.returncode != 0 and SECRET_MESSAGE in bare.stderr  # why the README gives scripts/manage
    manage = str(ROOT / "scripts" / "manage")
    for args in (["migrate", "-v0"], ["load_demo"]):
        result = _run([manage, *args], env, tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
    (tmp_path / "extra.md").write_text("# Extra\n\n## Basics\n\n1. What is a token?\n")
    imported = _run([manage, "import_question_set", "extra.md", "--org", "demo"], env, tmp_path)  # relative path
    assert imported.returncode == 0, imported.stdout + imported.stderr
    logins = _run([manage, "demo_logins"], env, tmp_path)
    assert logins.returncode == 0 and "ada" in logins.stdout and "Hiring manager" in logins.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _trial_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return NEW_SHELL | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-trial-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'trial.sqlite3'}",
        **extra,
    }


def _sign_in_over_http(env: dict[str, str]) -> requests.Response:
    """Start the server with ``env``, sign in as a fresh user over plain HTTP; the page after sign-in."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        session = requests.Session()
        for _ in range(100):
            try:
                session.get(f"{base}/accounts/login/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        token = session.cookies.get("csrftoken", "")
        form = {"username": "trial", "password": PASSWORD, "csrfmiddlewaretoken": token}
        return session.post(f"{base}/accounts/login/", data=form, headers={"Referer": base + "/"}, timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def trial_database(tmp_path):
    env = _trial_env(tmp_path)
    assert _run([sys.executable, "manage.py", "migrate", "-v0"], env, ROOT).returncode == 0
    user = f"User.objects.create_user('trial', password={PASSWORD!r})"
    create = f"from django.contrib.auth.models import User; {user}"
    assert _run([sys.executable, "manage.py", "shell", "-c", create], env, ROOT).returncode == 0
    return tmp_path


def test_a_plain_http_trial_signs_in_with_secure_cookies_off(trial_database):
    response = _sign_in_over_http(_trial_env(trial_database, DJANGO_SECURE_COOKIES="0"))
    assert response.history and response.history[0].status_code == 302  # signed in, sent on
    assert "/accounts/login/" not in response.url


def test_without_it_the_browser_drops_the_secure_cookies_and_sign_in_fails(trial_database):
    response = _sign_in_over_http(_trial_env(trial_database))
    assert response.status_code == 403  # the CSRF cookie was Secure, so it never came back over HTTP
