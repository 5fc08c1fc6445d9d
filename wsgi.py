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
