"""The whole API's OpenAPI document is valid and drf-spectacular raises no warning for any app."""

from django.core.management import call_command


def test_the_schema_of_every_app_validates_without_warnings(tmp_path, db):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/activities/",
        "/api/v1/triggers/",
        "/api/v1/firings/",
        "/api/v1/billing-documents/",
    ):
        assert path in text
