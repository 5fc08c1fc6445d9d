"""Forms of the annual report: the year (GET), the explanations, closing and reopening (POST)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, NumberRange
from wtforms.validators import Optional as OptionalValidator

from portal.core.forms import MaxLength
from portal.core.i18n import lazy_gettext as _l

EXPLANATION_MAX = 5000


class YearForm(FlaskForm):
    """A GET form: read from the query string, no CSRF token."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Jaar"), validators=[
        OptionalValidator(), NumberRange(min=2000, max=2100, message=_l("Kies een jaar tussen 2000 en 2100.")),
    ])
    submit = SubmitField(_l("Toon jaarverslag"))


def explanation_form(sections) -> FlaskForm:
    """A form with one text area per section of the report."""

    class ExplanationForm(FlaskForm):
        submit = SubmitField(_l("Toelichting opslaan"))

    for section in sections:
        setattr(ExplanationForm, section.key, TextAreaField(
            _l("Toelichting bij „%(title)s”", title=section.title),
            validators=[OptionalValidator(), MaxLength(EXPLANATION_MAX)]))
    return ExplanationForm


class CloseForm(FlaskForm):
    submit = SubmitField(_l("Jaar afsluiten en cijfers vastzetten"))


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Waarom wordt het jaar heropend?"), render_kw={"required": False}, validators=[
        DataRequired(message=_l("Geef een reden: die komt in de audittrail.")),
        MaxLength(1000)])
    submit = SubmitField(_l("Jaar heropenen"))
