"""Sign-in with the municipality's directory, users and roles."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    from portal.auth import audit_texts
    from portal.core.audit_sentences import register_audit_texts

    register_audit_texts(audit_texts.SENTENCES, objects={"user": audit_texts.resolve_users})

from portal.auth import cli, routes  # noqa: E402,F401
