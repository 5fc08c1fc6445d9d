"""Integrity coordinators: the case list, registering a concern, the case page and its steps.

Every view starts with ``get_concern`` or ``coordinator_required`` (403 for anyone else, HR and
administrators included); every look at a case, its file or the export is audited.
"""

from __future__ import annotations

from functools import wraps

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.concerns import bp
from portal.concerns.access import can_see_concerns, get_attachment, get_concern
from portal.concerns.forms import (
    AttachmentForm,
    ClassifyForm,
    InvestigationForm,
    NoteForm,
    OutcomeForm,
    RegisterConcernForm,
)
from portal.concerns.queries import assessment_deadline, case_history, case_list, receipt_deadline
from portal.concerns.services import (
    ConcernData,
    ConcernError,
    add_attachment,
    add_note,
    classify_concern,
    close_concern,
    confirm_receipt,
    record_outcome,
    record_view,
    register_concern,
    start_investigation,
)
from portal.concerns.states import (
    CATEGORY_LABELS,
    MEASURE_LABELS,
    Channel,
    ConcernStatus,
    InvestigationType,
    Outcome,
    can_transition,
    label_of,
)
from portal.core.audit import record_event
from portal.core.exports import csv_response
from portal.core.forms import EmptyForm
from portal.core.i18n import gettext as _
from portal.core.time import today_local


