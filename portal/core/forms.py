"""Forms and fields shared by every area."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Callable, Union
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from jinja2 import pass_context
from markupsafe import Markup, escape
from wtforms import DateField as WTFormsDateField
from wtforms import HiddenField, SelectField, SelectMultipleField, SubmitField
from wtforms.fields import Choice
from wtforms.meta import DefaultMeta
from wtforms.validators import AnyOf, Length, ValidationError
from wtforms.widgets import Select
from wtforms.widgets.core import CheckboxInput, RadioInput, clean_key

from portal.core.i18n import format_day
from portal.core.i18n import lazy_gettext as _l


#: the widest range of any date in the portal: later work adds days and years to dates
#: (reminders, retention, calendar files), which must never leave what Python and the
#: databases can hold; no real declaration, ceremony or filter needs a day outside it
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)
#: the day formats a date field reads: the browser's date picker (ISO) and Dutch day-month-year
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]

Bound = Union[date, Callable[[], date]]

# The portal's messages for what a person typed wrong, the same on every form. WTForms' own
# ("Ongeldig getal.", "Veld mag niet langer zijn dan 256 karakters.") are replaced by them
# (WTFORMS_MESSAGES), so a field without a message of its own still says what to do.
#: the one length message: the limit and how many characters there are now
TOO_LONG = _l("Gebruik hoogstens %(max)d tekens; nu zijn het er %(length)d.")
INVALID_DATE = _l("Vul een bestaande datum in, bijvoorbeeld 31-01-2026.")
INVALID_TIME = _l("Vul een tijd in als uu:mm, bijvoorbeeld 09:30.")
CHOOSE_AN_OPTION = _l("Kies een van de mogelijkheden.")


def whole_number_message(example: object = 12):
    """A whole number that cannot be read; ``example`` fits the field (8 hours, a year)."""
    return _l("Vul een heel getal in, bijvoorbeeld %(example)s.", example=example)


#: WTForms' own message (its msgid, in English) → the portal's; ``%(max)d`` and the like are filled in by
#: WTForms. Put in place of WTForms' catalogue for every form by ``portal.core.init_app``.
WTFORMS_MESSAGES = {
    "Not a valid integer value.": whole_number_message(),
    "Not a valid date value.": INVALID_DATE,
    "Not a valid time value.": INVALID_TIME,
    "Field cannot be longer than %(max)d character.": TOO_LONG,
    "Field cannot be longer than %(max)d characters.": TOO_LONG,
    "Field must be at least %(min)d character long.": _l("Gebruik minstens %(min)d tekens; nu zijn het er %(length)d."),
    "Field must be at least %(min)d characters long.": _l("Gebruik minstens %(min)d tekens; nu zijn het er %(length)d."),
    "Field must be between %(min)d and %(max)d characters long.":
        _l("Gebruik %(min)d tot en met %(max)d tekens; nu zijn het er %(length)d."),
    "Number must be at least %(min)s.": _l("Vul een getal in van %(min)s of meer."),
    "Number must be at most %(max)s.": _l("Vul een getal in van %(max)s of minder."),
    "Number must be between %(min)s and %(max)s.": _l("Vul een getal in van %(min)s tot en met %(max)s."),
    "This field is required.": _l("Vul dit veld in."),
    "Not a valid choice.": CHOOSE_AN_OPTION,
    "Invalid Choice: could not coerce.": CHOOSE_AN_OPTION,
    "Invalid value, must be one of: %(values)s.": CHOOSE_AN_OPTION,
    "Invalid email address.": _l("Vul een geldig e-mailadres in."),
}


def normalise_line_breaks(text: str) -> str:
    """CRLF and CR as LF: a line break is one character, as the person typed it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class MaxLength(Length):
    """Validator: at most ``max`` characters, a line break counted as one; the text kept with LF.

    Browsers send each line break of a text area as CRLF, two characters: 3,800 characters on
    500 lines arrived as 4,300. The field's text is normalised here, before it is counted, so
    the limit counts what was typed and the text is stored as counted. Every text field with a
    limit uses this (a test checks it); its ``maxlength`` flag gives the form macro its hint.
    """

    def __init__(self, max: int, message=None):  # noqa: A002 - WTForms' name
        super().__init__(max=max, message=message or TOO_LONG)

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and "\r" in field.data:
            field.data = normalise_line_breaks(field.data)
        super().__call__(form, field)


