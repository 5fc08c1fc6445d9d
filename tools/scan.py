"""Dynamic security scan: wapiti, signed in, against a running portal.

Starts the portal (demo directory, a throw-away SQLite database with demo
content) on a free loopback port, signs in as an administrator, runs
Debian's `wapiti` with that session, and exits non-zero when wapiti reports
any vulnerability of medium or high severity, or any internal server error.

    make scan            (or: .venv/bin/python tools/scan.py --user lvisser)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.net import free_port  # noqa: E402
from tests.support.server import Browser  # noqa: E402

LEVELS = {1: "low", 2: "medium", 3: "high"}

# Debian's wapiti 3.0.4 builds the regex of an excluded URL with its flags at the end, which
# Python 3.11 refuses ("global flags not at the start"), so any -x ends the scan. Run it with
# that one function corrected; without -x the scan would sign itself out.
_WAPITI_FIXED = (
    "import re, sys\n"
    "import wapitiCore.net.crawler as crawler\n"
    "_original = crawler.wildcard_translate\n"
    "def wildcard_translate(pattern):\n"
    "    try:\n"
    "        return _original(pattern)\n"
    "    except re.error:\n"
    "        return re.compile('(?ms)' + re.escape(pattern).replace(r'\\*', '.*') + r'\\Z')\n"
    "crawler.wildcard_translate = wildcard_translate\n"
    "from wapitiCore.main.wapiti import wapiti_main\n"
    "sys.argv[0] = 'wapiti'\n"
    "sys.exit(wapiti_main())\n"
)
WAPITI = ["/usr/bin/python3", "-c", _WAPITI_FIXED]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="lvisser", help="demo account to scan as (default: administrator)")
    parser.add_argument("--max-scan-time", type=int, default=900, help="seconds wapiti may spend (default 900)")
    parser.add_argument("--report", default=str(ROOT / "bench" / "out" / "wapiti.json"))
    args = parser.parse_args()
    if shutil.which("wapiti") is None:
        print("wapiti not found: apt-get install wapiti", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="portal-scan-"))
    port = free_port()
    env = dict(os.environ, FLASK_APP="wsgi", PORTAL_DATABASE_URL=f"sqlite:///{workdir / 'scan.sqlite3'}",
               PORTAL_LDAP_URL="demo", PORTAL_SECRET_KEY="scan-" + os.urandom(16).hex(), PORTAL_LOG_LEVEL="WARNING",
               PORTAL_LOGIN_RATE_LIMIT="1000 per minute",
               # wapiti keeps sending the cookie it was given: keep that session alive for the whole scan
               PORTAL_SESSION_IDLE_MINUTES="600", PORTAL_SESSION_MAX_HOURS="12")
    flask = str(ROOT / ".venv" / "bin" / "flask")
    subprocess.run([flask, "db", "upgrade"], cwd=ROOT, env=env, check=True)
    subprocess.run([flask, "portal", "seed-demo"], cwd=ROOT, env=env, check=True)
    # The server's log goes to a file: a pipe nobody reads fills up and then blocks every request.
    server_log = (workdir / "server.log").open("wb")
    server = subprocess.Popen([flask, "run", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=server_log, stderr=subprocess.STDOUT)
    print(f"portal on {port}, log in {workdir / 'server.log'}", flush=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if Browser(base).get("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        browser = Browser(base)
        status, _ = browser.login(args.user)
        if status != 302:
            print(f"sign-in as {args.user} failed ({status})", file=sys.stderr)
            return 2
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        command = [
            *WAPITI, "-u", base + "/", "--scope", "folder", "-H", f"Cookie: {cookie}",
            "-x", base + "/logout", "-x", base + "/language",
            "--max-scan-time", str(args.max_scan_time), "--flush-session",
            "-f", "json", "-o", args.report, "--verbose", "0",
        ]
        subprocess.run(command, check=False)
    finally:
        server.terminate()
        server.wait(10)
        server_log.close()
    return summarise(Path(args.report))


def summarise(report: Path) -> int:
    data = json.loads(report.read_text())
    serious = 0
    for section in ("vulnerabilities", "anomalies"):
        for category, findings in (data.get(section) or {}).items():
            for finding in findings:
                level = int(finding.get("level", 1))
                is_error = section == "anomalies" and "Internal Server Error" in category
                label = "error" if is_error else LEVELS.get(level, str(level))
                print(f"{section}: {category}: {label}: {finding.get('method')} {finding.get('path')} "
                      f"{finding.get('parameter', '')}")
                if level >= 2 or is_error:
                    serious += 1
    print(f"wapiti: {serious} finding(s) of medium or high severity or server errors")
    return 1 if serious else 0


if __name__ == "__main__":
    sys.exit(main())
