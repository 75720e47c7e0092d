"""The OpenAPI schema: valid, complete, served behind login, and true to the live API."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

from tests import factories

ENDPOINTS = {
    "/api/v1/contributions/",
    "/api/v1/missions/",
    "/api/v1/missions/{id}/",
    "/api/v1/documents/",
    "/api/v1/documents/{id}/",
    "/api/v1/statements/",
    "/api/v1/reports/summary/",
    "/api/v1/reports/expiring/",
    "/api/v1/reports/changes/",
}


def schema() -> dict:
    return json.loads(json.dumps(SchemaGenerator().get_schema(public=True), default=str))


def test_it_makes_a_valid_openapi_3_schema_of_every_endpoint(db):
    made = schema()

    validate(made)  # raises on any violation of the OpenAPI 3 specification
    assert made["openapi"].startswith("3.")
    assert set(made["paths"]) == ENDPOINTS
    assert all(set(ops) == {"get"} for ops in made["paths"].values()), "read-only"


def test_it_documents_every_filter_of_the_table_as_a_parameter(db):
    (operation,) = schema()["paths"]["/api/v1/contributions/"].values()

    names = {p["name"] for p in operation["parameters"]}

    assert names == {
        "q",
        "organization",
        "region",
        "status",
        "present",
        "end_after",
        "end_before",
        "expires_within",
        "as_of",
        "corrected",
        "document",
        "sort",
        "page",
        "page_size",
    }


def test_it_serves_the_schema_and_docs_to_viewers_only(viewer_client, db):
    assert Client().get("/api/schema/").status_code == 401
    assert Client().get("/api/docs/").status_code == 401
    served = viewer_client.get("/api/schema/?format=json")
    assert served.status_code == 200
    assert set(served.json()["paths"]) == ENDPOINTS


def test_it_serves_the_docs_page_with_its_own_assets(viewer_client, db):
    page = viewer_client.get("/api/docs/").content.decode()
    script = viewer_client.get("/api/docs/?script").content.decode()

    assets = [part.split('"')[0] for part in page.split('src="')[1:]]
    assets += [part.split('"')[0] for part in page.split('href="')[1:] if ".css" in part]
    assert any("swagger-ui-bundle.js" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/"), f"{asset} would be fetched from elsewhere"
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/").split("?")[0]), asset
    assert "/api/schema/" in script
    assert "http://" not in page + script and "https://" not in page + script


CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


@pytest.mark.schemathesis
# A real transaction, so that the live server's thread sees the data; the migrated state (roles,
# permissions) is put back afterwards for the tests that follow, as in the browser tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_survives_a_schema_driven_fuzz_run_against_the_live_server(
    live_server, real_data, viewer, settings, tmp_path: Path
):
    """Every endpoint and parameter, generated from the schema (valid and invalid values):
    no 500, and every answer as the schema says. Bounded (10 cases per operation and phase, a
    fixed seed): about 650 requests, 25-50 s depending on the machine's load."""
    settings.API_THROTTLE_RATE = "100000/minute"
    _token, key = factories.api_token(viewer, "fuzz")
    schema_file = tmp_path / "openapi.json"
    schema_file.write_text(json.dumps(schema()))
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        str(schema_file),
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Token {key}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        "10",
        "--seed",
        "13",
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--request-timeout",
        "10",
        "--no-color",
    ]
    # In the temporary folder: the run keeps a cache of what it tried in its working directory.
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=180, cwd=tmp_path, check=False
    )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "9 selected / 9 total" in run.stdout, run.stdout[-3000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert generated and generated[1] == generated[2] and int(generated[1]) > 300, run.stdout
