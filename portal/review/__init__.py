"""review area (not built yet)."""
