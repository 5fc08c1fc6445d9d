"""oath area (not built yet)."""
