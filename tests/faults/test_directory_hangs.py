"""A hanging directory: sign-ins give up within the timeout, other pages keep answering, threads stay free."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.support.server import Browser, gunicorn
from tests.support.tcpproxy import TcpProxy

TIMEOUT = 5.0


def _pages_answer(base) -> None:
    for path in ("/healthz", "/login", "/privacy"):
        t0 = time.monotonic()
        status, _ = Browser(base).get(path, timeout=5)
        assert status == 200 and time.monotonic() - t0 < 2.5, path


def test_hanging_directory_does_not_stick_the_workers(app_config, slapd):
    proxy = TcpProxy("127.0.0.1", slapd.port).start()
    proxy.hanging = True  # accepts connections, never answers
    app_config.update(LDAP_URL=f"ldap://127.0.0.1:{proxy.port}", LDAP_TIMEOUT=TIMEOUT, LDAP_RETRY_SECONDS=60)
    try:
        # One worker with four threads, so that where each request lands is no matter of chance.
        with gunicorn(app_config, workers=1, threads=4) as base, ThreadPoolExecutor(16) as pool:
            started = time.monotonic()
            first = [pool.submit(Browser(base).login, "jdevries", 20) for _ in range(3)]
            time.sleep(0.5)
            _pages_answer(base)  # three threads wait on the directory; the fourth serves everyone else
            results = [f.result() for f in first]
            assert time.monotonic() - started < 2 * TIMEOUT + 3  # connect + receive timeouts, with slack
            assert all(status == 503 and "niet bereikbaar" in html for status, html in results)

            # People keep retrying: now refused at once, so no thread waits on the directory again.
            t0 = time.monotonic()
            retries = [pool.submit(Browser(base).login, "sbakker", 20) for _ in range(12)]
            time.sleep(0.2)
            _pages_answer(base)
            results = [f.result() for f in retries]
            assert time.monotonic() - t0 < 3
            assert all(status == 503 and "niet bereikbaar" in html for status, html in results)
    finally:
        proxy.stop()
