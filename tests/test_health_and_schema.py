"""/health and the OpenAPI document."""

from __future__ import annotations


async def test_health_reports_the_database(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_openapi_lists_the_api_with_bearer_auth(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    for path in ("/api/v1/departments", "/api/v1/departments/{id}", "/api/v1/unions", "/api/v1/people", "/api/v1/groups", "/health"):
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert not any(p.startswith("/forvaltningar") for p in spec["paths"])  # pages are not API
    assert (await client.get("/schema")).status_code == 200


async def test_errors_outside_any_route_keep_our_format(client):
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {"status": 404, "detail": "Not Found"}
    wrong_method = await client.put("/api/v1/departments")
    assert wrong_method.status_code == 405 and wrong_method.json()["status"] == 405
    page = await client.get("/finns-inte")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Sidan finns inte." in page.text and '<html lang="sv">' in page.text
