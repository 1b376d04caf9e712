"""The checkers: verdicts, tolerances, and never raising because of what a candidate returned."""

import json
import math

import numpy as np
import pytest

from grading.checkers import (
    CHECKERS,
    CheckerError,
    CheckInput,
    CheckResult,
    CustomCase,
    custom_entry,
    get_checker,
    run_checker,
    run_custom_checks,
    run_test_checker,
)
from grading.checkers.custom import MAX_BATCH_BYTES, results_from_value
from sandbox.types import CompileStatus, RunResult, TestOutcome, TestStatus
from tests.checkers import check_custom

MALFORMED_ANSWERS = [
    None,
    "0.5",
    {"value": 0.5},
    [[1, 2], [3]],
    [True, False],
    [None],
    float("nan"),
    10**400,
    object(),
    {1, 2},
    [[[[[]]]]],
    CheckInput.raising("RecursionError", "maximum recursion depth exceeded"),
]
EXPECTED_BY_CHECKER = {"exact": [1, 2], "float": [0.5, 1.5], "unordered": [1, 2], "exception": "ValueError"}


def raised(type_name, *bases, message="boom"):
    return CheckInput.raising(type_name, message, bases)


# --- exact ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ((1, (2, 3)), [1, [2, 3]]),  # tuples are lists
        (2.0, 2),  # JSON has one number type
        ({"a": (1, 2)}, {"a": [1, 2]}),
        ({1: "x"}, {"1": "x"}),  # dict keys become strings, as in JSON
        (np.int64(3), 3),
        (np.array([1.0, 2.0]), [1, 2]),
        (float("nan"), float("nan")),
        ("text", "text"),
        (None, None),
    ],
)
def test_exact_accepts_equal_json(answer, expected):
    assert run_checker("exact", answer, expected).passed


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (True, 1),  # a bool is not a number
        (1, True),
        ([1, 2], [2, 1]),
        ([1, 2], [1, 2, 3]),
        (0.1 + 0.2, 0.3),  # exact means exact
        ("1", 1),
        ({"a": 1}, {"a": 1, "b": 2}),
        (None, 0),
    ],
)
def test_exact_rejects_different_values(answer, expected):
    assert not run_checker("exact", answer, expected).passed


def test_exact_strict_types_separates_int_and_float():
    assert run_checker("exact", 2.0, 2).passed
    result = run_checker("exact", 2.0, 2, {"strict_types": True})
    assert not result.passed
    assert result.message == "expected 2, got 2.0"


# --- float ---------------------------------------------------------------------------------------


def test_float_message_is_short_and_reviewer_readable():
    assert run_checker("float", 0.49, 0.5) == CheckResult(False, "expected 0.5, got 0.49")


@pytest.mark.parametrize(
    ("answer", "expected", "passed"),
    [
        (1.0 + 0.9e-6, 1.0, True),  # inside rel_tol 1e-6
        (1.0 + 1.1e-6, 1.0, False),
        (1e6 + 0.9, 1e6, True),  # relative to the expected value
        (1e6 + 1.1, 1e6, False),
        (0.9e-9, 0.0, True),  # abs_tol 1e-9 where relative tolerance is useless
        (1.1e-9, 0.0, False),
        (-0.5, 0.5, False),
        (np.float32(0.5), 0.5, True),
    ],
)
def test_float_default_tolerance_edges(answer, expected, passed):
    assert run_checker("float", answer, expected).passed is passed


def test_float_tolerances_are_options():
    assert not run_checker("float", 1.01, 1.0).passed
    assert run_checker("float", 1.01, 1.0, {"rel_tol": 0.02}).passed
    assert run_checker("float", 0.01, 0.0, {"abs_tol": 0.02}).passed
    assert not run_checker("float", 0.01, 0.0, {"rel_tol": 0.5, "abs_tol": 0}).passed


@pytest.mark.parametrize(
    ("answer", "expected", "passed"),
    [
        (float("nan"), float("nan"), True),
        (float("nan"), 1.0, False),
        (1.0, float("nan"), False),
        (math.inf, math.inf, True),
        (-math.inf, math.inf, False),
        (1e308, math.inf, False),
        (math.inf, 1e308, False),
        ([1.0, float("nan")], [1.0, float("nan")], True),
    ],
)
def test_float_nan_and_inf(answer, expected, passed):
    assert run_checker("float", answer, expected).passed is passed


