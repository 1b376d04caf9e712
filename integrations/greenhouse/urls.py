from django.urls import URLPattern, path

from integrations.greenhouse import views

urlpatterns: list[URLPattern] = [
    path("list_tests", views.list_tests, name="greenhouse-list-tests"),
    path("send_test", views.send_test_view, name="greenhouse-send-test"),
    path("test_status", views.test_status_view, name="greenhouse-test-status"),
    path("response_error", views.response_error_view, name="greenhouse-response-error"),
]
