from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("take/", include("assessments.candidate.urls")),
    path("manage/", include("manage.urls")),
    path("manage/", include("assessments.pipeline_urls")),
    path("manage/", include("assessments.loop_builder_urls")),
    path("manage/integrations/", include("integrations.urls")),
    path("interviews/", include("rubrics.web_urls")),
    path("greenhouse/", include("integrations.greenhouse.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]
