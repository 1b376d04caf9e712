"""Winnowed fingerprints: copies found through renaming and reformatting, honest work and starter code not."""

import random
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest

from grading.similarity import (
    Fingerprints,
    K,
    W,
    fingerprint,
    matched_lines,
    similar_pairs,
    similarity,
    tokenise,
    winnow,
)

SEED_DIR = Path(__file__).resolve().parents[2] / "assessments" / "seed" / "coding"
COSINE_STARTER = (SEED_DIR / "cosine_similarity" / "starter.py").read_text()
COSINE_REFERENCE = (SEED_DIR / "cosine_similarity" / "reference.py").read_text()
BEAM_STARTER = (SEED_DIR / "beam_search" / "starter.py").read_text()
BEAM_REFERENCE = (SEED_DIR / "beam_search" / "reference.py").read_text()

# The reference, with every name changed, the layout changed, comments and a docstring added.
COSINE_DISGUISED = '''\
import math

# my own solution
def cosine_similarity(vec1: list[float],
                      vec2: list[float]) -> float:
    """Computes the cosine between two vectors."""
    if len(vec1) != len(vec2):   # lengths first, as the prompt says
        raise ValueError(f"bad lengths {len(vec1)} {len(vec2)}")
    length1 = math.sqrt(math.fsum(v * v for v in vec1))
    length2 = math.sqrt(math.fsum(u * u
                                  for u in vec2))

    # zero vectors have no direction
    if length1 == 0 or length2 == 0: return 0
    c = math.fsum(v * u for v, u in zip(vec1, vec2, strict=True)) / (length1 * length2)
    return max(-1, min(1, c))  # clamp rounding
'''

COSINE_LOOP = """\
def cosine_similarity(a: list[float], b: list[float]) -> float:
    if len(a) != len(b):
        raise ValueError("length mismatch")
    dot = 0.0
    sq_a = 0.0
    sq_b = 0.0
    for i in range(len(a)):
        dot += a[i] * b[i]
        sq_a += a[i] ** 2
        sq_b += b[i] ** 2
    if sq_a == 0 or sq_b == 0:
        return 0.0
    result = dot / (sq_a ** 0.5 * sq_b ** 0.5)
    if result > 1.0:
        result = 1.0
    elif result < -1.0:
        result = -1.0
    return result
"""

COSINE_NUMPY = """\
import numpy as np


def cosine_similarity(a: list[float], b: list[float]) -> float:
    va, vb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if va.shape != vb.shape:
        raise ValueError(f"shapes differ: {va.shape} vs {vb.shape}")
    na, nb = np.linalg.norm(va), np.linalg.norm(vb)
    return 0.0 if na == 0 or nb == 0 else float(np.clip(va @ vb / na / nb, -1, 1))
"""

BEAM_HEAP = """\
import heapq
import math


def beam_search(probs: list[list[float]], beam_width: int) -> list[tuple[list[int], float]]:
    beam = [(0.0, ())]
    for step in probs:
        logs = [math.log(p) for p in step]
        expanded = ((score + lp, seq + (tok,)) for score, seq in beam for tok, lp in enumerate(logs))
        beam = heapq.nlargest(beam_width, expanded, key=lambda item: item[0])
    return [(list(seq), score) for score, seq in beam]
"""

BEAM_LAZY_K_BEST = '''\
import heapq
from math import log


def beam_search(probs, beam_width):
    """k-best sums over independent steps: best-first search over offsets into sorted rows."""
    if not probs:
        return [([], 0.0)]
    order = [sorted(range(len(row)), key=lambda v, row=row: -row[v]) for row in probs]
    logs = [[log(row[v]) for v in ranks] for row, ranks in zip(probs, order)]
    start = (0,) * len(probs)
    frontier = [(-sum(step[0] for step in logs), start)]
    seen = {start}
    out = []
    while frontier and len(out) < beam_width:
        neg, offsets = heapq.heappop(frontier)
        out.append(([order[t][o] for t, o in enumerate(offsets)], -neg))
        for t in range(len(offsets)):
            if offsets[t] + 1 < len(logs[t]):
                nxt = offsets[:t] + (offsets[t] + 1,) + offsets[t + 1:]
                if nxt not in seen:
                    seen.add(nxt)
                    delta = logs[t][offsets[t] + 1] - logs[t][offsets[t]]
                    heapq.heappush(frontier, (neg - delta, nxt))
    return out
'''

