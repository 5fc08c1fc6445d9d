"""Editing a policy page (HR and administrators): preview, draft, publish, and edit conflicts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core.access import role_required
from portal.core.i18n import gettext as _
from portal.core.time import today_local
from portal.policies import bp
from portal.policies.forms import NewPageForm, PolicyEditForm
from portal.policies.markdown import render_markdown
from portal.policies.routes import requested_language
from portal.policies.services import (
    EditConflict,
    SlugTaken,
    VersionInput,
    create_page,
    get_page,
    head_version,
    save_version,
)


def _fill_from(form: PolicyEditForm, page, language: str) -> None:
    """Start from the newest saved text in ``language`` (for a first translation: the Dutch text)."""
    head = head_version(page, language)
    source = head or head_version(page, "nl")
    form.language.data = language
    form.base_version_id.data = str(head.id) if head else ""
    form.effective_at.data = today_local()
    if source is None:
        return
    form.title.data = source.title
    form.description.data = source.description
    form.body.data = source.body_markdown
    if head is not None and not head.is_published:
        form.summary.data = head.summary
        form.effective_at.data = max(head.effective_at, today_local())
        form.requires_acknowledgement.data = head.requires_acknowledgement


def _version_input(form: PolicyEditForm) -> VersionInput:
    return VersionInput(
        language=form.language.data,
        title=form.title.data,
        description=form.description.data or "",
        body_markdown=form.body.data,
        summary=form.summary.data or "",
        effective_at=form.effective_at.data,
        requires_acknowledgement=form.requires_acknowledgement.data,
    )


@bp.route("/policies/new", methods=["GET", "POST"])
@role_required("reviewer", "admin")
def new_page():
    """A new page: choose its address, then write its first version in the editor."""
    form = NewPageForm()
    if form.validate_on_submit():
        try:
            page = create_page(form.slug.data, is_public=form.is_public.data, editor=current_user)
        except SlugTaken:
            form.slug.errors.append(_("Dit adres is al in gebruik. Kies een ander."))
        else:
            flash(_("De pagina is aangemaakt. Schrijf nu de eerste versie; medewerkers zien de pagina na publiceren."),
                  "success")
            return redirect(url_for("policies.edit", slug=page.slug))
    status = 400 if form.errors else 200
    return render_template("policies/new.html", form=form), status


@bp.route("/policies/<slug>/edit", methods=["GET", "POST"])
@role_required("reviewer", "admin")
def edit(slug: str):
    """Write a new version; "Voorbeeld" only shows it, the other buttons save."""
    page = get_page(slug, current_user)
    form = PolicyEditForm()
    if request.method == "GET":
        _fill_from(form, page, requested_language())
    preview = conflict = None
    status = 200
    if form.is_submitted() and form.preview.data:
        if form.body.validate(form):
            preview, _toc = render_markdown(form.body.data)
    elif form.validate_on_submit():
        publish = bool(form.publish.data)
        try:
            version = save_version(
                page, _version_input(form), base_version_id=form.base_id, publish=publish, editor=current_user
            )
        except EditConflict as exc:
            conflict = exc.current
            form.base_version_id.data = str(conflict.id) if conflict else ""
            status = 409
        else:
            if publish:
                flash(_("Versie %(number)d is gepubliceerd.", number=version.number), "success")
                return redirect(url_for("policies.page", slug=slug, language=version.language))
            flash(_("Het concept is opgeslagen. Medewerkers zien het pas na publiceren."), "success")
            return redirect(url_for("policies.edit", slug=slug, language=version.language))
    head = head_version(page, form.language.data or "nl")
    conflict_html = render_markdown(conflict.body_markdown)[0] if conflict else None
    return render_template(
        "policies/edit.html",
        page=page,
        form=form,
        head=head,
        preview=preview,
        conflict=conflict,
        conflict_html=conflict_html,
    ), status
