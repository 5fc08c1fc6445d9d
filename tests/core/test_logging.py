"""Structured request logs: one JSON line per request, never secrets."""

from __future__ import annotations

import json
import logging

from portal.core.logging import JsonFormatter


def test_request_log_line_has_id_user_status_duration_and_no_password(app, client, auth, caplog):
    caplog.set_level(logging.INFO, logger="portal.request")
    auth.login("jdevries", "Welkom-jdevries-2026")
    client.get("/", headers={"X-Request-ID": "trace-abc-123"})
    records = [r for r in caplog.records if r.name == "portal.request"]
    lines = [json.loads(JsonFormatter().format(r)) for r in records]
    dashboard = next(line for line in lines if line["path"] == "/" and line["method"] == "GET")
    assert dashboard["request_id"] == "trace-abc-123"
    assert dashboard["status"] == 200 and dashboard["user_id"]
    assert isinstance(dashboard["duration_ms"], float)
    assert all("Welkom-jdevries-2026" not in json.dumps(line) for line in lines)


def test_hostile_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert response.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(response.headers["X-Request-ID"]) == 32


def test_privacy_statement_is_public_and_names_retention(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "Privacyverklaring" in html and "730 dagen" in html
