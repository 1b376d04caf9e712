"""E-mails: /api/v1/emails/, the organisation's e-mail log (status, error) and a resend. Managers and API keys."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import OrganisationApi, validated
from api.idempotency import idempotent
from api.pagination import ListQuerySerializer, paginate
from api.schema import error_response
from integrations.models import OutgoingStatus
from notifications.models import EmailKind, OutgoingEmail
from notifications.selectors import email_get, email_list
from notifications.services.outbox import email_resend
from organisations.permissions import IsOrganisationManager


class EmailOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EmailKind.choices)
    to = serializers.EmailField(source="to_email")
    invitation_id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(
        choices=OutgoingStatus.choices,
        help_text="`failed`: the mail server refused it for good (see `last_error`), or every retry failed.",
    )
    attempt_count = serializers.IntegerField(help_text="Tries so far.")
    last_status_code = serializers.IntegerField(allow_null=True, help_text="The SMTP reply code of the last try.")
    last_error = serializers.CharField(help_text="What the mail server said, or why it could not be reached.")
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class EmailListApi(OrganisationApi):
    """Interviewers get 403: the log holds candidates' addresses."""

    permission_classes = [IsOrganisationManager]

    class EmailFilterSerializer(ListQuerySerializer):
        status = serializers.ChoiceField(choices=OutgoingStatus.choices, required=False)
        kind = serializers.ChoiceField(choices=EmailKind.choices, required=False)
        invitation_id = serializers.IntegerField(required=False, min_value=1)

    @extend_schema(parameters=[EmailFilterSerializer], responses=EmailOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = validated(self.EmailFilterSerializer, request.query_params)
        emails = email_list(
            organisation=self.organisation,
            status=query.get("status", ""),
            kind=query.get("kind", ""),
            invitation_id=query.get("invitation_id"),
        )
        return paginate(request, emails, EmailOutputSerializer, query=query)


class EmailDetailApi(OrganisationApi):
    permission_classes = [IsOrganisationManager]

    @extend_schema(responses=EmailOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EmailOutputSerializer(email_get(organisation=self.organisation, pk=pk)).data)


class EmailResendApi(OrganisationApi):
    """Send again now, to the recipient's current address (fix a candidate's address first, then resend)."""

    permission_classes = [IsOrganisationManager]

    @idempotent
    @extend_schema(request=None, responses={200: EmailOutputSerializer, 409: error_response(409)})  # in flight
    def post(self, request: Request, pk: int) -> Response:
        email: OutgoingEmail = email_resend(email=email_get(organisation=self.organisation, pk=pk))
        return Response(EmailOutputSerializer(email).data)
