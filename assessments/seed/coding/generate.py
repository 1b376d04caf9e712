"""Regenerate the tests.json of the seed coding questions, deterministically.

    python -m assessments.seed.coding.generate           # rewrite both tests.json files
    python -m assessments.seed.coding.generate --check   # exit 1 if a tests.json is out of date

The cases are declared here (name, arguments, visibility, weight, and the exception a case must
raise); expected values come from running each question's reference.py, never typed by hand.
Large inputs come from random.Random with fixed seeds, so the output is byte-for-byte the same
on every run. tests/assessments/test_seed_coding.py fails if a tests.json drifts from this file.
"""

from __future__ import annotations

import json
import math
import random
import runpy
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
COSINE_OPTIONS = {"rel_tol": 1e-6, "abs_tol": 1e-9}
BEAM_OPTIONS = {"rel_tol": 1e-9, "abs_tol": 1e-9}


@dataclass(frozen=True)
class Case:
    name: str
    args: list[Any]
    visibility: str = "hidden"
    weight: float = 1.0
    raises: str = ""


def _random_vector(rng: random.Random, size: int, scale: float = 10.0) -> list[float]:
    return [round(rng.uniform(-scale, scale), 4) for _ in range(size)]


def _correlated(rng: random.Random, base: list[float], noise: float) -> list[float]:
    return [round(0.6 * x + rng.gauss(0.0, noise), 4) for x in base]


def _distribution(rng: random.Random, size: int, peak: float = 1.0) -> list[float]:
    """A random distribution with every probability > 0; larger ``peak`` concentrates it."""
    weights = [rng.uniform(0.05, 1.0) ** peak for _ in range(size)]
    total = math.fsum(weights)
    return [w / total for w in weights]


