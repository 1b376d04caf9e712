from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.urls import candidate_attempt_urlpatterns
from config.health import health
from manage.urls import account_urlpatterns
from manage.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("take/", include("assessments.urls")),
    path("take/", include(candidate_attempt_urlpatterns)),
    path("manage/", include("manage.urls")),
    path("manage/integrations/", include("integrations.urls")),
    path("manage/emails/", include("notifications.urls")),
    path("interviews/", include("rubrics.urls")),
    path("greenhouse/", include("integrations.greenhouse.urls")),
    path("accounts/", include("notifications.password_views")),
    path("accounts/", include(account_urlpatterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="swagger-ui",
    ),
]
