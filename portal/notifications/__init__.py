"""Mail outbox, delivery over SMTP and scheduled jobs.

Other areas use ``portal.notifications.services.queue_mail`` and
``portal.notifications.jobs.scheduled_job``; this area has no pages of its own
(administrators see the outbox at /admin/mail).
"""

from flask import Blueprint, Flask

from portal.core.registry import register_personal_data_provider

bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    from portal.core.audit_sentences import register_audit_texts
    from portal.notifications import audit_texts
    from portal.notifications import cli, jobs  # noqa: F401  commands and the mail-cleanup job
    from portal.notifications.services import personal_mail_data

    register_personal_data_provider("notifications", personal_mail_data)
    register_audit_texts(audit_texts.SENTENCES)
