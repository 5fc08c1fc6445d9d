"""Policy pages and versions: what is current, what an editor saves, and publication."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from datetime import date
from typing import Optional

from flask import abort, current_app
from sqlalchemy import Date, Select, and_, bindparam, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, lazyload, load_only, undefer
from sqlalchemy.orm.attributes import set_committed_value

from portal.core.access import has_role
from portal.core.audit import record_event
from portal.core.time import utcnow
from portal.core.transaction import atomic
from portal.extensions import db
from portal.policies.acknowledgements import AcknowledgementState, state_from, state_select
from portal.policies.markdown import render_markdown
from portal.core.states import Transitions
from portal.policies.models import PolicyPage, PolicyVersion, VersionStatus
from portal.policies.text import build_search_text

#: largest Markdown body an editor may save (characters)
MAX_BODY_CHARS = 200_000
#: attempts to claim a page when editors of other languages save at the same moment
_CLAIM_ATTEMPTS = 3


#: first path segments that are pages of their own under /policies/
RESERVED_SLUGS = frozenset({"new", "search", "acknowledgements"})


class SlugTaken(ValueError):
    """Another page already has this address (or it is one of the portal's own)."""


class EditConflict(Exception):
    """Someone saved a newer version of this page and language after the editor started."""

    def __init__(self, current: Optional[PolicyVersion]):
        super().__init__("policy version conflict")
        self.current = current


class InvalidTransition(ValueError):
    """A version cannot move from its status to the requested one."""


_TRANSITIONS: dict[VersionStatus, set[VersionStatus]] = {
    VersionStatus.DRAFT: {VersionStatus.PUBLISHED},
    VersionStatus.PUBLISHED: set(),
}


_FLOW = Transitions(VersionStatus, _TRANSITIONS, lambda current, target: InvalidTransition(
    f"{current.value} → {target.value} is not allowed"))


def transition_version(version: PolicyVersion, new_status: VersionStatus) -> None:
    """The one place that knows the workflow: draft → published; a published version is final."""
    version.status = _FLOW.check(version.status, new_status)


def can_edit_policies(user) -> bool:
    """HR (reviewers) and administrators keep the policy pages current."""
    return has_role(user, "reviewer") or has_role(user, "admin")


def get_page(slug: str, for_user) -> PolicyPage:
    """The page at ``slug``: 404 when unknown; sign-in first unless the page is public."""
    return _readable(db.session.scalar(_PAGE_BY_SLUG, {"slug": slug}), for_user)


def _readable(page: Optional[PolicyPage], for_user) -> PolicyPage:
    if page is None:
        abort(404)
    if not page.is_public and not getattr(for_user, "is_authenticated", False):
        abort(current_app.login_manager.unauthorized())
    return page


#: built once: every policy page starts with it
_PAGE_BY_SLUG = select(PolicyPage).where(PolicyPage.slug == bindparam("slug"))


@atomic()
def create_page(slug: str, *, is_public: bool, editor) -> PolicyPage:
    """A new, empty page at /policies/<slug>; its first text is written in the editor.

    Raises SlugTaken when the address is in use, also when someone else takes it at the same moment.
    """
    if slug in RESERVED_SLUGS or db.session.scalar(select(PolicyPage.id).where(PolicyPage.slug == slug)):
        raise SlugTaken(slug)
    highest = db.session.scalar(select(func.max(PolicyPage.sort_order))) or 0
    page = PolicyPage(slug=slug, is_public=is_public, sort_order=highest + 10)
    try:
        with db.session.begin_nested():
            db.session.add(page)
    except IntegrityError as exc:
        raise SlugTaken(slug) from exc
    record_event("policy.create_page", actor=editor, obj=page, details={"slug": slug, "is_public": is_public})
    return page


def current_versions_query(today: date, page_ids: Optional[list[int]] = None) -> Select:
    """Ids of the current version of every page (or the ones given) and language: the latest published one in force."""
    ranked = (
        select(
            PolicyVersion.id,
            func.row_number()
            .over(
                partition_by=(PolicyVersion.page_id, PolicyVersion.language),
                order_by=(
                    PolicyVersion.effective_at.desc(),
                    PolicyVersion.published_at.desc(),
                    PolicyVersion.id.desc(),
                ),
            )
            .label("rank"),
        )
        .where(PolicyVersion.status == VersionStatus.PUBLISHED, PolicyVersion.effective_at <= today)
    )
    if page_ids is not None:
        ranked = ranked.where(PolicyVersion.page_id.in_(page_ids))
    ranked = ranked.subquery()
    return select(ranked.c.id).where(ranked.c.rank == 1)


#: what readers are shown of a current version (and acknowledging compares); other columns load when used
_SHOWN = load_only(
    PolicyVersion.page_id, PolicyVersion.number, PolicyVersion.language, PolicyVersion.title,
    PolicyVersion.description, PolicyVersion.summary, PolicyVersion.status, PolicyVersion.effective_at,
    PolicyVersion.published_at, PolicyVersion.requires_acknowledgement,
)


def current_versions(
    today: date, page_ids: Optional[list[int]] = None, *, with_body: bool = False
) -> dict[tuple[int, str], PolicyVersion]:
    """{(page_id, language): current version}, for all pages or the ones given (the body only when asked)."""
    statement = _current_versions_statement(page_ids is not None, with_body)
    versions = db.session.scalars(statement, {"today": today, "page_ids": page_ids or []})
    return {(v.page_id, v.language): v for v in versions}


@cache
def _current_versions_statement(for_pages: bool, with_body: bool) -> Select:
    """current_versions' statement, built once (every policy page asks it): :today and :page_ids."""
    options = [_SHOWN, lazyload(PolicyVersion.editor)]
    if with_body:
        options.append(undefer(PolicyVersion.body_html))
    page_ids = bindparam("page_ids", expanding=True) if for_pages else None
    return (
        select(PolicyVersion)
        .options(*options)
        .where(PolicyVersion.id.in_(current_versions_query(bindparam("today", type_=Date), page_ids)))
    )


def version_for_reader(page: PolicyPage, language: str, today: date) -> tuple[Optional[PolicyVersion], bool]:
    """The current version in ``language``, else the Dutch one; the flag says Dutch stands in."""
    versions = current_versions(today, [page.id], with_body=True)
    return _in_language({lang: v for (_page_id, lang), v in versions.items()}, language)


def _in_language(versions: dict[str, PolicyVersion], language: str) -> tuple[Optional[PolicyVersion], bool]:
    """Of one page's current versions by language: the one in ``language``, else the Dutch one (the flag
    says Dutch stands in)."""
    wanted = versions.get(language)
    if wanted is not None:
        return wanted, False
    dutch = versions.get("nl")
    return dutch, dutch is not None and language != "nl"


@dataclass(frozen=True)
class Reading:
    """What a page's reader is shown: the page, its current version (see version_for_reader) and
    where the reader stands with acknowledging it."""

    page: PolicyPage
    version: Optional[PolicyVersion]
    is_fallback: bool
    acknowledgement: Optional[AcknowledgementState]  #: None: nobody is asked to acknowledge this page


def read_page(slug: str, for_user, language: str, today: date) -> Reading:
    """The page at ``slug`` (as get_page: 404, or sign-in first), its current version in ``language`` else
    Dutch (as version_for_reader) and ``for_user``'s acknowledgement (as acknowledgement_state): one statement."""
    user_id = for_user.id if getattr(for_user, "is_authenticated", False) else None
    rows = db.session.execute(_reading_statement(),
                              {"slug": slug, "language": language, "today": today, "user_id": user_id}).all()
    page = _readable(rows[0][0] if rows else None, for_user)
    version, is_fallback = _in_language(
        {version.language: version for _page, version, *_rest in rows if version is not None}, language)
    return Reading(page, version, is_fallback, state_from(rows[0]))


@cache
def _reading_statement() -> Select:
    """read_page's statement, built once: :slug, :language, :today, :user_id."""
    wanted = aliased(PolicyPage, name="wanted")
    current = current_versions_query(bindparam("today", type_=Date),
                                     select(wanted.id).where(wanted.slug == bindparam("slug")))
    # at most one row; LIMIT keeps PostgreSQL from planning it into the join
    state = state_select(bindparam("slug"), by_slug=True).limit(1).subquery("acknowledgement")
    return (
        select(PolicyPage, PolicyVersion, *state.c)
        .select_from(PolicyPage)
        .outerjoin(PolicyVersion, and_(
            PolicyVersion.page_id == PolicyPage.id,
            or_(PolicyVersion.language == bindparam("language"), PolicyVersion.language == "nl"),
            PolicyVersion.id.in_(current)))
        .outerjoin(state, true())
        .where(PolicyPage.slug == bindparam("slug"))
        .options(_SHOWN, undefer(PolicyVersion.body_html), lazyload(PolicyVersion.editor))
    )


def list_pages(today: date, language: str) -> list[tuple[PolicyPage, Optional[PolicyVersion]]]:
    """Every page in order, with its current version for a reader of ``language`` (None: none yet)."""
    pages = db.session.scalars(select(PolicyPage).order_by(PolicyPage.sort_order, PolicyPage.slug)).all()
    versions = current_versions(today)
    return [(page, versions.get((page.id, language)) or versions.get((page.id, "nl"))) for page in pages]


def head_version(page: PolicyPage, language: str) -> Optional[PolicyVersion]:
    """The most recently saved version (draft or published) of a page in one language."""
    return db.session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.page_id == page.id, PolicyVersion.language == language)
        .order_by(PolicyVersion.id.desc())
        .limit(1)
    )


