"""One call to a receiver (a webhook POST, a Greenhouse PATCH), bounded in time and in what is kept of the answer."""

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from integrations.services.destinations import DestinationRefused, destination_resolve
from integrations.services.pinning import PinnedAdapter

EXCERPT_BYTES = 1000
PERMANENT_ERRORS = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
)


@dataclass(frozen=True)
class PostResult:
    status_code: int | None  # None: no HTTP answer (timeout, refused, reset)
    duration_ms: int
    excerpt: str = ""
    error: str = ""
    permanent: bool = False  # the URL itself is unusable: retrying cannot help


def post(*, url: str, body: bytes, headers: dict[str, str]) -> PostResult:
    return send(method="POST", url=url, body=body, headers=headers)


def send(*, method: str, url: str, body: bytes = b"", headers: dict[str, str]) -> PostResult:
    """Call without following redirects or reading proxies and credentials from the environment."""
    started = time.monotonic()
    timeout = (settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT)
    try:
        with requests.Session() as session:
            session.trust_env = False
            request = session.prepare_request(requests.Request(method, url, data=body, headers=headers))
            _pin_to_checked_addresses(session, request.url or "")
            with session.send(request, timeout=timeout, allow_redirects=False, stream=True) as response:
                return PostResult(response.status_code, _elapsed(started), excerpt=_excerpt(response))
    except DestinationRefused as refusal:
        return PostResult(None, _elapsed(started), error=str(refusal), permanent=True)
    except PERMANENT_ERRORS as exc:
        return PostResult(None, _elapsed(started), error=f"invalid URL: {exc}", permanent=True)
    except requests.Timeout as exc:
        return PostResult(None, _elapsed(started), error=f"timeout: {exc}")
    except requests.RequestException as exc:
        return PostResult(None, _elapsed(started), error=f"connection failed: {type(exc).__name__}: {exc}")
    except SoftTimeLimitExceeded:
        return PostResult(None, _elapsed(started), error="timeout: the receiver took longer than the task's time limit")


def _pin_to_checked_addresses(session: requests.Session, url: str) -> None:
    """Resolve the host once, refuse it unless every address is public, and connect only to those addresses.

    ``url`` is the prepared one, so the host checked is the host requests connects to (IDNA-encoded,
    lowercased). Private receivers, when allowed, are called the plain way.
    """
    if settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS:
        return
    try:
        destination = destination_resolve(url)
    except ValueError as exc:
        raise requests.exceptions.InvalidURL(str(exc)) from exc
    except OSError as exc:  # does not resolve now: a connection failure like any other, retried
        raise requests.ConnectionError(f"cannot resolve {urlsplit(url).hostname}: {exc}") from exc
    adapter = PinnedAdapter(host=destination.host, addresses=destination.addresses)
    session.mount("http://", adapter)
    session.mount("https://", adapter)


def _excerpt(response: requests.Response) -> str:
    try:
        text = response.raw.read(EXCERPT_BYTES, decode_content=True).decode("utf-8", errors="replace")
        return text.replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL
    except (urllib3.exceptions.HTTPError, OSError, requests.RequestException):
        return ""  # the status line is the answer; a broken body does not change it


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
