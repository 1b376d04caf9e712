import math


def beam_search(probs, beam_width):
    # Greedy: follow the single best token for T-1 steps, branch only at the last step.
    prefix = [max(range(len(row)), key=row.__getitem__) for row in probs[:-1]]
    base = sum(math.log(probs[t][token]) for t, token in enumerate(prefix))
    last = sorted(range(len(probs[-1])), key=lambda token: -probs[-1][token])[:beam_width]
    return [([*prefix, token], base + math.log(probs[-1][token])) for token in last]
