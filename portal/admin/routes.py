"""The mail outbox for administrators: what is waiting, sent and failed; retry; test mail."""

from __future__ import annotations

from typing import Optional
from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.admin import bp
from portal.admin.forms import TestMailForm
from portal.admin.setup import setup_state
from portal.core.access import role_required
from portal.core.forms import EmptyForm
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.pagination import paginate
from portal.notifications.delivery import deliver_one
from portal.notifications.devmail import caught_attachment, caught_mail, caught_mails, dev_mail_enabled
from portal.notifications.models import InvalidTransition, MailStatus
from portal.notifications.services import (
    count_by_status,
    get_outbox_message,
    queue_test_mail,
    record_body_view,
    retry_message,
    select_messages,
)

PER_PAGE = 50


def _status_filter() -> Optional[MailStatus]:
    value = request.args.get("status", "")
    if not value:
        return None
    try:
        return MailStatus(value)
    except ValueError:
        abort(404)


def _mail_page(test_form: TestMailForm, status_code: int = 200):
    status = _status_filter()
    page = paginate(select_messages(status, current_user), PER_PAGE)
    return render_template(
        "admin/mail.html", counts=count_by_status(current_user), status=status, page=page,
        test_form=test_form, dev_mail=dev_mail_enabled(),
    ), status_code


@bp.route("/mail")
@role_required("admin")
def mail():
    """Counts per status and the messages, newest first, filtered by status."""
    return _mail_page(TestMailForm())


@bp.route("/mail/<int:message_id>")
@role_required("admin")
def mail_message(message_id: int):
    """One message; the bodies of a sensitive one only on request, and that is logged."""
    message = get_outbox_message(message_id, current_user)
    show_bodies = not message.is_sensitive or request.args.get("show") == "1"
    if message.is_sensitive and show_bodies:
        record_body_view(message, current_user)
    return render_template(
        "admin/mail_message.html", message=message, show_bodies=show_bodies
    )


@bp.route("/mail/<int:message_id>/retry", methods=["POST"])
@role_required("admin")
def retry_mail(message_id: int):
    """Put a failed message back in the queue for an attempt now."""
    message = get_outbox_message(message_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        retry_message(message, current_user)
    except InvalidTransition:
        flash(_("Alleen een mislukt bericht kan opnieuw worden geprobeerd."), "error")
        return redirect(url_for("admin.mail_message", message_id=message.id))
    flash(_("Het bericht staat weer in de wachtrij en wordt binnen een minuut opnieuw verstuurd."), "success")
    return redirect(url_for("admin.mail", status=MailStatus.failed.value))


@bp.route("/mail/test", methods=["POST"])
@role_required("admin")
def send_test_mail():
    """Queue a test notification and try to send it at once, to check the SMTP set-up."""
    form = TestMailForm()
    if not form.validate_on_submit():
        return _mail_page(form, 400)
    message = queue_test_mail(form.address.data, current_user)
    sent = deliver_one(message.id)
    if sent is not None and sent.status is MailStatus.sent:
        flash(_("Het testbericht is verstuurd naar %(address)s.", address=message.recipient), "success")
    else:
        error = sent.last_error if sent is not None else ""
        flash(_("Het testbericht kon niet worden verstuurd. %(error)s Het portaal probeert het later opnieuw.",
                error=error), "warning")
    return redirect(url_for("admin.mail"))


def _development_only() -> None:
    if not dev_mail_enabled():
        abort(404)


@bp.route("/mail/dev-inbox")
@role_required("admin")
def dev_inbox():
    """Development only: the mail the local catcher received (make run), newest first."""
    _development_only()
    return render_template("admin/dev_inbox.html", mails=caught_mails())


@bp.route("/mail/dev-inbox/<key>")
@role_required("admin")
def dev_inbox_message(key: str):
    """Development only: one caught message, its text and its attachments."""
    _development_only()
    caught = caught_mail(key)
    if caught is None:
        abort(404)
    return render_template("admin/dev_inbox_message.html", mail=caught)


@bp.route("/mail/dev-inbox/<key>/<int:number>")
@role_required("admin")
def dev_inbox_attachment(key: str, number: int):
    """Development only: download an attachment of a caught message (the .ics, a PDF)."""
    _development_only()
    found = caught_attachment(key, number)
    if found is None:
        abort(404)
    filename, content_type, data = found
    return Response(data, mimetype="application/octet-stream", headers={
        "Content-Disposition": _attachment_disposition(filename), "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })


def _attachment_disposition(filename: str) -> str:
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@bp.route("/setup")
@role_required("admin")
def setup():
    """The go-live checklist: what still needs the municipality's own data, each with a link and its state."""
    return render_template("admin/setup.html", state=setup_state())
