from django.urls import path

from manage.views import candidates as manage_views

urlpatterns = [
    path("invitations/", manage_views.invitations, name="manage-invitations"),
    path("invitations/<int:pk>/revoke/", manage_views.invitation_revoke_view, name="manage-invitation-revoke"),
    path("candidates/<int:pk>/report/", manage_views.candidate_report_view, name="manage-candidate-report"),
    path("candidates/<int:pk>/decide/", manage_views.candidate_decide_view, name="manage-candidate-decide"),
]
