"""The loop builder's stage actions: remove a stage, assign an interviewer, set an interviewer's focus questions."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from assessments.models import Loop, Stage
from assessments.selectors.loops import loop_get, loop_stage_get
from assessments.selectors.questions import question_in_bulk
from assessments.services.loops import loop_stage_remove, stage_focus_questions_set, stage_interviewer_assign
from common.exceptions import ApplicationError
from manage.views.base import found_or_404
from manage.views.loops import edit_redirect
from organisations.models import Membership, Organisation
from organisations.pages import organisation_page
from organisations.selectors import MANAGER_ROLES, member_user_find


def _loop_and_stage(membership: Membership, pk: int, stage_pk: int) -> tuple[Loop, Stage]:
    loop = found_or_404(loop_get, organisation=membership.organisation, pk=pk)
    return loop, found_or_404(loop_stage_get, loop=loop, pk=stage_pk)


def _member_user(organisation: Organisation, raw: str | None) -> Any:
    if not raw or not raw.isdigit():
        return None
    return member_user_find(organisation=organisation, pk=int(raw))


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def stage_remove_view(request: HttpRequest, membership: Membership, pk: int, stage_pk: int) -> HttpResponse:
    loop, stage = _loop_and_stage(membership, pk, stage_pk)
    try:
        loop_stage_remove(organisation=membership.organisation, stage=stage)
        messages.success(request, "Stage removed.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return edit_redirect(request, loop)


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def stage_interviewer_view(request: HttpRequest, membership: Membership, pk: int, stage_pk: int) -> HttpResponse:
    loop, stage = _loop_and_stage(membership, pk, stage_pk)
    user = _member_user(membership.organisation, request.POST.get("user"))
    if user is None:
        messages.error(request, "Choose a member of the organisation.")
        return edit_redirect(request, loop)
    try:
        stage_interviewer_assign(organisation=membership.organisation, stage=stage, user=user)
        messages.success(request, f"{user.get_username()} assigned to {stage.title}.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return edit_redirect(request, loop)


@organisation_page(roles=MANAGER_ROLES)
@require_POST
def stage_focus_view(request: HttpRequest, membership: Membership, pk: int, stage_pk: int) -> HttpResponse:
    organisation = membership.organisation
    loop, stage = _loop_and_stage(membership, pk, stage_pk)
    user = _member_user(organisation, request.POST.get("interviewer"))
    ids = [int(raw) for raw in request.POST.getlist("questions") if raw.isdigit()]
    by_id = question_in_bulk(organisation=organisation, pks=ids)
    if user is None or len(by_id) != len(set(ids)):
        messages.error(request, "Choose an interviewer and questions of this organisation.")
        return edit_redirect(request, loop)
    try:
        stage_focus_questions_set(
            organisation=organisation, stage=stage, interviewer=user, questions=[by_id[i] for i in dict.fromkeys(ids)]
        )
        messages.success(request, "Focus questions saved.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return edit_redirect(request, loop)
