"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

import gc
import sys

from portal import ConfigError, create_app, warm_up

try:
    app = create_app()
except ConfigError as exc:
    sys.exit(f"portal: refusing to start: {exc}")
# gunicorn preloads this module in its master: what is prepared here, every worker inherits.
warm_up(app)
# What the master built lives as long as the process: keep the collector from walking it again
# in every worker (long pauses in the middle of requests otherwise).
gc.collect()
gc.freeze()
# Collect the young generation after 10,000 net allocations instead of 700. Under load, every
# young collection moved the objects of the requests still in flight into the older
# generations; they died there and soon set off a full collection (4 ms of CPU, 20 to 60 ms
# while the worker holds the interpreter lock on two busy cores): the slow tail of the p99.
# A request leaves little cyclic garbage (Werkzeug's URL matcher: 8 objects), so the young
# generation holds at most a few megabytes of it.
gc.set_threshold(10_000, 20, 10)