def test_float_compares_nested_arrays_elementwise():
    expected = [[1.0, 2.0], [3.0, 4.0]]
    assert run_checker("float", np.array(expected) + 1e-12, expected).passed
    assert run_checker("float", ((1, 2), (3, 4)), expected).passed
    result = run_checker("float", [[1.0, 2.0], [3.0, 4.1]], expected)
    assert result == CheckResult(False, "1 of 4 values differ; at [1, 1]: expected 4.0, got 4.1")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [([1.0, 2.0], [[1.0, 2.0]]), ([0.5], 0.5), (0.5, [0.5]), ([1.0, 2.0, 3.0], [1.0, 2.0]), ([], [0.0])],
)
def test_float_shape_mismatch_fails(answer, expected):
    result = run_checker("float", answer, expected)
    assert not result.passed
    assert result.message.startswith("shape mismatch")


@pytest.mark.parametrize("answer", [True, "0.5", None, [0.5, "x"], [[1.0], [1.0, 2.0]], 10**400])
def test_float_rejects_non_numbers(answer):
    result = run_checker("float", answer, 0.5 if not isinstance(answer, list) else [0.5, 0.5])
    assert not result.passed


def test_float_expected_value_that_is_not_numeric_is_a_checker_error():
    with pytest.raises(CheckerError, match="not numeric"):
        run_checker("float", 0.5, "0.5")


# --- unordered -----------------------------------------------------------------------------------


def test_unordered_ignores_order_of_the_outer_list_only():
    assert run_checker("unordered", [3, 1, 2], [1, 2, 3]).passed
    assert run_checker("unordered", [(2, 1), (0, 3)], [[0, 3], [2, 1]]).passed
    assert not run_checker("unordered", [[1, 2]], [[2, 1]]).passed


def test_unordered_counts_duplicates():
    result = run_checker("unordered", [1, 1, 2], [1, 2, 2])
    assert result == CheckResult(False, "1 expected element(s) missing, e.g. 2")
    assert not run_checker("unordered", [1, 2], [1, 2, 2]).passed


def test_unordered_keeps_json_equality_rules():
    assert run_checker("unordered", [2.0, 1], [1, 2]).passed
    assert not run_checker("unordered", [True, 2], [1, 2]).passed
    assert run_checker("unordered", [float("nan"), 1], [1, float("nan")]).passed
    assert run_checker("unordered", [{"b": 2}, {"a": 1}], [{"a": 1}, {"b": 2}]).passed


def test_unordered_with_tolerance():
    assert not run_checker("unordered", [0.30000000000000004, 0.1], [0.1, 0.3]).passed
    assert run_checker("unordered", [0.1 + 0.2, 0.1], [0.1, 0.3], {"abs_tol": 1e-9}).passed
    pairs = [["b", 0.1 + 0.2], ["a", 1.0]]
    assert run_checker("unordered", pairs, [["a", 1.0], ["b", 0.3]], {"rel_tol": 1e-9}).passed
    assert not run_checker("unordered", pairs, [["a", 1.0], ["b", 0.31]], {"rel_tol": 1e-9}).passed


def test_unordered_tolerance_finds_a_pairing_that_sorting_misses(monkeypatch):
    # Sorting pairs [0.0, 1] with [0.0, 5]; the pairing that fits crosses the sorted order.
    answer = [[0.05, 5], [0.0, 1]]
    expected = [[0.0, 5], [0.04, 1]]
    assert run_checker("unordered", answer, expected, {"abs_tol": 0.1}).passed
    monkeypatch.setattr("grading.checkers.unordered.MATCHING_LIMIT", 0)  # sorted pairing only
    assert not run_checker("unordered", answer, expected, {"abs_tol": 0.1}).passed


def test_unordered_rejects_wrong_length_and_non_lists():
    assert run_checker("unordered", [1], [1, 2]).message == "expected 2 elements, got 1"
    assert not run_checker("unordered", {"a": 1}, [1]).passed
    with pytest.raises(CheckerError, match="not a list"):
        run_checker("unordered", [1], 1)


# --- exception -----------------------------------------------------------------------------------


def test_exception_matches_the_type_name_not_the_message():
    assert run_checker("exception", raised("ValueError", message="anything"), "ValueError").passed
    result = run_checker("exception", raised("TypeError"), "ValueError")
    assert result == CheckResult(False, "expected ValueError, raised TypeError: boom")


def test_exception_returning_instead_of_raising_fails():
    assert run_checker("exception", 0.0, "ValueError") == CheckResult(
        False, "expected ValueError to be raised, returned 0.0"
    )


def test_exception_subclass_passes_through_reported_bases():
    zero_division = raised("ZeroDivisionError", "ArithmeticError", "Exception", "BaseException")
    assert run_checker("exception", zero_division, "ArithmeticError").passed
    assert not run_checker("exception", zero_division, "ArithmeticError", {"match_bases": False}).passed
    assert not run_checker("exception", raised("ArithmeticError", "Exception"), "ZeroDivisionError").passed


