def beam_search(probs, beam_width):
    # Scores are probabilities (products), not log-probabilities.
    beams = [([], 1.0)]
    for row in probs:
        candidates = [([*seq, token], score * p) for seq, score in beams for token, p in enumerate(row)]
        candidates.sort(key=lambda candidate: -candidate[1])
        beams = candidates[:beam_width]
    return beams
