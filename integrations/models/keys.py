"""API keys, idempotency records and the spent one-time nonces of the forms that make secrets."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiKeyScope(models.TextChoices):
    READ = "read", "Read (GET only)"
    WRITE = "write", "Read and write (like a hiring manager)"


class ApiKey(models.Model):
    """An organisation's key for the REST API: ``lw_<prefix>.<secret>``, shown once, stored hashed.

    Our own rather than ``djangorestframework-api-key`` (not a dependency, and we add none): that
    package is a permission class with no organisation, scopes or last-used time, which are the
    parts we need; the hashing and lookup it does are a few lines (see ``integrations.services.api_keys``).

    The secret is 256 random bits, so a fast SHA-256 is as safe as a slow password hasher (nothing
    to guess from a dictionary) and costs microseconds, not ~100 ms, on every API request.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="What uses this key, e.g. “Greenhouse production”.")
    prefix = models.CharField(max_length=16, unique=True, editable=False, help_text="Visible part of the key.")
    hashed_secret = models.CharField(max_length=64, editable=False)
    scope = models.CharField(
        max_length=8,
        choices=ApiKeyScope.choices,
        default=ApiKeyScope.READ,
        help_text="Write includes read: one scope, so no key can write without reading.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["organisation", "-created_at"]
        verbose_name = "API key"
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=ApiKeyScope.values), name="apikey_scope_valid"),
            models.CheckConstraint(condition=Q(hashed_secret__regex=r"^[0-9a-f]{64}$"), name="apikey_hash_sha256"),  # noqa: S106
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self) -> str:
        return f"lw_{self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == ApiKeyScope.WRITE


class IdempotencyRecord(models.Model):
    """The first successful answer to a POST with an ``Idempotency-Key``, replayed to retries for 24 h.

    Only a committed, successful request leaves a record (it is written in the request's own
    transaction), so a failed request can be retried with the same key. A key belongs to its caller
    (an API key or a person, within the organisation): another caller's same key is a fresh key.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="idempotency_records"
    )
    caller = models.CharField(max_length=64, default="", help_text="'api_key:<id>' or 'user:<id>'.")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON request body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "caller", "key"], name="idempotencyrecord_unique_org_caller_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class SpentFormNonce(models.Model):
    """A one-time form nonce whose form has done its work (created a key or an endpoint, rotated a secret).

    Written in the transaction of that work, so a re-submitted form (a browser refresh, a double
    click) finds it and does nothing. Rows older than a form's lifetime are deleted as new ones come.
    """

    nonce = models.CharField(primary_key=True, max_length=64)
    spent_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.nonce
