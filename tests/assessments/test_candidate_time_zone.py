"""A candidate's time zone: given by the ATS or a manager (an IANA name), used for the times in their e-mails."""

import pytest

from assessments.models import Candidate

pytestmark = pytest.mark.django_db


def test_the_api_takes_and_shows_a_time_zone(manager_client):
    body = {"name": "Ada", "email": "ada@example.test", "time_zone": "Asia/Tokyo"}
    response = manager_client.post("/api/v1/candidates/", body, format="json")
    assert response.status_code == 201 and response.json()["time_zone"] == "Asia/Tokyo"
    candidate = Candidate.objects.get()
    changed = manager_client.patch(f"/api/v1/candidates/{candidate.pk}/", {"time_zone": ""}, format="json")
    assert changed.status_code == 200 and changed.json()["time_zone"] == ""  # unknown again: UTC


@pytest.mark.parametrize("zone", ["Mars/Olympus", "utc+2", "../../etc/passwd", "x" * 65])
def test_a_zone_that_is_not_an_iana_name_is_a_400(manager_client, zone):
    body = {"name": "Ada", "email": "ada@example.test", "time_zone": zone}
    response = manager_client.post("/api/v1/candidates/", body, format="json")
    assert response.status_code == 400 and "time_zone" in response.json()["error"]["details"]
    assert not Candidate.objects.exists()
