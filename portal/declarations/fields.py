"""Form fields with Dutch messages that keep exactly what was typed when it cannot be read."""

from __future__ import annotations

from wtforms import IntegerField, RadioField
from wtforms.validators import StopValidation
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import TextInput

from portal.core.forms import whole_number_message
from portal.core.i18n import lazy_gettext as _l

YES, NO = "yes", "no"


def options(pairs) -> list[SelectChoice]:
    """Choices for a radio or select field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


YES_NO_CHOICES = options([(YES, _l("Ja")), (NO, _l("Nee"))])


class WholeNumberField(IntegerField):
    """A whole number typed in a text box; "abc" gives a Dutch message and stays in the box.

    ``example`` is the number the message gives as an example: one that fits the field.
    """

    widget = TextInput()

    def __init__(self, *args, example: object = 12, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(*args, **kwargs)
        self.example = example

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as exc:
            self.data = None
            raise ValueError(str(whole_number_message(self.example))) from exc

    def pre_validate(self, form) -> None:
        # "achttien" already has its message: the range check would add a second one to it
        if self.process_errors:
            raise StopValidation()


def ChoiceField(*args, **kwargs) -> RadioField:  # noqa: N802 - used like a field class
    """Radio buttons; an answer that is not one of the options gets a Dutch message.

    A plain RadioField (not a subclass), so that the shared form macro renders it as radio buttons.
    """
    kwargs.setdefault("invalid_choice_message", _l("Kies een van de mogelijkheden."))
    return RadioField(*args, **kwargs)


def yes_no(value) -> str | None:
    """Model boolean → form value."""
    return None if value is None else (YES if value else NO)


def to_bool(value) -> bool | None:
    """Form value → model boolean."""
    return {YES: True, NO: False}.get(value)


def server_side_limits(form, required: tuple[str, ...] = ()) -> None:
    """Leave length limits and "required" to the server, where they give a Dutch message.

    A browser ``maxlength`` cuts pasted text off without a word, and ``required`` would stop
    "save as draft"; the fields in ``required`` still show "(verplicht)" and aria-required.
    """
    for field in form:
        overrides = {}
        if getattr(field.flags, "maxlength", None):
            overrides["maxlength"] = False
        if field.name in required:
            field.flags.required = True
            overrides["required"] = False
        if overrides:
            field.render_kw = {**(field.render_kw or {}), **overrides}
