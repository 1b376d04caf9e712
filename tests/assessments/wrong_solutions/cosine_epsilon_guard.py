# ruff: noqa: B905 - written the way a candidate would write it
import math


def cosine_similarity(a, b):
    if len(a) != len(b):
        raise ValueError("lengths differ")
    norm_a = math.sqrt(sum(x * x for x in a))
    norm_b = math.sqrt(sum(y * y for y in b))
    # An absolute epsilon treats tiny but non-zero vectors as zero vectors.
    if norm_a < 1e-9 or norm_b < 1e-9:
        return 0.0
    return sum(x * y for x, y in zip(a, b)) / (norm_a * norm_b)
