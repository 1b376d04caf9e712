def cosine_similarity(a: list[float], b: list[float]) -> float:
    """Return the cosine similarity of the vectors a and b.

    cosine_similarity(a, b) = dot(a, b) / (norm(a) * norm(b))

    - Return 0.0 if either vector has zero norm (this includes empty vectors).
    - Raise ValueError if a and b have different lengths.
    """
    raise NotImplementedError
