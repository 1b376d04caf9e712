"""The demo organisation and the "NLP Machine Learning Intern" loop, built from the shipped seed content.

Idempotent: running it again finds everything it made and changes nothing. The demo admin is an
organisation admin, not a platform operator (the Django admin is for those: ``manage.py createsuperuser``).
"""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from assessments.models import (
    FocusQuestion,
    Loop,
    Question,
    QuestionKind,
    QuestionSet,
    Stage,
    StageInterviewer,
    StageKind,
)
from assessments.seed.rubrics import load_seed_rubrics
from assessments.services.coding import coding_spec_from_seed
from assessments.services.importing import question_set_import_file
from organisations.models import Membership, Organisation, Role
from rubrics.services.rubrics import rubric_create_from_seed

SEED_FILE = Path(__file__).resolve().parents[2] / "assessments" / "seed" / "nlp-ml-intern-questions.md"
DEMO_PASSWORD = "loopwright-demo"  # noqa: S105 — demo accounts only, printed by `manage.py demo_logins`
LOOP_TITLE = "NLP Machine Learning Intern"
CODING_SEEDS = {"cosine similarity": "cosine_similarity", "beam search": "beam_search"}


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: Role


DEMO_USERS = (
    DemoUser("ada", "Ada Admin", Role.ADMIN),
    DemoUser("hana", "Hana Hiring-Manager", Role.HIRING_MANAGER),
    DemoUser("ira", "Ira Interviewer", Role.INTERVIEWER),
    DemoUser("theo", "Theo Interviewer", Role.INTERVIEWER),
)


@transaction.atomic
def demo_load() -> Loop:
    organisation, _ = Organisation.objects.get_or_create(slug="demo", defaults={"name": "Loopwright Demo"})
    users = {demo.username: _demo_user(organisation, demo) for demo in DEMO_USERS}
    report = question_set_import_file(organisation=organisation, path=SEED_FILE, slug="nlp-ml-intern")
    question_set = report.question_set
    if question_set.title != LOOP_TITLE:
        question_set.title = LOOP_TITLE
        question_set.save(update_fields=["title", "updated_at"])
    questions = _questions_in_order(question_set)
    _attach_rubrics(organisation, questions)
    _attach_coding_specs(questions)
    return _loop(organisation, question_set, questions, users)


def _demo_user(organisation: Organisation, demo: DemoUser) -> User:
    user_model = get_user_model()
    first, _, last = demo.name.partition(" ")
    user, created = user_model.objects.get_or_create(
        username=demo.username,
        defaults={"first_name": first, "last_name": last, "email": f"{demo.username}@demo.loopwright.test"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if user.is_staff or user.is_superuser:
        # Their password is published: a demo account is never a platform operator (older demos made ada one).
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    Membership.objects.get_or_create(organisation=organisation, user=user, defaults={"role": demo.role})
    return user


def _questions_in_order(question_set: QuestionSet) -> list[Question]:
    return [
        item.question
        for section in question_set.sections.order_by("position")
        for item in section.items.select_related("question").order_by("position")
    ]


def _attach_rubrics(organisation: Organisation, questions: list[Question]) -> None:
    seed = load_seed_rubrics()
    star = rubric_create_from_seed(organisation=organisation, key="star-behavioural", data=seed["__behavioural__"])
    for question in questions:
        revision = question.current_revision
        if revision is None or revision.rubric_id is not None or question.kind == QuestionKind.CODING:
            continue
        if question.kind == QuestionKind.BEHAVIOURAL:
            rubric = star
        else:
            rubric = rubric_create_from_seed(
                organisation=organisation, key=f"q-{question.key}"[:120], data=seed[revision.prompt]
            )
        revision.rubric = rubric
        revision.save(update_fields=["rubric", "updated_at"])


def _attach_coding_specs(questions: list[Question]) -> None:
    for question in questions:
        if question.kind != QuestionKind.CODING:
            continue
        lowered = (question.current_revision.prompt if question.current_revision else question.title).lower()
        seed_name = next(name for phrase, name in CODING_SEEDS.items() if phrase in lowered)
        coding_spec_from_seed(question=question, seed_name=seed_name)


def _loop(
    organisation: Organisation, question_set: QuestionSet, questions: list[Question], users: dict[str, User]
) -> Loop:
    loop, created = Loop.objects.get_or_create(
        organisation=organisation,
        title=LOOP_TITLE,
        defaults={"role": "NLP Machine Learning Intern", "description": "Built from the shipped seed question set."},
    )
    if not created:
        return loop
    Stage.objects.create(
        loop=loop,
        position=1,
        kind=StageKind.ASSESSMENT,
        title="Online assessment",
        question_set=question_set,
        duration_minutes=90,
    )
    conceptual = [q for q in questions if q.kind == QuestionKind.CONCEPTUAL]
    behavioural = [q for q in questions if q.kind == QuestionKind.BEHAVIOURAL]
    _interview(loop, 2, "Technical interview: foundations", conceptual[:9], users["ira"])
    _interview(loop, 3, "Technical interview: advanced topics", conceptual[9:], users["theo"])
    _interview(loop, 4, "Behavioural interview", behavioural, users["ira"], users["hana"])
    return loop


def _interview(loop: Loop, position: int, title: str, focus: list[Question], *interviewers: User) -> None:
    stage = Stage.objects.create(loop=loop, position=position, kind=StageKind.INTERVIEW, title=title)
    for user in interviewers:
        StageInterviewer.objects.create(stage=stage, user=user)
    for index, question in enumerate(focus, start=1):
        FocusQuestion.objects.create(stage=stage, question=question, position=index, interviewer=interviewers[0])
