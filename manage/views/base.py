"""What every hiring-manager page shares besides its organisation (organisations.pages): 404 for what is missing."""

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.http import Http404

from common.exceptions import NotFoundError

P = ParamSpec("P")
T = TypeVar("T")


def found_or_404(read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``read(...)``, a selector; its ``NotFoundError`` is the 404 page (another organisation's object included)."""
    try:
        return read(*args, **kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
