"""Forms of advice requests: the reviewer's question, the manager's answer, the withdraw button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from portal.core.forms import MaxLength
from portal.core.i18n import lazy_gettext as _l
from portal.review.advice.models import EXPLANATION_MAX, QUESTION_MAX
from portal.review.advice.services import missing_explanation
from portal.review.advice.states import Opinion

OPINION_VALUES = frozenset(opinion.value for opinion in Opinion)
#: the server validates; an empty required field is not painted red before anyone typed
NOT_PREMATURELY_RED = {"required": False}


class AdviceQuestionForm(FlaskForm):
    """A reviewer's question to the employee's manager."""

    advice_question = TextAreaField(
        _l("Uw vraag aan de leidinggevende"),
        validators=[DataRequired(message=_l("Schrijf uw vraag aan de leidinggevende.")),
                    MaxLength(QUESTION_MAX)],
        description=_l("De leidinggevende ziet uw vraag, de naam en functie van de medewerker en wat de "
                       "nevenwerkzaamheid inhoudt: wat, voor wie, hoeveel uur en of het betaald is. Niet de interne "
                       "notities, de afweging, andere verklaringen of financiële belangen."),
        render_kw=NOT_PREMATURELY_RED,
    )
    submit = SubmitField(_l("Advies vragen"))


class AdviceAnswerForm(FlaskForm):
    """The manager's advice: an opinion, and the conditions or reason where it needs them."""

    opinion = RadioField(
        _l("Uw advies"), choices=Opinion.choices(),
        validators=[DataRequired(message=_l("Kies uw advies."))],
        invalid_choice_message=_l("Kies een van de mogelijkheden."),
    )
    explanation = TextAreaField(
        _l("Toelichting"),
        validators=[MaxLength(EXPLANATION_MAX)],
        description=_l("Verplicht bij bezwaar of voorwaarden: schrijf op waarom, of welke voorwaarden. "
                       "P&O leest uw advies; de medewerker ziet het niet in het portaal."),
    )
    submit = SubmitField(_l("Advies geven"))

    def validate_explanation(self, field) -> None:
        missing = missing_explanation(self.opinion.data if self.opinion.data in OPINION_VALUES else None, field.data)
        if missing is not None:
            raise ValidationError(missing.message)


class WithdrawAdviceForm(FlaskForm):
    """The button that withdraws an open question (POST with CSRF)."""

    submit = SubmitField(_l("Adviesvraag intrekken"))
