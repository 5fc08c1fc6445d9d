"""Views of the concerns area, one module per actor."""
