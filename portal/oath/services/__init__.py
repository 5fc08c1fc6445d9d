"""Rules of the oath area, one module per concern; they flush, the request commits."""