def _distributions(seed: int, steps: int, vocab: int, peak: float = 1.0) -> list[list[float]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    return [_distribution(rng, vocab, peak) for _ in range(steps)]


def cosine_cases() -> list[Case]:
    rng = random.Random(20_240_501)  # noqa: S311 - reproducible test data, not secrets
    dim300 = _random_vector(rng, 300, 1.0)
    big = _random_vector(rng, 20_000)
    return [
        Case("parallel vectors", [[1, 2, 3], [2, 4, 6]], "sample"),
        Case("orthogonal vectors", [[1, 0], [0, 1]], "sample"),
        Case("lengths differ", [[1, 2], [1, 2, 3]], "sample", raises="ValueError"),
        Case("general 3-d", [[1, 2, 3], [4, 5, 6]], "sample"),
        Case("mixed signs", [[3, -1, 2], [1, 4, -2]]),
        Case("opposite vectors", [[1, -2, 3], [-1, 2, -3]]),
        Case("opposite, different norms", [[0.5, 1.5], [-2, -6]]),
        Case("all negative components", [[-1, -2, -3], [-4, -5, -6.5]]),
        Case("orthogonal with mixed signs", [[1, 1, -1, -1], [1, -1, 1, -1]]),
        Case("first vector is zero", [[0, 0, 0], [1, 2, 3]]),
        Case("second vector is zero", [[1.5, -2.5], [0.0, 0.0]]),
        Case("both vectors zero", [[0, 0], [0, 0]]),
        Case("empty vectors", [[], []]),
        Case("single element, same sign", [[3], [5]]),
        Case("single element, opposite sign", [[2.5], [-7]]),
        Case("single element, zero", [[0], [4]]),
        Case("lengths differ, one vector zero", [[0, 0], [0]], raises="ValueError"),
        Case("lengths differ, one vector empty", [[], [1.0]], raises="ValueError"),
        Case("large magnitudes", [[1e100, 2e100, 3e100], [4e100, -5e100, 6e100]]),
        Case("small magnitudes", [[1e-100, 2e-100, -3e-100], [3e-100, 1e-100, 2e-100]]),
        Case("very different scales", [[0.001, 0.002, 0.003], [1000, 2000, 3001]]),
        Case("integer inputs", [[1, 2], [2, 1]]),
        Case("300-d embedding-like vectors", [dim300, _correlated(rng, dim300, 0.5)]),
        Case("20,000-d vectors", [big, _correlated(rng, big, 4.0)], weight=2.0),
    ]


def beam_cases() -> list[Case]:
    return [
        Case("two steps, width 2", [[[0.6, 0.4], [0.7, 0.3]], 2], "sample"),
        Case("width 1 is greedy", [[[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], 1], "sample"),
        Case("width above V**T returns every sequence", [[[0.2, 0.8], [0.4, 0.6]], 10], "sample"),
        Case("one step", [[[0.1, 0.2, 0.3, 0.4]], 3]),
        Case("one step, width equals V", [[[0.25, 0.05, 0.7]], 3]),
        Case("one token in the vocabulary", [[[1.0], [1.0], [1.0]], 3]),
        Case("one step, one token", [[[1.0]], 1]),
        Case("width exactly V**T", [_distributions(7, 3, 4), 64]),
        Case("width far above V**T", [_distributions(8, 2, 3), 50]),
        Case("second best differs early", [[[0.5, 0.45, 0.05], [0.9, 0.05, 0.05]], 2]),
        Case("second best differs early, long", [[[0.5, 0.45, 0.05]] + [[0.9, 0.06, 0.04]] * 5, 3]),
        Case("all scores tied", [[[0.5, 0.5], [0.5, 0.5]], 2]),
        Case("tie at the cut-off", [[[0.5, 0.25, 0.25], [0.5, 0.3, 0.2]], 3]),
        Case("near ties are ordered", [[[0.3334, 0.3333, 0.3333], [0.5, 0.49999, 0.00001]], 4]),
        Case("tiny probabilities", [[[1e-12, 1 - 1e-12], [0.999999, 1e-06]], 4]),
        Case("greedy on a long sequence", [_distributions(9, 20, 5), 1]),
        Case("random 4 x 5, width 7", [_distributions(10, 4, 5), 7]),
        Case("random 10 x 20, width 10", [_distributions(11, 10, 20), 10]),
        Case("peaked 6 x 8, width 15", [_distributions(12, 6, 8, peak=6.0), 15]),
        Case("50 steps x 200 tokens, width 5", [_distributions(13, 50, 200), 5], weight=2.0),
    ]


def _reference(folder: Path, function_name: str) -> Callable[..., Any]:
    return runpy.run_path(str(folder / "reference.py"))[function_name]


def _test(case: Case, function: Callable[..., Any], checker: str, options: dict[str, Any]) -> dict[str, Any]:
    try:
        answer = function(*json.loads(json.dumps(case.args)))
    except Exception as exc:
        if type(exc).__name__ != case.raises:
            raise AssertionError(f"{case.name}: reference raised {exc!r}, case expects {case.raises!r}") from exc
        return _row(case, None, case.raises, "exception", {})
    if case.raises:
        raise AssertionError(f"{case.name}: reference returned, case expects {case.raises}")
    return _row(case, json.loads(json.dumps(answer)), "", checker, options)


def _row(case: Case, expected: Any, exception: str, checker: str, options: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": case.name,
        "args": case.args,
        "expected": expected,
        "expected_exception": exception,
        "checker": checker,
        "checker_options": options,
        "weight": case.weight,
        "visibility": case.visibility,
    }


QUESTIONS: dict[str, tuple[Callable[[], list[Case]], str, dict[str, Any]]] = {
    "cosine_similarity": (cosine_cases, "float", COSINE_OPTIONS),
    "beam_search": (beam_cases, "custom", BEAM_OPTIONS),
}


def render(name: str) -> str:
    """The tests.json text of question ``name``: one test per line, so diffs stay readable."""
    cases, checker, options = QUESTIONS[name]
    function = _reference(HERE / name, name)
    rows = [json.dumps(_test(case, function, checker, options), allow_nan=False) for case in cases()]
    return "[\n" + ",\n".join(rows) + "\n]\n"


def main(argv: list[str]) -> int:
    stale = []
    for name in QUESTIONS:
        path = HERE / name / "tests.json"
        text = render(name)
        if "--check" in argv:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            path.write_text(text)
            print(f"wrote {path} ({len(text):,} bytes)")
    for stale_path in stale:
        print(f"out of date: {stale_path}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
