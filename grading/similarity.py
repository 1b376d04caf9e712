"""Similarity of code submissions by winnowed token fingerprints, as MOSS does.

S. Schleimer, D. S. Wilkerson, A. Aiken, "Winnowing: Local Algorithms for Document Fingerprinting"
(SIGMOD 2003). A submission becomes a stream of normalised tokens; every k consecutive tokens are
hashed; from every window of w consecutive hashes the minimum is kept (robust winnowing: keep the
previous pick while it is still the window's minimum, otherwise take the rightmost minimum). Any run
of at least w + k - 1 tokens shared by two submissions therefore shares a fingerprint, and runs
shorter than k tokens never do.

Normalisation, so that renaming, reformatting and commenting change nothing:
- identifiers become one token ``V``. Keywords stay, and so do builtins where they are called
  (``len(``, ``range(``, ``zip(``): a copier cannot rename those without changing the program, and
  they make the structure far more telling than a stream of ``V``. A builtin name used as a variable
  (``sum = 0``) is just a variable, so renaming it to ``total`` changes nothing;
- numbers become ``N`` and strings ``S``; comments, docstrings (a string alone as a statement),
  newlines and indentation are dropped.
Hashes are blake2b, so fingerprints are stable across processes (unlike ``hash()``).

The score of a pair is the containment ``|A ∩ B| / min(|A|, |B|)`` of their fingerprint sets after
the starter code's k-gram hashes are taken out: padding a copy with extra code does not hide it, as it
would with Jaccard. Submissions with fewer than ``min_fingerprints`` fingerprints of their own are
not scored (short solutions converge by themselves). A score is evidence for a reviewer, never a verdict.
"""

import builtins
import hashlib
import io
import keyword
import re
import tokenize
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

K = 5
W = 4
MIN_FINGERPRINTS = 8

BUILTIN_NAMES = frozenset(dir(builtins))
_DROPPED = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})
_DROPPED |= frozenset({tokenize.ENCODING, tokenize.ENDMARKER, tokenize.TYPE_COMMENT})
_STATEMENT_START = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING})

