"""declarations area (not built yet)."""
