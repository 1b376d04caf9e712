import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.sandbox, pytest.mark.usefixtures("docker_engine")]


def test_health_reports_database_and_sandbox(client):
    body = client.get("/health/").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["sandbox"].startswith("ok (runc, sha256:")


def test_health_says_plainly_when_grading_waits_for_docker(client, settings):
    settings.DOCKER_HOST = "unix:///tmp/loopwright-no-such-docker.sock"
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"]["sandbox"].startswith("waiting: code submissions queue")
