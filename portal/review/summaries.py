"""HR's public summary of a top official's side activity: what the public register publishes.

Rules in one place:

* The register shows HR's summary (role, organisation, a short description, paid or not, the
  restrictions in plain words), never the employee's free text nor HR's conditions verbatim.
* A summary belongs to one version. Only the version in force (approved, not ended) gets one.
* After a change (a new version in force) the summary must be approved again. Until then the
  summary of the latest earlier version stays published, so the register never loses an
  activity that is still in force; the review page and the HR register list it as
  "samenvatting nog schrijven".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import today_local, utcnow
from portal.declarations.display import is_published
from portal.declarations.lifecycle import audit, guarded, is_blank
from portal.declarations.models import Declaration, DeclarationVersion
from portal.declarations.services import StaleDeclaration
from portal.extensions import db
from portal.review.models import PublicSummary
from portal.review.queries import current_entries_condition, summary_missing_condition
from portal.review.services import ReviewError, ensure_can_decide


class SummaryTextProblem(ReviewError):
    """A summary's text breaks a publication rule; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message) -> None:
        super().__init__(message)
        self.field = field


class NoSummaryNeeded(ReviewError):
    default_message = _l("Alleen een goedgekeurde nevenwerkzaamheid die nog loopt, krijgt een openbare samenvatting.")


@dataclass(frozen=True)
class SummaryAnswers:
    role: str
    organisation: str
    description: Optional[str]
    is_paid: bool
    restrictions: Optional[str]


@dataclass(frozen=True)
class SummaryState:
    """What the review page says about the public summary of one declaration."""

    #: the version that needs a summary (the one in force), or None when nothing can be published yet
    version: Optional[DeclarationVersion]
    #: the summary of that version, when HR approved it
    current: Optional[PublicSummary]
    #: the summary the register shows now (may belong to an earlier version)
    published: Optional[PublicSummary]
    #: a top official's side activity: the public register shows HR's summary of it (``is_published``)
    is_published: bool = True


def _same_text(a: Optional[str], b: Optional[str]) -> bool:
    def norm(text: Optional[str]) -> str:
        return " ".join((text or "").split()).casefold().rstrip(".")
    return bool(norm(a)) and norm(a) == norm(b)


def summary_problem(version: DeclarationVersion, description: Optional[str],
                    restrictions: Optional[str]) -> Optional[SummaryTextProblem]:
    """The publication rules on the text: HR's words, not the employee's or the conditions as written."""
    if _same_text(description, version.description):
        return SummaryTextProblem("description", _l(
            "Dit is de tekst van de medewerker. Vat de nevenwerkzaamheid kort samen in uw eigen woorden."))
    if version.conditions and is_blank(restrictions):
        return SummaryTextProblem("restrictions", _l(
            "Er gelden voorwaarden. Beschrijf in gewone woorden welke beperkingen gelden."))
    if _same_text(restrictions, version.conditions):
        return SummaryTextProblem("restrictions", _l(
            "Neem de voorwaarden niet letterlijk over. Beschrijf de beperkingen in gewone woorden voor het publiek."))
    return None


def version_in_force(declaration: Declaration) -> Optional[DeclarationVersion]:
    """The version of a published kind that is in force today (the HR register's rule), or None."""
    version = declaration.current_version
    if version is None or not is_published(declaration.owner, declaration.kind):
        return None
    in_force = db.session.scalar(
        select(Declaration.id).join(DeclarationVersion, DeclarationVersion.id == Declaration.current_version_id)
        .where(Declaration.id == declaration.id, current_entries_condition(DeclarationVersion, today_local()))
    )
    return version if in_force is not None else None


def _summaries(declaration: Declaration) -> list[PublicSummary]:
    return list(db.session.scalars(
        select(PublicSummary).join(DeclarationVersion, DeclarationVersion.id == PublicSummary.version_id)
        .where(PublicSummary.declaration_id == declaration.id).order_by(DeclarationVersion.number)
    ))


def summary_state(declaration: Declaration) -> SummaryState:
    """The version needing a summary, its summary and the one published now: one query (none for what is
    never published: staff members' declarations and financial interests)."""
    if not is_published(declaration.owner, declaration.kind):
        return SummaryState(version=None, current=None, published=None, is_published=False)
    summaries = _summaries(declaration)
    version = version_in_force(declaration)
    current = next((s for s in summaries if version is not None and s.version_id == version.id), None)
    published = (summaries[-1] if summaries else None) if version is not None else None
    return SummaryState(version=version, current=current, published=published)


def proposed_summary(version: DeclarationVersion, earlier: Optional[PublicSummary] = None) -> dict:
    """The portal's starting text from the declaration's fields (and the earlier summary's own words)."""
    kind = version.organisation_kind.label if version.organisation_kind else None
    return {
        "role": version.role or "",
        "organisation": version.organisation_name or "",
        "description": (earlier.description if earlier and earlier.description else (str(kind) if kind else "")),
        "is_paid": "yes" if version.is_paid else "no",
        "restrictions": (earlier.restrictions or "") if earlier else "",
    }


def summary_values(summary: PublicSummary) -> dict:
    """An approved summary as the form's values (to review or correct it)."""
    return {"role": summary.role, "organisation": summary.organisation, "description": summary.description or "",
            "is_paid": "yes" if summary.is_paid else "no", "restrictions": summary.restrictions or ""}


@guarded
def approve_summary(declaration: Declaration, answers: SummaryAnswers, actor, *,
                    expected_version: Optional[int] = None) -> PublicSummary:
    """Write or approve the public summary of the version in force; audited (the text is public anyway)."""
    ensure_can_decide(declaration, actor)
    version = version_in_force(declaration)
    if version is None:
        raise NoSummaryNeeded()
    if expected_version is not None and expected_version != version.number:
        raise StaleDeclaration()
    if is_blank(answers.role) or is_blank(answers.organisation):
        raise ReviewError(_l("Vul de functie en de organisatie in."))
    problem = summary_problem(version, answers.description, answers.restrictions)
    if problem is not None:
        raise problem
    summary = db.session.scalar(select(PublicSummary).where(PublicSummary.version_id == version.id))
    is_new = summary is None
    if is_new:
        summary = PublicSummary(declaration_id=declaration.id, version_id=version.id)
        db.session.add(summary)
    summary.role = answers.role.strip()
    summary.organisation = answers.organisation.strip()
    summary.description = None if is_blank(answers.description) else answers.description.strip()
    summary.is_paid = bool(answers.is_paid)
    summary.restrictions = None if is_blank(answers.restrictions) else answers.restrictions.strip()
    summary.approved_by_id = actor.id
    summary.approved_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # two reviewers wrote the first summary at the same moment
        raise StaleDeclaration() from exc
    audit("review.summary", declaration, actor, version=version.number, new=is_new)
    return summary


def summaries_missing(declaration_ids: list[int]) -> set[int]:
    """Of these declarations (in force), the ids whose version in force still needs a summary: one query."""
    return set(db.session.scalars(
        select(Declaration.id).join(User, User.id == Declaration.owner_id)
        .join(DeclarationVersion, DeclarationVersion.id == Declaration.current_version_id)
        .where(Declaration.id.in_(declaration_ids), summary_missing_condition(DeclarationVersion))
    ))
