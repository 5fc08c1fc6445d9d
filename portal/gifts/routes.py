"""Views of the gifts area: the employee reports and follows; the manager or HR decides; HR and
coordinators keep the register."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.core.exports import csv_response
from portal.core.i18n import gettext as _
from portal.core.pagination import paginate
from portal.core.time import today_local
from portal.gifts import bp
from portal.core.refusals import Refusal
from portal.gifts.access import can_read_register, get_gift, is_hr, may_ask_advice, may_decide
from portal.gifts.advice import GIFT
from portal.gifts.forms import DecisionForm, GiftAdviceQuestionForm, GiftForm, RegisterFilterForm
from portal.gifts.queries import (
    REGISTER_YEARS,
    RegisterFilters,
    gifts_of,
    register_export_statement,
    register_rows,
    register_select,
    to_decide,
)
from portal.gifts.services import (
    GiftData,
    GiftError,
    decide_gift,
    record_register_view,
    record_team_view,
    record_view,
    report_gift,
)
from portal.gifts.states import CATEGORY_LABELS, OUTCOME_LABELS, GiftStatus, Response, ValueBand, can_transition, label_of
from portal.review.advice.services import advice_panel, ask_advice

PER_PAGE = 25


def _labels() -> dict:
    return {"category_label": lambda code: label_of(CATEGORY_LABELS, code),
            "outcome_label": lambda key: label_of(OUTCOME_LABELS, key)}


bp.context_processor(_labels)


@bp.route("/")
@login_required
def index():
    """The gifts and invitations I reported, with their status and decision."""
    return render_template("gifts/index.html", gifts=gifts_of(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Report a gift or invitation, or ask beforehand whether I may accept it."""
    form = GiftForm()
    if form.validate_on_submit():
        try:
            gift = report_gift(GiftData(
                category=form.category.data, description=form.description.data,
                work_relation=form.work_relation.data, value_band=ValueBand(form.value_band.data),
                response=Response(form.response.data), received_on=form.received_on.data,
                giver_name=form.giver_name.data, giver_organisation=form.giver_organisation.data,
                explanation=form.explanation.data), current_user)
        except GiftError as exc:
            form.description.errors.append(exc.message)
        else:
            flash(_flash_for(gift.status, gift.reference), "success")
            return redirect(url_for("gifts.detail", gift_id=gift.id))
    return (render_template("gifts/new.html", form=form, threshold=current_app.config["GIFT_THRESHOLD"]),
            400 if form.errors else 200)


def _flash_for(status: GiftStatus, reference: str) -> str:
    if status == GiftStatus.asked:
        return _("Uw vraag is verstuurd onder nummer %(reference)s. Uw leidinggevende of P&O geeft antwoord; u "
                 "krijgt een e-mail. Neem het niet aan zolang u geen antwoord heeft.", reference=reference)
    if status == GiftStatus.awaiting_consent:
        return _("Uw melding is ontvangen onder nummer %(reference)s. Uw leidinggevende of P&O besluit of u het "
                 "mag houden; u krijgt een e-mail.", reference=reference)
    return _("Uw melding is ontvangen onder nummer %(reference)s.", reference=reference)


@bp.route("/<int:gift_id>")
@login_required
def detail(gift_id: int):
    """One gift: for the employee its status and decision; for the manager or HR also the decision form."""
    gift = get_gift(gift_id, for_user=current_user)
    record_view(gift, current_user)
    return _render_detail(gift)


def _render_detail(gift, status: int = 200, *, form=None, advice_form=None):
    """The gift page; the decision form while it can be decided, and for HR the manager's advice."""
    if form is None and may_decide(current_user, gift) and can_transition(gift.status, GiftStatus.decided):
        form = DecisionForm(formdata=None)
    advice = None
    if may_ask_advice(current_user, gift):
        advice = advice_panel(GIFT, gift, current_user, form=advice_form or GiftAdviceQuestionForm(formdata=None),
                              ask_url=url_for("gifts.ask_advice_on_gift", gift_id=gift.id))
        if advice_form is None and not advice.requests and not can_transition(gift.status, GiftStatus.decided):
            advice = None  # decided without asking: nothing to show, nothing to do (a refused question is shown)
    return render_template("gifts/detail.html", gift=gift, form=form, advice=advice), status


