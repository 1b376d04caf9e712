import math


def beam_search(probs, beam_width):
    beams = [([], 0.0)]
    for row in probs:
        candidates = [([*seq, token], score + math.log(p)) for seq, score in beams for token, p in enumerate(row)]
        candidates.sort(key=lambda candidate: -candidate[1])
        beams = candidates[:beam_width]
    # Reports the mean log-probability per step instead of the sum.
    return [(seq, score / len(probs)) for seq, score in beams]