BEAM_INDEX_LOOPS = """\
import math


def beam_search(probs: list[list[float]], beam_width: int) -> list[tuple[list[int], float]]:
    sequences = [[]]
    scores = [0.0]
    t = 0
    while t < len(probs):
        pool = []
        for i in range(len(sequences)):
            for v in range(len(probs[t])):
                pool.append((scores[i] + math.log(probs[t][v]), sequences[i] + [v]))
        pool.sort(reverse=True)
        sequences = [item[1] for item in pool[:beam_width]]
        scores = [item[0] for item in pool[:beam_width]]
        t += 1
    return list(zip(sequences, scores))
"""

COSINE_SOLUTIONS = {"reference": COSINE_REFERENCE, "loop": COSINE_LOOP, "numpy": COSINE_NUMPY}
BEAM_SOLUTIONS = {"reference": BEAM_REFERENCE, "heap": BEAM_HEAP, "k_best": BEAM_LAZY_K_BEST, "loops": BEAM_INDEX_LOOPS}


def _score(source_a: str, source_b: str, starter: str = "") -> float:
    ignore = frozenset(fingerprint(starter).kgram_hashes)
    return similarity(fingerprint(source_a), fingerprint(source_b), ignore)


def test_solutions_are_correct():
    """The 'different solutions' below must be real solutions, or the low scores prove nothing."""
    for source in COSINE_SOLUTIONS.values():
        namespace: dict = {}
        exec(compile(source, "<solution>", "exec"), namespace)  # noqa: S102 - our own fixtures
        assert namespace["cosine_similarity"]([1, 2, 3], [4, 5, 6]) == pytest.approx(0.9746318461970762)
        assert namespace["cosine_similarity"]([0, 0], [1, 2]) == 0.0
    probs = [[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.25, 0.25, 0.5]]
    expected = _run(BEAM_REFERENCE, "beam_search")(probs, 5)
    for source in BEAM_SOLUTIONS.values():
        result = _run(source, "beam_search")(probs, 5)
        assert [score for _, score in result] == pytest.approx([score for _, score in expected])


def _run(source: str, name: str):
    namespace: dict = {}
    exec(compile(source, "<solution>", "exec"), namespace)  # noqa: S102 - our own fixtures
    return namespace[name]


def test_renamed_reformatted_commented_copy_scores_one():
    assert _score(COSINE_REFERENCE, COSINE_DISGUISED, COSINE_STARTER) == pytest.approx(1.0)


def test_disguised_copy_is_flagged_with_its_lines():
    submissions = {"alice": COSINE_REFERENCE, "bob": COSINE_DISGUISED, "carol": COSINE_LOOP, "dan": COSINE_NUMPY}

    pairs = similar_pairs(submissions, COSINE_STARTER)

    assert [(pair.a, pair.b) for pair in pairs] == [("alice", "bob")]
    assert pairs[0].score == pytest.approx(1.0)
    # The whole body matches: from the import to the return, in both layouts.
    assert pairs[0].lines_a[0][0] == 1 and pairs[0].lines_a[-1][1] == len(COSINE_REFERENCE.splitlines())
    assert pairs[0].lines_b[0][0] == 1 and pairs[0].lines_b[-1][1] == len(COSINE_DISGUISED.splitlines())


def test_padding_a_copy_with_extra_code_does_not_hide_it():
    padded = COSINE_DISGUISED + "\n\n" + BEAM_INDEX_LOOPS.replace("import math\n", "")

    assert _score(COSINE_REFERENCE, padded, COSINE_STARTER) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("solutions", "starter"),
    [(COSINE_SOLUTIONS, COSINE_STARTER), (BEAM_SOLUTIONS, BEAM_STARTER)],
    ids=["cosine", "beam"],
)
def test_structurally_different_solutions_score_low(solutions, starter):
    for name_a, name_b in combinations(solutions, 2):
        assert _score(solutions[name_a], solutions[name_b], starter) < 0.5, (name_a, name_b)
    assert similar_pairs(solutions, starter) == []