def published_versions_query(page: PolicyPage) -> Select:
    return (
        select(PolicyVersion)
        .where(PolicyVersion.page_id == page.id, PolicyVersion.status == VersionStatus.PUBLISHED)
        .order_by(PolicyVersion.number.desc())
    )


def get_published_version(page: PolicyPage, number: Optional[int]) -> PolicyVersion:
    """A published version by number, or 404 (drafts have no number, so they are never found)."""
    version = None
    if number is not None:
        version = db.session.scalar(
            select(PolicyVersion).where(
                PolicyVersion.page_id == page.id,
                PolicyVersion.number == number,
                PolicyVersion.status == VersionStatus.PUBLISHED,
            )
        )
    if version is None:
        abort(404)
    return version


def previous_version(version: PolicyVersion) -> Optional[PolicyVersion]:
    """The published version in the same language just before ``version``."""
    return db.session.scalar(
        select(PolicyVersion)
        .where(
            PolicyVersion.page_id == version.page_id,
            PolicyVersion.language == version.language,
            PolicyVersion.status == VersionStatus.PUBLISHED,
            PolicyVersion.number < version.number,
        )
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    )


@dataclass
class VersionInput:
    language: str
    title: str
    description: str
    body_markdown: str
    summary: str
    effective_at: date
    requires_acknowledgement: bool


