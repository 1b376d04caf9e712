"""Custom checkers: trusted Python written with a question, stored as text, run in the worker.

The source defines ``check(actual, expected, **options)``. It receives a ``CheckInput`` (``.value``
and ``.raised``), the expected value, the test's checker options and, when its signature accepts
it, ``args=`` (the test's input arguments). It returns a ``CheckResult``, a bool, or a
``(passed, message)`` pair.

The namespace is restricted (a short list of builtins, imports from a short list of pure modules,
no ``open``/``eval``/``exec``) to keep question authors from reaching files, settings or the
database by accident. It is NOT a sandbox: authors are trusted, candidate code never runs here.
"""

from __future__ import annotations

import builtins
import hashlib
import threading
from collections.abc import Callable
from typing import Any

from grading.checkers.base import CheckerError, CheckInput, CheckResult, RaisedException

ALLOWED_MODULES = frozenset(
    {"math", "cmath", "collections", "decimal", "fractions", "functools", "heapq", "itertools", "numbers"}
    | {"numpy", "operator", "re", "statistics"}
)
_SAFE_BUILTINS = (
    "abs all any bool callable dict divmod enumerate filter float frozenset getattr hasattr hash int isinstance "
    "issubclass iter len list map max min next object pow range repr reversed round set slice sorted str sum "
    "tuple type zip ArithmeticError AssertionError AttributeError Exception IndexError KeyError LookupError "
    "NotImplementedError OverflowError RecursionError StopIteration TypeError ValueError ZeroDivisionError"
)
_CACHE_SIZE = 64

_cache: dict[str, Callable[..., Any]] = {}
_cache_lock = threading.Lock()


def _restricted_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    if level != 0 or name.split(".")[0] not in ALLOWED_MODULES:
        raise ImportError(f"custom checkers may import only {', '.join(sorted(ALLOWED_MODULES))}; not {name!r}")
    return __import__(name, globals, locals, fromlist, level)


def _namespace() -> dict[str, Any]:
    safe = {name: getattr(builtins, name) for name in _SAFE_BUILTINS.split()}
    safe |= {"__import__": _restricted_import, "__build_class__": builtins.__build_class__}
    return {
        "__builtins__": safe,
        "__name__": "custom_checker",
        "CheckInput": CheckInput,
        "CheckResult": CheckResult,
        "RaisedException": RaisedException,
    }


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def _compile(source: str, digest: str) -> Callable[..., Any]:
    namespace = _namespace()
    try:
        code = compile(source, f"<custom checker {digest[:12]}>", "exec")
        # Trusted question-author code (see the module docstring); never candidate code.
        exec(code, namespace)  # noqa: S102
    except Exception as exc:
        raise CheckerError(f"custom checker does not load: {type(exc).__name__}: {exc}") from exc
    check = namespace.get("check")
    if not callable(check):
        raise CheckerError("custom checker source defines no check(actual, expected, **options) function")
    return check


def load_custom_checker(source: str) -> Callable[..., Any]:
    """The ``check`` function that ``source`` defines, compiled once per distinct source (by hash)."""
    digest = source_hash(source)
    with _cache_lock:
        cached = _cache.get(digest)
    if cached is not None:
        return cached
    check = _compile(source, digest)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))  # oldest first: dicts keep insertion order
        _cache[digest] = check
    return check


def coerce_result(result: Any) -> CheckResult:
    """Accept what a custom checker may return: CheckResult, bool, or (passed, message)."""
    if isinstance(result, CheckResult):
        return result
    if isinstance(result, bool):
        return CheckResult(result)
    if isinstance(result, tuple | list) and len(result) == 2 and isinstance(result[0], bool):
        return CheckResult(result[0], str(result[1]))
    raise CheckerError(f"custom checker returned {type(result).__name__}, not a CheckResult, bool or (bool, str)")
