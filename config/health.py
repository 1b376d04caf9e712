"""/health/: what works right now. Code grading without a Docker engine is reported, not hidden."""

from django.db import connection
from django.http import HttpRequest, JsonResponse

from grading.runner import sandbox_config
from sandbox.api import get_client, image_digest
from sandbox.errors import SandboxError


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # a health check reports every failure
        return f"unavailable: {type(exc).__name__}"
    return "ok"


def _sandbox() -> str:
    config = sandbox_config()
    try:
        digest = image_digest(get_client(config), config.image)
    except SandboxError as exc:
        return f"waiting: code submissions queue until a Docker engine and the sandbox image are available ({exc})"
    return f"ok ({config.runtime}, {digest[:19]})"


def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "sandbox": _sandbox()}
    status = 200 if checks["database"] == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "degraded", "checks": checks}, status=status)
