"""Cache-Control: no-store on every page and download behind the login, for EVERY URL of the
project (read from the URL resolver by tests/url_matrix.py), whatever the answer."""

from __future__ import annotations

from django.test import Client

from tests import test_access_matrix, url_matrix

world = test_access_matrix.world


def test_it_sends_no_store_on_every_url_behind_the_login(world, admin_client, viewer):
    viewer_client = Client()
    viewer_client.force_login(viewer)
    missing = []
    checked = 0
    for route in url_matrix.all_routes():
        url = url_matrix.url_for(route) + url_matrix.query_for(route)
        for who, client in (("superuser", admin_client), ("viewer", viewer_client)):
            response = client.get(url)
            checked += 1
            directives = {
                part.strip() for part in response.get("Cache-Control", "").split(",") if part
            }
            if not {"no-store", "private"} <= directives:
                missing.append(f"{who} {url} ({response.status_code}): {directives or 'none'}")
            if "logout" in url:
                client.force_login(world[who])
    assert checked > 100
    assert not missing, "\n".join(missing)


def test_it_sends_no_store_on_downloads(viewer_client, db):
    for fmt in ("csv", "excel-csv", "xlsx"):
        response = viewer_client.get("/reports/contributions/", {"format": fmt})
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert response["Expires"]
