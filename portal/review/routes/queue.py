"""The queue (/review/) and the review page (/review/<id>) with its actions."""

from __future__ import annotations

from typing import Callable, Optional

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core.access import role_required
from portal.core.i18n import gettext as _
from portal.core.time import utcnow
from portal.declarations.display import answer_rows, is_published, previous_version
from portal.declarations.services import OwnDeclarationError, StaleDeclaration
from portal.declarations.states import DeclarationError, InvalidTransition
from portal.extensions import db
from portal.review import bp
from portal.review.forms import (
    AssessmentForm,
    AssignForm,
    DecisionForm,
    InternalNoteForm,
    ProposalForm,
    PublicSummaryForm,
    QuestionForm,
    QueueFilterForm,
    TakeForm,
)
from portal.review.advice.forms import AdviceQuestionForm
from portal.review.advice.services import advice_panel
from portal.review.advice.subjects import DECLARATION
from portal.review.models import ASSESSMENT_POINTS
from portal.review.notes import add_internal_note, assessment_for, internal_notes, save_assessment
from portal.auth.services import list_departments
from portal.review.access import FOR_ACTION, get_proposal, load_for_review
from portal.review.display import queue_lines
from portal.review.queries import (
    QueueFilters,
    count_summaries_missing,
    decode_cursor,
    eligible_reviewers,
    open_proposal,
    other_current_declarations,
    queue_page,
    reviewer_choices,
    target_days,
    version_under_review,
)
from portal.review.services import (
    FourEyesError,
    NothingToReview,
    ProposalClosed,
    ProposalWaiting,
    STALE_BY_YOURSELF,
    ask_question,
    assign_declaration,
    changed_by_yourself,
    confirm_proposal,
    decide_declaration,
    reject_proposal,
    take_declaration,
)
from portal.review.summaries import approve_summary, proposed_summary, summary_state, summary_values
from portal.review.trail import object_trail

TRAIL_ON_PAGE = 20
#: refusals that mean the item changed under the reviewer's hands
CONFLICTS = (InvalidTransition, NothingToReview, ProposalClosed, ProposalWaiting)
#: refusals of the four-eyes rule
FORBIDDEN = (OwnDeclarationError, FourEyesError)


@bp.route("/")
@role_required("reviewer")
def queue():
    """Declarations waiting for HR, oldest first, filtered, with counts per status."""
    form = QueueFilterForm(request.args, departments=list_departments())
    form.validate()
    cursor = request.args.get("after")
    if cursor and decode_cursor(cursor) is None:
        abort(404)  # not a position this page ever linked to
    page = queue_page(QueueFilters.from_form(form), current_user, now=utcnow(), target_days=target_days(),
                      cursor=cursor)
    args = {k: v for k, v in request.args.items() if k not in ("after", "submit")}
    next_url = url_for("review.queue", **args, after=page.next_cursor) if page.next_cursor else None
    first_url = url_for("review.queue", **args) if request.args.get("after") else None
    return render_template("review/queue.html", form=form, page=page, lines=queue_lines(page.items),
                           next_url=next_url, first_url=first_url, target_days=target_days(),
                           summaries_to_write=count_summaries_missing())


# -- the review page --------------------------------------------------------------------------

_FORMS = {
    "take_form": TakeForm, "assign_form": AssignForm, "question_form": QuestionForm,
    "decision_form": DecisionForm, "proposal_form": ProposalForm,
}


def _reviewers(declaration):
    return [u for u in db.session.scalars(eligible_reviewers()) if u.id != declaration.owner_id]


