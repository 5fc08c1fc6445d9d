"""The portal's ``html_params`` (core/forms.py) writes what WTForms' own writes, for any input."""

from __future__ import annotations

import itertools

from markupsafe import Markup
from wtforms.widgets import core

from portal.core.forms import fast_html_params



def _wtforms_html_params():
    import importlib.util

    spec = importlib.util.find_spec("wtforms.widgets.core")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # a fresh copy: never the installed replacement
    return module.html_params


VALUES = ["", "text", 'say "hi"', "<script>alert(1)</script>", "a & b", "it's", Markup("<b>x</b>"),
          Markup('a "q"'), 0, 12, 3.5, True, False, None, "ünïcödé €"]
KEYS = ["name", "id", "class_", "for_", "data_user_name", "aria_describedby", "required", "value", "zz_"]


def test_the_same_attributes_as_wtforms_writes_for_every_key_and_value():
    original = _wtforms_html_params()
    for key, value in itertools.product(KEYS, VALUES):
        assert fast_html_params(**{key: value}) == original(**{key: value}), (key, value)
    for values in itertools.permutations(VALUES[:6], 4):
        kwargs = dict(zip(KEYS, values))
        mine, theirs = fast_html_params(**kwargs), original(**kwargs)
        assert mine == theirs and isinstance(mine, Markup), kwargs


def test_rendered_fields_are_what_wtforms_renders(app):
    """A whole form's fields through the installed function and through WTForms' own: the same HTML."""
    from wtforms import Form, SelectField, StringField, TextAreaField

    class Sample(Form):
        name = StringField("Naam")
        text = TextAreaField("Tekst")
        choice = SelectField("Keuze", choices=[("a", 'A "1"'), ("b", "<B>")])

    form = Sample(data={"name": 'Jan "de" <Vries>', "text": "x & y", "choice": "b"})
    installed = [str(field(class_="x", aria_describedby="h", required=True, maxlength=10)) for field in form]
    saved = (core.html_params, core.Input.html_params, core.Button.html_params)
    try:
        original = _wtforms_html_params()
        core.html_params = original
        core.Input.html_params = staticmethod(original)
        plain = [str(field(class_="x", aria_describedby="h", required=True, maxlength=10)) for field in form]
    finally:
        core.html_params, core.Input.html_params, core.Button.html_params = (
            saved[0], staticmethod(saved[1]), staticmethod(saved[2]))
    assert core.html_params is fast_html_params
    assert installed == plain


def _choice_fields():
    """Every radio field declared on a form of the portal, unbound (the form classes are imported with the app)."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField
    from wtforms import RadioField

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = {}
    for form_class in subclasses(FlaskForm):
        if not form_class.__module__.startswith("portal."):
            continue
        for name in dir(form_class):
            value = getattr(form_class, name, None)
            if isinstance(value, UnboundField) and issubclass(value.field_class, RadioField):
                found[f"{form_class.__module__}.{form_class.__name__}.{name}"] = value
    return found


def _bound(unbound, **form_kwargs):
    from wtforms import Form

    return type("One", (Form,), {"answer": unbound})(**form_kwargs).answer


def test_choice_inputs_write_what_wtforms_sub_fields_render(app):
    """The form macro's radio buttons (core/forms.py choice_inputs) are WTForms' own, for every radio field of the portal."""
    from werkzeug.datastructures import MultiDict
    from wtforms import RadioField, SelectMultipleField, widgets
    from wtforms.validators import DataRequired, InputRequired

    from portal.core.forms import choice_inputs

    def reference(field, **kwargs):
        return [(option.id, str(option.label.text), str(option(**kwargs))) for option in field]

    def mine(field, **kwargs):
        return [(option_id, str(label), str(markup)) for option_id, label, markup in choice_inputs(field, **kwargs)]

    class Checkboxes(SelectMultipleField):
        widget = widgets.ListWidget(prefix_label=False)
        option_widget = widgets.CheckboxInput()

    extra = {
        "required": RadioField("R", choices=[("a", 'A "1"'), ("b", "<B>"), ("", "")], validators=[InputRequired()]),
        "data_required": RadioField("D", choices=[("1", "een"), ("2", "twee")], validators=[DataRequired()],
                                    render_kw={"required": False, "data_x": "y"}),
        "checkboxes": Checkboxes("C", choices=[("a", "A"), ("b", "B"), ("c", "C")]),
    }
    fields = {**_choice_fields(), **extra}
    assert len(fields) >= 10, sorted(fields)
    compared = 0
    with app.test_request_context("/"):
        for label, unbound in fields.items():
            first = _bound(unbound)
            if first.choices is None:  # choices given by the form's __init__: the page comparisons cover those
                continue
            values = [choice.value for choice in first._iter_choices_normalized()] + ["not-an-option"]
            for value in [None, *values]:
                formdata = MultiDict() if value is None else MultiDict([("answer", value)])
                if label == "checkboxes" and value is not None:
                    formdata = MultiDict([("answer", value), ("answer", "c")])
                field = _bound(unbound, formdata=formdata)
                field.validate(None)
                field.flags.required = True  # as server_side_limits: the field's flag, never the options'
                for kwargs in ({}, {"class_": "utrecht-radio-button"}, {"class_": "x", "disabled": True, "id": "own"}):
                    assert mine(field, **kwargs) == reference(field, **kwargs), (label, value, kwargs)
                    compared += 1
    assert compared > 100


def test_pair_select_field_renders_and_validates_as_select_field(app):
    """PairSelectField (options in one loop) gives SelectField's HTML, data and errors for the same input."""
    from flask_babel import lazy_gettext
    from werkzeug.datastructures import MultiDict
    from wtforms import Form, SelectField

    from portal.core.forms import PairSelectField

    choices = [("", lazy_gettext("Alle")), ("a", 'A "1"'), ("<b>", "<B> & c"), ("P&O", "P&O"), ("e", ""),
               ("m", Markup("<i>m</i>"))]

    def sample(field_class, **kwargs):
        class Sample(Form):
            plain = field_class("Keuze", choices=choices, default="", **kwargs)
            numbers = field_class("Nummer", coerce=int, choices=[(1, "een"), (2, "twee")])
            loose = field_class("Los", choices=choices, validate_choice=False)
        return Sample

    with app.test_request_context():
        for query in ({}, {"plain": "a"}, {"plain": "<b>"}, {"plain": "P&O"}, {"plain": "bogus"},
                      {"numbers": "2"}, {"numbers": "x"}, {"numbers": "3"}, {"loose": "anything", "plain": "e"}):
            mine, theirs = sample(PairSelectField)(MultiDict(query)), sample(SelectField)(MultiDict(query))
            assert mine.validate() == theirs.validate(), query
            assert mine.errors == theirs.errors, query
            assert mine.data == theirs.data, query
            for name in ("plain", "numbers", "loose"):
                assert mine[name].type == theirs[name].type == "SelectField"
                assert str(mine[name](class_="x", aria_describedby="h")) == \
                    str(theirs[name](class_="x", aria_describedby="h")), (query, name)
                assert [tuple(c) for c in mine[name].iter_choices()] == \
                    [tuple(c) for c in theirs[name].iter_choices()], (query, name)
