import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_openapi_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/questions/", "/api/v1/question-sets/import/", "/api/v1/candidates/", "/api/v1/rubrics/"):
        assert f"{path}:" in text


def test_schema_and_swagger_ui_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert b"swagger" in client.get("/api/docs/").content.lower()


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _api_operations(schema):
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/"):
            for method, operation in operations.items():
                yield method.upper(), path, operation


def test_every_api_operation_documents_the_errors_the_base_classes_can_answer(schema):
    operations = list(_api_operations(schema))
    assert len(operations) >= 30
    for method, path, operation in operations:
        codes = set(operation["responses"])
        assert {"401", "403", "429"} <= codes, (method, path)
        assert ("404" in codes) == ("{id}" in path or method != "GET" or path == "/api/v1/scorecards/"), (method, path)
        assert ("422" in codes) == (method == "POST"), (method, path)
        if method != "GET" and method != "DELETE":
            assert {"400", "415"} <= codes, (method, path)
        for code in codes - {"200", "201", "202", "204", "304"}:  # 304 is no error: test_conditional_reads_document_304
            content = operation["responses"][code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path, code)
            assert next(iter(content["examples"].values()))["value"]["error"]["code"], (method, path, code)


RATE_LIMIT_HEADERS = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"}


CONDITIONAL_READS = {  # path: whether it has a Last-Modified
    "/api/v1/attempts/{id}/": True,
    "/api/v1/attempts/{id}/result/": False,
    "/api/v1/invitations/{id}/": True,
    "/api/v1/candidates/{id}/": True,
    "/api/v1/loops/{id}/": False,
}


@pytest.mark.parametrize(("path", "last_modified"), sorted(CONDITIONAL_READS.items()))
def test_conditional_reads_document_304_and_their_validators(schema, path, last_modified):
    operation = schema["paths"][path]["get"]
    not_modified = operation["responses"]["304"]
    assert "content" not in not_modified
    validators = {"ETag", "Cache-Control"} | ({"Last-Modified"} if last_modified else set())
    for code in ("200", "304"):
        assert {name for name in operation["responses"][code]["headers"]} - RATE_LIMIT_HEADERS == validators
    conditions = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert conditions == ({"If-None-Match", "If-Modified-Since"} if last_modified else {"If-None-Match"})


def test_only_the_conditional_reads_document_304(schema):
    assert {path for method, path, op in _api_operations(schema) if "304" in op["responses"]} == set(CONDITIONAL_READS)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/invitations/"),
        ("POST", "/api/v1/invitations/{id}/revoke/"),
        ("POST", "/api/v1/candidates/"),
        ("DELETE", "/api/v1/candidates/{id}/"),
        ("PATCH", "/api/v1/scorecards/{id}/"),
        ("POST", "/api/v1/scorecards/{id}/submit/"),
    ],
)
def test_conflicts_are_documented_where_services_raise_them(schema, method, path):
    assert "409" in schema["paths"][path][method.lower()]["responses"]


def test_success_and_429_document_the_rate_limit_headers_and_posts_the_replay_header(schema):
    listing = schema["paths"]["/api/v1/attempts/"]["get"]["responses"]
    assert set(listing["200"]["headers"]) == RATE_LIMIT_HEADERS
    assert "Retry-After" in listing["429"]["headers"]
    assert "headers" not in listing["401"]
    created = schema["paths"]["/api/v1/invitations/"]["post"]
    assert "Idempotent-Replayed" in created["responses"]["201"]["headers"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in created["parameters"])


def test_lists_document_the_cursor_page_and_their_filters(schema):
    operation = schema["paths"]["/api/v1/attempts/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"limit", "cursor", "updated_since", "status", "candidate_id"} <= names
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"results", "next_cursor", "next"}
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/AttemptOutput"}


def test_results_have_an_example(schema):
    content = schema["paths"]["/api/v1/attempts/{id}/result/"]["get"]["responses"]["200"]["content"]
    example = next(iter(content["application/json"]["examples"].values()))["value"]
    assert example["complete"] is True and example["questions"][0]["coding"]["tests_total"] == 20


def test_the_api_authenticates_only_with_api_keys_and_sessions(schema, client):
    # DRF's TokenAuthentication was on but unused and undocumented: a second kind of credential
    # with no UI, no scope and no revocation story. The schema lists exactly what docs/api.md does.
    assert set(schema["components"]["securitySchemes"]) == {"ApiKeyAuth", "cookieAuth"}
    response = client.get("/api/v1/candidates/", HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Api-Key"