def _render_review(declaration, status: int = 200, *, conflict=None, conflict_by_yourself: bool = False, **bound):
    """The review page; ``bound`` holds the form that was posted (shown back with its errors)."""
    under_review = version_under_review(declaration)
    version = under_review or declaration.latest_version
    previous = declaration.current_version
    if previous is None or previous is version:
        previous = previous_version(version) if version is not None else None
    proposal = open_proposal(under_review)
    opened = _opened()
    forms = {}
    for name, form_class in _FORMS.items():
        form = bound.get(name)
        if form is None:
            if name in _FOLDED and opened != _FOLDED[name]:
                forms[name] = None  # built only when asked for (a link opens it)
                continue
            if form_class is ProposalForm and proposal is None:
                forms[name] = None  # the page shows it only for an open proposal
                continue
            if form_class is AssignForm:
                form = AssignForm(formdata=None, reviewers=reviewer_choices(declaration))
            else:
                form = form_class(formdata=None)
        form.lock_version.data = str(declaration.lock_version)
        forms[name] = form
    if proposal is not None and proposal.proposed_by_id == current_user.id:
        del forms["proposal_form"]["confirm"]  # four eyes: the proposer cannot confirm
    if "assign_form" not in bound and forms["assign_form"] is not None:
        forms["assign_form"].reviewer.data = declaration.assigned_reviewer_id or current_user.id
    assessment = assessment_for(version)
    assessment_form = bound.get("assessment_form")
    if assessment_form is None and opened == "assessment":  # its twelve fields only when asked for
        assessment_form = AssessmentForm(formdata=None)
        assessment_form.fill_from(assessment)
    trail, more_trail = object_trail("declaration", declaration.id, per_page=TRAIL_ON_PAGE)
    return render_template(
        "review/detail.html",
        declaration=declaration, version=version, previous=previous,
        rows=answer_rows(version, previous) if version is not None else [],
        is_under_review=under_review is not None,
        proposal=proposal,
        other_declarations=other_current_declarations(declaration),
        assessment=assessment, assessment_form=assessment_form,
        points=ASSESSMENT_POINTS,
        notes=internal_notes(declaration),
        note_form=bound.get("note_form") or (InternalNoteForm(formdata=None) if opened == "note" else None),
        trail=trail, more_trail=more_trail, conflict=conflict is not None, conflict_form=conflict,
        conflict_by_yourself=conflict_by_yourself,
        target_days=target_days(),
        advice=_advice_panel(declaration, bound.get("advice_form")),
        **_summary_block(declaration, bound.get("summary_form")),
        **forms,
    ), status


#: the folded forms of the review page that are built only when opened (``?open=…``, a plain link):
#: the page shows the decision form; a form that was posted with errors comes back open
OPENABLE = ("assign", "question", "assessment", "note")
_FOLDED = {"assign_form": "assign", "question_form": "question"}


def _opened() -> Optional[str]:
    """The folded form the reviewer asked for with ``?open=…`` on the review page (GET only)."""
    name = request.args.get("open") if request.method == "GET" else None
    return name if name in OPENABLE else None


def _advice_panel(declaration, form):
    """The manager's advice block (portal.review.advice); None for a financial interest."""
    return advice_panel(DECLARATION, declaration, current_user, form=form or AdviceQuestionForm(formdata=None),
                        ask_url=url_for("review.ask_advice_on_declaration", declaration_id=declaration.id))


def _summary_block(declaration, form):
    """The public summary of a top official's side activity: its state and HR's form (see review/summaries.py)."""
    state = summary_state(declaration)
    if form is None and state.version is not None:
        form = PublicSummaryForm(formdata=None)
        form.fill(summary_values(state.current) if state.current else proposed_summary(state.version, state.published),
                  state.version.number)
    return {"summary": state, "summary_form": form}


@bp.route("/<int:declaration_id>")
@role_required("reviewer")
def detail(declaration_id: int):
    """The declaration, what changed, the employee's context, notes, assessment, trail and decisions."""
    declaration = load_for_review(declaration_id, current_user)  # records who saw whose data
    return _render_review(declaration)


def _act(declaration_id: int, form_name: str, form, action: Callable[[object], Optional[str]]):
    """Validate ``form``, run ``action(declaration)``; a lost race shows the current state (409)."""
    declaration = load_for_review(declaration_id, current_user, record_view=False, load=FOR_ACTION)
    if not form.validate_on_submit():
        return _render_review(declaration, 400, **{form_name: form})
    try:
        message = action(declaration)
    except StaleDeclaration as exc:
        declaration = load_for_review(declaration_id, current_user, record_view=False)
        by_yourself = changed_by_yourself(declaration, current_user)
        form.form_errors.append(str(STALE_BY_YOURSELF) if by_yourself else exc.message)
        return _render_review(declaration, 409, conflict=form, conflict_by_yourself=by_yourself, **{form_name: form})
    except DeclarationError as exc:
        declaration = load_for_review(declaration_id, current_user, record_view=False)
        form.form_errors.append(exc.message)
        return _render_review(declaration, _status_for(exc), **{form_name: form})
    flash(message, "success")
    return redirect(url_for("review.detail", declaration_id=declaration_id))


def _status_for(exc: DeclarationError) -> int:
    if isinstance(exc, FORBIDDEN):
        return 403
    return 409 if isinstance(exc, CONFLICTS) else 400


