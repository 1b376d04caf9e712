"""Checker for beam_search, stored as text with the question and run by grading.checkers.custom.

It accepts any correct answer, not only the reference's: sequences with equal scores (within
tolerance) may come in any order, and a tie at the cut-off may be broken either way. It checks:
the number of sequences is min(beam_width, V**T); each is a distinct list of T tokens in range(V);
each reported score is the sum of the natural logs of its tokens' probabilities; the scores are
best first; and, rank by rank, the scores equal the expected (true top-k) scores.

Needs the test's inputs: ``args=[probs, beam_width]``. Returns (passed, message).
"""

import math


def _close(actual, expected, rel_tol, abs_tol):
    return abs(actual - expected) <= max(abs_tol, rel_tol * abs(expected))


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _pair_problem(item, steps, vocab):
    """What is wrong with one (sequence, score) item, or None."""
    if not isinstance(item, list | tuple) or len(item) != 2:
        return "is not a (sequence, score) pair"
    sequence, score = item
    if not isinstance(sequence, list | tuple) or not all(_is_int(token) for token in sequence):
        return "sequence is not a list of ints"
    if len(sequence) != steps:
        return f"sequence has length {len(sequence)}, expected {steps}"
    if not all(0 <= token < vocab for token in sequence):
        return f"sequence has a token outside 0..{vocab - 1}"
    if not _is_number(score):
        return f"score {score!r} is not a finite number"
    return None


def _log_prob(probs, sequence):
    return math.fsum(math.log(probs[step][token]) for step, token in enumerate(sequence))


def _answer_problem(answer, probs, want_count, tol):
    """What is wrong with the answer on its own (shape, scores, order), or None."""
    if not isinstance(answer, list | tuple):
        return f"expected a list of (sequence, score) pairs, got {type(answer).__name__}"
    if len(answer) != want_count:
        return f"expected {want_count} sequences, got {len(answer)}"
    for rank, item in enumerate(answer):
        problem = _pair_problem(item, len(probs), len(probs[0]))
        if problem:
            return f"item {rank}: {problem}"
    if len({tuple(sequence) for sequence, _ in answer}) != len(answer):
        return "the same sequence is returned more than once"
    for rank, (sequence, score) in enumerate(answer):
        true_score = _log_prob(probs, sequence)
        if not _close(score, true_score, *tol):
            return f"item {rank}: reported score {score!r}, but its log-probability is {true_score!r}"
    for rank in range(1, len(answer)):
        better, worse = answer[rank - 1][1], answer[rank][1]
        if worse > better and not _close(worse, better, *tol):
            return f"not best first: item {rank} scores {worse!r}, above item {rank - 1} ({better!r})"
    return None


def check(actual, expected, *, args, rel_tol=1e-9, abs_tol=1e-9, **options):
    if actual.raised is not None:
        return False, f"raised {actual.raised}"
    probs, beam_width = args
    want_count = min(beam_width, len(probs[0]) ** len(probs))
    if len(expected) != want_count:
        raise ValueError(f"expected value has {len(expected)} sequences, the inputs call for {want_count}")
    problem = _answer_problem(actual.value, probs, want_count, (rel_tol, abs_tol))
    if problem:
        return False, problem
    got = sorted((_log_prob(probs, sequence) for sequence, _ in actual.value), reverse=True)
    want = sorted((score for _, score in expected), reverse=True)
    for rank, (got_score, want_score) in enumerate(zip(got, want, strict=True)):
        if not _close(got_score, want_score, rel_tol, abs_tol):
            return False, f"rank {rank}: best score {want_score!r} expected, got {got_score!r} (not the top sequences)"
    return True, ""
