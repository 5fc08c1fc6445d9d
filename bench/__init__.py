"""Load benchmark for the portal: ``.venv/bin/python bench/run.py`` (see docs/performance.md)."""
