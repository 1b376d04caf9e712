"""Expecting the code to raise an exception of a given type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grading.checkers.base import CheckerError, CheckInput, CheckResult, accept, reject, short


def _expected_names(expected: Any) -> tuple[str, ...]:
    names = (expected,) if isinstance(expected, str) else tuple(expected or ())
    if not names or not all(isinstance(name, str) and name for name in names):
        raise CheckerError(f"exception checker: expected an exception type name, got {short(expected)}")
    return names


def check(
    actual: CheckInput, expected: str | Sequence[str], *, match_bases: bool = True, also: Sequence[str] = ()
) -> CheckResult:
    """Pass when the code raised an exception of the ``expected`` type (a name, or a list of names).

    ``also`` lists further accepted type names. With ``match_bases`` (the default, as ``except``
    would) a subclass passes too, when the sandbox reported the exception's base class names.
    The message is never compared: wording is not part of a specification.
    """
    accepted = _expected_names(expected) + tuple(also)
    if actual.raised is None:
        return reject(f"expected {' or '.join(accepted)} to be raised, returned {short(actual.value)}")
    raised = actual.raised
    if raised.type_name in accepted:
        return accept()
    if match_bases and any(base in accepted for base in raised.bases):
        return accept(f"{raised.type_name} is a subclass of {' or '.join(accepted)}")
    return reject(f"expected {' or '.join(accepted)}, raised {raised}")
