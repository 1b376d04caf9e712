"""The seed rubrics cover every conceptual and behavioural question of the seed file, and are well formed."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from assessments.seed.rubrics import (
    BEHAVIOURAL_KEY,
    LEVEL_LABELS,
    load_seed_rubrics,
    question_rubrics,
    validate_rubric,
    validate_seed_rubrics,
)

PROJECT_SEED = Path(__file__).resolve().parents[2] / "assessments" / "seed" / "nlp-ml-intern-questions.md"
SHARED_SEED = Path("/work/shared/seeds/nlp-ml-intern-questions.md")

_HEADING = re.compile(r"^\s*#+\s*(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*\S)\s*$")


def _seed_path() -> Path:
    for path in (PROJECT_SEED, SHARED_SEED):
        if path.exists():
            return path
    pytest.skip("seed question file not found")


def _seed_questions() -> tuple[list[str], list[str], list[str]]:
    """(conceptual, coding, behavioural) question texts, by a deliberately simple line parse."""
    conceptual: list[str] = []
    coding: list[str] = []
    behavioural: list[str] = []
    in_behavioural = False
    for line in _seed_path().read_text(encoding="utf-8").splitlines():
        if heading := _HEADING.match(line):
            in_behavioural = "behavio" in heading.group(1).lower()
            continue
        if not (item := _NUMBERED.match(line)):
            continue
        text = item.group(1).strip()
        if in_behavioural:
            behavioural.append(text)
        elif text.startswith("Implement"):
            coding.append(text)
        else:
            conceptual.append(text)
    return conceptual, coding, behavioural


@pytest.fixture(scope="module")
def rubrics() -> dict[str, Any]:
    return load_seed_rubrics()


def test_seed_file_parses_to_the_expected_counts() -> None:
    conceptual, coding, behavioural = _seed_questions()
    assert (len(conceptual), len(coding), len(behavioural)) == (13, 2, 5)


def test_document_is_valid(rubrics: dict[str, Any]) -> None:
    assert rubrics["version"] == 1
    assert validate_seed_rubrics(rubrics) == []


def test_every_conceptual_question_has_exactly_one_rubric(rubrics: dict[str, Any]) -> None:
    conceptual, _, _ = _seed_questions()
    assert set(question_rubrics(rubrics)) == set(conceptual)


@pytest.mark.parametrize("question", _seed_questions()[0])
def test_conceptual_rubric_is_well_formed(rubrics: dict[str, Any], question: str) -> None:
    rubric = rubrics[question]
    assert validate_rubric(rubric) == []
    assert rubric["kind"] == "question"
    assert 2 <= len(rubric["criteria"]) <= 4
    _assert_anchored(rubric)


def test_rubric_keys_are_unique(rubrics: dict[str, Any]) -> None:
    keys = [r["key"] for k, r in rubrics.items() if k != "version"]
    assert len(keys) == len(set(keys)) == 14


def test_star_rubric_covers_all_behavioural_questions(rubrics: dict[str, Any]) -> None:
    _, _, behavioural = _seed_questions()
    star = rubrics[BEHAVIOURAL_KEY]
    assert validate_rubric(star) == []
    assert star["kind"] == "star"
    assert [c["name"] for c in star["criteria"]] == ["Situation/Task", "Action", "Result", "Reflection"]
    _assert_anchored(star)
    assert set(star["question_notes"]) == set(behavioural)
    for probes in star["question_notes"].values():
        assert 2 <= len(probes) <= 3
        assert all(isinstance(p, str) and p.strip() for p in probes)


def _assert_anchored(rubric: dict[str, Any]) -> None:
    for criterion in rubric["criteria"]:
        assert criterion["weight"] > 0
        levels = criterion["levels"]
        assert [lvl["score"] for lvl in levels] == [1, 2, 3, 4]
        assert [lvl["label"] for lvl in levels] == list(LEVEL_LABELS.values())
        descriptions = [lvl["description"].strip() for lvl in levels]
        assert all(descriptions)
        assert len(set(descriptions)) == 4


# --- the validator catches what it should -----------------------------------------------------------


@pytest.fixture
def good_rubric(rubrics: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(rubrics["What is TF-IDF and how does it improve upon Bag-of-Words?"])


def test_validator_flags_missing_level(good_rubric: dict[str, Any]) -> None:
    good_rubric["criteria"][0]["levels"].pop()
    assert any("expected 4 levels" in p for p in validate_rubric(good_rubric))


def test_validator_flags_wrong_scores(good_rubric: dict[str, Any]) -> None:
    good_rubric["criteria"][0]["levels"][1]["score"] = 5
    assert any("score" in p for p in validate_rubric(good_rubric))


@pytest.mark.parametrize("weight", [0, -1, "2", True, float("nan")])
def test_validator_flags_bad_weight(good_rubric: dict[str, Any], weight: Any) -> None:
    good_rubric["criteria"][1]["weight"] = weight
    assert any("weight" in p for p in validate_rubric(good_rubric))


def test_validator_flags_empty_and_duplicate_descriptions(good_rubric: dict[str, Any]) -> None:
    levels = good_rubric["criteria"][0]["levels"]
    levels[0]["description"] = "  "
    levels[3]["description"] = levels[2]["description"]
    problems = validate_rubric(good_rubric)
    assert any("levels[0].description" in p for p in problems)
    assert any("duplicates" in p for p in problems)


def test_validator_flags_missing_fields(good_rubric: dict[str, Any]) -> None:
    del good_rubric["title"]
    good_rubric["criteria"][0]["description"] = ""
    problems = validate_rubric(good_rubric)
    assert any(p.startswith("title") for p in problems)
    assert any("criteria[0].description" in p for p in problems)
    assert validate_rubric({"title": "t", "description": "d"}) == ["criteria: missing or empty"]
