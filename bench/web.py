"""A small, fast HTTP/1.1 client on a raw socket (keep-alive), and the forms of an HTML page.

The load generator's own CPU competes with the server on this machine, so each request is a
few bytes written and a header parsed, not a framework. Cookies are handled by the caller
(the session cookie is Secure in production, so a cookie jar would drop it over plain http).
"""

from __future__ import annotations

import html
import re
import socket
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Optional
from urllib.parse import urlencode, urljoin, urlsplit

SESSION_COOKIE = "portal_session"


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> Optional[str]:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def location(self) -> Optional[str]:
        value = self.header("location")
        return urlsplit(value)._replace(scheme="", netloc="").geturl() if value else None

    def session_cookie(self) -> Optional[str]:
        for value in self.headers.get("set-cookie", []):
            first = value.split(";", 1)[0].strip()
            if first.startswith(SESSION_COOKIE + "="):
                return first
        return None


class Connection:
    """One keep-alive connection to 127.0.0.1:port; reconnects when the server closed it."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.sock: Optional[socket.socket] = None
        self._buffer = b""

    def _connect(self) -> None:
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def request(self, method: str, path: str, *, cookie: Optional[str] = None, body: bytes | str | None = None,
                content_type: str = "application/x-www-form-urlencoded") -> Response:
        if isinstance(body, str):
            body = body.encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Encoding: identity"]
        if cookie:
            head.append(f"Cookie: {cookie}")
        if body is not None:
            head += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        raw = ("\r\n".join(head) + "\r\n\r\n").encode() + (body or b"")
        for attempt in (0, 1):
            fresh = self.sock is None
            if fresh:
                self._connect()
            try:
                self.sock.sendall(raw)
                return self._read(method)
            except (ConnectionError, socket.timeout, _Closed):
                self.close()
                if fresh or attempt:  # a fresh connection that fails is a real failure
                    raise
        raise AssertionError("unreachable")

    def _fill(self) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise _Closed()
        self._buffer += chunk

    def _read(self, method: str) -> Response:
        while b"\r\n\r\n" not in self._buffer:
            self._fill()
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, list[str]] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        if method == "HEAD" or status in (204, 304):
            body = b""
        elif "content-length" in headers:
            length = int(headers["content-length"][0])
            while len(self._buffer) < length:
                self._fill()
            body, self._buffer = self._buffer[:length], self._buffer[length:]
        elif "chunked" in headers.get("transfer-encoding", [""])[0]:
            body = self._read_chunked()
        else:  # until the server closes
            try:
                while True:
                    self._fill()
            except _Closed:
                pass
            body, self._buffer = self._buffer, b""
            self.close()
        if "close" in (headers.get("connection", [""])[0].lower()):
            self.close()
        return Response(status, headers, body)

    def _read_chunked(self) -> bytes:
        parts = []
        while True:
            while b"\r\n" not in self._buffer:
                self._fill()
            size_line, self._buffer = self._buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(self._buffer) < size + 2:
                self._fill()
            parts.append(self._buffer[:size])
            self._buffer = self._buffer[size + 2:]
            if size == 0:
                return b"".join(parts)


class _Closed(Exception):
    pass


# -- forms ------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  #: hidden/text/checked values, in order
    radios: dict[str, list[str]] = field(default_factory=dict)  #: radio groups without a checked option
    selects: dict[str, list[str]] = field(default_factory=dict)  #: selects without a selected option
    submits: list[tuple[str, str]] = field(default_factory=list)

    def value(self, name: str) -> Optional[str]:
        return next((v for n, v in self.fields if n == name), None)

    def body(self, overrides: Optional[dict[str, str]] = None, *, submit: Optional[str] = None) -> str:
        """The form as a browser sends it: unchecked radios and unselected selects take their first
        option, ``overrides`` replace or add values, and one submit button (by name or label)."""
        overrides = dict(overrides or {})
        pairs = [(n, overrides.pop(n, v)) for n, v in self.fields]
        names = {n for n, _ in pairs}
        for group in (self.radios, self.selects):
            for name, options in group.items():
                if name not in names and name in overrides:
                    pairs.append((name, overrides.pop(name)))
                elif name not in names and options:
                    pairs.append((name, options[0]))
        pairs += list(overrides.items())
        chosen = None
        if submit is not None:
            chosen = next((s for s in self.submits if submit in (s[0], s[1])), None)
        elif self.submits:
            chosen = self.submits[0]
        if chosen and chosen[0]:
            pairs.append(chosen)
        return urlencode(pairs)


class _FormParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[Form] = []
        self._form: Optional[Form] = None
        self._select: Optional[str] = None
        self._select_options: list[str] = []
        self._select_chosen: Optional[str] = None
        self._textarea: Optional[str] = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.base
            self._form = Form(urljoin(self.base, html.unescape(action)), (a.get("method") or "get").lower())
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form.submits.append((name, a.get("value", "")))
            elif kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
                elif kind == "radio":
                    self._form.radios.setdefault(name, []).append(a.get("value", "on"))
            else:
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.submits.append((name or "", a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_options, self._select_chosen = name, [], None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if value:
                self._select_options.append(value)
            if "selected" in a:
                self._select_chosen = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            if self._select_chosen is not None:
                self._form.fields.append((self._select, self._select_chosen))
            else:
                self._form.selects[self._select] = self._select_options
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms(page: str, base: str = "/") -> list[Form]:
    parser = _FormParser(base)
    parser.feed(page)
    return parser.forms


def form_to(page: str, action_pattern: str, base: str = "/") -> Optional[Form]:
    """The first POST form whose action matches ``action_pattern`` (a regex searched in the path)."""
    pattern = re.compile(action_pattern)
    return next((f for f in forms(page, base) if f.method == "post" and pattern.search(f.action)), None)


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(page: str) -> Optional[str]:
    match = _CSRF.search(page)
    return (match.group(1) or match.group(2)) if match else None


def links(page: str, pattern: str) -> list[str]:
    """hrefs on the page matching ``pattern`` (a regex searched in the unescaped href)."""
    compiled = re.compile(pattern)
    found = []
    for href in re.findall(r'href="([^"]+)"', page):
        href = html.unescape(href)
        if compiled.search(href):
            found.append(href)
    return found


# -- signing in ----------------------------------------------------------------------------------


class SignInFailed(RuntimeError):
    pass


def sign_in(conn: Connection, username: str, password: str) -> tuple[str, str]:
    """Sign in through the form; returns (session Cookie value, a CSRF token valid for the session)."""
    page = conn.request("GET", "/login")
    cookie, token = page.session_cookie(), csrf_token(page.text)
    if page.status != 200 or cookie is None or token is None:
        raise SignInFailed(f"GET /login gave {page.status} without a session cookie or CSRF token")
    body = urlencode({"csrf_token": token, "username": username, "password": password, "next": "",
                      "submit": "Aanmelden"})
    answer = conn.request("POST", "/login", cookie=cookie, body=body)
    signed_in = answer.session_cookie()
    if answer.status != 302 or signed_in is None:
        raise SignInFailed(f"sign-in of {username} gave {answer.status}, not a redirect with a session")
    # the token is bound to the session's CSRF secret, made at sign-in: read one from a signed-in page
    privacy = conn.request("GET", "/privacy", cookie=signed_in)
    signed_in = privacy.session_cookie() or signed_in
    token = csrf_token(privacy.text)
    if token is None:
        raise SignInFailed(f"no CSRF token on /privacy for {username}")
    return signed_in, token
