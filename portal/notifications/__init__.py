"""notifications area (not built yet)."""
