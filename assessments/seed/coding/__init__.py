"""The seed loop's two coding questions as content: prompt, starter, reference, tests, checker.

Each question lives in its own folder (``cosine_similarity/``, ``beam_search/``) with
``prompt.md``, ``starter.py``, ``reference.py``, ``spec.json``, ``tests.json`` and, when its tests
use the custom checker, the checker source named by ``spec.json``'s ``checker_file``.
``generate.py`` writes the tests.json files from the references.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEED_DIR = Path(__file__).parent
CODING_SEEDS = ("cosine_similarity", "beam_search")


def load_coding_seed(name: str) -> dict[str, Any]:
    """Everything needed to create the question ``name``.

    Returns ``{"name", "spec", "prompt", "starter", "reference", "tests", "checker_source"}``:
    ``spec`` is spec.json as a dict (title, function_name, signature, language, cpu_seconds,
    wall_seconds, memory_mb, checker_file, ...), ``tests`` the list from tests.json (each with
    name, args, expected, expected_exception, checker, checker_options, weight, visibility), the
    others text (``checker_source`` is ``""`` when the question needs no custom checker).
    """
    if name not in CODING_SEEDS:
        raise KeyError(f"no seed coding question {name!r}; known: {', '.join(CODING_SEEDS)}")
    folder = SEED_DIR / name
    spec = json.loads((folder / "spec.json").read_text())
    checker_file = spec.get("checker_file")
    return {
        "name": name,
        "spec": spec,
        "prompt": (folder / "prompt.md").read_text(),
        "starter": (folder / "starter.py").read_text(),
        "reference": (folder / "reference.py").read_text(),
        "tests": json.loads((folder / "tests.json").read_text()),
        "checker_source": (folder / checker_file).read_text() if checker_file else "",
    }
