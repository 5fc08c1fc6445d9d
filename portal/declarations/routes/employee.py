"""The employee's pages: my declarations, the two forms, nothing to declare, change, end, withdraw, answer."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.core.forms import EmptyForm
from portal.core.i18n import gettext as _
from portal.declarations import bp
from portal.declarations.access import get_declaration, get_version
from portal.declarations.display import answer_rows, is_published, latest_refusal, previous_version
from portal.declarations.forms import FORMS, AnswerForm, EndForm, NilStatementForm
from portal.declarations.models import DeclarationKind, VersionStatus
from portal.declarations.queries import overview_for
from portal.declarations.services import (
    DeclarationError,
    InvalidTransition,
    answer_information_request,
    available_actions,
    change_declaration,
    end_declaration,
    file_declaration,
    open_information_request,
    withdraw_version,
)
from portal.declarations.statements import current_nil_statements, record_nil_statement

KIND_SLUGS = {"side-activity": DeclarationKind.side_activity, "financial-interest": DeclarationKind.financial_interest}


def _refused(exc: DeclarationError, declaration_id: int):
    """A rule refused the action (the service saved nothing): back to the declaration with the reason."""
    flash(exc.message, "warning")
    return redirect(url_for("declarations.detail", declaration_id=declaration_id))


def _saved(declaration, form):
    """After a successful save or submission: tell the person what happened."""
    if form.is_submit:
        message = _("Uw verklaring is ingediend. P&O beoordeelt haar; u krijgt bericht als er een besluit is.")
        if is_published(declaration.owner, declaration.kind):
            message += " " + _("Na goedkeuring schrijft P&O een samenvatting voor het openbare register van "
                               "topfunctionarissen (de pagina Register nevenwerkzaamheden topfunctionarissen).")
        target = url_for("declarations.detail", declaration_id=declaration.id)
    else:
        message = _("Uw concept is opgeslagen. U kunt later verder gaan; P&O ziet het pas als u het indient.")
        target = url_for("declarations.edit", declaration_id=declaration.id)
    flash(message, "success")
    return redirect(target)


@bp.route("/")
@login_required
def index():
    """My declarations: current entries, drafts, history, nothing-to-declare statements."""
    overview = overview_for(current_user)
    return render_template("declarations/index.html", overview=overview, nil_kinds=list(DeclarationKind))


@bp.route("/new/<kind_slug>", methods=["GET", "POST"])
@login_required
def new(kind_slug: str):
    """The form for a new side activity or financial interest."""
    kind = KIND_SLUGS.get(kind_slug) or abort(404)
    form = FORMS[kind]()
    if request.method == "GET":
        form.client_token.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        try:
            declaration, created = file_declaration(current_user, kind, form.answers(), submit=form.is_submit,
                                                    client_token=form.client_token.data)
        except DeclarationError as exc:
            form.form_errors.append(exc.message)
        else:
            if not created:
                flash(_("Dit formulier was al verstuurd; hieronder ziet u het resultaat."), "info")
                return redirect(url_for("declarations.detail", declaration_id=declaration.id))
            return _saved(declaration, form)
    return render_template("declarations/form.html", form=form, kind=kind, declaration=None)


@bp.route("/<int:declaration_id>/edit", methods=["GET", "POST"])
@login_required
def edit(declaration_id: int):
    """Edit the draft, or start a change: a new version pre-filled from the one in force."""
    declaration = get_declaration(declaration_id, current_user)
    actions = available_actions(declaration)
    if not (actions["edit_draft"] or actions["change"]):
        pending = declaration.pending_version
        return _refused(InvalidTransition(pending.status, VersionStatus.draft) if pending else
                        DeclarationError(_("Deze verklaring kan niet meer worden gewijzigd.")), declaration.id)
    base = declaration.pending_version or declaration.current_version
    is_change = not actions["edit_draft"] or base.number > 1
    form_class = FORMS[declaration.kind]
    form = form_class(data=form_class.data_from(base), is_change=is_change)
    if form.validate_on_submit():
        try:
            change_declaration(declaration, form.answers(), current_user, submit=form.is_submit)
        except DeclarationError as exc:
            return _refused(exc, declaration.id)
        return _saved(declaration, form)
    return render_template("declarations/form.html", form=form, kind=declaration.kind, declaration=declaration,
                           is_change=is_change)


@bp.route("/nil", methods=["GET", "POST"])
@login_required
def nil():
    """Nothing to declare: one click per kind records the statement with today's date."""
    form = NilStatementForm()
    if form.validate_on_submit():
        try:
            record_nil_statement(current_user, DeclarationKind(form.kind.data))
        except DeclarationError as exc:
            flash(exc.message, "warning")
        else:
            flash(_("Vastgelegd: %(statement)s.", statement=DeclarationKind(form.kind.data).nothing_to_declare), "success")
            return redirect(url_for("declarations.index"))
    return render_template("declarations/nil.html", statements=current_nil_statements(current_user.id),
                           nil_form=form, nil_kinds=list(DeclarationKind))


