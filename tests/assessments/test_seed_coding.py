"""The seed coding questions: complete, their references accepted, wrong solutions rejected where wrong."""

import copy
import doctest
import inspect
import json
import runpy
from pathlib import Path

import numpy as np
import pytest

from assessments.seed.coding import CODING_SEEDS, SEED_DIR, generate, load_coding_seed
from grading.checkers import CHECKERS, CUSTOM, CheckerError, CheckInput
from tests.checkers import check_custom, check_test

WRONG_SOLUTIONS = Path(__file__).parent / "wrong_solutions"
TEST_FIELDS = {"name", "args", "expected", "expected_exception", "checker", "checker_options", "weight", "visibility"}


def function_of(source_or_path, name):
    """Define the solution in-process (trusted test code) and return its function."""
    if isinstance(source_or_path, Path):
        return runpy.run_path(str(source_or_path))[name]
    namespace: dict = {}
    exec(compile(source_or_path, f"<{name}>", "exec"), namespace)  # noqa: S102 - our own reference
    return namespace[name]


def run_in_process(function, args) -> CheckInput:
    """What the sandbox would report for one test, minus the sandbox."""
    try:
        return CheckInput.returned(function(*copy.deepcopy(args)))
    except Exception as exc:
        return CheckInput.raising(type(exc).__name__, str(exc), [cls.__name__ for cls in type(exc).__mro__[1:]])


def failing_tests(seed, function) -> dict[str, str]:
    """Test name -> checker message, for every test the function fails."""
    results = {
        t["name"]: check_test(t, run_in_process(function, t["args"]), seed["checker_source"]) for t in seed["tests"]
    }
    return {name: result.message for name, result in results.items() if not result.passed}


@pytest.fixture(scope="module", params=CODING_SEEDS)
def seed(request):
    return load_coding_seed(request.param)


def test_loader_returns_everything(seed):
    assert set(seed) == {"name", "spec", "prompt", "starter", "reference", "tests", "checker_source"}
    spec = seed["spec"]
    assert spec["language"] == "python"
    assert spec["function_name"] == seed["name"]
    assert spec["cpu_seconds"] > 0 and spec["wall_seconds"] >= spec["cpu_seconds"] and 16 <= spec["memory_mb"] <= 4096
    assert seed["prompt"].startswith("# ") and seed["name"] in seed["prompt"]
    uses_custom = any(t["checker"] == CUSTOM for t in seed["tests"])
    assert bool(seed["checker_source"]) == uses_custom == bool(spec["checker_file"])


def test_unknown_seed_is_a_clear_error():
    with pytest.raises(KeyError, match="cosine_similarity"):
        load_coding_seed("fizzbuzz")


def test_tests_are_well_formed(seed):
    tests = seed["tests"]
    assert sum(t["visibility"] == "sample" for t in tests) >= 3
    assert sum(t["visibility"] == "hidden" for t in tests) >= 15
    assert len({t["name"] for t in tests}) == len(tests)
    for test in tests:
        assert set(test) == TEST_FIELDS
        assert test["checker"] in {*CHECKERS, CUSTOM}
        assert test["visibility"] in {"sample", "hidden"} and test["weight"] > 0
        assert isinstance(test["args"], list)
        # Same rule as the TestCase model's constraint: an expected exception needs the exception checker.
        assert (test["checker"] == "exception") == bool(test["expected_exception"])
        assert (test["expected"] is None) == bool(test["expected_exception"])


def test_tests_json_is_what_generate_writes_and_stays_small(seed):
    path = SEED_DIR / seed["name"] / "tests.json"
    assert path.read_text() == generate.render(seed["name"]), "run python -m assessments.seed.coding.generate"
    assert path.stat().st_size < 1_000_000


def test_signature_matches_starter_and_reference(seed):
    name, signature = seed["name"], seed["spec"]["signature"]
    for source in (seed["starter"], seed["reference"]):
        function = function_of(source, name)
        assert f"def {name}{inspect.signature(function)}" == signature
    with pytest.raises(NotImplementedError):
        function_of(seed["starter"], name)(*seed["tests"][0]["args"])


