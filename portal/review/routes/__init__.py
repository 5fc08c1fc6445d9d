"""Views of the review area, one module per page group."""

from portal.review.routes import advice, audit, queue, registers  # noqa: E402,F401
