import json

from django.test import Client
from openapi_spec_validator import validate

TRIGGER_ENDPOINTS = {
    "/api/v1/triggers/",
    "/api/v1/triggers/{id}/",
    "/api/v1/triggers/{id}/duplicate/",
    "/api/v1/triggers/{id}/activate/",
    "/api/v1/triggers/{id}/deactivate/",
    "/api/v1/triggers/{id}/problems/",
    "/api/v1/triggers/{id}/preview/",
    "/api/v1/firings/",
    "/api/v1/firings/{id}/",
    "/api/v1/firings/{id}/retry/",
    "/api/v1/activities/{id}/force-trigger/",
    "/api/v1/activities/{id}/firings/",
}


def test_the_schema_documents_every_trigger_endpoint_and_stays_valid(db):
    schema = json.loads(Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    validate(schema)
    assert TRIGGER_ENDPOINTS <= set(schema["paths"])
    force = schema["paths"]["/api/v1/activities/{id}/force-trigger/"]["post"]
    assert force["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ForceInputRequest"
    )
    assert "trigger" in schema["components"]["schemas"]["ForceInputRequest"]["properties"]
    filters = {p["name"] for p in schema["paths"]["/api/v1/firings/"]["get"]["parameters"]}
    assert {"activity", "trigger", "status", "page"} <= filters
    conditions = schema["components"]["schemas"]["TriggerInputRequest"]["properties"]["conditions"]
    assert conditions["type"] == "array"