def test_exception_accepts_a_list_of_names():
    assert run_checker("exception", raised("KeyError"), ["ValueError", "KeyError"]).passed
    assert run_checker("exception", raised("KeyError"), "ValueError", {"also": ["KeyError"]}).passed
    assert not run_checker("exception", raised("IndexError"), ["ValueError", "KeyError"]).passed


def test_value_checkers_fail_when_the_code_raised():
    for name, expected in EXPECTED_BY_CHECKER.items():
        if name != "exception":
            result = run_checker(name, raised("ValueError", message="bad"), expected)
            assert result == CheckResult(False, "raised ValueError: bad")


def test_exception_checker_needs_a_type_name():
    with pytest.raises(CheckerError):
        run_checker("exception", raised("ValueError"), None)


# --- registry and robustness ---------------------------------------------------------------------


def test_registry_knows_every_builtin_checker():
    assert set(CHECKERS) == {"exact", "float", "unordered", "exception"}
    for name, check in CHECKERS.items():
        assert get_checker(name) is check
        assert check.__doc__


def test_unknown_checker_or_option_is_a_checker_error():
    with pytest.raises(CheckerError, match="unknown checker"):
        run_checker("fuzzy", 1, 1)
    with pytest.raises(CheckerError, match="rtol"):
        run_checker("float", 1.0, 1.0, {"rtol": 1e-3})


@pytest.mark.parametrize("name", sorted(EXPECTED_BY_CHECKER))
@pytest.mark.parametrize("answer", MALFORMED_ANSWERS, ids=repr)
def test_malformed_answers_fail_and_never_raise(name, answer):
    result = run_checker(name, answer, EXPECTED_BY_CHECKER[name])
    assert isinstance(result, CheckResult)
    assert not result.passed
    assert result.message


def test_deeply_nested_answer_fails_cleanly():
    answer: list = []
    for _ in range(100_000):
        answer = [answer]
    for name, expected in EXPECTED_BY_CHECKER.items():
        assert not run_checker(name, answer, expected).passed


def test_huge_answers_give_bounded_messages():
    result = run_checker("exact", "x" * 1_000_000, "y")
    assert not result.passed
    assert len(result.message) <= 300


def test_run_test_checker_reads_a_test_row():
    raises = {"args": [[1], [1, 2]], "expected": None, "expected_exception": "ValueError", "checker": "exception"}
    assert run_test_checker(raises, raised("ValueError")).passed
    assert not run_test_checker(raises, 0.0).passed
    returns = {"args": [], "expected": 0.5, "checker": "float", "checker_options": {"abs_tol": 0.1}}
    assert run_test_checker(returns, 0.55).passed
    assert not run_test_checker(returns, 0.65).passed


# --- custom (the checker run's own code, in-process; the sandbox in test_custom_checkers.py) ------

SUM_CHECKER = """
import math

def check(actual, expected, *, args, tolerance=1e-9):
    if actual.raised is not None:
        return False, f"raised {actual.raised}"
    want = math.fsum(args[0])
    return abs(actual.value - want) <= tolerance, f"sum of the inputs is {want}"
"""


def test_custom_checker_receives_args_and_options():
    assert check_custom(6.0, None, {}, source=SUM_CHECKER, args=[[1, 2, 3]]).passed
    assert not check_custom(6.1, None, {}, source=SUM_CHECKER, args=[[1, 2, 3]]).passed
    assert check_custom(6.1, None, {"tolerance": 0.5}, source=SUM_CHECKER, args=[[1, 2, 3]]).passed


def test_custom_checker_sees_json_normalised_answers_and_non_finite_floats():
    source = "def check(actual, expected, **options):\n    return isinstance(actual.value, list), ''\n"
    assert check_custom((1, 2), [1, 2], source=source).passed
    source = "import math\ndef check(actual, expected, **options):\n    return math.isnan(actual.value[1]), ''\n"
    assert check_custom([float("inf"), float("nan")], None, source=source).passed


def test_custom_checker_sees_a_raised_exception():
    source = "def check(actual, expected, **o):\n    return actual.raised.type_name == expected, str(actual.raised)\n"
    assert check_custom(raised("KeyError", message="k"), "KeyError", source=source) == CheckResult(True, "KeyError: k")


@pytest.mark.parametrize("returned", ["CheckResult(True, 'fine')", "True", "(True, 'fine')", "[True, 'fine']"])
def test_custom_checker_may_return_result_bool_or_pair(returned):
    source = f"def check(actual, expected, **options):\n    return {returned}\n"
    assert check_custom(1, 1, source=source).passed


