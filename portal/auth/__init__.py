"""Sign-in with the municipality's directory, users and roles."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.auth import routes  # noqa: E402,F401