def test_prompt_examples_hold_for_the_reference(seed):
    text = "\n".join("" if line.startswith("```") else line for line in seed["prompt"].splitlines())
    globs = {seed["name"]: function_of(seed["reference"], seed["name"])}
    parsed = doctest.DocTestParser().get_doctest(text, globs, seed["name"], None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.IGNORE_EXCEPTION_DETAIL)
    runner.run(parsed)
    assert runner.summarize(verbose=False) == doctest.TestResults(failed=0, attempted=len(parsed.examples))
    assert parsed.examples


def test_reference_passes_every_test(seed):
    assert failing_tests(seed, function_of(seed["reference"], seed["name"])) == {}


def test_large_input_cases_are_large():
    cosine = {t["name"]: t for t in load_coding_seed("cosine_similarity")["tests"]}
    assert len(cosine["20,000-d vectors"]["args"][0]) == 20_000
    beam = {t["name"]: t for t in load_coding_seed("beam_search")["tests"]}
    probs, width = beam["50 steps x 200 tokens, width 5"]["args"]
    assert (len(probs), len(probs[0]), width) == (50, 200, 5)
    assert all(p > 0 for row in probs for p in row)


# --- wrong solutions: rejected exactly where they are wrong ----------------------------------------

ALL = object()
COSINE_ZERO_VECTOR = {
    "first vector is zero",
    "second vector is zero",
    "both vectors zero",
    "empty vectors",
    "single element, zero",
}
COSINE_LENGTH = {"lengths differ", "lengths differ, one vector zero", "lengths differ, one vector empty"}
BEAM_SINGLE_SEQUENCE = {
    "width 1 is greedy",
    "one token in the vocabulary",
    "one step, one token",
    "greedy on a long sequence",
}
BEAM_LOG_IS_MEAN = {"one step", "one step, width equals V", "one token in the vocabulary", "one step, one token"}
BEAM_GREEDY_IS_RIGHT = {"one step", "one step, width equals V", "all scores tied", *BEAM_SINGLE_SEQUENCE}

# file -> (names of the tests it must fail, or ALL / ("ALL BUT", names)), a phrase every failure message has)
EXPECTED_FAILURES = {
    "cosine_no_zero_guard.py": (COSINE_ZERO_VECTOR, "raised ZeroDivisionError"),
    "cosine_epsilon_guard.py": ({"small magnitudes"}, "got 0.0"),
    "cosine_no_length_check.py": (COSINE_LENGTH, "expected ValueError to be raised"),
    "cosine_off_by_one.py": (
        {
            "general 3-d",
            "mixed signs",
            "all negative components",
            "orthogonal with mixed signs",
            "single element, same sign",
            "single element, opposite sign",
            "large magnitudes",
            "small magnitudes",
            "integer inputs",
            "300-d embedding-like vectors",
            "20,000-d vectors",
        },
        "expected ",
    ),
    "cosine_no_sqrt.py": (
        ("ALL BUT", {"orthogonal vectors", "orthogonal with mixed signs", *COSINE_ZERO_VECTOR, *COSINE_LENGTH}),
        "",
    ),
    "beam_greedy.py": (("ALL BUT", BEAM_GREEDY_IS_RIGHT), ""),
    "beam_rank_zip.py": (("ALL BUT", BEAM_GREEDY_IS_RIGHT), ""),
    "beam_product_scores.py": (ALL, "reported score"),
    "beam_length_normalised.py": (("ALL BUT", BEAM_LOG_IS_MEAN), "reported score"),
    "beam_worst_first.py": (("ALL BUT", {"all scores tied", *BEAM_SINGLE_SEQUENCE}), "not best first"),
    "beam_off_by_one.py": (ALL, "expected"),
}


def expected_failing(spec, all_names):
    if spec is ALL:
        return set(all_names)
    if isinstance(spec, tuple):
        return set(all_names) - spec[1]
    return spec


def test_every_wrong_solution_file_is_covered():
    assert {path.name for path in WRONG_SOLUTIONS.glob("*.py")} == set(EXPECTED_FAILURES)


@pytest.mark.parametrize("filename", sorted(EXPECTED_FAILURES))
def test_wrong_solution_is_rejected_exactly_where_it_is_wrong(filename):
    name = "cosine_similarity" if filename.startswith("cosine") else "beam_search"
    seed = load_coding_seed(name)
    failures = failing_tests(seed, function_of(WRONG_SOLUTIONS / filename, name))
    spec, phrase = EXPECTED_FAILURES[filename]
    assert set(failures) == expected_failing(spec, [t["name"] for t in seed["tests"]])
    assert all(phrase in message for message in failures.values()), failures


