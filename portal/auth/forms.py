"""Sign-in form."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from portal.core.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    username = StringField(
        _l("Gebruikersnaam"),
        validators=[DataRequired(_l("Vul uw gebruikersnaam in.")), Length(max=256)],
        description=_l("De naam waarmee u zich ook op uw werkplek aanmeldt."),
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        # no strip: spaces can be part of a password; an empty one never reaches the directory
        validators=[DataRequired(_l("Vul uw wachtwoord in.")), Length(max=512)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Aanmelden"))
