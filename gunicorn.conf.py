"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

One worker process per core (override with WEB_CONCURRENCY), each with 8 threads
(PORTAL_THREADS) so that a slow directory or database answer does not block a whole
worker: processes are for the cores, threads for the waiting. gunicorn's usual
2 x cores + 1 is meant for workers without threads; with threads, processes beyond
the cores only take turns on them. Measured on 2 cores at 16 clients (stop 26,
docs/performance.md): 5 workers x 4 threads cost 3.0-3.3 ms of server CPU per
signed-in page against 2.2 ms for 2 x 4 or 2 x 8, with a higher p99. The app keeps no state of its own that another machine would need, so
several machines can run this behind one load balancer.
"""

import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_THREADS", 8))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle a worker now and then, a safety net against slow leaks (none is known).
max_requests = 10000
max_requests_jitter = 1000
preload_app = True
accesslog = None  # the app writes one JSON line per request itself
errorlog = "-"
forwarded_allow_ips = os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
