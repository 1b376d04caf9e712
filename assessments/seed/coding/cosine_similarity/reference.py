import math


def cosine_similarity(a: list[float], b: list[float]) -> float:
    """Cosine of the angle between vectors a and b: dot(a, b) / (|a| * |b|).

    Returns 0.0 when either vector has zero norm (including empty vectors); raises ValueError
    when the lengths differ, before anything else is looked at.
    """
    if len(a) != len(b):
        raise ValueError(f"vectors have different lengths: {len(a)} and {len(b)}")
    norm_a = math.sqrt(math.fsum(x * x for x in a))
    norm_b = math.sqrt(math.fsum(y * y for y in b))
    if norm_a == 0.0 or norm_b == 0.0:
        return 0.0
    cosine = math.fsum(x * y for x, y in zip(a, b, strict=True)) / (norm_a * norm_b)
    # Rounding can land a hair outside [-1, 1] for (anti)parallel vectors.
    return max(-1.0, min(1.0, cosine))
