def beam_search(probs: list[list[float]], beam_width: int) -> list[tuple[list[int], float]]:
    """Return the min(beam_width, V**T) best token sequences under probs, best first.

    probs is a T x V list of lists: probs[t][v] is the probability of token v at step t.
    Each result is a pair (sequence, score): sequence is a list of T token indices and score is
    the sum of the natural logarithms of the chosen tokens' probabilities.
    """
    raise NotImplementedError
