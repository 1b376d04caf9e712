"""Rate limits per API key (and per signed-in person) in Redis, with the standard rate-limit headers.

A fixed window per caller: one pipelined ``INCR`` + ``EXPIRE NX`` per request. Every throttled
response carries ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds until the
window resets) and ``RateLimit-Policy`` (``<limit>;w=<seconds>``), as the IETF HTTPAPI draft names
them; a refused request is a 429 with ``Retry-After``. Calls without an API key or a person (the
candidate pages, health checks) are not limited here. If Redis cannot be reached the request is
let through and a warning logged: an unreachable limiter must not take the API down with it.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.throttling import BaseThrottle

if TYPE_CHECKING:  # DRF imports this module while it builds APIView: no runtime imports of views or models
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from integrations.models import ApiKey

logger = logging.getLogger(__name__)

KEY_PREFIX = "lw:ratelimit"
STATE_ATTRIBUTE = "loopwright_rate_limit"
_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int


@dataclass(frozen=True)
class RateLimitState:
    rate: Rate
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.rate.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.rate.limit};w={self.rate.window}",
        }


@cache
def parse_rate(text: str) -> Rate | None:
    """``"600/minute"`` → Rate(600, 60); ``""`` or ``"off"`` → None (no limit). Bad text raises ValueError."""
    text = text.strip().lower()
    if text in ("", "off", "none"):
        return None
    count, _, period = text.partition("/")
    if period.rstrip("s") not in _PERIODS or not count.isdigit() or int(count) < 1:
        raise ValueError(f"A rate is '<requests>/<second|minute|hour|day>', not {text!r}.")
    return Rate(int(count), _PERIODS[period.rstrip("s")])


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)


def _key_budget(api_key: "ApiKey") -> tuple[str, Rate | None]:
    """One budget per API key, whichever endpoints (DRF's or Greenhouse's) it calls."""
    return f"key:{api_key.prefix}", parse_rate(settings.API_KEY_RATE_LIMIT)


def _caller(request: "Request") -> tuple[str, Rate | None] | None:
    from integrations.models import ApiKey

    if isinstance(request.auth, ApiKey):
        return _key_budget(request.auth)
    user = request.user
    if user is not None and user.is_authenticated and user.pk is not None:
        return f"user:{user.pk}", parse_rate(settings.API_USER_RATE_LIMIT)
    return None


def hit(identity: str, rate: Rate, now: float | None = None) -> tuple[RateLimitState, int]:
    """Count one request against ``identity``'s current window; returns the state and the count so far."""
    now = time.time() if now is None else now
    window_start = int(now // rate.window) * rate.window
    key = f"{KEY_PREFIX}:{identity}:{rate.window}:{window_start}"
    pipe = _client(settings.RATE_LIMIT_REDIS_URL).pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, rate.window + 1, nx=True)
    count = int(pipe.execute()[0])
    reset = max(1, math.ceil(window_start + rate.window - now))
    return RateLimitState(rate=rate, remaining=max(0, rate.limit - count), reset=reset), count


def count_request(request: HttpRequest, identity: str, rate: Rate | None) -> RateLimitState | None:
    """Count a request against ``identity``; the state when it is over the limit, else None.

    The state is left on the request for :class:`RateLimitHeadersMiddleware`. With no rate, or with
    Redis out of reach (a warning is logged), the request is let through.
    """
    if rate is None:
        return None
    try:
        state, count = hit(identity, rate)
    except redis.RedisError as exc:
        logger.warning("Rate limiter unreachable, request let through: %s", exc)
        return None
    setattr(request, STATE_ATTRIBUTE, state)
    return state if count > rate.limit else None


def key_hit(request: HttpRequest, api_key: "ApiKey") -> RateLimitState | None:
    """:func:`count_request` for ``api_key`` outside DRF (the Greenhouse endpoints): one budget per key."""
    return count_request(request, *_key_budget(api_key))


class ApiRateThrottle(BaseThrottle):
    def allow_request(self, request: "Request", view: "APIView") -> bool:
        identity, rate = _caller(request) or ("", None)
        over = count_request(request._request, identity, rate)
        self._wait = over.reset if over else None
        return over is None

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class AttemptPreviewThrottle(BaseThrottle):
    """Markdown previews per attempt (``CANDIDATE_PREVIEW_RATE_LIMIT``): each costs CPU, so one is not a load test.

    The candidate has no key or account: the budget is the attempt's, named by a hash of its link's token
    (the credential itself is never a Redis key).
    """

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        token = hashlib.sha256(str(view.kwargs.get("token", "")).encode()).hexdigest()[:32]
        identity = f"preview:{token}"
        over = count_request(request._request, identity, parse_rate(settings.CANDIDATE_PREVIEW_RATE_LIMIT))
        self._wait = over.reset if over else None
        return over is None

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class RateLimitHeadersMiddleware:
    """Copies the throttle's state onto the response, whatever view or error produced it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        state: RateLimitState | None = getattr(request, STATE_ATTRIBUTE, None)
        if state is not None:
            for name, value in state.headers().items():
                response[name] = value
        return response
