"""Hot reads whose SQL is compiled once per process instead of once per call.

Building and compiling a queryset costs the ORM about 0.5–0.7 ms of CPU per call, most of a simple
API read (see docs/benchmarks.md). For the reads an ATS polls all day (an attempt's status and
result, an invitation, a candidate by its external id) a ``PreparedRead`` compiles its ``values()``
queryset once per process, for the default database, with stand-in values for the parameters,
checks that the SQL does not depend on those values, and from then on only executes that SQL with
the real values: through Django's cursor (query logging, ``execute_wrapper`` and test query counts
still see it) and the database's converters (SQLite's booleans and datetimes come back as Python
values, as from the ORM).

Parameters are ``int`` or ``str`` and compared with ``=`` (the lookups that pass a value to the
database unchanged); anything else is refused when the read is first compiled.
"""

from collections.abc import Callable
from itertools import count
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

ParamTypes = dict[str, type]
_serial = count(1)


class PreparedRead:
    """``build(**params)`` returns a ``values()`` queryset; ``rows(**params)`` runs its cached SQL."""

    def __init__(self, build: Callable[..., QuerySet], **param_types: type) -> None:
        for name, kind in param_types.items():
            if kind not in (int, str):
                raise ImproperlyConfigured(f"PreparedRead parameter {name!r} must be int or str, not {kind!r}.")
        self.build = build
        self.param_types: ParamTypes = param_types
        self._compiled: _Compiled | None = None

    def rows(self, **params: Any) -> list[dict[str, Any]]:
        self._check(params)
        compiled = self._compiled or self._compile()
        values = [params[name] if name else constant for name, constant in compiled.slots]
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(compiled.sql, values)
            fetched = cursor.fetchall()
        return [dict(zip(compiled.names, row, strict=True)) for row in compiled.convert(fetched)]

    def first(self, **params: Any) -> dict[str, Any] | None:
        rows = self.rows(**params)
        return rows[0] if rows else None

    def _check(self, params: dict[str, Any]) -> None:
        if params.keys() != self.param_types.keys():
            raise TypeError(f"PreparedRead takes exactly {sorted(self.param_types)}, got {sorted(params)}.")
        for name, value in params.items():
            if type(value) is not self.param_types[name]:  # bool is not int here; None never is
                raise TypeError(f"PreparedRead parameter {name!r} must be {self.param_types[name].__name__}.")

    def _compile(self) -> "_Compiled":
        first, second = _stand_ins(self.param_types), _stand_ins(self.param_types)
        compiled = _Compiled(self.build(**first))
        again = _Compiled(self.build(**second))
        compiled.slots = _slots(compiled, again, first, second)
        self._compiled = compiled
        return compiled


class _Compiled:
    def __init__(self, queryset: QuerySet) -> None:
        query = queryset.query
        if not query.values_select and not query.annotation_select:
            raise ImproperlyConfigured("PreparedRead needs a values() queryset.")
        self.compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
        self.sql, self.params = self.compiler.as_sql()
        # As Django's ValuesIterable names the columns: in values()'s order when the query records it.
        self.names = list(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
        self.slots: list[tuple[str, Any]] = []

    def convert(self, rows: list[tuple]) -> list[tuple]:
        return list(self.compiler.results_iter(results=[rows]))


def _stand_ins(param_types: ParamTypes) -> dict[str, Any]:
    """Values no caller would pass, different on every call: where they land in the params is the slot."""
    serial = next(_serial)
    return {
        name: -(10**12) - serial * 1000 - index if kind is int else f"\x1f{name}-stand-in-{serial}"
        for index, (name, kind) in enumerate(param_types.items())
    }


def _slots(first: _Compiled, second: _Compiled, a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any]]:
    """For each SQL parameter: the read's parameter it carries ("", constant) when it is a constant."""
    if first.sql != second.sql or len(first.params) != len(second.params):
        raise ImproperlyConfigured("PreparedRead: the query's SQL depends on its parameters' values.")
    by_value = {value: name for name, value in a.items()}
    slots = []
    for one, other in zip(first.params, second.params, strict=True):
        name = by_value.get(one) if isinstance(one, int | str) else None
        if name is not None and other == b[name]:
            slots.append((name, None))
        elif one == other:
            slots.append(("", one))
        else:
            raise ImproperlyConfigured("PreparedRead: a parameter is changed on its way to the database.")
    missing = set(a) - {name for name, _ in slots}
    if missing:
        raise ImproperlyConfigured(f"PreparedRead: parameters {sorted(missing)} are not used by the query.")
    return slots