class EmptyForm(FlaskForm):
    """A POST-only button (withdraw, approve, sign out) that still carries CSRF."""

    submit = SubmitField(_l("Bevestigen"))


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(["nl", "en"])])
    next = HiddenField()


class DateField(WTFormsDateField):
    """A day, from the date picker or typed; unreadable or out of range: a Dutch message, the text kept.

    Every date field of every form is one of these (a test checks it). ``earliest`` and
    ``latest`` narrow the range for one field: a date, or a function giving one (for ranges
    relative to today); they can never widen it past EARLIEST_DAY and LATEST_DAY.
    """

    def __init__(self, label=None, validators=None, format=DATE_FORMATS, *,  # noqa: A002 - WTForms' name
                 earliest: Bound = EARLIEST_DAY, latest: Bound = LATEST_DAY, **kwargs):
        kwargs.setdefault("invalid_value_message", INVALID_DATE)
        super().__init__(label, validators, format, **kwargs)
        self.earliest, self.latest = earliest, latest

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata([valuelist[0].strip()])

    def bounds(self) -> tuple[date, date]:
        """The first and last day this field accepts."""
        earliest = self.earliest() if callable(self.earliest) else self.earliest
        latest = self.latest() if callable(self.latest) else self.latest
        return max(earliest, EARLIEST_DAY), min(latest, LATEST_DAY)

    def pre_validate(self, form) -> None:
        if self.data is None:
            return
        earliest, latest = self.bounds()
        if not earliest <= self.data <= latest:
            raise ValidationError(str(_l("Kies een datum van %(earliest)s tot en met %(latest)s.",
                                         earliest=format_day(earliest), latest=format_day(latest))))


class PairSelect(Select):
    """WTForms' ``Select`` with the same HTML, its options written in one loop over (value, label) pairs.

    WTForms 3.3 makes each choice a ``SelectChoice`` and a ``Choice`` (again for every pass),
    looks up ``render_option``'s signature for every select it renders and builds each option's
    two attributes through ``html_params``: about 60 Python calls an option, and the review
    queue's filter has 37 options. Only for ``PairSelectField``, whose choices are plain pairs.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = vars(field.flags)  # the flags set on the field (WTForms' Select reads them through dir())
        for name in self.validation_attrs:
            if name in flags and name not in kwargs:
                kwargs[name] = flags[name]
        coerce, data = field.coerce, field.data
        options = [f"<select {fast_html_params(name=field.name, **kwargs)}>"]
        for value, label in field.choices:
            # as WTForms' render_option: sorted attributes ("selected" before "value"), the label escaped
            # unless it is markup, the value when the label is empty; a lazy text (markup too) is
            # translated once, not once to test it and once to write it
            if hasattr(label, "__html__"):
                text = escape(label) or escape(value)
            else:
                text = escape(label or value)
            selected = "selected " if coerce(value) == data else ""
            options.append(f'<option {selected}value="{escape(value)}">{text}</option>')
        options.append("</select>")
        return Markup("".join(options))  # nosec B704 - every value and text above is escaped


#: ``SelectField``'s own message, asked from WTForms' catalogue (``field.gettext``): shown as WTFORMS_MESSAGES says
WTFORMS_INVALID_CHOICE = "Not a valid choice."


class PairSelectField(SelectField):
    """A ``SelectField`` whose choices are (value, label) pairs, rendered and checked without WTForms'
    per-choice objects (``PairSelect``); same data, errors and HTML as ``SelectField``."""

    widget = PairSelect()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "SelectField"  # shown as one: the form macro and the filters' summaries look at the type

    @staticmethod
    def _warn_legacy_choices(choices) -> None:
        """Pairs are this field's own form of choices (WTForms 3.3 warns about them for ``SelectField``)."""

    def iter_choices(self):
        coerce, data = self.coerce, self.data
        return [Choice(value, label, coerce(value) == data, {}) for value, label in self.choices or ()]

    def has_groups(self) -> bool:
        return False

    def pre_validate(self, form) -> None:
        if self.process_errors or not self.validate_choice:
            return
        if self.choices is None:
            raise TypeError("Choices cannot be None.")  # a mistake in the code, never shown to a person
        coerce, data = self.coerce, self.data
        if not any(coerce(value) == data for value, _label in self.choices):
            raise ValidationError(self.invalid_choice_message or self.gettext(WTFORMS_INVALID_CHOICE))


