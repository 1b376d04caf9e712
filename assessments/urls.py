from django.urls import path

from api.views import attempts as attempt_apis
from api.views import invitations as invitation_apis
from api.views import questions as apis

urlpatterns = [
    path("questions/", apis.QuestionListApi.as_view(), name="question-list"),
    path("questions/<int:pk>/", apis.QuestionDetailApi.as_view(), name="question-detail"),
    path("question-sets/", apis.QuestionSetListApi.as_view(), name="question-set-list"),
    path("question-sets/import/", apis.QuestionSetImportApi.as_view(), name="question-set-import"),
    path("question-sets/<int:pk>/", apis.QuestionSetDetailApi.as_view(), name="question-set-detail"),
    path("candidates/", apis.CandidateListApi.as_view(), name="candidate-list"),
    path("candidates/<int:pk>/", apis.CandidateDetailApi.as_view(), name="candidate-detail"),
    path("invitations/", invitation_apis.InvitationListApi.as_view(), name="invitation-list"),
    path("invitations/<int:pk>/", invitation_apis.InvitationDetailApi.as_view(), name="invitation-detail"),
    path("invitations/<int:pk>/revoke/", invitation_apis.InvitationRevokeApi.as_view(), name="invitation-revoke"),
    path("invitations/<int:pk>/extend/", invitation_apis.InvitationExtendApi.as_view(), name="invitation-extend"),
    path("attempts/", attempt_apis.AttemptListApi.as_view(), name="attempt-list"),
    path("attempts/<int:pk>/", attempt_apis.AttemptDetailApi.as_view(), name="attempt-detail"),
    path("attempts/<int:pk>/result/", attempt_apis.AttemptResultApi.as_view(), name="attempt-result"),
]