@atomic()
def save_version(
    page: PolicyPage,
    data: VersionInput,
    *,
    base_version_id: Optional[int],
    publish: bool,
    editor,
) -> PolicyVersion:
    """Save the editor's text as a new draft, or publish it as the next numbered version.

    Raises EditConflict when another version of this page and language was saved
    after ``base_version_id`` (the one the editor started from).
    """
    _claim_page(page, data.language, base_version_id)
    version = PolicyVersion(
        page_id=page.id,
        language=data.language,
        title=data.title,
        description=data.description,
        body_markdown=data.body_markdown,
        summary=data.summary,
        effective_at=data.effective_at,
        requires_acknowledgement=data.requires_acknowledgement,
        editor_id=getattr(editor, "id", None),
        status=VersionStatus.DRAFT,
    )
    db.session.add(version)
    if publish:
        publish_version(version, page)
    db.session.flush()
    record_event(
        "policy.publish" if publish else "policy.save_draft",
        actor=editor,
        obj=version,
        details={"slug": page.slug, "language": version.language, "number": version.number},
    )
    return version


def publish_version(version: PolicyVersion, page: PolicyPage) -> None:
    """Render and freeze the text, give it the next number and publish it."""
    highest = db.session.scalar(
        select(func.max(PolicyVersion.number)).where(PolicyVersion.page_id == page.id)
    )
    number = (highest or 0) + 1
    transition_version(version, VersionStatus.PUBLISHED)
    version.number = number
    version.body_html, _toc = render_markdown(version.body_markdown)
    version.search_text = build_search_text(version.title, version.description, version.body_html)
    version.published_at = utcnow()


def _claim_page(page: PolicyPage, language: str, base_version_id: Optional[int]) -> None:
    """Check the editor's base is still the newest, and bump the page's lock in one compare-and-set.

    The UPDATE … WHERE lock_version = seen makes a second, simultaneous save of the same page
    wait for the first and then fail the comparison (PostgreSQL re-checks the row), so two
    editors can never both win. A save in the other language only forces a re-check.
    """
    for _ in range(_CLAIM_ATTEMPTS):
        seen = db.session.scalar(
            select(PolicyPage.lock_version)
            .where(PolicyPage.id == page.id)
            .execution_options(populate_existing=True)
        )
        head = head_version(page, language)
        if (head.id if head else None) != base_version_id:
            raise EditConflict(head)
        claimed = db.session.execute(
            update(PolicyPage)
            .where(PolicyPage.id == page.id, PolicyPage.lock_version == seen)
            .values(lock_version=seen + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            set_committed_value(page, "lock_version", seen + 1)
            return
    raise EditConflict(head_version(page, language))
