"""Everyone: file a concern, see the confirmation, follow one's own concerns (status only)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.concerns import bp
from portal.concerns.forms import FileConcernForm
from portal.concerns.queries import reports_of
from portal.concerns.services import ConcernData, ConcernError, file_concern
from portal.concerns.states import REPORTER_STATUS_TEXT
from portal.core.i18n import format_day
from portal.core.i18n import gettext as _


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Report a suspected breach; the page says what happens next and which other routes there are."""
    form = FileConcernForm()
    if form.validate_on_submit():
        try:
            concern = file_concern(ConcernData(
                form.what_happened.data, form.happened_when.data, form.people_involved.data,
                form.is_anonymous.data, form.contact_preference.data), current_user)
        except ConcernError as exc:
            form.what_happened.errors.append(exc.message)
        else:
            flash(_("Uw melding is ontvangen onder nummer %(reference)s. Uiterlijk %(receipt)s bevestigt de "
                    "integriteitscoördinator de ontvangst; uiterlijk %(assessment)s hoort u hoe de melding is "
                    "beoordeeld. U krijgt dit ook per e-mail.", reference=concern.reference,
                    receipt=format_day(concern.receipt_due_on), assessment=format_day(concern.assessment_due_on)),
                  "success")
            return redirect(url_for("concerns.mine"))
    return render_template("concerns/new.html", form=form), 400 if form.errors else 200


@bp.route("/mine")
@login_required
def mine():
    """The concerns I filed, with their status and dates; never the coordinator's notes."""
    return render_template("concerns/mine.html", concerns=reports_of(current_user),
                           status_text=REPORTER_STATUS_TEXT, new_url=url_for("concerns.new"))