def test_untouched_starter_code_is_not_flagged():
    untouched = {"alice": COSINE_STARTER, "bob": COSINE_STARTER, "carol": COSINE_STARTER + "\n# gave up\n"}

    assert similar_pairs(untouched, COSINE_STARTER, min_fingerprints=1) == []
    # Only because the starter is subtracted: without it the three are identical.
    assert len(similar_pairs(untouched, "", min_fingerprints=1)) == 3


def test_shared_starter_does_not_raise_the_score_of_different_solutions():
    with_starter_doc = COSINE_STARTER.replace("    raise NotImplementedError\n", "")
    loop = with_starter_doc + COSINE_LOOP.split("\n", 1)[1]
    numpy = "import numpy as np\n\n" + with_starter_doc + COSINE_NUMPY.split("float:\n", 1)[1]

    assert _score(loop, numpy, COSINE_STARTER) == pytest.approx(_score(COSINE_LOOP, COSINE_NUMPY, COSINE_STARTER))
    ignore = frozenset(fingerprint(COSINE_STARTER).kgram_hashes)
    with_starter, _ = matched_lines(fingerprint(loop), fingerprint(numpy), ignore)
    without_starter, _ = matched_lines(fingerprint(loop), fingerprint(numpy))
    # The shared signature (line 1) is shown as a match only when the starter is not subtracted.
    assert without_starter[0] == (1, 1)
    assert all(first > 1 for first, _ in with_starter)


def test_too_short_submissions_are_not_compared():
    tiny = "def cosine_similarity(a, b):\n    return 0.0\n"

    assert similar_pairs({"a": tiny, "b": tiny}, COSINE_STARTER) == []


def test_winnow_matches_the_papers_example():
    """Schleimer, Wilkerson, Aiken (2003), figure 2: these hashes, w = 4, give 17 17 8 39 17."""
    hashes = [77, 74, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 74, 42, 17, 98]

    assert winnow(hashes, 4) == [(17, 3), (17, 6), (8, 8), (39, 11), (17, 15)]


def test_robust_winnowing_keeps_one_pick_through_a_run_of_equal_hashes():
    assert winnow([5] * 8, 4) == [(5, 3), (5, 7)]
    assert winnow([3, 1], 4) == [(1, 1)]  # shorter than a window: one window
    assert winnow([], 4) == []


@pytest.mark.parametrize("seed", range(30))
def test_winnow_selects_a_minimum_of_every_window(seed):
    rng = random.Random(seed)
    hashes = [rng.randrange(20) for _ in range(rng.randrange(1, 60))]

    selected = winnow(hashes, W)

    picked = {index for _, index in selected}
    for start in range(max(len(hashes) - W + 1, 1)):
        window = range(start, min(start + W, len(hashes)))
        assert any(index in picked and hashes[index] == min(hashes[i] for i in window) for index in window)


# Tokens that survive normalisation as distinct symbols and need no brackets to tokenise.
ALPHABET = [
    "+",
    "-",
    "*",
    "/",
    "%",
    "<",
    ">",
    "==",
    "!=",
    "&",
    "|",
    "^",
    "<<",
    ">>",
    "if",
    "else",
    "and",
    "or",
    "not",
    "in",
    "is",
    "x",
    "1",
]


def _source(tokens: list[str]) -> str:
    return "\n".join(" ".join(tokens[i : i + 6]) for i in range(0, len(tokens), 6))


@pytest.mark.parametrize("seed", range(40))
def test_any_shared_run_of_w_plus_k_minus_1_tokens_is_detected(seed):
    rng = random.Random(seed)
    shared = [rng.choice(ALPHABET) for _ in range(W + K - 1)]
    before_a, after_a = rng.randrange(0, 40), rng.randrange(0, 40)
    tokens_a = [rng.choice(ALPHABET) for _ in range(before_a)] + shared + [rng.choice(ALPHABET) for _ in range(after_a)]
    tokens_b = [rng.choice(ALPHABET) for _ in range(rng.randrange(0, 40))] + shared + [rng.choice(ALPHABET)]

    prints_a, prints_b = fingerprint(_source(tokens_a)), fingerprint(_source(tokens_b))

    assert len(prints_a.tokens) == len(tokens_a)
    inside_run = {h for h, index in prints_a.selected if before_a <= index <= before_a + len(shared) - K}
    assert inside_run & prints_b.hashes()


