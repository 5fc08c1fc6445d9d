"""Advice of the employee's manager: the reviewer asks and withdraws on the review page; the manager
reads and answers at /review/advice/ (any signed-in person, but each sees only what was put to them)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.core.access import role_required
from portal.core.i18n import gettext as _
from portal.core.pagination import paginate
from portal.core.refusals import Refusal
from portal.review import bp
from portal.review.access import load_advice_for_manager, load_advice_for_reviewer, load_for_review
from portal.review.advice.forms import AdviceAnswerForm, AdviceQuestionForm, WithdrawAdviceForm
from portal.review.advice.queries import ADVICE_PAGE, requests_for_manager
from portal.review.advice.services import answer_advice, ask_advice, withdraw_advice
from portal.review.advice.states import AdviceStatus
from portal.review.advice.subjects import DECLARATION, subject_for
from portal.review.routes.queue import _render_review


@bp.post("/<int:declaration_id>/advice")
@role_required("reviewer")
def ask_advice_on_declaration(declaration_id: int):
    """Ask the employee's manager for advice on a side activity."""
    declaration = load_for_review(declaration_id, current_user, record_view=False)
    form = AdviceQuestionForm()
    if form.validate_on_submit():
        try:
            request = ask_advice(DECLARATION, declaration, form.advice_question.data, current_user)
        except Refusal as exc:
            form.form_errors.append(exc.message)
            if not subject_for(DECLARATION).applies(declaration):  # no advice block to show it in
                flash(exc.message, "error")
        else:
            flash(_("Uw vraag is naar %(name)s gestuurd. Het advies verschijnt hier zodra het er is.",
                    name=request.manager.display_name), "success")
            return redirect(url_for("review.detail", declaration_id=declaration_id, _anchor="advice-heading"))
    return _render_review(declaration, 400, advice_form=form)


@bp.post("/advice/<int:advice_id>/withdraw")
@role_required("reviewer")
def withdraw_advice_request(advice_id: int):
    """Withdraw an open question to the manager."""
    request, obj = load_advice_for_reviewer(advice_id, current_user)
    back = subject_for(request.subject_kind).review_path(request.subject_id)
    form = WithdrawAdviceForm()
    if not form.validate_on_submit():
        flash(_("De adviesvraag is niet ingetrokken. Probeer het opnieuw."), "error")
        return redirect(back)
    try:
        withdraw_advice(request, obj, current_user)
    except Refusal as exc:
        flash(exc.message, "error")
    else:
        flash(_("De adviesvraag is ingetrokken. De leidinggevende krijgt daarvan bericht."), "success")
    return redirect(back + "#advice-heading")


@bp.route("/advice/")
@login_required
def advice_requests():
    """The questions put to me as a manager: open ones first."""
    page = paginate(requests_for_manager(current_user), ADVICE_PAGE)
    return render_template("review/advice/list.html", page=page, subject_for=subject_for, waiting=AdviceStatus.asked)


def _render_advice(request, form=None, status: int = 200):
    subject = subject_for(request.subject_kind)
    view = None
    if request.status != AdviceStatus.withdrawn:  # a withdrawn question shows nothing about the employee
        obj = subject.load(request.subject_id)
        view = subject.manager_view(obj, request.subject_revision) if obj is not None else None
    if form is None and request.is_open:
        form = AdviceAnswerForm(formdata=None)
    return render_template("review/advice/detail.html", advice=request, view=view, form=form,
                           intro=subject.manager_intro), status


@bp.route("/advice/<int:advice_id>")
@login_required
def advice(advice_id: int):
    """One question to me as a manager: who, what, the question, and my answer."""
    request = load_advice_for_manager(advice_id, current_user)  # records the view
    return _render_advice(request)


@bp.post("/advice/<int:advice_id>/answer")
@login_required
def answer_advice_request(advice_id: int):
    """The manager gives their advice."""
    request = load_advice_for_manager(advice_id, current_user, record_view=False)
    form = AdviceAnswerForm()
    if form.validate_on_submit():
        try:
            answer_advice(request, form.opinion.data, form.explanation.data, current_user)
        except Refusal as exc:
            form.form_errors.append(exc.message)
        else:
            flash(_("Dank u. Uw advies is naar P&O gestuurd."), "success")
            return redirect(url_for("review.advice", advice_id=advice_id))
    return _render_advice(request, form, 400)
