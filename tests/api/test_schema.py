import json

from django.test import Client
from openapi_spec_validator import validate

ENDPOINTS = [
    "/api/v1/activity-types/",
    "/api/v1/activity-types/{id}/",
    "/api/v1/customers/",
    "/api/v1/customers/{id}/",
    "/api/v1/activities/",
    "/api/v1/activities/{id}/",
    "/api/v1/activities/{id}/schedule/",
    "/api/v1/activities/{id}/unschedule/",
    "/api/v1/activities/{id}/start/",
    "/api/v1/activities/{id}/close-ok/",
    "/api/v1/activities/{id}/close-ko/",
    "/api/v1/activities/{id}/cancel/",
    "/api/v1/activities/{id}/reopen/",
    "/api/v1/activities/{activity_id}/history/",
    "/api/v1/history/",
    "/api/v1/history/{id}/",
]


def test_the_schema_is_a_valid_openapi_3_document_with_every_endpoint(db):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert set(ENDPOINTS) <= set(schema["paths"])
    assert "ApiKeyAuth" in schema["components"]["securitySchemes"]


def test_the_activity_list_documents_its_filters_and_pagination(db):
    schema = json.loads(Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    names = {p["name"] for p in schema["paths"]["/api/v1/activities/"]["get"]["parameters"]}
    assert {
        "status",
        "activity_type",
        "customer",
        "assignee",
        "scheduled_after",
        "scheduled_before",
        "updated_since",
        "reference",
        "page",
        "page_size",
    } <= names


FOUNDATION_MODULES = ("accounts/api.py", "catalog/api.py", "activities/api.py")


def test_schema_generation_raises_no_warning_for_the_foundation_endpoints(capsys):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--file", "/dev/null")
    lines = [line for line in capsys.readouterr().err.splitlines() if "Warning" in line or "Error" in line]
    # Global warnings (enum name clashes) start with "Warning:"; view warnings name their module.
    ours = [
        line
        for line in lines
        if line.startswith(("Warning:", "Error:")) or any(m in line for m in FOUNDATION_MODULES)
    ]
    assert ours == []


def test_the_swagger_ui_is_served_from_the_sidecar_without_a_cdn(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
