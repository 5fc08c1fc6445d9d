"""Forms of the reconfirmation campaign: HR opens one; the employee confirms their entries."""

from __future__ import annotations

from datetime import date
from typing import Sequence

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError
from wtforms.validators import Optional as OptionalValidator

from portal.core.forms import DateField, years_from_today
from portal.core.i18n import lazy_gettext as _l
from portal.declarations.fields import ChoiceField, WholeNumberField, options
from portal.declarations.models import CampaignScope, DeclarationKind
from portal.declarations.queries import ConfirmationEntry
from portal.declarations.states import UNDECIDED

KEEP, CHANGE, END = "keep", "change", "end"
ENTRY_CHOICES = options([(KEEP, _l("Klopt nog")), (CHANGE, _l("Wijzigen")), (END, _l("Beëindigd"))])
NIL, DECLARE = "none", "declare"
NIL_CHOICES = {
    DeclarationKind.side_activity: options([(NIL, _l("Ik heb geen nevenwerkzaamheden")),
                                            (DECLARE, _l("Ik wil een nevenwerkzaamheid opgeven"))]),
    DeclarationKind.financial_interest: options([(NIL, _l("Ik heb geen financiële belangen")),
                                                 (DECLARE, _l("Ik wil een financieel belang opgeven"))]),
}


class CampaignForm(FlaskForm):
    year = WholeNumberField(
        _l("Jaar"), example=2027, validators=[InputRequired(_l("Vul het jaar in.")),
                                NumberRange(2000, 2100, _l("Vul een jaar tussen 2000 en 2100 in."))],
    )
    due_on = DateField(
        _l("Uiterste datum"), latest=years_from_today(2),
        validators=[InputRequired(_l("Vul de uiterste datum in."))],
        description=_l("Herinneringen gaan 14 en 3 dagen vóór deze datum uit, en één keer 7 dagen erna."),
    )
    scope = ChoiceField(
        _l("Voor wie?"), choices=options(CampaignScope.choices()),
        validators=[InputRequired(_l("Kies voor wie de campagne is."))],
    )
    department = SelectField(_l("Afdeling (alleen bij 'Eén afdeling')"), validate_choice=False)
    submit = SubmitField(_l("Campagne openen"))

    def __init__(self, *args, departments: Sequence[str] = (), today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self._departments = list(departments)
        self._today = today
        self.department.choices = options([("", _l("— kies een afdeling —"))] + [(d, d) for d in self._departments])

    def validate_due_on(self, field) -> None:
        if field.data is not None and field.data <= self._today:
            raise ValidationError(str(_l("Kies een uiterste datum na vandaag.")))

    def validate_department(self, field) -> None:
        if self.scope.data != CampaignScope.department.value:
            return
        if not field.data:
            raise ValidationError(str(_l("Kies de afdeling.")))
        if field.data not in self._departments:
            raise ValidationError(str(_l("Deze afdeling is niet bekend.")))


class CloseCampaignForm(FlaskForm):
    confirm = BooleanField(
        _l("Ik begrijp dat wie nog niet klaar is daarna niet meer kan bevestigen en geen herinneringen meer krijgt"),
        validators=[DataRequired(message=_l("Vink aan dat u de campagne wilt sluiten."))],
    )
    submit = SubmitField(_l("Campagne sluiten"))


class EntryForm(Form):
    """One current declaration in the reconfirmation: still correct, change, or ended."""

    declaration_id = HiddenField()
    choice = ChoiceField(choices=ENTRY_CHOICES,
                         validators=[InputRequired(_l("Kies wat er met deze verklaring moet gebeuren."))])
    ended_on = DateField(_l("Einddatum (als u 'Beëindigd' kiest)"), validators=[OptionalValidator()])


class ConfirmForm(FlaskForm):
    """The reconfirmation form, pre-filled with the person's current entries."""

    entries = FieldList(FormField(EntryForm))
    nil_side_activity = ChoiceField(validators=[InputRequired(_l("Kies een van de twee mogelijkheden."))])
    nil_financial_interest = ChoiceField(validators=[InputRequired(_l("Kies een van de twee mogelijkheden."))])
    submit = SubmitField(_l("Bevestigen"))

    def __init__(self, *args, declarations: Sequence[ConfirmationEntry], nil_kinds: Sequence[DeclarationKind],
                 today: date, **kwargs):
        kwargs.setdefault("data", {"entries": [{"declaration_id": str(d.id)} for d in declarations]})
        super().__init__(*args, **kwargs)
        self.declarations = list(declarations)
        self.nil_kinds = list(nil_kinds)
        self._today = today
        # the options' and kinds' texts translated once for all entries, not again for each entry
        entry_choices = options([(choice.value, str(choice.label)) for choice in ENTRY_CHOICES])
        without_change = [choice for choice in entry_choices if choice.value != CHANGE]
        kind_labels = {kind: str(kind.label) for kind in DeclarationKind}
        for entry, declaration in zip(self.entries, self.declarations):
            entry.choice.label.text = f"{kind_labels[declaration.kind]}: {declaration.title}"
            entry.choice.choices = without_change if declaration.pending_status in UNDECIDED else entry_choices
        for kind in DeclarationKind:
            name = f"nil_{kind.value}"
            if kind in self.nil_kinds:
                self[name].choices = NIL_CHOICES[kind]
                self[name].label.text = str(kind.plural)
            else:
                del self[name]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        ids = [entry.declaration_id.data for entry in self.entries]
        if ids != [str(d.id) for d in self.declarations]:
            self.form_errors.append(str(_l("Uw verklaringen zijn intussen veranderd. Kijk de lijst opnieuw na.")))
            return False
        for entry in self.entries:
            ended_on = entry.ended_on
            if entry.choice.data != END or ended_on.errors:
                continue
            if ended_on.data is None:
                ended_on.errors.append(str(_l("Vul de datum in waarop het beëindigd is.")))
                ok = False
            elif ended_on.data > self._today:
                ended_on.errors.append(str(_l("De einddatum kan niet in de toekomst liggen.")))
                ok = False
        return ok

    def choices(self) -> list[tuple[int, str, date | None]]:
        """Per entry: the declaration's id, "keep", "change" or "end", and the end date."""
        return [(d.id, e.choice.data, e.ended_on.data) for d, e in zip(self.declarations, self.entries)]

    def nil_choices(self) -> dict[DeclarationKind, str]:
        return {kind: self[f"nil_{kind.value}"].data for kind in self.nil_kinds}
