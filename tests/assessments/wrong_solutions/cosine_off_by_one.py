import math


def cosine_similarity(a, b):
    if len(a) != len(b):
        raise ValueError("lengths differ")
    # Off by one: the last component is never looked at.
    dot = sum(a[i] * b[i] for i in range(len(a) - 1))
    norm_a = math.sqrt(sum(a[i] * a[i] for i in range(len(a) - 1)))
    norm_b = math.sqrt(sum(b[i] * b[i] for i in range(len(b) - 1)))
    if norm_a == 0 or norm_b == 0:
        return 0.0
    return dot / (norm_a * norm_b)