def years_from_today(years: int) -> Callable[[], date]:
    """A bound for DateField: the same day ``years`` years from today (28 February for 29 February)."""
    from portal.core.time import today_local

    def bound() -> date:
        today = today_local()
        try:
            return today.replace(year=today.year + years)
        except ValueError:
            return today.replace(year=today.year + years, day=28)

    return bound


def days_from_today(days: int) -> Callable[[], date]:
    """A bound for DateField: ``days`` days from today (negative: in the past)."""
    from portal.core.time import today_local

    return lambda: today_local() + timedelta(days=days)


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a control character (CR, LF, TAB, NUL, DEL …): never part of a link or a line."""
    return any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text)


class HttpsUrl:
    """Validator: empty, or a whole https:// address without spaces or control characters.

    A line break in a link breaks the mails and calendar files it is written into later,
    for every person who receives them; refused here, at the form.
    """

    def __init__(self, message=None):
        self.message = message or _l("Vul een volledig adres in dat begint met https://.")

    def __call__(self, form, field) -> None:
        value = field.data or ""
        if not value.strip():
            return
        value = value.strip()
        if has_control_characters(value) or any(ch.isspace() for ch in value):
            raise ValidationError(str(self.message))
        try:
            parts = urlsplit(value)
        except ValueError as exc:  # e.g. an unclosed [ in the host
            raise ValidationError(str(self.message)) from exc
        if parts.scheme != "https" or not parts.hostname:
            raise ValidationError(str(self.message))



def _form_has_errors(value) -> bool:
    return isinstance(value, FlaskForm) and bool(value.errors or getattr(value, "form_errors", None))


@pass_context
def has_form_errors(context) -> bool:
    """True when a form the page renders was refused: base.html then starts the title with "Fout:".

    Looks at every form passed to the template, also inside a list or dict, so that no view
    has to say it; the error summary itself takes the focus (templates/_macros/forms.html).
    The environment's globals (a hundred and more, among them ``config`` and ``session``) are
    not the page's forms and are passed over.
    """
    env_globals = context.environment.globals
    for source in (context.parent, context.vars):
        for key, value in source.items():
            if isinstance(value, FlaskForm):
                if _form_has_errors(value):
                    return True
            elif isinstance(value, (dict, list, tuple)) and env_globals.get(key) is not value:
                # a plain loop: the page's lists of rows are long and hold no forms (no call per row)
                for item in (value.values() if isinstance(value, dict) else value):
                    if isinstance(item, FlaskForm) and _form_has_errors(item):
                        return True
    return False


def fast_html_params(**kwargs) -> Markup:
    """WTForms' ``html_params`` with the same output, without a ``Markup.format`` per attribute.

    Every input, option and button a form renders builds its attributes here: 15–20 µs each
    through WTForms' own function (``Markup.format`` runs ``string.Formatter``), so a form of twenty
    fields with selects spent milliseconds on it. Same rules: sorted keys, ``class_`` → ``class``,
    ``data_``/``aria_`` underscores → hyphens, ``True`` → the bare name, ``False`` → nothing, keys
    and values escaped and ``"`` as ``&quot;``.
    """
    params = []
    for key, value in sorted(kwargs.items()):
        key = _ATTRIBUTE_NAMES.get(key) or _attribute_name(key)
        if value is True:
            params.append(key)
        elif value is not False:
            if value.__class__ is str and _NEEDS_ESCAPING(value) is None:
                text = value  # nothing to escape: escape() would give the same text
            else:
                text = str(escape(value)).replace(chr(34), "&quot;")
            params.append(f'{key}="{text}"')
    return Markup(" ".join(params))  # nosec B704 - every key and value above is escaped


#: a character that ``escape`` changes
_NEEDS_ESCAPING = re.compile("[&<>\"']").search
#: keyword → attribute name, cleaned and escaped: the few dozen names the portal's forms use
_ATTRIBUTE_NAMES: dict[str, str] = {}


def _attribute_name(key: str) -> str:
    name = str(escape(clean_key(key)))
    if len(_ATTRIBUTE_NAMES) < 1000:
        _ATTRIBUTE_NAMES[key] = name
    return name


def install_fast_html_params() -> None:
    """Put ``fast_html_params`` where WTForms' widgets look ``html_params`` up."""
    import wtforms.widgets
    from wtforms.widgets import core

    core.html_params = wtforms.widgets.html_params = fast_html_params
    for widget in (core.Input, core.Button):
        widget.html_params = staticmethod(fast_html_params)


