"""Time zones people give: an IANA name (``Europe/Paris``), checked against the machine's zone database."""

from functools import lru_cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    """Every IANA name this machine's zone database knows."""
    return frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    """A model field's validator: empty (unknown) or an IANA time zone name."""
    if value and value not in time_zone_names():
        raise ValidationError(f"{value!r} is not an IANA time zone name (for example Europe/Paris).", code="invalid")