# --- the beam-search checker accepts every right answer and nothing else ---------------------------


def beam_check(answer, probs, beam_width, expected=None):
    if expected is None:
        expected = function_of(load_coding_seed("beam_search")["reference"], "beam_search")(probs, beam_width)
    source = load_coding_seed("beam_search")["checker_source"]
    options = generate.BEAM_OPTIONS
    return check_custom(answer, json.loads(json.dumps(expected)), options, source=source, args=[probs, beam_width])


TIED = [[0.5, 0.5], [0.5, 0.5]]
CUTOFF_TIE = [[0.5, 0.25, 0.25], [0.5, 0.3, 0.2]]
LOG = np.log


def test_beam_checker_accepts_any_order_and_choice_among_ties():
    quarter = float(LOG(0.25))
    assert beam_check([([1, 1], quarter), ([1, 0], quarter)], TIED, 2).passed
    # At the cut-off (0,0), (0,1) then one of (1,0)/(2,0): either is right.
    top2 = [([0, 0], float(LOG(0.25))), ([0, 1], float(LOG(0.15)))]
    assert beam_check([*top2, ([2, 0], float(LOG(0.125)))], CUTOFF_TIE, 3).passed
    assert beam_check([*top2, ([1, 0], float(LOG(0.125)))], CUTOFF_TIE, 3).passed


def test_beam_checker_accepts_tuples_numpy_numbers_and_rounding_noise():
    probs = [[0.6, 0.4], [0.7, 0.3]]
    answer = ((np.array([0, 0]), np.float64(LOG(0.6) + LOG(0.7))), ([np.int64(1), 0], LOG(0.4 * 0.7) + 1e-12))
    assert beam_check(answer, probs, 2).passed


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([([0, 0], -0.8675005677047232)], "expected 2 sequences, got 1"),
        ([([0, 0], -0.8675005677047232)] * 2, "more than once"),
        ([([0], -0.5108), ([1, 0], -1.2729656758128876)], "length 1, expected 2"),
        ([([0, 0], -0.8675005677047232), ([2, 0], -1.0)], "outside 0..1"),
        ([([0, 0], -0.8675005677047232), ([-1, 0], -1.0)], "outside 0..1"),
        ([([0, 0], -0.8675005677047232), ([True, 0], -1.2729656758128876)], "not a list of ints"),
        ([([0, 0], -0.8675005677047232), ([1.0, 0], -1.2729656758128876)], "not a list of ints"),
        ([([0, 0], -0.8675005677047232), ([1, 0], float("nan"))], "not a finite number"),
        ([([0, 0], -0.8675005677047232), ([1, 0], "-1.27")], "not a finite number"),
        ([([0, 0], -0.8675005677047232), ([1, 0], -1.2729656758128876, 0)], "not a (sequence, score) pair"),
        ([([0, 0], -0.8675005677047232), ([1, 0], -1.27297)], "log-probability is"),
        ([([1, 0], -1.2729656758128876), ([0, 0], -0.8675005677047232)], "not best first"),
        ([([0, 0], -0.8675005677047232), ([0, 1], -1.7147984280919266)], "not the top sequences"),
        ({"0": [[0, 0], -0.8675005677047232]}, "expected a list"),
        (None, "expected a list"),
        ([None, None], "item 0: is not a (sequence, score) pair"),
        (CheckInput.raising("IndexError", "list index out of range"), "raised IndexError"),
    ],
)
def test_beam_checker_rejects_wrong_answers_with_a_reason(answer, message):
    result = beam_check(answer, [[0.6, 0.4], [0.7, 0.3]], 2)
    assert not result.passed
    assert message in result.message


def test_beam_checker_with_a_wrong_expected_value_is_a_checker_error():
    probs = [[0.6, 0.4], [0.7, 0.3]]
    with pytest.raises(CheckerError, match="inputs call for 2"):
        beam_check([([0, 0], -0.8675005677047232)], probs, 2, expected=[([0, 0], -0.8675005677047232)])