def coordinator_required(view):
    """Sign-in required, and the integrity-coordinator role (403 otherwise)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can_see_concerns(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/")
@coordinator_required
def index():
    """Every concern: open ones first by deadline, with overdue marks."""
    concerns = case_list()
    record_event("concern.list", actor=current_user, object_type="concern", details={"count": len(concerns)})
    return render_template("concerns/index.html", concerns=concerns, today=today_local(),
                           receipt=receipt_deadline, assessment=assessment_deadline)


@bp.route("/export.csv")
@coordinator_required
def export_csv():
    """The case list as CSV (number, dates, status, category, outcome; no text, no names)."""
    concerns = case_list()
    record_event("concern.export", actor=current_user, object_type="concern", details={"count": len(concerns)})
    header = [_("Nummer"), _("Ontvangen"), _("Kanaal"), _("Status"), _("Categorie"), _("Onderzoek"),
              _("Uitkomst"), _("Maatregel"), _("Ontvangst bevestigen vóór"), _("Beoordeling vóór")]
    # labels in the reader's language under the headings, as every export does; codes only where
    # a municipality configured one without a label
    rows = [[c.reference, c.received_on, str(c.channel.label), str(c.status.label),
             label_of(CATEGORY_LABELS, c.category),
             str(c.investigation_type.label) if c.investigation_type else "",
             str(c.outcome.label) if c.outcome else "", label_of(MEASURE_LABELS, c.measure),
             c.receipt_due_on, c.assessment_due_on] for c in concerns]
    return csv_response(f"meldingen-{today_local().isoformat()}.csv", header, rows)


@bp.route("/register", methods=["GET", "POST"])
@coordinator_required
def register():
    """Register a concern that reached a manager, an adviser, or came by letter or from outside."""
    form = RegisterConcernForm()
    if form.validate_on_submit():
        data = ConcernData(form.what_happened.data, form.happened_when.data, form.people_involved.data,
                           form.is_anonymous.data, form.contact_preference.data)
        try:
            concern = register_concern(data, Channel(form.channel.data), form.received_on.data,
                                       form.reporter_name.data, current_user)
        except ConcernError as exc:
            form.received_on.errors.append(exc.message)
        else:
            flash(_("Melding %(reference)s is geregistreerd.", reference=concern.reference), "success")
            return redirect(url_for("concerns.case", concern_id=concern.id))
    return render_template("concerns/register.html", form=form), 400 if form.errors else 200


def _case_page(concern, status: int = 200, **forms):
    forms.setdefault("classify_form", ClassifyForm(category=concern.category or "", measure=concern.measure or ""))
    forms.setdefault("investigation_form", InvestigationForm(started_on=today_local()))
    forms.setdefault("outcome_form", OutcomeForm(decided_on=today_local()))
    forms.setdefault("note_form", NoteForm())
    forms.setdefault("attachment_form", AttachmentForm())
    forms.setdefault("button_form", EmptyForm())
    return render_template(
        "concerns/case.html", concern=concern, today=today_local(), receipt=receipt_deadline(concern),
        assessment=assessment_deadline(concern), can=lambda target: can_transition(concern.status, target),
        Status=ConcernStatus, history=case_history(concern), **forms,
    ), status


@bp.route("/<int:concern_id>")
@coordinator_required
def case(concern_id: int):
    """One concern: the report, deadlines, investigation, outcome, notes and files."""
    concern = get_concern(concern_id, current_user)
    record_view(concern, current_user)
    return _case_page(concern)


def _step(concern_id: int, form_name: str, form, action):
    """Validate ``form``, run ``action(concern, form)``, flash and go back; or show the page with errors."""
    concern = get_concern(concern_id, current_user)
    if form.validate_on_submit():
        try:
            message = action(concern, form)
        except ConcernError as exc:
            flash(exc.message, "error")
            return _case_page(concern, 400, **{form_name: form})
        flash(message, "success")
        return redirect(url_for("concerns.case", concern_id=concern.id))
    if not form.errors:
        abort(400)
    return _case_page(concern, 400, **{form_name: form})


@bp.route("/<int:concern_id>/confirm", methods=["POST"])
@coordinator_required
def confirm(concern_id: int):
    """Confirm the receipt to the reporter."""
    return _step(concern_id, "button_form", EmptyForm(), lambda c, f: (
        confirm_receipt(c, current_user), _("De ontvangst is bevestigd."))[1])


@bp.route("/<int:concern_id>/classify", methods=["POST"])
@coordinator_required
def classify(concern_id: int):
    """Set or correct the category and the measure."""
    return _step(concern_id, "classify_form", ClassifyForm(), lambda c, f: (
        classify_concern(c, f.category.data, f.measure.data, current_user), _("De indeling is opgeslagen."))[1])


@bp.route("/<int:concern_id>/investigation", methods=["POST"])
@coordinator_required
def investigation(concern_id: int):
    """Record who investigates and since when."""
    return _step(concern_id, "investigation_form", InvestigationForm(), lambda c, f: (
        start_investigation(c, InvestigationType(f.investigation_type.data), f.started_on.data, current_user),
        _("Het onderzoek is vastgelegd."))[1])


@bp.route("/<int:concern_id>/outcome", methods=["POST"])
@coordinator_required
def outcome(concern_id: int):
    """Record the assessment and the measure."""
    return _step(concern_id, "outcome_form", OutcomeForm(), lambda c, f: (
        record_outcome(c, Outcome(f.outcome.data), f.decided_on.data, f.measure.data, current_user),
        _("De beoordeling is vastgelegd."))[1])


@bp.route("/<int:concern_id>/close", methods=["POST"])
@coordinator_required
def close(concern_id: int):
    """Close the case."""
    return _step(concern_id, "button_form", EmptyForm(), lambda c, f: (
        close_concern(c, current_user), _("De melding is afgesloten."))[1])


@bp.route("/<int:concern_id>/notes", methods=["POST"])
@coordinator_required
def note(concern_id: int):
    """Add an internal note."""
    return _step(concern_id, "note_form", NoteForm(), lambda c, f: (
        add_note(c, f.body.data, current_user), _("De notitie is toegevoegd."))[1])


@bp.route("/<int:concern_id>/attachments", methods=["POST"])
@coordinator_required
def attach(concern_id: int):
    """Keep a file with the concern (checked by its content)."""
    return _step(concern_id, "attachment_form", AttachmentForm(), lambda c, f: (
        add_attachment(c, f.file.data.filename or "", f.file.data.read(), current_user),
        _("Het bestand is toegevoegd."))[1])


@bp.route("/<int:concern_id>/attachments/<int:attachment_id>")
@coordinator_required
def attachment(concern_id: int, attachment_id: int):
    """Download a file: always as an attachment, its checked type, no sniffing, nothing that runs."""
    concern = get_concern(concern_id, current_user)
    stored = get_attachment(concern, attachment_id)
    record_view(concern, current_user, what=f"attachment:{stored.id}")
    return Response(stored.data, mimetype=stored.content_type, headers={
        "Content-Disposition": f'attachment; filename="{stored.filename}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "no-store",
    })
