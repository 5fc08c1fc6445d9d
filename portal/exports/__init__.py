"""Exports built by a job: files too large to make within one request (the HR register as XLSX,
the audit trail as CSV).

A request only asks (``request_export``); a worker (``flask portal run-exports``, ``run-jobs`` or the
mail worker) claims the job with a lease, writes the file into ``PORTAL_EXPORT_DIR`` and mails the
person who asked; the page ``/exports/<id>`` shows the progress and then the download. Only that
person, while they still hold the role the export needs, can download it; every download is audited;
the file is deleted after ``PORTAL_EXPORT_RETENTION_HOURS``.

Areas declare what can be exported with ``register_export_kind`` (portal/exports/kinds.py).
"""

from flask import Blueprint, Flask

bp = Blueprint("exports", __name__, url_prefix="/exports")


def init_app(app: Flask) -> None:
    from portal.core.audit_sentences import register_audit_texts
    from portal.exports import audit_texts
    from portal.exports import cli, jobs  # noqa: F401  flask portal run-exports; the clean-up job

    register_audit_texts(audit_texts.SENTENCES, objects=audit_texts.OBJECTS)


from portal.exports import routes  # noqa: E402,F401
