"""Time zones people give: an IANA name (``Europe/Paris``), checked against the machine's zone database."""

from functools import lru_cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    """A model field's validator: empty (unknown) or an IANA time zone name."""
    if value and value not in _known():
        raise ValidationError(f"{value!r} is not an IANA time zone name (for example Europe/Paris).", code="invalid")
