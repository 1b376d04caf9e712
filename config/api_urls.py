from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from common.exceptions import error_body


@csrf_exempt  # it changes nothing; the answer to any method is the same JSON 404
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other /api/v1/ path: a 404 in the API's error shape, not the site's HTML page."""
    return JsonResponse(error_body("not_found", f"No API endpoint at {request.path}."), status=404)


urlpatterns = [
    path("", include("assessments.urls")),
    path("", include("rubrics.urls")),
    re_path(r"^(?P<rest>.*)$", api_not_found),
]
