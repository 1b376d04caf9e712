"""Writes to rubrics and scorecards."""

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from common.exceptions import ApplicationError, ConflictError
from organisations.models import Organisation
from rubrics.models import MAX_LEVEL, MIN_LEVEL, Criterion, Level, Rating, Rubric, RubricKind

LEVEL_SCORES = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))


@transaction.atomic
def rubric_create(
    *,
    organisation: Organisation,
    title: str,
    kind: str,
    description: str,
    criteria: list[dict[str, Any]],
    key: str = "",
) -> Rubric:
    """Create a rubric with its criteria and exactly four anchored levels per criterion.

    Without a ``key`` one is made from the title (``-2``, ``-3``… when taken), as a rubric written on a page has.
    """
    key = key or _free_key(organisation, slugify(title)[:100] or "rubric")
    if not criteria:
        raise ApplicationError("A rubric needs at least one criterion.", details={"criteria": ["empty"]})
    if Rubric.objects.filter(organisation=organisation, key=key).exists():
        raise ConflictError(f"A rubric with key {key!r} already exists.", code="duplicate_key")
    rubric = Rubric(organisation=organisation, key=key, title=title, kind=kind, description=description)
    rubric.full_clean()
    rubric.save()
    for position, data in enumerate(criteria, start=1):
        _criterion_create(rubric, position, data)
    return rubric


def _free_key(organisation: Organisation, base: str) -> str:
    taken = set(Rubric.objects.filter(organisation=organisation, key__startswith=base).values_list("key", flat=True))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _criterion_create(rubric: Rubric, position: int, data: dict[str, Any]) -> Criterion:
    levels = data.get("levels") or []
    scores = sorted(int(level["score"]) for level in levels)
    if tuple(scores) != LEVEL_SCORES:
        raise ApplicationError(
            f"Criterion {data.get('name')!r} needs exactly one anchor for each level {list(LEVEL_SCORES)}.",
            code="levels_incomplete",
            details={"levels": scores},
        )
    criterion = Criterion(
        rubric=rubric,
        position=position,
        name=data["name"],
        description=data.get("description", ""),
        weight=float(data.get("weight", 1.0)),
    )
    criterion.full_clean()
    criterion.save()
    for level in levels:
        anchor = Level(
            criterion=criterion, score=int(level["score"]), label=level["label"], description=level["description"]
        )
        anchor.full_clean()
        anchor.save()
    return criterion


def rubric_create_from_seed(*, organisation: Organisation, key: str, data: dict[str, Any]) -> Rubric:
    """The seed's rubric with this key, created on first use and reused afterwards."""
    existing = Rubric.objects.filter(organisation=organisation, key=key).first()
    if existing is not None:
        return existing
    kind = RubricKind.STAR if "question_notes" in data else RubricKind.QUESTION
    return rubric_create(
        organisation=organisation,
        key=key,
        title=data["title"],
        kind=kind,
        description=data.get("description", ""),
        criteria=data["criteria"],
    )


def rubric_delete(*, rubric: Rubric) -> None:
    if rubric.question_revisions.exists() or Rating.objects.filter(criterion__rubric=rubric).exists():
        raise ConflictError("This rubric is in use by questions or scorecards.", code="rubric_in_use")
    rubric.delete()
