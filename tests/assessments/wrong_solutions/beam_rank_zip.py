import math


def beam_search(probs, beam_width):
    # Misreads beam search: the i-th sequence takes the i-th most likely token at every step.
    ranked = [sorted(range(len(row)), key=lambda token, row=row: -row[token]) for row in probs]
    count = min(beam_width, len(probs[0]))
    sequences = [[order[i] for order in ranked] for i in range(count)]
    return [(seq, sum(math.log(probs[t][token]) for t, token in enumerate(seq))) for seq in sequences]