def test_runs_shorter_than_k_tokens_never_match():
    left, right = ALPHABET[:12], ALPHABET[12:]
    shared = ["==", "if", "x", "or"][: K - 1]
    rng = random.Random(1)
    tokens_a = [rng.choice(left) for _ in range(30)] + shared + [rng.choice(left) for _ in range(30)]
    tokens_b = [rng.choice(right) for _ in range(30)] + shared + [rng.choice(right) for _ in range(30)]

    assert similarity(fingerprint(_source(tokens_a)), fingerprint(_source(tokens_b))) == 0.0


def test_fingerprints_are_stable_across_processes():
    """blake2b, not hash(): a flag computed today must reproduce tomorrow in another worker."""
    script = "import sys; from grading.similarity import fingerprint; print(fingerprint(sys.stdin.read()).selected)"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            input=COSINE_REFERENCE,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(SEED_DIR.parents[2])},
        ).stdout
        for seed in ("1", "2", "3")
    }

    assert outputs == {f"{fingerprint(COSINE_REFERENCE).selected}\n"}


def test_similar_pairs_is_deterministic_and_symmetric():
    submissions = {"alice": COSINE_REFERENCE, "bob": COSINE_DISGUISED, "carol": COSINE_LOOP, "dan": COSINE_REFERENCE}

    first = similar_pairs(submissions, COSINE_STARTER, threshold=0.0)
    again = similar_pairs(dict(submissions), COSINE_STARTER, threshold=0.0)
    reversed_order = similar_pairs(dict(reversed(submissions.items())), COSINE_STARTER, threshold=0.0)

    assert first == again
    assert [pair.score for pair in first] == sorted((pair.score for pair in first), reverse=True)
    scores = {frozenset((pair.a, pair.b)): pair.score for pair in first}
    assert scores == {frozenset((pair.a, pair.b)): pair.score for pair in reversed_order}
    assert len(scores) == 6


BROKEN_SOURCES = [
    'x = """never closed',
    "def f(:\n    return (1,",
    "if x:\n        a\n    b\n",
    "def f():\n\treturn 1\n        return 2\n",
    "a\x00b",
    "'unterminated\nnext = 1\n",
    "\\",
    "$ ? ! `",
    "",
    "# only a comment\n",
    "\ufeffé = 1",
]


@pytest.mark.parametrize("source", BROKEN_SOURCES)
def test_bad_source_never_raises(source):
    prints = fingerprint(source)

    assert isinstance(prints, Fingerprints)
    assert (
        similar_pairs({"a": source, "b": COSINE_REFERENCE}, COSINE_STARTER, threshold=0.0, min_fingerprints=0)
        is not None
    )


@pytest.mark.parametrize("seed", range(20))
def test_truncated_and_garbled_source_never_raises(seed):
    rng = random.Random(seed)
    cut = COSINE_REFERENCE[: rng.randrange(len(COSINE_REFERENCE))]
    garbled = "".join(chr(rng.randrange(0, 0x3000)) if rng.random() < 0.05 else ch for ch in COSINE_REFERENCE)

    for source in (cut, garbled):
        fingerprint(source)


def test_copy_that_does_not_tokenise_still_matches_its_original():
    broken_copy = COSINE_DISGUISED + "    print((\n"  # an unclosed bracket: tokenize gives up, the regex does not

    assert tokenise(broken_copy)[-1].text == "("
    assert _score(COSINE_REFERENCE, broken_copy, COSINE_STARTER) >= 0.8


def test_names_are_normalised_but_keywords_and_called_builtins_are_not():
    texts = [token.text for token in tokenise("total = sum(len(x) for x in rows)  # comment\nsum = 0\n")]

    assert texts == ["V", "=", "sum", "(", "len", "(", "V", ")", "for", "V", "in", "V", ")", "V", "=", "N"]


def test_docstrings_are_dropped_but_string_values_are_kept():
    texts = [token.text for token in tokenise('def f():\n    """Doc."""\n    return "value"\n')]

    assert texts == ["def", "V", "(", ")", ":", "return", "S"]