def choice_inputs(field, **render_kw) -> list[tuple[str, object, Markup]]:
    """The options of a radio (or check box) field as (id, label, ``<input>``), as WTForms renders them.

    Iterating a RadioField makes WTForms build a whole sub-field per option (``Field.__init__``,
    its label, flags and ``process``) only to render one ``<input>`` and read its id and label:
    the side-activity form's 17 options were a fifth of its page. This writes the same input
    from the choice directly, by the rules WTForms' sub-field follows: the field's
    ``render_kw`` under the caller's keywords, ``id`` "<field id>-<n>", ``checked`` for a
    selected choice, ``required``/``disabled`` from the validators' flags, ``value`` the
    choice's value as text. A field with its own option widget or rendering falls back to
    WTForms' sub-fields (a test compares both on every choice field of the portal).
    """
    widget = field.option_widget
    if type(widget) not in (RadioInput, CheckboxInput) or type(field.meta).render_field is not DefaultMeta.render_field:
        return [(option.id, option.label.text, option(**render_kw)) for option in field]
    attributes = {clean_key(key): value for key, value in (field.render_kw or {}).items()}
    attributes.update((clean_key(key), value) for key, value in render_kw.items())
    flags = {}  # the sub-field's own flags: from the validators and the widget, not the field's (changed) ones
    for source in (*field.validators, widget):
        flags.update(getattr(source, "field_flags", {}))
    for name in widget.validation_attrs:
        if name in flags and name not in attributes:
            value = flags[name]
            attributes[name] = value() if callable(value) else value
    attributes.setdefault("type", widget.input_type)
    attributes["name"] = field.name
    if type(field).iter_choices in _LIST_ITER_CHOICES:  # WTForms' own: already a list of Choice
        choices = field.iter_choices()
    else:
        choices = field._iter_choices_normalized()
    if attributes.keys() & {"checked", "id", "value"}:  # the caller's own: as WTForms, they win
        return [_choice_input(attributes, f"{field.id}-{number}", choice) for number, choice in enumerate(choices)]
    # The attributes every option shares are written once, in the sorted order html_params writes
    # them, around the three an option has of its own ("checked" < "id" < "value"): about 10 calls an
    # option instead of 45 (the reconfirmation form has 50 options).
    chunks: list[dict] = [{}, {}, {}, {}]
    for key, value in attributes.items():
        chunks[(key > "checked") + (key > "id") + (key > "value")][key] = value
    before_checked, before_id, before_value, after_value = (
        str(fast_html_params(**chunk)) if chunk else "" for chunk in chunks)
    inputs = []
    for number, choice in enumerate(choices):
        option_id = f"{field.id}-{number}"
        value = str(choice.value)
        parts = [before_checked, "checked" if choice.selected else "", before_id, f'id="{_attribute_text(option_id)}"',
                 before_value, f'value="{_attribute_text(value)}"', after_value]
        markup = Markup(f"<input {' '.join([part for part in parts if part])}>")  # nosec B704 - escaped above
        inputs.append((option_id, _choice_label(choice), markup))
    return inputs


#: ``iter_choices`` of WTForms' own choice fields, which return a list of ``Choice``
_LIST_ITER_CHOICES = (SelectField.iter_choices, SelectMultipleField.iter_choices)


