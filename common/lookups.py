"""One object of an already-scoped queryset, or the one "not found" answer."""

from typing import TypeVar

from django.db.models import Model, QuerySet

from common.exceptions import NotFoundError

M = TypeVar("M", bound=Model)


def one_or_not_found(queryset: QuerySet[M], pk: int, what: str) -> M:
    """The row ``pk`` of ``queryset`` or ``NotFoundError``.

    Selectors scope ``queryset`` to what the caller may see first, so another organisation's object
    and a missing one look the same: no existence leak.
    """
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFoundError(f"No {what} with id {pk}.")
    return obj
