"""Forms of the administration pages."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from portal.core.i18n import lazy_gettext as _l


class TestMailForm(FlaskForm):
    """Send a test notification to check the SMTP set-up."""

    address = EmailField(
        _l("E-mailadres"),
        description=_l("Het testbericht wordt meteen verstuurd; lukt dat niet, dan ziet u waarom."),
        validators=[
            DataRequired(message=_l("Vul een e-mailadres in.")),
            Length(max=320, message=_l("Een e-mailadres is hooguit 320 tekens lang.")),
            Email(message=_l("Dit is geen geldig e-mailadres."), granular_message=False,
                  check_deliverability=False, allow_smtputf8=False),
        ],
    )
    submit = SubmitField(_l("Testbericht versturen"))
