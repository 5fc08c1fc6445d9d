"""The published wording of the oath and the affirmation, and the words a record keeps."""

from __future__ import annotations

from functools import cache
from typing import Optional

from flask import current_app
from sqlalchemy import Select, bindparam, select

from portal.core.audit import record_event
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import utcnow
from portal.core.transaction import atomic
from portal.extensions import db
from portal.oath.formulas import LANGUAGES, MODEL_TEXTS, fill_in, formula_problems, normalise_text, wording_lines
from portal.oath.models import OathFormulaText
from portal.oath.services.locking import insert_or_refuse
from portal.oath.states import Formula, OathError


def current_formula_text(formula: Formula | str, language: str) -> Optional[OathFormulaText]:
    """The latest published version of ``formula`` in ``language`` (None before load-content ran)."""
    return db.session.scalars(
        select(OathFormulaText)
        .where(OathFormulaText.formula == Formula(formula), OathFormulaText.language == language)
        .order_by(OathFormulaText.version.desc())
        .limit(1)
    ).first()


def formula_versions(formula: Formula | str, language: str) -> list[OathFormulaText]:
    """Every published version, newest first (a handful: the wording changes rarely)."""
    return list(db.session.scalars(
        select(OathFormulaText)
        .where(OathFormulaText.formula == Formula(formula), OathFormulaText.language == language)
        .order_by(OathFormulaText.version.desc())
    ))


def organisation_name() -> str:
    return current_app.config["ORGANISATION_NAME"]


def spoken_text(formula: Formula | str, language: str,
                latest: Optional[dict[tuple[Formula, str], OathFormulaText]] = None) -> tuple[Optional[OathFormulaText], str]:
    """The version taken today for a session in ``language`` (Dutch when there is none in it), filled in.

    Before anything is published (``load-content`` not run) the model text is spoken, without a version.
    ``latest`` (from ``latest_texts``) saves the queries when several formulas are shown.
    """
    formula = Formula(formula)
    if latest is None:
        text = current_formula_text(formula, language) or current_formula_text(formula, "nl")
    else:
        text = latest.get((formula, language)) or latest.get((formula, "nl"))
    body = text.body if text else MODEL_TEXTS[formula, language if language in LANGUAGES else "nl"]
    return text, fill_in(body, organisation_name())


def latest_texts(languages: tuple[str, ...]) -> dict[tuple[Formula, str], OathFormulaText]:
    """{(formula, language): latest published version} for these languages, in one query."""
    texts = db.session.scalars(_latest_texts_statement(), {"languages": list(languages)})
    return {(Formula(text.formula), text.language): text for text in texts}  # the latest version wins


@cache
def _latest_texts_statement() -> Select:
    """latest_texts' statement, built once (the ceremony list and every session page ask it): :languages."""
    return (select(OathFormulaText).where(OathFormulaText.language.in_(bindparam("languages", expanding=True)))
            .order_by(OathFormulaText.version))


def current_wordings(language: str, chosen: Optional[Formula] = None) -> dict[Formula, tuple[str, ...]]:
    """Per formula (only the ``chosen`` one once the person chose), the sentences spoken when taken today."""
    latest = latest_texts((language, "nl"))
    return {formula: wording_lines(spoken_text(formula, language, latest)[1])
            for formula in Formula if chosen is None or formula == chosen}


@atomic()
def publish_formula_text(formula: Formula | str, language: str, body: str, actor,
                         *, is_model_text: bool = False) -> OathFormulaText:
    """Publish a new version; oaths taken from now on use it, records taken before keep their words."""
    formula = Formula(formula)
    if language not in LANGUAGES:
        raise OathError(_l("Kies Nederlands of Engels."))
    text = normalise_text(body)
    problems = formula_problems(formula, language, text)
    if problems:
        raise OathError(problems[0], field="body")
    latest = current_formula_text(formula, language)
    if latest is not None and latest.body == text:
        raise OathError(_l("Deze tekst is gelijk aan de huidige versie. Wijzig de tekst of ga terug."), field="body")
    version = OathFormulaText(
        formula=formula, language=language, version=(latest.version + 1) if latest else 1, body=text,
        is_model_text=is_model_text, published_by_id=getattr(actor, "id", None), published_at=utcnow(),
    )
    # Two HR people publishing at once: the unique (formula, language, version) decides.
    insert_or_refuse(version, _l("Iemand anders heeft net een nieuwe versie gepubliceerd. Bekijk die eerst."))
    record_event("oath.formula_published", actor=actor, obj=version,
                 details={"formula": formula.value, "language": language, "version": version.version,
                          "model_text": is_model_text})
    return version


def load_model_formulas() -> None:
    """Starter content: the model texts as version 1 where nothing is published yet; safe to run twice."""
    for (formula, language), body in MODEL_TEXTS.items():
        if current_formula_text(formula, language) is None:
            publish_formula_text(formula, language, body, None, is_model_text=True)