def _attribute_text(value: str) -> str:
    """An attribute's value as ``fast_html_params`` writes it."""
    if _NEEDS_ESCAPING(value) is None:
        return value
    return str(escape(value)).replace(chr(34), "&quot;")


def _choice_label(choice):
    """The option's label as WTForms' sub-field shows it: the value when it has none; a lazy text
    translated once here and kept as markup, as escape() keeps it."""
    label = choice.label
    if hasattr(label, "__html__"):
        label = Markup(label.__html__())  # nosec B704 - what escape() makes of it
    return label or choice.value


def _choice_input(attributes: dict, option_id: str, choice) -> tuple:
    """One option as (id, label, ``<input>``) when the caller gave its own id, value or checked."""
    params = dict(attributes)
    if choice.selected:
        params.setdefault("checked", True)
    params.setdefault("id", option_id)
    params.setdefault("value", str(choice.value))
    markup = Markup(f"<input {fast_html_params(**params)}>")  # nosec B704 - escaped by fast_html_params
    return option_id, _choice_label(choice), markup


#: the classes of a field's own input, by field type (any other type is a text box)
_WIDGET_CLASSES = {
    "TextAreaField": "utrecht-textarea utrecht-textarea--html-textarea",
    "SelectField": "utrecht-select utrecht-select--html-select",
}
_TEXTBOX_CLASS = "utrecht-textbox utrecht-textbox--html-input"
_CHECKBOX_CLASS = "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom"
_RADIO_CLASS = "utrecht-radio-button utrecht-radio-button--html-input"
#: the field types the macro writes as a group of options (a fieldset), with their option's input type
_OPTION_GROUPS = {"RadioField": "radio", "MultiCheckboxField": "checkbox"}


def field_parts(f, hint=None) -> tuple:
    """What the form macro (templates/_macros/forms.html ``field``) writes for one field, worked out in one call.

    ``(kind, id, label, required, description, limit, errors, described, widget)``: ``kind`` is
    "hidden", "boolean", "radio" or "checkbox" (a group of options) or "text"; ``description`` the
    caller's hint, else the field's own, escaped (a lazy text keeps its markup, translated once);
    ``limit`` the longest text of a text area (shown as a hint, the limit itself is the server's),
    else None; ``errors`` the messages joined and escaped; ``described`` the ids of the hint and the
    error (``aria-describedby``); ``widget`` the field's input with its aria attributes, or for a
    group its options as (id, label, ``<input>``) (``choice_inputs``).

    The macro spent some 90 Python calls a field asking the field for the same attributes again
    and again (each through Jinja's ``getattr``); here each is read once.
    """
    field_type = f.type
    if field_type in ("HiddenField", "CSRFTokenField"):
        return "hidden", None, None, False, None, None, None, None, f()
    flags = f.flags
    field_id = f.id
    errors = f.errors
    description = escape(hint or f.description)
    maxlength = flags.maxlength
    limit = maxlength if maxlength and field_type == "TextAreaField" else None
    ids = []
    if description or limit:
        ids.append(f"{field_id}-hint")
    if errors:
        ids.append(f"{field_id}-error")
    described = " ".join(ids)
    aria = {"aria-describedby": described} if described else {}
    if errors:
        aria["aria-invalid"] = "true"
    required = bool(flags.required)
    if required:
        aria["aria-required"] = "true"
    if maxlength:
        aria["maxlength"] = False  # the server's limit, with a Dutch message (declarations/fields.py)
    input_type = _OPTION_GROUPS.get(field_type)
    if input_type is not None:
        kind = input_type
        widget = choice_inputs(f, class_=_RADIO_CLASS if input_type == "radio" else _CHECKBOX_CLASS)
    elif field_type == "BooleanField":
        kind = "boolean"
        widget = f(class_=_CHECKBOX_CLASS, **aria)
    else:
        kind = "text"
        widget_class = _WIDGET_CLASSES.get(field_type, _TEXTBOX_CLASS)
        widget = f(class_=f"{widget_class} utrecht-textbox--invalid" if errors else widget_class, **aria)
    error_text = Markup(" ").join(errors) if errors else None
    return kind, field_id, f.label.text, required, description, limit, error_text, described, widget
