"""The confidential advisers and other contacts: public page, photos, and the administrator's editing."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.core.access import has_role, role_required
from portal.core.forms import EmptyForm
from portal.core.i18n import gettext as _
from portal.core.pagination import paginate
from portal.policies import bp
from portal.policies.advisers import (
    AdviserInput,
    active_advisers_query,
    all_advisers_query,
    create_adviser,
    get_adviser,
    set_adviser_active,
    tel_href,
    update_adviser,
)
from portal.policies.forms import AdviserForm


@bp.route("/advisers")
def advisers():
    """Who to turn to: confidential advisers and the external routes (no sign-in needed)."""
    pagination = paginate(active_advisers_query(), 50)
    return render_template("policies/advisers.html", pagination=pagination, tel_href=tel_href)


@bp.route("/advisers/<int:adviser_id>/photo")
def adviser_photo(adviser_id: int):
    """The stored photo, served with its checked image type and never sniffed as anything else."""
    adviser = get_adviser(adviser_id, active_only=not has_role(current_user, "admin"), with_photo=True)
    if not adviser.has_photo:
        return Response(status=404)
    return Response(
        adviser.photo,
        mimetype=adviser.photo_content_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="adviser-{adviser.id}"',
            "Cache-Control": "no-cache",
        },
    )


@bp.route("/advisers/manage")
@role_required("admin")
def manage_advisers():
    """The administrator's list of every contact, hidden ones included."""
    pagination = paginate(all_advisers_query(), 25)
    return render_template("policies/advisers_manage.html", pagination=pagination, button_form=EmptyForm())


def _adviser_input(form: AdviserForm) -> AdviserInput:
    return AdviserInput(
        name=form.name.data,
        role=form.role.data,
        organisation=form.organisation.data or "",
        is_external=form.is_external.data,
        phone=form.phone.data or None,
        email=form.email.data or None,
        availability=form.availability.data or "",
        introduction=form.introduction.data or "",
        photo_alt=form.photo_alt.data or "",
        last_checked_at=form.last_checked_at.data,
        sort_order=form.sort_order.data,
    )


@bp.route("/advisers/manage/new", methods=["GET", "POST"])
@role_required("admin")
def new_adviser():
    """Add a contact."""
    form = AdviserForm()
    if form.validate_on_submit():
        create_adviser(_adviser_input(form), photo=form.photo_bytes, actor=current_user)
        flash(_("De contactpersoon is toegevoegd."), "success")
        return redirect(url_for("policies.manage_advisers"))
    return render_template("policies/adviser_form.html", form=form, adviser=None)


@bp.route("/advisers/manage/<int:adviser_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_adviser(adviser_id: int):
    """Change a contact's details, photo or "last checked" date."""
    adviser = get_adviser(adviser_id)
    form = AdviserForm(obj=adviser, has_photo=adviser.has_photo)
    if form.validate_on_submit():
        remove = bool("remove_photo" in form._fields and form.remove_photo.data)
        update_adviser(
            adviser, _adviser_input(form), photo=form.photo_bytes, remove_photo=remove, actor=current_user
        )
        flash(_("De gegevens zijn opgeslagen."), "success")
        return redirect(url_for("policies.manage_advisers"))
    return render_template("policies/adviser_form.html", form=form, adviser=adviser)


@bp.route("/advisers/manage/<int:adviser_id>/<any(activate, deactivate):action>", methods=["POST"])
@role_required("admin")
def set_adviser_visibility(adviser_id: int, action: str):
    """Hide a contact from the advisers page, or show it again."""
    adviser = get_adviser(adviser_id)
    if EmptyForm().validate_on_submit():
        set_adviser_active(adviser, action == "activate", actor=current_user)
        if action == "activate":
            flash(_("De contactpersoon staat weer op de pagina."), "success")
        else:
            flash(_("De contactpersoon is verborgen."), "success")
    return redirect(url_for("policies.manage_advisers"))
