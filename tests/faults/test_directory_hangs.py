"""A hanging directory: sign-ins give up within the timeout, other pages keep answering."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.support.server import Browser, gunicorn
from tests.support.tcpproxy import TcpProxy


def test_hanging_directory_does_not_stick_every_worker(app_config, slapd):
    proxy = TcpProxy("127.0.0.1", slapd.port).start()
    proxy.hanging = True  # accepts connections, never answers
    app_config.update(LDAP_URL=f"ldap://127.0.0.1:{proxy.port}", LDAP_TIMEOUT=5.0)
    try:
        with gunicorn(app_config, workers=2, threads=4) as base, ThreadPoolExecutor(8) as pool:
            started = time.monotonic()
            sign_ins = [pool.submit(Browser(base).login, "jdevries", 20) for _ in range(4)]
            time.sleep(0.5)
            # While four sign-ins hang on the directory (5 s timeouts), other pages still answer:
            # well before a hanging request could have freed its thread.
            for path in ("/healthz", "/login", "/privacy"):
                t0 = time.monotonic()
                status, _ = Browser(base).get(path, timeout=5)
                assert status == 200 and time.monotonic() - t0 < 2.5, path
            results = [f.result() for f in sign_ins]
            elapsed = time.monotonic() - started
        assert all(status == 503 for status, _ in results)
        assert all("niet bereikbaar" in html for _, html in results)
        assert elapsed < 2 * 5.0 + 3  # connect + receive timeouts, with slack for a busy machine
    finally:
        proxy.stop()
