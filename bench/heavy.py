"""Heavy work: the whole register as CSV and XLSX, the annual report, a campaign for everyone and
its mail, the directory sync, a rush on one ceremony, and sign-in next to bare ldap3.

Each function returns a ``Heavy`` result (figures and a verdict) and is bounded in time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

import psycopg

from bench.drive import Call, Timings, run_calls
from bench.load import VENV_BIN, free_port
from bench.web import Connection, csrf_token, form_to, links

ROOT = Path(__file__).resolve().parent.parent
RUSH_SEATS = 50


@dataclass
class Heavy:
    key: str
    label: str
    figures: dict[str, str] = field(default_factory=dict)
    target: str = ""
    passed: Optional[bool] = None
    measured: str = ""


# -- memory of the gunicorn workers while a download runs -----------------------------------------


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssGrowth:
    """The largest growth of any worker's resident set over its value before, sampled every 50 ms."""

    def __init__(self, pids) -> None:
        self.pids = pids
        self.before = {pid: _rss_kb(pid) for pid in pids()}
        self.growth_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            for pid in self.pids():
                base = self.before.setdefault(pid, _rss_kb(pid))
                self.growth_mb = max(self.growth_mb, (_rss_kb(pid) - base) / 1024)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _is_file(response) -> bool:
    kind = (response.header("content-type") or "").lower()
    return response.status == 200 and ("csv" in kind or "spreadsheet" in kind or "octet" in kind)


