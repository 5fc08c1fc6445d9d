"""Sign-in with the municipality's directory, users and roles."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.auth import cli, routes  # noqa: E402,F401
