"""Queries per request: one request per page through Flask's test client, counting SQL statements.

The app is built in this process with the same settings as the gunicorn run and the same
database; a ``before_cursor_execute`` listener on its engine counts every statement. The
second request of each page is counted (the first may fill per-process caches).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import Engine, event

_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


class QueryCounter:
    def __init__(self, config: dict[str, Any]) -> None:
        from portal import create_app
        from portal.extensions import db

        self.app = create_app(config)
        # The cookie is Secure in production; the test client talks plain http.
        self.app.config["SESSION_COOKIE_SECURE"] = False
        self.statements: list[str] = []
        with self.app.app_context():
            self.engine = db.engine
        # Every engine of the process, not only the app's own.
        event.listen(Engine, "before_cursor_execute", self._count)
        self._clients: dict[str, Any] = {}

    def _count(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        self.statements = []
        yield self.statements

    def client_for(self, username: str | None, password: str | None):
        """A test client signed in as ``username`` (None: not signed in)."""
        key = username or ""
        if key not in self._clients:
            client = self.app.test_client()
            if username:
                response = self.login(client, username, password or "")
                if response.status_code != 302:
                    raise RuntimeError(f"test-client sign-in of {username} gave {response.status_code}")
            self._clients[key] = client
        return self._clients[key]

    def login(self, client, username: str, password: str):
        page = client.get("/login")
        token = _CSRF.search(page.get_data(as_text=True))
        if token is None:
            raise RuntimeError("no CSRF token on /login")
        return client.post("/login", data={"csrf_token": token.group(1), "username": username,
                                           "password": password, "next": "", "submit": "Aanmelden"})

    def page(self, path: str, username: str | None, password: str | None) -> tuple[int, int, list[str]]:
        """(status, statements, the statements) of the second GET of ``path``."""
        client = self.client_for(username, password)
        client.get(path)
        with self.counting() as statements:
            response = client.get(path)
        return response.status_code, len(statements), list(statements)

    def sign_in(self, username: str, password: str) -> tuple[int, int, list[str]]:
        """Statements of one sign-in (the POST only, not the form)."""
        client = self.app.test_client()
        page = client.get("/login")
        token = _CSRF.search(page.get_data(as_text=True)).group(1)
        form = {"csrf_token": token, "username": username, "password": password, "next": "",
                "submit": "Aanmelden"}
        with self.counting() as statements:
            response = client.post("/login", data=form)
        return response.status_code, len(statements), list(statements)

    def close(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._count)
        self.engine.dispose()