@bp.post("/<int:gift_id>/advice")
@login_required
def ask_advice_on_gift(gift_id: int):
    """HR asks the employee's manager for advice on a gift (not a manager deciding themself)."""
    gift = get_gift(gift_id, for_user=current_user)
    if not may_ask_advice(current_user, gift):
        abort(403)
    form = GiftAdviceQuestionForm()
    if form.validate_on_submit():
        try:
            request_ = ask_advice(GIFT, gift, form.advice_question.data, current_user)
        except Refusal as exc:
            form.form_errors.append(exc.message)
        else:
            flash(_("Uw vraag is naar %(name)s gestuurd. Het advies verschijnt hier zodra het er is.",
                    name=request_.manager.display_name), "success")
            return redirect(url_for("gifts.detail", gift_id=gift_id, _anchor="advice-heading"))
    return _render_detail(gift, 400, advice_form=form)


@bp.route("/<int:gift_id>/decide", methods=["POST"])
@login_required
def decide(gift_id: int):
    """The manager or HR decides; never the employee themself."""
    gift = get_gift(gift_id, for_user=current_user)
    if not may_decide(current_user, gift):
        abort(403)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            decide_gift(gift, form.decision.data, form.conditions.data, form.reason.data, current_user)
        except GiftError as exc:
            form.decision.errors.append(exc.message)
        else:
            flash(_("Het besluit is vastgelegd. %(name)s krijgt een e-mail.", name=gift.owner.display_name), "success")
            return redirect(url_for("gifts.team"))
    return _render_detail(gift, 400, form=form)


@bp.route("/team")
@login_required
def team():
    """The gifts I decide on: my staff's, and for HR every open question."""
    page = paginate(to_decide(current_user, is_hr=is_hr(current_user)), PER_PAGE)
    if page.items:
        record_team_view(current_user, page.page)
    return render_template("gifts/team.html", page=page, is_hr=is_hr(current_user))


def _register_filters() -> tuple[RegisterFilterForm, RegisterFilters]:
    this_year = today_local().year
    form = RegisterFilterForm(request.args, years=range(this_year, this_year - REGISTER_YEARS, -1))
    form.validate()
    return form, RegisterFilters.from_form(form)


@bp.route("/register")
@login_required
def register():
    """Every reported gift, searchable (HR and integrity coordinators); each look is audited."""
    if not can_read_register(current_user):
        abort(403)
    form, filters = _register_filters()
    record_register_view(filters.parameters(), current_user)
    page = paginate(register_select(filters), PER_PAGE)
    args = {k: v for k, v in request.args.items() if k not in ("page", "submit")}
    return render_template("gifts/register.html", form=form, page=page, args=args)


@bp.route("/register.csv")
@login_required
def register_csv():
    """The register with the page's filters as CSV (Dutch Excel), streamed; audited."""
    if not can_read_register(current_user):
        abort(403)
    _form, filters = _register_filters()
    record_register_view(filters.parameters(), current_user, what="csv")
    header = [_("Nummer"), _("Datum"), _("Medewerker"), _("Afdeling"), _("Soort"), _("Omschrijving"), _("Gever"),
              _("Organisatie"), _("Relatie met het werk"), _("Geschatte waarde"), _("Gedaan"), _("Status"),
              _("Besluit"), _("Voorwaarden"), _("Reden"), _("Besloten op")]
    return csv_response(f"geschenken-{today_local().isoformat()}.csv", header,
                        register_rows(register_export_statement(filters)))
