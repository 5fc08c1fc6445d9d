"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

import sys

from portal import ConfigError, create_app

try:
    app = create_app()
except ConfigError as exc:
    sys.exit(f"portal: refusing to start: {exc}")
