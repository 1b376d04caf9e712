"""The partner endpoints Greenhouse calls: HTTP Basic with the organisation's API key as the username.

Greenhouse documents 401 (authentication) and 404 (not found) and no error body; ours is
``{"errors": [{"message": ...}]}``, and 400 for a request we cannot use (docs/greenhouse.md). These
are plain Django views, outside the REST API's error shape and schema, because Greenhouse defines them.
"""

import base64
import binascii
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from api.throttling import key_hit
from common.exceptions import ApplicationError
from common.json_input import UnsafeJsonError, json_loads_checked
from integrations.greenhouse.services import GreenhouseError, interview_get, partner_tests, send_test, test_status
from integrations.models import ApiKey
from integrations.services.api_keys import InvalidApiKey, api_key_authenticate

logger = logging.getLogger(__name__)
View = Callable[..., HttpResponse]
# Column sizes: a longer value would fail in the database instead of answering 400.
MAX_EMAIL_LENGTH = 254
MAX_CALLBACK_URL_LENGTH = 2000
CANDIDATE_TEXT_FIELDS = ("first_name", "last_name", "phone_number", "resume_url", "greenhouse_profile_url")


def error(status: int, *messages: str) -> JsonResponse:
    response = JsonResponse({"errors": [{"message": message} for message in messages]}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="Loopwright Greenhouse"'
    return response


def basic_api_key(request: HttpRequest) -> ApiKey | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        username = base64.b64decode(encoded.strip(), validate=True).decode("latin-1").partition(":")[0]
        return api_key_authenticate(raw_key=username)
    except (binascii.Error, InvalidApiKey):
        return None


def greenhouse_view(view: Callable[[HttpRequest, ApiKey], HttpResponse]) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        api_key = basic_api_key(request)
        if api_key is None:
            return error(401, "Authenticate with HTTP Basic: a Loopwright API key as the username, no password.")
        over = key_hit(request, api_key)  # one budget per key, shared with /api/v1/
        if over is not None:
            response = error(429, f"Too many requests for this API key; retry in {over.reset} seconds.")
            response["Retry-After"] = str(over.reset)
            return response
        try:
            return view(request, api_key)
        except GreenhouseError as exc:
            return error(exc.status, exc.message)
        except ApplicationError as exc:
            return error(400, exc.message)

    return csrf_exempt(wrapped)


@require_GET
@greenhouse_view
def list_tests(request: HttpRequest, api_key: ApiKey) -> HttpResponse:
    return JsonResponse(partner_tests(organisation=api_key.organisation), safe=False)


def _json_object(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json_loads_checked(request.body or b"null")
    except UnsafeJsonError as exc:
        raise GreenhouseError(400, str(exc)) from None
    except ValueError:  # not JSON (UnicodeDecodeError and JSONDecodeError are ValueErrors)
        raise GreenhouseError(400, "The body must be JSON.") from None
    if not isinstance(body, dict):
        raise GreenhouseError(400, "The body must be a JSON object.")
    return body


def _candidate_problems(candidate: dict[str, Any]) -> list[str]:
    problems = [
        f"candidate.{key} must be a string." for key in CANDIDATE_TEXT_FIELDS if not _text_or_null(candidate, key)
    ]
    email = candidate.get("email")
    try:
        EmailValidator()(email if isinstance(email, str) and len(email) <= MAX_EMAIL_LENGTH else "")
    except ValidationError:
        problems.append("candidate.email must be an email address.")
    return problems


def _text_or_null(data: dict[str, Any], key: str) -> bool:
    return data.get(key) is None or isinstance(data[key], str)


def _send_test_input(request: HttpRequest) -> tuple[str, dict[str, Any], str]:
    body = _json_object(request)
    problems = []
    test_id, candidate, url = body.get("partner_test_id"), body.get("candidate"), body.get("url")
    if not isinstance(test_id, str | int) or isinstance(test_id, bool) or not str(test_id).strip():
        problems.append("partner_test_id is required.")
    if isinstance(candidate, dict):
        problems += _candidate_problems(candidate)
    else:
        problems.append("candidate is required: {first_name, last_name, email, ...}.")
        candidate = {}
    try:
        URLValidator(schemes=["http", "https"])(
            url if isinstance(url, str) and len(url) <= MAX_CALLBACK_URL_LENGTH else ""
        )
    except ValidationError:
        problems.append(f"url must be the http(s) callback URL (at most {MAX_CALLBACK_URL_LENGTH} characters).")
    if problems:
        raise GreenhouseError(400, "; ".join(problems))
    return str(test_id).strip(), candidate, str(url)


@require_POST
@greenhouse_view
def send_test_view(request: HttpRequest, api_key: ApiKey) -> HttpResponse:
    if not api_key.can_write:
        return error(401, "This API key is read-only; send_test needs a write key.")
    test_id, candidate, url = _send_test_input(request)
    interview = send_test(
        organisation=api_key.organisation,
        partner_test_id=test_id,
        candidate=candidate,
        callback_url=url,
        authorization=request.headers.get("Authorization", ""),
    )
    return JsonResponse({"partner_interview_id": interview.public_id})


@require_GET
@greenhouse_view
def test_status_view(request: HttpRequest, api_key: ApiKey) -> HttpResponse:
    interview_id = request.GET.get("partner_interview_id", "")
    if not interview_id:
        return error(400, "partner_interview_id is required.")
    interview = interview_get(organisation=api_key.organisation, partner_interview_id=interview_id)
    return JsonResponse(test_status(interview=interview))


@require_POST
@greenhouse_view
def response_error_view(request: HttpRequest, api_key: ApiKey) -> HttpResponse:
    """Greenhouse reports a response of ours it could not use; we log it for the operator and answer 200."""
    body = _json_object(request)
    api_call, errors = body.get("api_call"), body.get("errors")
    if not isinstance(api_call, str) or not isinstance(errors, list):
        raise GreenhouseError(400, "api_call (a string) and errors (an array) are required.")
    logger.warning(
        "Greenhouse rejected our %s response (organisation %s, partner_interview_id %s): %s",
        api_call[:50],
        api_key.organisation_id,
        str(body.get("partner_interview_id") or "")[:60],
        "; ".join(str(item) for item in errors[:20])[:2000],
    )
    return JsonResponse({"status": 200})