def _download(port: int, path: str, cookie: str, deadline: float, job_env: Optional[dict] = None
              ) -> tuple[int, bytes, str, str, float]:
    """GET ``path`` as HR would: the file itself, or a page that asks for it (an export job): then the
    form is posted, the job runs as the worker runs it (``flask portal run-exports``, its peak memory
    from wait4) and the file is downloaded from the job's page. Bounded by ``deadline``.
    Returns (status, body, content type, how it came, the job process's peak MB or 0)."""
    conn = Connection(port, timeout=max(5.0, deadline - time.monotonic()))
    try:
        response = conn.request("GET", path, cookie=cookie)
        if _is_file(response):
            return response.status, response.body, response.header("content-type") or "", "streamed", 0.0
        # the request page's form posts to the exports area (/exports/new/<kind>), not to ``path``
        form = form_to(response.text, r"^/exports/new/", path) if response.status == 200 else None
        if form is None:
            return response.status, b"", response.header("content-type") or "", "no file and no form", 0.0
        asked = conn.request("POST", form.action, cookie=cookie, body=form.body())
        job_page = asked.location or path
        peak_mb = 0.0
        if job_env is not None:
            process = subprocess.Popen([str(VENV_BIN / "flask"), "--app", "wsgi", "portal", "run-exports"], cwd=ROOT,
                                       env=job_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _pid, _status, usage = os.wait4(process.pid, 0)
            peak_mb = usage.ru_maxrss / 1024
        while time.monotonic() < deadline:
            page = conn.request("GET", job_page, cookie=cookie)
            found = links(page.text, r"/download$")
            if found:
                download = conn.request("GET", found[0], cookie=cookie)
                return (download.status, download.body, download.header("content-type") or "",
                        "export job", peak_mb)
            time.sleep(0.5)
        return 0, b"", "", "export job: no download link in time", peak_mb
    finally:
        conn.close()


def register_export(port: int, cookie: str, fmt: str, limit_s: float, workers, job_env: dict) -> Heavy:
    label = f"whole register as {fmt.upper()}"
    result = Heavy(f"register-{fmt}", label)
    with RssGrowth(workers) as memory:
        started = time.monotonic()
        try:
            status, body, kind, how, job_mb = _download(port, f"/review/register.{fmt}", cookie,
                                                        started + 10 * limit_s, job_env)
        except Exception as exc:  # noqa: BLE001 - a broken download is a result, not the end of the run
            status, body, kind, how, job_mb = 0, b"", "", f"failed: {type(exc).__name__} {exc}"[:120], 0.0
        elapsed = time.monotonic() - started
    rows = "?"
    if fmt == "csv" and status == 200:
        rows = str(max(0, body.count(b"\n") - 1))
    elif fmt == "xlsx" and status == 200 and body:
        try:
            import io

            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
            rows = str(max(0, sum(1 for _row in sheet.iter_rows(values_only=True)) - 1))
        except Exception as exc:  # noqa: BLE001 - reported, not fatal
            rows = f"unreadable ({type(exc).__name__})"
    result.figures = {"status": str(status), "time s": f"{elapsed:.1f}", "rows": rows,
                      "size MB": f"{len(body) / 1e6:.1f}", "worker growth MB": f"{memory.growth_mb:.0f}",
                      "how": how, "job process peak MB": f"{job_mb:.0f}"}
    ok = status == 200 and rows not in ("0", "?") and elapsed <= limit_s and memory.growth_mb <= 50
    result.target = f"≤ {limit_s:g} s, worker memory growth ≤ 50 MB"
    job = f"; the job process peaked at {job_mb:.0f} MB" if job_mb else ""
    result.measured = f"{elapsed:.1f} s, {rows} rows, web workers +{memory.growth_mb:.0f} MB ({how}{job})"
    result.passed = ok
    return result


def annual_report(port: int, cookie: str) -> Heavy:
    times = []
    status = 0
    conn = Connection(port)
    try:
        for _ in range(3):
            started = time.monotonic()
            response = conn.request("GET", "/reports/annual", cookie=cookie)
            times.append(time.monotonic() - started)
            status = response.status
    finally:
        conn.close()
    result = Heavy("annual", "annual report (a year with 500k audit events)")
    result.figures = {"first s": f"{times[0]:.2f}", "then s": f"{min(times[1:]):.2f}", "status": str(status)}
    result.target = "≤ 2 s"
    result.measured = f"{times[0]:.2f} s first, {min(times[1:]):.2f} s again"
    result.passed = status == 200 and max(times) <= 2.0
    return result


# -- campaign for everyone, and the mail worker -------------------------------------------------------


def launch_campaign(port: int, admin_cookie: str, app, year: int) -> Heavy:
    """HR opens a campaign for everyone (the form), then the invitation job runs until none is left."""
    result = Heavy("campaign", "campaign launched to every employee: invitations queued")
    conn = Connection(port)
    try:
        page = conn.request("GET", "/declarations/campaigns", cookie=admin_cookie)
        form = form_to(page.text, r"/declarations/campaigns$", "/declarations/campaigns")
        if form is None:
            raise LookupError("no campaign form on /declarations/campaigns")
        from portal.core.time import today_local

        with app.app_context():
            due = (today_local() + timedelta(days=30)).strftime("%Y-%m-%d")
        started = time.monotonic()
        answer = conn.request("POST", "/declarations/campaigns", cookie=admin_cookie,
                              body=form.body({"year": str(year), "due_on": due, "scope": "everyone"}))
        opened = time.monotonic() - started
    finally:
        conn.close()
    if answer.status not in (302, 303):
        result.measured = f"opening the campaign answered {answer.status}"
        result.passed = False
        return result
    from portal.declarations.campaigns import send_invitations
    from portal.extensions import db

    from portal.core.time import utcnow

    batches = queued = 0
    started = time.monotonic()
    with app.app_context():
        while batches < 100:
            batches += 1
            count = send_invitations(utcnow())
            db.session.commit()
            queued += count
            if count == 0:
                break
        db.session.remove()
    queueing = time.monotonic() - started
    total = opened + queueing
    result.figures = {"open (POST) s": f"{opened:.2f}", "queue s": f"{queueing:.1f}", "invitations": str(queued),
                      "job batches": str(batches - 1)}
    result.target = "≤ 30 s"
    result.measured = (f"{total:.1f} s for {queued} invitations (opening {opened:.2f} s, the job's "
                       f"{batches - 1} batches {queueing:.1f} s)")
    with psycopg.connect(app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", "")) as conn:
        left = conn.execute("SELECT count(*) FROM declaration_campaign_task t JOIN declaration_campaign c "
                            "ON c.id = t.campaign_id WHERE c.year = %s AND t.invited_at IS NULL "
                            "AND t.completed_at IS NULL", (year,)).fetchone()[0]
    result.measured += f"; {left} not invited"
    result.passed = queued > 0 and left == 0 and total <= 30
    return result


def mail_worker(env: dict[str, str], dsn: str, seconds: float, workdir: Path) -> Heavy:
    """``flask portal worker`` delivering the queued mail into aiosmtpd on loopback for ``seconds``."""
    result = Heavy("mail", "mail worker into a local SMTP server")
    port = free_port()
    smtp = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
                             "aiosmtpd.handlers.Sink"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=(workdir / "aiosmtpd.log").open("ab"))
    worker = None
    try:
        _wait_for_port(port, 10)
        with psycopg.connect(dsn) as conn:
            pending = conn.execute("SELECT count(*) FROM outbox_message WHERE status = 'pending'").fetchone()[0]
        worker_env = {**env, "PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(port),
                      "PORTAL_SMTP_STARTTLS": "false"}
        log_path = workdir / "mail-worker.log"
        worker = subprocess.Popen([str(VENV_BIN / "flask"), "--app", "wsgi", "portal", "worker", "--interval", "1"],
                                  cwd=ROOT, env=worker_env, stdout=subprocess.DEVNULL, stderr=log_path.open("ab"))
        # the clock starts when the worker runs (starting the app takes seconds on a busy machine)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None and "started" not in tail(log_path):
            time.sleep(0.2)
        started = time.monotonic()
        since = datetime.now(timezone.utc)
        time.sleep(seconds)
        worker.send_signal(signal.SIGTERM)
        cpu_s = _wait_cpu(worker, 30)
        elapsed = time.monotonic() - started
        with psycopg.connect(dsn) as conn:  # only what this worker did (the data set has sent mail of its own)
            sent, first, last = conn.execute(
                "SELECT count(*), min(sent_at), max(sent_at) FROM outbox_message WHERE status = 'sent' "
                "AND sent_at >= %s", (since,)).fetchone()
            failed = conn.execute("SELECT count(*) FROM outbox_message WHERE status = 'failed' "
                                  "AND last_attempt_at >= %s", (since,)).fetchone()[0]
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        smtp.terminate()
        smtp.wait(timeout=10)
    delivered = sent
    span = (last - first).total_seconds() if delivered > 1 and first and last else elapsed
    rate = delivered / span if span else 0.0
    cpu_ms = 1000 * cpu_s / delivered if delivered and cpu_s is not None else None
    result.figures = {"pending before": str(pending), "sent": str(delivered), "failed": str(failed),
                      "msg/s (first to last sent)": f"{rate:.0f}", "ran s": f"{elapsed:.0f}",
                      "worker CPU ms per message": f"{cpu_ms:.1f}" if cpu_ms is not None else "?"}
    result.target = "≥ 50 messages/s"
    result.measured = f"{rate:.0f} messages/s ({delivered} sent in {span:.1f} s, {failed} failed"
    # the worker's own CPU (start-up included) per message: what the rate would be on an idle core
    result.measured += f"; worker CPU {cpu_ms:.1f} ms per message)" if cpu_ms is not None else ")"
    result.passed = rate >= 50 and failed == 0
    return result


def _wait_cpu(process: subprocess.Popen, timeout: float) -> Optional[float]:
    """Wait for ``process`` to end (at most ``timeout`` s) and return its CPU seconds (user + system)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        time.sleep(0.05)
    return None


def _wait_for_port(port: int, timeout: float) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


# -- directory ---------------------------------------------------------------------------------------------


def directory_sync(app, slapd_config: dict) -> Heavy:
    """The nightly sync of every person against the directory, next to one bare paged search of them all
    reading the same attributes (and, for comparison, only the login name)."""
    try:
        from portal.auth.sync import sync_directory
    except ImportError:  # before the directory code was split into modules
        from portal.auth.services import sync_directory
    from portal.core.time import utcnow
    from portal.extensions import db

    result = Heavy("sync", "directory sync of 10,000 entries")
    started = time.monotonic()
    with app.app_context():
        report = sync_directory(utcnow())
        db.session.commit()
        db.session.remove()
    synced = time.monotonic() - started

    try:  # the attributes the sync reads, so that both sides decode the same
        from portal.auth.directory.client import Directory

        attributes = Directory(slapd_config)._account_attributes()
    except (ImportError, AttributeError):
        attributes = ["uid"]
    bare, count = _bare_paged_search(slapd_config, attributes)
    bare_uid, _count = _bare_paged_search(slapd_config, ["uid"])
    factor = synced / bare if bare else float("inf")
    result.figures = {"sync s": f"{synced:.2f}", "bare paged search s": f"{bare:.2f}",
                      "bare, login name only s": f"{bare_uid:.2f}", "entries": str(count),
                      "checked": str(getattr(report, "checked", "?")),
                      "new": str(getattr(report, "created", "?")),
                      "refreshed": str(getattr(report, "refreshed", "?")),
                      "marked left": str(getattr(report, "marked_left", "?"))}
    result.target = "≤ 2× a bare ldap3 paged search of the same entries"
    result.measured = (f"{factor:.1f}× ({synced:.2f} s vs {bare:.2f} s for {count} entries; "
                       f"{bare_uid:.2f} s reading only the login name)")
    result.passed = factor <= 2.0 and not getattr(report, "refused", False)
    return result


def _bare_paged_search(slapd_config: dict, attributes: list[str]) -> tuple[float, int]:
    """The best of two bare ldap3 paged searches of every person below the user base: (seconds, entries)."""
    from ldap3 import NONE, SUBTREE, Connection as LdapConnection, Server

    times, count = [], 0
    for _ in range(2):
        started = time.monotonic()
        server = Server(slapd_config["LDAP_URL"], get_info=NONE, connect_timeout=5)
        conn = LdapConnection(server, slapd_config["LDAP_BIND_DN"], slapd_config["LDAP_BIND_PASSWORD"],
                              read_only=True, receive_timeout=30)
        conn.bind()
        entries = conn.extend.standard.paged_search(
            slapd_config["LDAP_USER_BASE"], "(&(objectClass=inetOrgPerson)(uid=*))", search_scope=SUBTREE,
            attributes=attributes, paged_size=500, generator=True)
        count = sum(1 for entry in entries if entry.get("type") == "searchResEntry")
        conn.unbind()
        times.append(time.monotonic() - started)
    return min(times), count


# -- the ceremony rush ------------------------------------------------------------------------------------


def ceremony_rush(port: int, dsn: str, registrants: list, form, seats: int = RUSH_SEATS) -> Heavy:
    """``len(registrants)`` people register for one session with ``seats`` places at the same moment."""
    result = Heavy("rush", f"{len(registrants)} simultaneous registrations for a {seats}-seat ceremony")
    with psycopg.connect(dsn) as conn:
        session_id = conn.execute(
            """INSERT INTO oath_session (starts_at, ends_at, location, online_url, capacity, official, language,
                   notes, registration_deadline, status, sequence, lock_counter, created_by_id, created_at, updated_at)
               SELECT now() + interval '40 days', now() + interval '40 days 90 minutes', 'Raadzaal, stadhuis',
                      NULL, %s, official, language, NULL, now() + interval '38 days', 'scheduled', 0, 0,
                      created_by_id, now(), now()
               FROM oath_session ORDER BY id DESC LIMIT 1 RETURNING id""", (seats,)).fetchone()[0]
        conn.commit()
    calls = [Call("POST", f"/oath/sessions/{session_id}", p.cookie,
                  form.body({"csrf_token": p.token, "formula": "oath"}, submit="submit"), expect=(302, 303))
             for p in registrants]
    run = run_calls(port, calls, len(calls), 60.0, once=True)
    with psycopg.connect(dsn) as conn:
        counts = dict(conn.execute("SELECT status, count(*) FROM oath_registration WHERE session_id = %s "
                                   "GROUP BY status", (session_id,)).fetchall())
    confirmed = counts.get("confirmed", 0)
    overbooked = max(0, confirmed - seats)
    t = run.timings
    result.figures = {"confirmed": str(confirmed), "waitlisted": str(counts.get("waitlisted", 0)),
                      "overbooked": str(overbooked), "errors": str(t.errors), "p50 ms": f"{t.pct(50):.0f}",
                      "p99 ms": f"{t.pct(99):.0f}"}
    result.target = "0 overbooked"
    result.measured = (f"{overbooked} overbooked ({confirmed} confirmed, {counts.get('waitlisted', 0)} waiting, "
                       f"{t.errors} errors); p99 {t.pct(99):.0f} ms")
    if t.examples:
        result.measured += "; first error: " + t.examples[0][:120]
    result.passed = overbooked == 0 and t.errors == 0
    return result


def sign_in_calls(port: int, people: list[tuple[str, str]], count: int) -> list[Call]:
    """POST /login with a pre-fetched pre-sign-in session and its CSRF token, rotating over ``people``."""
    from urllib.parse import urlencode

    conn = Connection(port)
    calls = []
    try:
        for i in range(count):
            username, password = people[i % len(people)]
            page = conn.request("GET", "/login")
            body = urlencode({"csrf_token": csrf_token(page.text), "username": username, "password": password,
                              "next": "", "submit": "Aanmelden"})
            calls.append(Call("POST", "/login", page.session_cookie(), body, expect=(302, 303)))
    finally:
        conn.close()
    return calls


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


__all__ = ["Heavy", "register_export", "annual_report", "launch_campaign", "mail_worker", "directory_sync",
           "ceremony_rush", "sign_in_calls", "Timings", "os"]