# Fallback for source that tokenize rejects: the same token classes, found by pattern.
_FALLBACK = re.compile(
    r"""(?P<comment>\#[^\n]*)
    | (?P<string>[rRbBuUfF]{0,2}(?:'''[\s\S]*?(?:'''|\Z)|\"\"\"[\s\S]*?(?:\"\"\"|\Z)
        |'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?))
    | (?P<number>\d[\w.]*|\.\d[\w]*)
    | (?P<name>[^\W\d]\w*)
    | (?P<op>\*\*=?|//=?|->|:=|<<=?|>>=?|[-+*/%@&|^=<>!]=|[^\s\w])
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    """A normalised token and the source lines it spans (1-based, inclusive)."""

    text: str
    first_line: int
    last_line: int


class SimilarPair(NamedTuple):
    """Two submissions, their score, and the 1-based inclusive line ranges that match in each."""

    a: Hashable
    b: Hashable
    score: float
    lines_a: list[tuple[int, int]]
    lines_b: list[tuple[int, int]]


@dataclass(frozen=True)
class Fingerprints:
    """A submission's tokens, the hash of each k-gram, and the winnowed (hash, k-gram index) picks."""

    tokens: list[Token]
    kgram_hashes: list[int]
    selected: list[tuple[int, int]]

    def hashes(self, ignore: frozenset[int] = frozenset()) -> frozenset[int]:
        """The distinct selected hashes, minus ``ignore`` (the starter code's k-gram hashes)."""
        return frozenset(h for h, _ in self.selected) - ignore


def tokenise(source: str) -> list[Token]:
    """Normalised tokens of Python source; never raises (a regex tokeniser takes over on bad syntax)."""
    try:
        return list(_python_tokens(source))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return list(_fallback_tokens(source))


def fingerprint(source: str, *, k: int = K, w: int = W) -> Fingerprints:
    """Tokenise, hash every k-gram and winnow with window w."""
    tokens = tokenise(source)
    texts = [token.text for token in tokens]
    kgram_hashes = [_hash(texts[i : i + k]) for i in range(len(texts) - k + 1)]
    return Fingerprints(tokens=tokens, kgram_hashes=kgram_hashes, selected=winnow(kgram_hashes, w))


def winnow(hashes: Sequence[int], w: int) -> list[tuple[int, int]]:
    """Robust winnowing: one minimal hash from every window of w hashes, as ``(hash, index)`` pairs.

    Sequences shorter than one window are treated as a single window.
    """
    selected: list[tuple[int, int]] = []
    picked = -1
    for start in range(max(len(hashes) - w + 1, 1 if hashes else 0)):
        window = hashes[start : start + w]
        lowest = min(window)
        if picked >= start and hashes[picked] == lowest:
            continue
        picked = start + max(i for i, h in enumerate(window) if h == lowest)
        selected.append((lowest, picked))
    return selected


def similarity(a: Fingerprints, b: Fingerprints, ignore: frozenset[int] = frozenset()) -> float:
    """Containment of the smaller fingerprint set in the other, after dropping ``ignore``; 0.0 if either is empty."""
    return _containment(a.hashes(ignore), b.hashes(ignore))


def matched_lines(
    a: Fingerprints, b: Fingerprints, ignore: frozenset[int] = frozenset(), *, k: int = K
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Line ranges of every k-gram (not just the winnowed ones) the two share, outside ``ignore``."""
    shared = (frozenset(a.kgram_hashes) & frozenset(b.kgram_hashes)) - ignore
    return _line_ranges(a, shared, k), _line_ranges(b, shared, k)


def similar_pairs(
    submissions: Mapping[Hashable, str],
    starter: str = "",
    threshold: float = 0.8,
    *,
    k: int = K,
    w: int = W,
    min_fingerprints: int = MIN_FINGERPRINTS,
) -> list[SimilarPair]:
    """Pairs of submissions scoring at least ``threshold``, highest first, with their matching lines.

    The starter code's k-gram hashes are subtracted from every submission before comparing, so code
    everyone was given never counts. Ties keep the order of ``submissions``.
    """
    ignore = frozenset(fingerprint(starter, k=k, w=w).kgram_hashes)
    prints = {key: fingerprint(source, k=k, w=w) for key, source in submissions.items()}
    own = {key: fp.hashes(ignore) for key, fp in prints.items()}
    comparable = [key for key in prints if len(own[key]) >= min_fingerprints]
    pairs = []
    for key_a, key_b in combinations(comparable, 2):
        score = _containment(own[key_a], own[key_b])
        if score >= threshold:
            lines_a, lines_b = matched_lines(prints[key_a], prints[key_b], ignore, k=k)
            pairs.append(SimilarPair(key_a, key_b, score, lines_a, lines_b))
    return sorted(pairs, key=lambda pair: -pair.score)


def _python_tokens(source: str) -> Iterator[Token]:
    raw = list(tokenize.generate_tokens(io.StringIO(source).readline))
    kept = [
        (token.type, token.string, token.start[0], token.end[0])
        for index, token in enumerate(raw)
        if token.type not in _DROPPED and token.string.strip() and not _is_bare_string(raw, index)
    ]
    return _normalised(kept)


def _is_bare_string(raw: Sequence[tokenize.TokenInfo], index: int) -> bool:
    """A string that is a statement by itself (a docstring, or a comment in disguise)."""
    if raw[index].type != tokenize.STRING or (index > 0 and raw[index - 1].type not in _STATEMENT_START):
        return False
    after = (raw[i].type for i in range(index + 1, len(raw)) if raw[i].type != tokenize.COMMENT)
    following = next(after, tokenize.ENDMARKER)
    return following in {tokenize.NEWLINE, tokenize.ENDMARKER}


def _normalised(raw: Sequence[tuple[int, str, int, int]]) -> Iterator[Token]:
    """``(kind, text, first_line, last_line)`` → normalised tokens; looks one token ahead for calls."""
    for index, (kind, text, first, last) in enumerate(raw):
        called = index + 1 < len(raw) and raw[index + 1][1] == "("
        yield Token(_normalise(kind, text, called=called), first, last)


def _normalise(kind: int, text: str, *, called: bool) -> str:
    if kind == tokenize.NAME:
        return text if keyword.iskeyword(text) or (called and text in BUILTIN_NAMES) else "V"
    if kind == tokenize.NUMBER:
        return "N"
    if kind == tokenize.STRING:
        return "S"
    return text


def _fallback_tokens(source: str) -> Iterator[Token]:
    kinds = {"string": tokenize.STRING, "number": tokenize.NUMBER, "name": tokenize.NAME, "op": tokenize.OP}
    raw = []
    for match in _FALLBACK.finditer(source):
        if match.lastgroup in kinds:
            first = source.count("\n", 0, match.start()) + 1
            raw.append((kinds[match.lastgroup], match.group(), first, first + match.group().count("\n")))
    return _normalised(raw)


def _containment(hashes_a: frozenset[int], hashes_b: frozenset[int]) -> float:
    if not hashes_a or not hashes_b:
        return 0.0
    return len(hashes_a & hashes_b) / min(len(hashes_a), len(hashes_b))


def _hash(texts: Sequence[str]) -> int:
    digest = hashlib.blake2b("\x1f".join(texts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _line_ranges(fp: Fingerprints, shared: frozenset[int], k: int) -> list[tuple[int, int]]:
    lines: set[int] = set()
    for index, h in enumerate(fp.kgram_hashes):
        if h in shared:
            gram = fp.tokens[index : index + k]
            lines.update(range(gram[0].first_line, gram[-1].last_line + 1))
    return _merge(sorted(lines))


def _merge(lines: Sequence[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for line in lines:
        if ranges and ranges[-1][1] + 1 >= line:
            ranges[-1] = (ranges[-1][0], line)
        else:
            ranges.append((line, line))
    return ranges
