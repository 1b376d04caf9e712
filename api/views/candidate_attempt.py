"""Candidate JSON API under /take/<token>/api/ (the token is the credential; no account)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import validated
from api.throttling import AttemptPreviewThrottle
from assessments.models import Attempt
from assessments.selectors.attempts import attempt_clock, attempt_get_by_token, attempt_state
from assessments.selectors.submissions import attempt_submission_get, submission_view
from assessments.services.answers import (
    MAX_EVENTS_PER_CALL,
    answer_save,
    answer_size_check,
    attempt_question_get,
    attempt_submit,
    integrity_events_record,
    samples_run,
)
from common.markdown import render_markdown


class CandidateApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    attempt: Attempt

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.attempt = attempt_get_by_token(token=kwargs["token"])


@extend_schema(exclude=True)
class StateApi(CandidateApi):
    def get(self, request: Request, token: str) -> Response:
        return Response(attempt_state(self.attempt))


@extend_schema(exclude=True)
class ClockApi(CandidateApi):
    """The page polls this small read (every ``CANDIDATE_CLOCK_POLL_SECONDS``) to follow a moved deadline."""

    def get(self, request: Request, token: str) -> Response:
        return Response(attempt_clock(self.attempt))


class AnswerSaveInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    version = serializers.IntegerField(min_value=0)


@extend_schema(exclude=True)
class AnswerSaveApi(CandidateApi):
    def put(self, request: Request, token: str, question_id: int) -> Response:
        data = validated(AnswerSaveInputSerializer, request.data)
        answer = answer_save(attempt=self.attempt, attempt_question_id=question_id, **data)
        saved = {"version": answer.version, "saved_at": answer.updated_at.isoformat()}
        return Response(saved | {"deadline": self.attempt.deadline.isoformat()})  # read with this request


class PreviewInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


@extend_schema(exclude=True)
class AnswerPreviewApi(CandidateApi):
    throttle_classes = [AttemptPreviewThrottle]

    def post(self, request: Request, token: str, question_id: int) -> Response:
        attempt_question = attempt_question_get(attempt=self.attempt, attempt_question_id=question_id)
        body = validated(PreviewInputSerializer, request.data)["body"]
        answer_size_check(attempt_question, body)  # a preview is bounded like the answer it previews
        return Response({"html": render_markdown(body)})


class RunSamplesInputSerializer(serializers.Serializer):
    source = serializers.CharField(allow_blank=True, trim_whitespace=False)  # type: ignore[assignment]


@extend_schema(exclude=True)
class RunSamplesApi(CandidateApi):
    def post(self, request: Request, token: str, question_id: int) -> Response:
        source = validated(RunSamplesInputSerializer, request.data)["source"]
        submission = samples_run(attempt=self.attempt, attempt_question_id=question_id, source=source)
        return Response(submission_view(submission), status=status.HTTP_202_ACCEPTED)


@extend_schema(exclude=True)
class SubmissionApi(CandidateApi):
    def get(self, request: Request, token: str, submission_id: int) -> Response:
        return Response(submission_view(attempt_submission_get(attempt=self.attempt, pk=submission_id)))


@extend_schema(exclude=True)
class SubmitApi(CandidateApi):
    def post(self, request: Request, token: str) -> Response:
        result = attempt_submit(attempt=self.attempt)
        return Response(
            {"status": result.attempt.status, "submissions": [submission_view(s) for s in result.submissions]}
        )


class EventsInputSerializer(serializers.Serializer):
    events = serializers.ListField(child=serializers.DictField(), allow_empty=True, max_length=MAX_EVENTS_PER_CALL)


@extend_schema(exclude=True)
class EventsApi(CandidateApi):
    def post(self, request: Request, token: str) -> Response:
        integrity_events_record(attempt=self.attempt, events=validated(EventsInputSerializer, request.data)["events"])
        return Response(status=status.HTTP_204_NO_CONTENT)
