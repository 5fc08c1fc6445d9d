"""Reconfirmation campaigns: HR opens them and follows progress; the employee confirms."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from portal.auth.services import list_departments
from portal.core.access import role_required
from portal.core.i18n import gettext as _
from portal.core.time import today_local
from portal.declarations import bp
from portal.declarations.campaign_forms import CampaignForm, CloseCampaignForm, ConfirmForm
from portal.declarations.campaigns import (
    EntryError,
    close_campaign,
    get_task,
    nil_kinds_for_confirmation,
    not_done_csv,
    not_done_query,
    open_campaign,
    progress_by_department,
    reconfirm,
)
from portal.declarations.models import Campaign, CampaignScope
from portal.declarations.queries import confirmation_entries
from portal.declarations.services import DeclarationError
from portal.extensions import db
from portal.core.exports import csv_response
from portal.core.pagination import paginate

PAGE_SIZE = 50


def _get_campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/campaigns", methods=["GET", "POST"])
@role_required("reviewer", "admin")
def campaigns():
    """HR: the campaigns, and a form to open a new one."""
    today = today_local()
    form = CampaignForm(departments=list_departments(), today=today)
    if request.method == "GET":
        form.year.data = today.year
    if form.validate_on_submit():
        try:
            campaign = open_campaign(form.year.data, form.due_on.data, CampaignScope(form.scope.data),
                                     form.department.data or "", current_user)
        except DeclarationError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(ngettext("De campagne is geopend voor %(num)d persoon. De uitnodiging gaat binnen een uur per e-mail uit.",
                           "De campagne is geopend voor %(num)d personen. De uitnodigingen gaan binnen een uur per e-mail uit.",
                           campaign.task_count), "success")
            return redirect(url_for("declarations.campaign", campaign_id=campaign.id))
    listing = paginate(db.select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()), PAGE_SIZE)
    return render_template("declarations/campaigns.html", form=form, listing=listing)


def _render_campaign(campaign: Campaign, close_form: CloseCampaignForm | None = None, status: int = 200):
    not_done = paginate(not_done_query(campaign), PAGE_SIZE)
    return render_template("declarations/campaign.html", campaign=campaign, progress=progress_by_department(campaign),
                           not_done=not_done, close_form=close_form or CloseCampaignForm(formdata=None)), status


@bp.route("/campaigns/<int:campaign_id>")
@role_required("reviewer", "admin")
def campaign(campaign_id: int):
    """HR: progress per department and who has not finished yet."""
    return _render_campaign(_get_campaign(campaign_id))


@bp.route("/campaigns/<int:campaign_id>/close", methods=["POST"])
@role_required("reviewer", "admin")
def close(campaign_id: int):
    """HR: close the campaign (no more reminders; the tasks leave the dashboards)."""
    campaign = _get_campaign(campaign_id)
    form = CloseCampaignForm()
    if not form.validate_on_submit():
        return _render_campaign(campaign, form, 400)
    try:
        not_done = close_campaign(campaign, current_user)
    except DeclarationError as exc:
        flash(exc.message, "warning")
    else:
        flash(ngettext("De campagne is gesloten. %(num)d persoon was nog niet klaar.",
                       "De campagne is gesloten. %(num)d personen waren nog niet klaar.", not_done), "success")
    return redirect(url_for("declarations.campaign", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/not-done.csv")
@role_required("reviewer", "admin")
def campaign_csv(campaign_id: int):
    """HR: the list of those not done as CSV (cells never start a formula)."""
    campaign = _get_campaign(campaign_id)
    header, rows = not_done_csv(campaign)
    return csv_response(f"campagne-{campaign.year}-{campaign.id}-niet-gedaan.csv", header, rows)


@bp.route("/confirm/<int:campaign_id>", methods=["GET", "POST"])
@login_required
def confirm(campaign_id: int):
    """The employee's reconfirmation, pre-filled with their current entries."""
    task = get_task(campaign_id, current_user)
    if task.is_done:
        flash(_("U heeft uw verklaringen voor deze campagne al bevestigd. Dank u wel!"), "info")
        return redirect(url_for("declarations.index"))
    declarations = confirmation_entries(current_user)
    form = ConfirmForm(declarations=declarations, today=today_local(),
                       nil_kinds=nil_kinds_for_confirmation(current_user, {d.kind for d in declarations}))
    if form.validate_on_submit():
        try:
            changed = reconfirm(task, form.choices(), form.nil_choices(), current_user)
        except EntryError as exc:
            form.entries[exc.index].ended_on.errors.append(exc.message)
        except DeclarationError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(_("Dank u wel, uw verklaringen zijn bevestigd."), "success")
            if changed:
                flash(_("Pas nu de verklaringen aan die u wilt wijzigen; de concepten staan klaar."), "info")
                return redirect(url_for("declarations.edit", declaration_id=changed[0].id))
            return redirect(url_for("declarations.index"))
    return render_template("declarations/confirm.html", form=form, campaign=task.campaign)
