import math


def beam_search(probs: list[list[float]], beam_width: int) -> list[tuple[list[int], float]]:
    """The min(beam_width, V**T) most probable token sequences under probs, best first.

    probs is T x V: row t is a probability distribution over the V tokens at step t, and the steps
    are independent, so a sequence's score is the sum of the natural logs of its tokens'
    probabilities. Keeping the beam_width best prefixes at every step is then exact: a prefix
    outside the best beam_width has beam_width better prefixes, and each of them, extended by the
    same suffix, beats it. Ties are broken by the smaller sequence, so the output is deterministic.
    """
    beams: list[tuple[list[int], float]] = [([], 0.0)]
    for row in probs:
        log_row = [math.log(p) for p in row]
        candidates = [([*seq, token], score + lp) for seq, score in beams for token, lp in enumerate(log_row)]
        candidates.sort(key=lambda candidate: (-candidate[1], candidate[0]))
        beams = candidates[:beam_width]
    return beams
