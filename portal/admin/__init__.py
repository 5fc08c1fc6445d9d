"""admin area (not built yet)."""
