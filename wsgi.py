"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

import sys

from portal import ConfigError, create_app, warm_up

try:
    app = create_app()
except ConfigError as exc:
    sys.exit(f"portal: refusing to start: {exc}")
# gunicorn preloads this module in its master: every worker starts with the templates compiled.
warm_up(app)
