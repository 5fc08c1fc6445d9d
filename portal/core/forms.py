"""Forms shared by every area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from jinja2 import pass_context
from wtforms import HiddenField, SubmitField
from wtforms.validators import AnyOf


class EmptyForm(FlaskForm):
    """A POST-only button (withdraw, approve, sign out) that still carries CSRF."""

    submit = SubmitField(_l("Bevestigen"))


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(["nl", "en"])])
    next = HiddenField()


def _form_has_errors(value) -> bool:
    return isinstance(value, FlaskForm) and bool(value.errors or getattr(value, "form_errors", None))


@pass_context
def has_form_errors(context) -> bool:
    """True when a form the page renders was refused: base.html then starts the title with "Fout:".

    Looks at every form passed to the template, also inside a list or dict, so that no view
    has to say it; the error summary itself takes the focus (templates/_macros/forms.html).
    """
    for value in context.get_all().values():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
        if any(_form_has_errors(item) for item in items):
            return True
    return False
