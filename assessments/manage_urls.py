from django.urls import path

from assessments import manage_views

urlpatterns = [
    path("invitations/", manage_views.invitations, name="manage-invitations"),
    path("invitations/<int:pk>/revoke/", manage_views.invitation_revoke_view, name="manage-invitation-revoke"),
]