def test_custom_checker_crash_on_malformed_answer_is_a_failed_check():
    result = check_custom("six", 6.0, {}, source=SUM_CHECKER, args=[[1, 2, 3]])
    assert not result.passed
    assert result.message.startswith("checker could not read the answer: TypeError")
    assert "(checker.py, line 8)" in result.message


@pytest.mark.parametrize(
    ("source", "match"),
    [
        ("def check(actual, expected, **options)\n    return True\n", "does not load: SyntaxError"),
        ("x = 1\n", "defines no check"),
        ("import no_such_module\ndef check(actual, expected, **options):\n    return True\n", "ModuleNotFound"),
        ("def check(actual, expected, **options):\n    return 1 / 0\n", "crashes on the expected value"),
        ("def check(actual, expected, **options):\n    return 'yes'\n", "returned str"),
        ("def check(actual, expected, **options):\n    return (1, 'truthy')\n", "returned tuple"),
        ("def check(actual, expected, **options):\n    return CheckResult('yes')\n", "returned CheckResult"),
        # crashes on the candidate's 5, and on the expected value returns False: broken either way
        (
            "def check(actual, expected, **options):\n    return actual.value[0] != expected[0]\n",
            "rejects the expected",
        ),
        ("def check(actual, expected):\n    return True\n", "cannot be called with options"),
    ],
)
def test_broken_custom_checker_raises_checker_error(source, match):
    options = {"unused": 1} if "expected):" in source else {}
    with pytest.raises(CheckerError, match=match):
        check_custom(5, [1], options, source=source, args=[1])


def test_custom_test_without_checker_source_is_a_checker_error():
    with pytest.raises(CheckerError, match="no checker source"):
        check_custom(1, 1, source="")


def test_custom_checkers_never_run_in_the_worker():
    with pytest.raises(CheckerError, match="never run in the worker"):
        run_checker("custom", 1, 1)
    with pytest.raises(CheckerError, match="never run in the worker"):
        run_test_checker({"checker": "custom", "expected": 1}, 1)


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        {"results": [{"passed": 1, "message": ""}]},
        {"results": [{"passed": True, "message": ""}, {"passed": True, "message": ""}]},
        {"results": [{"passed": True, "message": 3}]},
        {"results": [{"passed": True, "message": "", "extra": 1}]},
        {"results": [True]},
        {"results": [], "error": "x"},
        {"error": 3},
    ],
    ids=repr,
)
def test_the_worker_accepts_only_a_well_formed_checker_answer(value):
    with pytest.raises(CheckerError):
        results_from_value(value, 1)


def test_a_checker_run_reports_its_error():
    with pytest.raises(CheckerError, match=r"^custom checker does not load"):
        results_from_value({"error": "custom checker does not load: SyntaxError"}, 1)
    assert results_from_value({"results": [{"passed": True, "message": "ok"}]}, 1) == [CheckResult(True, "ok")]


def test_custom_checker_may_import_what_the_image_holds():
    source = "import numpy as np\nfrom fractions import Fraction\n\ndef check(actual, expected, **o):\n"
    source += "    return bool(np.isclose(actual.value, float(Fraction(1, 3)))), ''\n"
    assert check_custom(1 / 3, None, source=source).passed


def in_process_run(jobs: list):
    """A stand-in for the sandbox: the checker run's program on the job's JSON, in this process."""

    def run(job):
        jobs.append(job)
        (test,) = job.tests
        value = custom_entry.check_all(*json.loads(json.dumps(test.args, allow_nan=False)))
        outcome = TestOutcome(test.id, TestStatus.OK, value=value)
        return RunResult(CompileStatus.OK, None, [outcome], "image", "sha256:x", "runc", job.limits)

    return run


def test_one_checker_run_for_a_submission_more_only_for_answers_of_megabytes():
    source = "def check(actual, expected, **options):\n    return len(actual.value) == expected, ''\n"
    small = [CustomCase(CheckInput.returned("x" * n), n, {}) for n in range(40)]
    jobs: list = []
    assert all(result.passed for result in run_custom_checks(source, small, run=in_process_run(jobs)))
    assert len(jobs) == 1

    huge = [CustomCase(CheckInput.returned("x" * (3 << 20)), (3 << 20) + (n == 4), {}) for n in range(6)]
    jobs.clear()
    results = run_custom_checks(source, [small[0], *huge, small[1]], run=in_process_run(jobs))
    assert [result.passed for result in results] == [True, True, True, True, True, False, True, True]
    assert len(jobs) == 3  # 3 MB answers, two to a run
    assert all(len(json.dumps(job.tests[0].args)) < MAX_BATCH_BYTES + (64 << 10) for job in jobs)
