"""Seed rubrics for the "NLP Machine Learning Intern" loop.

``nlp_ml_intern.json`` holds, at the top level:

- ``"version"``: the format version (1);
- one rubric per conceptual question, keyed by the question's exact text in the seed file;
- ``"__behavioural__"``: the STAR rubric shared by the behavioural questions, with
  ``question_notes`` mapping each behavioural question's exact text to follow-up probes.

A rubric has ``key`` (slug), ``kind`` ("question" or "star"), ``title``, ``description`` and
``criteria``; a criterion has ``name``, ``description``, a positive ``weight`` and exactly four
``levels`` scored 1..4 and labelled Weak, Partial, Good, Excellent (a behaviourally anchored scale).
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from typing import Any

SEED_RUBRICS_FILE = "nlp_ml_intern.json"
FORMAT_VERSION = 1
BEHAVIOURAL_KEY = "__behavioural__"
VERSION_KEY = "version"
LEVEL_LABELS: dict[int, str] = {1: "Weak", 2: "Partial", 3: "Good", 4: "Excellent"}
RUBRIC_KINDS = ("question", "star")
MIN_CRITERIA = 2
MAX_CRITERIA = 4

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
# Field length limits of the rubrics models (Rubric.key/title, Criterion.name, Level.label).
_MAX_KEY = 120
_MAX_TITLE = 200
_MAX_NAME = 200


def load_seed_rubrics() -> dict[str, Any]:
    """Return the parsed seed rubric document (see the module docstring for its shape)."""
    text = resources.files(__name__).joinpath(SEED_RUBRICS_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def question_rubrics(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The per-question rubrics of a seed document, keyed by question text."""
    return {k: v for k, v in data.items() if k not in (VERSION_KEY, BEHAVIOURAL_KEY)}


def _text_problem(value: Any, where: str, max_length: int | None = None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"{where}: must be a non-empty string"
    if max_length is not None and len(value) > max_length:
        return f"{where}: longer than {max_length} characters"
    return None


def _criterion_problems(criterion: Any, where: str) -> list[str]:
    if not isinstance(criterion, dict):
        return [f"{where}: must be an object"]
    problems: list[str] = []
    for field, limit in (("name", _MAX_NAME), ("description", None)):
        if (p := _text_problem(criterion.get(field), f"{where}.{field}", limit)) is not None:
            problems.append(p)

    weight = criterion.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        problems.append(f"{where}.weight: must be a number")
    elif not math.isfinite(weight) or weight <= 0:
        problems.append(f"{where}.weight: must be positive and finite, got {weight!r}")

    levels = criterion.get("levels")
    if not isinstance(levels, list):
        return [*problems, f"{where}.levels: missing or not a list"]
    if len(levels) != len(LEVEL_LABELS):
        problems.append(f"{where}.levels: expected {len(LEVEL_LABELS)} levels, got {len(levels)}")
    seen_descriptions: set[str] = set()
    for index, level in enumerate(levels):
        lwhere = f"{where}.levels[{index}]"
        if not isinstance(level, dict):
            problems.append(f"{lwhere}: must be an object")
            continue
        expected_score = index + 1
        score = level.get("score")
        if isinstance(score, bool) or score != expected_score:
            problems.append(f"{lwhere}.score: expected {expected_score}, got {score!r}")
        expected_label = LEVEL_LABELS.get(expected_score)
        if expected_label is not None and level.get("label") != expected_label:
            problems.append(f"{lwhere}.label: expected {expected_label!r}, got {level.get('label')!r}")
        description = level.get("description")
        if (p := _text_problem(description, f"{lwhere}.description")) is not None:
            problems.append(p)
        elif isinstance(description, str):
            normalised = " ".join(description.split()).lower()
            if normalised in seen_descriptions:
                problems.append(f"{lwhere}.description: duplicates another level of the same criterion")
            seen_descriptions.add(normalised)
    return problems


def validate_rubric(data: Any) -> list[str]:
    """Problems with one rubric (an empty list means it is valid)."""
    if not isinstance(data, dict):
        return ["rubric: must be an object"]
    problems: list[str] = []
    key = data.get("key")
    if key is not None and (not isinstance(key, str) or not _SLUG.match(key) or len(key) > _MAX_KEY):
        problems.append(f"key: must be a slug of at most {_MAX_KEY} characters, got {key!r}")
    kind = data.get("kind")
    if kind is not None and kind not in RUBRIC_KINDS:
        problems.append(f"kind: must be one of {RUBRIC_KINDS}, got {kind!r}")
    for field, limit in (("title", _MAX_TITLE), ("description", None)):
        if (p := _text_problem(data.get(field), field, limit)) is not None:
            problems.append(p)

    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        return [*problems, "criteria: missing or empty"]
    if not MIN_CRITERIA <= len(criteria) <= MAX_CRITERIA:
        problems.append(f"criteria: expected {MIN_CRITERIA}-{MAX_CRITERIA}, got {len(criteria)}")
    names: set[str] = set()
    for index, criterion in enumerate(criteria):
        problems.extend(_criterion_problems(criterion, f"criteria[{index}]"))
        name = criterion.get("name") if isinstance(criterion, dict) else None
        if isinstance(name, str) and name.strip():
            if name in names:
                problems.append(f"criteria[{index}].name: duplicate criterion name {name!r}")
            names.add(name)

    notes = data.get("question_notes")
    if notes is not None:
        if not isinstance(notes, dict) or not notes:
            problems.append("question_notes: must be a non-empty object")
        else:
            for question, probes in notes.items():
                qwhere = f"question_notes[{question!r}]"
                if not isinstance(question, str) or not question.strip():
                    problems.append("question_notes: question text must be non-empty")
                if not isinstance(probes, list) or not 2 <= len(probes) <= 3:
                    problems.append(f"{qwhere}: expected a list of 2-3 notes")
                    continue
                for pindex, probe in enumerate(probes):
                    if (p := _text_problem(probe, f"{qwhere}[{pindex}]")) is not None:
                        problems.append(p)
    return problems


def validate_seed_rubrics(data: Any) -> list[str]:
    """Problems with a whole seed document: version, every rubric, the shared STAR rubric, unique keys."""
    if not isinstance(data, dict):
        return ["document: must be an object"]
    problems: list[str] = []
    if data.get(VERSION_KEY) != FORMAT_VERSION:
        problems.append(f"version: expected {FORMAT_VERSION}, got {data.get(VERSION_KEY)!r}")
    behavioural = data.get(BEHAVIOURAL_KEY)
    if behavioural is None:
        problems.append(f"{BEHAVIOURAL_KEY}: missing")
    elif not isinstance(behavioural, dict) or not behavioural.get("question_notes"):
        problems.append(f"{BEHAVIOURAL_KEY}: must have question_notes")
    keys: set[str] = set()
    for question, rubric in data.items():
        if question == VERSION_KEY:
            continue
        problems.extend(f"[{question!r}] {p}" for p in validate_rubric(rubric))
        key = rubric.get("key") if isinstance(rubric, dict) else None
        if key is not None:
            if key in keys:
                problems.append(f"[{question!r}] key: duplicate rubric key {key!r}")
            keys.add(key)
    return problems
