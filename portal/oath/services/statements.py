"""The integrity statement: its published versions and signatures."""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

from flask import current_app
from markdown_it import MarkdownIt
from sqlalchemy import select

from portal.config import PROJECT_ROOT
from portal.core.audit import record_event
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import utcnow
from portal.core.transaction import atomic
from portal.extensions import db
from portal.oath.models import IntegrityStatementText, StatementSignature
from portal.oath.services.locking import insert_or_refuse
from portal.oath.states import OathError

STATEMENT_SOURCE = PROJECT_ROOT / "portal" / "policies" / "content" / "integrity-statement.nl.md"
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def statement_types() -> list[str]:
    """The employee types that sign the statement, lower-cased.

    Accepts the list form and the comma-separated string (the setting's default is not parsed).
    """
    configured = current_app.config.get("STATEMENT_EMPLOYEE_TYPES") or []
    if isinstance(configured, str):
        configured = configured.split(",")
    return [t.strip().lower() for t in configured if t.strip()]


def is_statement_user(user) -> bool:
    """True for the configured types (default: interns, hired and external staff): they sign the statement, not the oath."""
    return (getattr(user, "employee_type", None) or "").strip().lower() in statement_types()


def _source_body() -> str:
    return _FRONT_MATTER.sub("", STATEMENT_SOURCE.read_text(encoding="utf-8")).strip()


def statement_html(text: IntegrityStatementText) -> str:
    """The statement as HTML (raw HTML in the source is escaped, not passed); headings move one level down."""
    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(text.body)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
            if token.type == "heading_open":
                token.attrSet("class", f"utrecht-heading-{min(int(token.tag[1]), 6)}")
    return md.renderer.render(tokens, md.options, {})


def current_statement_text() -> Optional[IntegrityStatementText]:
    return db.session.scalars(
        select(IntegrityStatementText).order_by(IntegrityStatementText.version.desc()).limit(1)
    ).first()


def publish_statement_text() -> IntegrityStatementText:
    """The current version; a new one is published when the source text differs from it.

    Seeded from the policy content file on first use, so the text someone
    signed stays stored exactly as it was shown.
    """
    latest = current_statement_text()
    body = _source_body()
    if latest is not None and latest.body == body:
        return latest
    text = IntegrityStatementText(version=(latest.version + 1) if latest else 1, body=body, published_at=utcnow())
    db.session.add(text)
    db.session.flush()
    record_event("oath.statement_published", obj=text, details={"version": text.version})
    return text


def signature_of(user_id: int, text_id: Optional[int] = None) -> Optional[StatementSignature]:
    """The user's latest signature (or the one under version ``text_id``)."""
    stmt = select(StatementSignature).where(StatementSignature.user_id == user_id)
    if text_id is not None:
        stmt = stmt.where(StatementSignature.text_version_id == text_id)
    return db.session.scalars(stmt.order_by(StatementSignature.signed_at.desc()).limit(1)).first()


def _name_folded(name: str) -> str:
    """A name without case, accents or spaces: "Thijs de  Jong" and "thijsdejong" are one name."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and not ch.isspace())


def is_own_name(user, signed_name: str) -> bool:
    """True when the typed name is the person's name as the directory gives it (case, accents, spaces aside)."""
    return bool(_name_folded(signed_name)) and _name_folded(signed_name) == _name_folded(user.display_name or "")


@atomic()
def sign_statement(user, text_id: int, signed_name: str) -> StatementSignature:
    """Record the user's signature under the version of the statement they read."""
    if not is_statement_user(user):
        raise OathError(_l("U legt de ambtseed of belofte af; de integriteitsverklaring is niet voor u bedoeld."))
    current = current_statement_text()
    if current is None or current.id != text_id:
        raise OathError(_l("De tekst van de verklaring is intussen gewijzigd. Lees de nieuwe tekst en onderteken opnieuw."))
    if signature_of(user.id, text_id) is not None:
        raise OathError(_l("U heeft deze versie van de verklaring al ondertekend."))
    if not is_own_name(user, signed_name):
        # the signature is irreversible: it must be the signer's own name, not any text
        raise OathError(_l("Typ uw eigen naam zoals die bij de gemeente bekend is: %(name)s.", name=user.display_name),
                        field="signed_name")
    signature = StatementSignature(
        user_id=user.id, text_version_id=text_id, signed_name=" ".join(signed_name.split()), signed_at=utcnow()
    )
    # A double submit can race past the check above: the unique key decides.
    insert_or_refuse(signature, _l("U heeft deze versie van de verklaring al ondertekend."))
    record_event("oath.statement_signed", actor=user, obj=signature, subject_user_id=user.id,
                 details={"version": current.version})
    return signature

