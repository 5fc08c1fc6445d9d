"""Forms shared by every area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField
from wtforms.validators import AnyOf


class EmptyForm(FlaskForm):
    """A POST-only button (withdraw, approve, sign out) that still carries CSRF."""

    submit = SubmitField(_l("Bevestigen"))


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(["nl", "en"])])
    next = HiddenField()
