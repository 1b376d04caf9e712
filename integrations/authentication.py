"""``Authorization: Api-Key lw_<prefix>.<secret>``: authenticates as an organisation's API key.

One scheme, ``Api-Key`` (as ``djangorestframework-api-key`` uses), not ``Bearer``: the key is not
an OAuth token, and ``Bearer`` stays free for one. ``request.user`` is an :class:`ApiKeyUser` (no
person, no Django user) and ``request.auth`` the :class:`~integrations.models.ApiKey`;
``OrganisationApi`` acts in the key's organisation with the key's scope.
"""

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from integrations.models import ApiKey
from integrations.services.api_keys import InvalidApiKey, api_key_authenticate

KEYWORD = "Api-Key"
_MESSAGES = {"invalid_api_key": "The API key is not valid.", "api_key_revoked": "The API key has been revoked."}


class ApiKeyUser:
    """Who is calling when an API key is: authenticated, but nobody in particular."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key

    def __str__(self) -> str:
        return f"API key {self.api_key.display_prefix}"

    def get_username(self) -> str:
        return str(self)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ApiKeyUser, ApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the next authentication class may try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send exactly one key: 'Api-Key <key>'.", code="invalid_api_key")
        try:
            api_key = api_key_authenticate(raw_key=parts[1].decode("latin-1"))
        except InvalidApiKey as exc:
            raise exceptions.AuthenticationFailed(_MESSAGES[exc.code], code=exc.code) from exc
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