@bp.route("/<int:declaration_id>")
@login_required
def detail(declaration_id: int):
    """One declaration: the version in force, a pending change, questions, history and buttons."""
    declaration = get_declaration(declaration_id, current_user)
    shown = declaration.latest_version
    return render_template(
        "declarations/detail.html", declaration=declaration, version=shown,
        rows=answer_rows(shown, previous_version(shown)), actions=available_actions(declaration),
        refused=latest_refusal(declaration),
    )


@bp.route("/<int:declaration_id>/versions/<int:number>")
@login_required
def version(declaration_id: int, number: int):
    """One version, side by side with the version before it."""
    declaration = get_declaration(declaration_id, current_user)
    shown = get_version(declaration, number)
    previous = previous_version(shown)
    return render_template("declarations/version.html", declaration=declaration, version=shown,
                           previous=previous, rows=answer_rows(shown, previous))


@bp.route("/<int:declaration_id>/withdraw", methods=["POST"])
@login_required
def withdraw(declaration_id: int):
    """Withdraw the draft or the submission that is not yet decided."""
    declaration = get_declaration(declaration_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    pending = declaration.pending_version
    try:
        if pending is None:
            raise DeclarationError(_("Er is geen concept of openstaande indiening om in te trekken."))
        withdraw_version(pending, current_user)
    except DeclarationError as exc:
        return _refused(exc, declaration.id)
    flash(_("Ingetrokken. Het blijft zichtbaar in de geschiedenis."), "success")
    return redirect(url_for("declarations.detail", declaration_id=declaration.id))


@bp.route("/<int:declaration_id>/end", methods=["GET", "POST"])
@login_required
def end(declaration_id: int):
    """Record that the activity or interest has ended."""
    declaration = get_declaration(declaration_id, current_user)
    if not available_actions(declaration)["end"]:
        return _refused(DeclarationError(_("Deze verklaring kan niet worden beëindigd.")), declaration.id)
    form = EndForm()
    if form.validate_on_submit():
        try:
            end_declaration(declaration, form.ended_on.data, current_user)
        except DeclarationError as exc:
            form.ended_on.errors.append(exc.message)
        else:
            flash(_("De verklaring is beëindigd."), "success")
            return redirect(url_for("declarations.detail", declaration_id=declaration.id))
    return render_template("declarations/end.html", declaration=declaration, form=form)


@bp.route("/<int:declaration_id>/answer", methods=["GET", "POST"])
@login_required
def answer(declaration_id: int):
    """Answer HR's question; the declaration then goes back to HR."""
    declaration = get_declaration(declaration_id, current_user)
    version = declaration.pending_version
    question = open_information_request(version) if version is not None else None
    if question is None or version.status != VersionStatus.info_requested:
        flash(_("Er staat geen vraag van P&O open bij deze verklaring."), "info")
        return redirect(url_for("declarations.detail", declaration_id=declaration.id))
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            answer_information_request(version, form.answer.data, current_user)
        except DeclarationError as exc:
            return _refused(exc, declaration.id)
        flash(_("Uw antwoord is verstuurd. P&O gaat verder met de beoordeling."), "success")
        return redirect(url_for("declarations.detail", declaration_id=declaration.id))
    return render_template("declarations/answer.html", declaration=declaration, question=question, form=form)
