"""policies area (not built yet)."""
