"""Sign-in with the municipality's directory, users and roles."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    from portal.auth.demo import import_demo_directory
    from portal.core.registry import register_demo_loader

    register_demo_loader(import_demo_directory, order=5)  # everyone first: the other areas' demo content uses them

    from portal.auth import audit_texts
    from portal.core.audit_sentences import register_audit_texts

    register_audit_texts(audit_texts.SENTENCES, objects={"user": audit_texts.resolve_users})


from portal.auth import cli, routes  # noqa: E402,F401
