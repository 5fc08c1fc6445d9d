"""Reading the policy pages: index, a page, old versions, comparison, search, acknowledging."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import load_only

from portal.core.i18n import gettext as _
from portal.core.time import today_local
from portal.extensions import db
from portal.core.pagination import paginate
from portal.policies import bp
from portal.policies.acknowledgements import (
    CODE_OF_CONDUCT,
    AcknowledgementRefused,
    acknowledge_version,
    version_satisfies,
)
from portal.policies.diff import compare_versions
from portal.policies.forms import AcknowledgeForm, DiffForm, SearchForm
from portal.policies.glossary import TERMS
from portal.policies.markdown import table_of_contents, toc_size
from portal.policies.models import PolicyVersion
from portal.policies.routes import interface_language, requested_language
from portal.policies.search import search_policies
from portal.policies.services import (
    can_edit_policies,
    get_page,
    get_published_version,
    head_version,
    list_pages,
    previous_version,
    published_versions_query,
    read_page,
    version_for_reader,
)

#: a table of contents is shown from this many headings
TOC_MIN_HEADINGS = 3


def _acknowledgement_context(page, version, state) -> dict:
    """What the page shows about acknowledging: done, the button, or "read the newer version first"."""
    if not current_user.is_authenticated or state is None:
        return {}
    acknowledged_at = state.acknowledged_at
    can_acknowledge = acknowledged_at is None and version_satisfies(version, state.target)
    label = _("Ik heb de gedragscode gelezen") if page.slug == CODE_OF_CONDUCT else None
    form = AcknowledgeForm(version_id=version.id, label=label) if can_acknowledge else None
    needs_other_version = acknowledged_at is None and form is None
    return {"acknowledged_at": acknowledged_at, "ack_form": form,
            "ack_target": state.target if needs_other_version else None}


def _render_version(page, version, **extra):
    toc = table_of_contents(version.body_html or "")
    return render_template(
        "policies/page.html",
        page=page,
        version=version,
        toc=toc if toc_size(toc) >= TOC_MIN_HEADINGS else [],
        can_edit=can_edit_policies(current_user),
        **extra,
    )


@bp.route("/policies/")
@login_required
def index():
    """All policy pages, with the most asked-for help first."""
    can_edit = can_edit_policies(current_user)
    language = interface_language()
    pages = [(p, v) for p, v in list_pages(today_local(), language) if v is not None or can_edit]
    return render_template("policies/index.html", pages=pages, can_edit=can_edit, search_form=SearchForm(),
                           language=language)


@bp.route("/policies/begrippen")
def glossary():
    """The portal's words in plain Dutch (no sign-in needed: the public reporting page uses them too)."""
    return render_template("policies/glossary.html", terms=TERMS)


@bp.route("/policies/<slug>")
def page(slug: str):
    """The current version of a page, in the reader's language when it exists."""
    reading = read_page(slug, current_user, requested_language(), today_local())
    page, version = reading.page, reading.version
    if version is None:
        if can_edit_policies(current_user):
            return redirect(url_for("policies.edit", slug=slug))
        abort(404)
    return _render_version(page, version, is_fallback=reading.is_fallback,
                           **_acknowledgement_context(page, version, reading.acknowledgement))


@bp.route("/policies/<slug>/acknowledge", methods=["POST"])
@login_required
def acknowledge(slug: str):
    """Record "I have read this" for the version on screen."""
    page = get_page(slug, current_user)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        try:
            acknowledge_version(current_user, page, form.version, today_local())
        except AcknowledgementRefused as refused:
            flash(str(refused), "error")
        else:
            flash(_("Dank u wel. Uw bevestiging is vastgelegd."), "success")
    return redirect(url_for("policies.page", slug=slug))


@bp.route("/policies/<slug>/versions")
@login_required
def versions(slug: str):
    """Every published version of a page, newest first."""
    page = get_page(slug, current_user)
    pagination = paginate(published_versions_query(page), 20)
    can_edit = can_edit_policies(current_user)
    head = head_version(page, "nl") if can_edit else None
    current, _fallback = version_for_reader(page, interface_language(), today_local())
    draft = head if head is not None and not head.is_published else None
    return render_template(
        "policies/versions.html", page=page, pagination=pagination, current=current, draft=draft, can_edit=can_edit
    )


@bp.route("/policies/<slug>/versions/<int:number>")
@login_required
def version(slug: str, number: int):
    """An older (or future) version, exactly as it was published."""
    page = get_page(slug, current_user)
    version = get_published_version(page, number)
    current, _fallback = version_for_reader(page, version.language, today_local())
    return _render_version(page, version, is_archived=True, current=current)


@bp.route("/policies/<slug>/diff")
@login_required
def diff(slug: str):
    """Two versions side by side, with what was removed and added."""
    page = get_page(slug, current_user)
    listed = load_only(PolicyVersion.number, PolicyVersion.language, PolicyVersion.title)
    versions = db.session.scalars(published_versions_query(page).options(listed)).all()
    choices = [(v.number, _("Versie %(n)d (%(lang)s)", n=v.number, lang=v.language)) for v in versions]
    form = DiffForm(request.args, choices=choices)
    if not form.from_.raw_data and versions:
        # Only "to" (or nothing) given: compare it with the version before it in the same language.
        newest = next((v for v in versions if v.number == form.to.data), versions[0])
        previous = previous_version(newest)
        form.to.data, form.from_.data = newest.number, previous.number if previous else None
    comparison = old = new = None
    if form.validate() if form.from_.raw_data else form.from_.data is not None:
        old = get_published_version(page, form.from_.data)
        new = get_published_version(page, form.to.data)
        comparison = compare_versions(old, new)
    return render_template(
        "policies/diff.html", page=page, form=form, old=old, new=new, comparison=comparison, versions=versions,
        can_edit=can_edit_policies(current_user),
    )


@bp.route("/policies/search")
@login_required
def search():
    """Search the current text of every page, ignoring accents and case."""
    form = SearchForm(request.args)
    results = None
    if form.q.raw_data and form.validate():
        results = search_policies(form.q.data, today_local(), interface_language())
    return render_template("policies/search.html", form=form, results=results)
