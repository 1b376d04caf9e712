# ruff: noqa: B905 - written the way a candidate would write it
import math


def cosine_similarity(a, b):
    if len(a) != len(b):
        raise ValueError("lengths differ")
    dot = sum(x * y for x, y in zip(a, b))
    # Missing zero-vector guard: ZeroDivisionError for a zero or empty vector.
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))
