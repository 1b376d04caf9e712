"""The project's URLs plus two bare endpoints the API benchmark compares the real ones with."""

from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns
from integrations.authentication import ApiKeyAuthentication


class BareApi(APIView):
    """DRF doing nothing: no authentication, no permission, no throttle, ``{}``."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def get(self, request: Request) -> Response:
        return Response({})


class BareApiKeyApi(APIView):
    """The same, behind the API key check every real call pays (one indexed lookup and a hash)."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({})


urlpatterns = [
    path("bench/bare/", BareApi.as_view(), name="bench-bare"),
    path("bench/bare-key/", BareApiKeyApi.as_view(), name="bench-bare-key"),
    *project_urlpatterns,
]
