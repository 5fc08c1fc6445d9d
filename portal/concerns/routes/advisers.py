"""Confidential advisers: log a contact (no names) and see one's own lines and totals."""

from __future__ import annotations

import secrets
from functools import wraps

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.concerns import advisers_bp
from portal.concerns.access import is_adviser
from portal.concerns.forms import ContactForm
from portal.concerns.queries import contact_totals, contacts_of
from portal.concerns.services import ConcernError, log_contact
from portal.concerns.states import CONTACT_NATURES
from portal.core.i18n import gettext as _
from portal.core.time import today_local


def adviser_required(view):
    """Sign-in required, and the confidential-adviser role (403 otherwise)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_adviser(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@advisers_bp.route("", methods=["GET", "POST"])
@adviser_required
def index():
    """The form for one contact, and this adviser's own lines and totals of this year."""
    form = ContactForm()
    if form.validate_on_submit():
        try:
            # the same form sent twice (a double click) logs nothing new, and reads as sent once
            log_contact(current_user, form.contact_on.data, form.nature.data, form.people.data,
                        form.is_referred.data, client_token=form.client_token.data)
        except ConcernError as exc:
            form.contact_on.errors.append(exc.message)
        else:
            flash(_("Het contact is vastgelegd."), "success")
            return redirect(url_for("adviser_contacts.index"))
    elif not form.is_submitted():
        form.contact_on.data = today_local()
    if not form.client_token.data:  # a new form, or one sent without: this rendering gets its own
        form.client_token.data = secrets.token_urlsafe(24)
    year = today_local().year
    return render_template("concerns/contacts.html", form=form, contacts=contacts_of(current_user),
                           totals=contact_totals(current_user, year), year=year, natures=CONTACT_NATURES,
                           ), 400 if form.errors else 200