@bp.post("/<int:declaration_id>/take")
@role_required("reviewer")
def take(declaration_id: int):
    """Take the item: assigned to me and in review."""
    form = TakeForm()

    def action(declaration):
        take_declaration(declaration, current_user, expected_lock_version=form.seen_lock_version)
        return _("U beoordeelt deze verklaring nu.")

    return _act(declaration_id, "take_form", form, action)


@bp.post("/<int:declaration_id>/assign")
@role_required("reviewer")
def assign(declaration_id: int):
    """Assign the item to a reviewer (oneself or a colleague)."""
    declaration = load_for_review(declaration_id, current_user, record_view=False)
    reviewers = {u.id: u for u in _reviewers(declaration)}
    form = AssignForm(reviewers=reviewers.values())

    def action(declaration):
        assignee = reviewers[form.reviewer.data]
        assign_declaration(declaration, assignee, current_user, expected_lock_version=form.seen_lock_version)
        return _("De verklaring is toegewezen aan %(name)s.", name=assignee.display_name)

    return _act(declaration_id, "assign_form", form, action)


@bp.post("/<int:declaration_id>/question")
@role_required("reviewer")
def question(declaration_id: int):
    """Ask the employee for more information."""
    form = QuestionForm()

    def action(declaration):
        ask_question(declaration, form.question.data, current_user, expected_lock_version=form.seen_lock_version)
        return _("Uw vraag is verstuurd. De verklaring komt terug in de wachtrij zodra de medewerker antwoordt.")

    return _act(declaration_id, "question_form", form, action)


@bp.post("/<int:declaration_id>/decide")
@role_required("reviewer")
def decide(declaration_id: int):
    """Approve, approve with conditions or refuse (or propose it, when a second approval is required)."""
    form = DecisionForm()

    def action(declaration):
        proposal = decide_declaration(
            declaration, form.outcome.data, current_user, conditions=form.conditions.data,
            reason=form.reason.data, expected_lock_version=form.seen_lock_version,
        )
        if proposal is not None:
            return _("Uw besluit is vastgelegd als voorstel. Het gaat in zodra een tweede beoordelaar het bevestigt.")
        return _("Het besluit is vastgelegd. De medewerker krijgt bericht.")

    return _act(declaration_id, "decision_form", form, action)


@bp.post("/<int:declaration_id>/proposals/<int:proposal_id>")
@role_required("reviewer")
def proposal(declaration_id: int, proposal_id: int):
    """Confirm (second reviewer) or send back a proposed decision."""
    form = ProposalForm()

    def action(declaration):
        pending = get_proposal(declaration, proposal_id)
        if form.confirm.data:
            confirm_proposal(pending, current_user, expected_lock_version=form.seen_lock_version)
            return _("U heeft het besluit bevestigd. Het is nu van kracht en de medewerker krijgt bericht.")
        reject_proposal(pending, current_user, expected_lock_version=form.seen_lock_version)
        return _("Het voorstel is teruggestuurd. De verklaring blijft in behandeling.")

    return _act(declaration_id, "proposal_form", form, action)


@bp.post("/<int:declaration_id>/notes")
@role_required("reviewer")
def note(declaration_id: int):
    """Add an internal note (reviewers only)."""
    form = InternalNoteForm()

    def action(declaration):
        add_internal_note(declaration, form.internal_note.data, current_user)
        return _("De interne notitie is opgeslagen.")

    return _act(declaration_id, "note_form", form, action)


@bp.post("/<int:declaration_id>/assessment")
@role_required("reviewer")
def assessment(declaration_id: int):
    """Save the assessment against the framework."""
    form = AssessmentForm()

    def action(declaration):
        save_assessment(declaration, form.answers(), current_user)
        return _("De afweging is opgeslagen.")

    return _act(declaration_id, "assessment_form", form, action)


@bp.post("/<int:declaration_id>/summary")
@role_required("reviewer")
def summary(declaration_id: int):
    """Write or approve the public summary of a top official's side activity (the public register shows it)."""
    declaration = load_for_review(declaration_id, current_user, record_view=False)
    if not is_published(declaration.owner, declaration.kind):
        abort(404)  # staff and financial interests are never published: there is no summary to write
    form = PublicSummaryForm(version=summary_state(declaration).version)

    def action(declaration):
        approve_summary(declaration, form.answers(), current_user, expected_version=form.seen_version)
        return _("De samenvatting is goedgekeurd. Het openbare register toont haar nu.")

    return _act(declaration_id, "summary_form", form, action)
