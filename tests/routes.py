"""Every URL pattern under a prefix, found by walking the resolver (for tests that must cover them all)."""

from django.urls import URLPattern, URLResolver, get_resolver


def routes_under(prefix: str, *, named_only: bool = False) -> set[str]:
    """The route strings (``manage/loops/<int:pk>/edit/``) of every pattern starting with ``prefix``."""
    found: set[str] = set()

    def walk(patterns, parent: str) -> None:
        for pattern in patterns:
            route = parent + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith(prefix) and (pattern.name or not named_only):
                found.add(route)

    walk(get_resolver().url_patterns, "")
    return found
