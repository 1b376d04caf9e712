# ruff: noqa: B905 - written the way a candidate would write it
def cosine_similarity(a, b):
    if len(a) != len(b):
        raise ValueError("lengths differ")
    # Divides by the squared norms instead of the norms.
    norm_a = sum(x * x for x in a)
    norm_b = sum(y * y for y in b)
    if norm_a == 0 or norm_b == 0:
        return 0.0
    return sum(x * y for x, y in zip(a, b)) / (norm_a * norm_b)
