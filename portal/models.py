"""Import every area's models so that Alembic's autogenerate sees all tables."""

import importlib
import importlib.util

from portal import AREAS

for _area in AREAS:
    if importlib.util.find_spec(f"portal.{_area}.models") is not None:
        importlib.import_module(f"portal.{_area}.models")
