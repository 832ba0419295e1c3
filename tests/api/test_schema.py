"""The OpenAPI description: generated from the code, valid OpenAPI 3, served with its
documentation page (files served by us, under the site's CSP)."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_schema_validates_as_openapi_3():
    schema = SchemaGenerator(api_version="1").get_schema(request=None, public=True)

    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema

    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["jetonPersonnel"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["jetonPersonnel"]["description"],
    }


def test_the_schema_describes_every_route_of_the_api():
    schema = SchemaGenerator(api_version="1").get_schema(request=None, public=True)

    assert sorted(schema["paths"]) == [
        "/api/v1/calls/",
        "/api/v1/calls/{id}/",
        "/api/v1/calls/{id}/decisions/",
        "/api/v1/calls/{id}/projects/",
        "/api/v1/calls/{id}/ranking/",
        "/api/v1/grid-versions/",
        "/api/v1/grid-versions/{id}/",
        "/api/v1/me/",
        "/api/v1/projects/",
        "/api/v1/projects/{id}/",
        "/api/v1/projects/{id}/feedback/",
        "/api/v1/projects/{id}/review/",
        "/api/v1/projects/{id}/review/project/",
        "/api/v1/projects/{id}/review/submit/",
        "/api/v1/projects/{id}/reviews/",
        "/api/v1/projects/{id}/self-assessment/",
        "/api/v1/projects/{id}/submit/",
        "/api/v1/reviews/",
        "/api/v1/territories/",
    ]


def test_the_schema_and_its_documentation_are_served(client):
    schema = client.get("/api/v1/schema/", headers={"Accept": "application/json"})
    docs = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")

    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "API Évalis"
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "<style>" not in page and "<script>" not in page  # no inline code: the CSP holds
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
