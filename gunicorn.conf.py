"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Workers follow the cores (2 x cores + 1, override with WEB_CONCURRENCY); each has
a few threads so that a slow directory or database answer does not block a whole
worker. The app keeps no state of its own that another machine would need, so
several machines can run this behind one load balancer.
"""

import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_THREADS", 4))
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
