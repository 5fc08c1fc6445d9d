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
