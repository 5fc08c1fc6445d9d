"""The wording of the oath and the affirmation: the rules a text must follow and the model texts.

The wording is the municipality's own decision (art. 7 Ambtenarenwet 2017, with the model in the annex of
the Uitvoeringsbesluit Ambtenarenwet 2017). HR publishes it in the portal (``OathFormulaText``, one
version per formula and language); each oath record keeps the exact words spoken, so a new version never
changes what an earlier certificate says. The texts below are only the model texts ``load-content``
publishes as the first versions, and the wording certificates printed before the texts were stored.
"""

from __future__ import annotations

import re

from portal.core.i18n import lazy_gettext as _l
from portal.oath.states import Formula

#: what HR types where the organisation's name goes; filled in from ORGANISATION_NAME when the oath is taken
PLACEHOLDER = "{organisatie}"
_ANY_PLACEHOLDER = re.compile(r"\{([^{}\n]*)\}")

LANGUAGES = ("nl", "en")

#: the closing sentence each text ends with (it is what makes it an oath or an affirmation)
CLOSINGS: dict[tuple[Formula, str], str] = {
    (Formula.oath, "nl"): "Zo waarlijk helpe mij God almachtig!",
    (Formula.affirmation, "nl"): "Dat verklaar en beloof ik!",
    (Formula.oath, "en"): "So help me God Almighty!",
    (Formula.affirmation, "en"): "This I declare and promise!",
}

#: how the certificate names what was spoken
FORMULA_NOUNS: dict[Formula, str] = {
    Formula.oath: "de ambtseed",
    Formula.affirmation: "de ambtsbelofte",
}

#: the longest text HR may publish (the model is about 550 characters; 2,000 still fits on the certificate)
MAX_LENGTH = 2000


def _model(verb: str, closing: str) -> str:
    return "\n".join((
        f"Ik {verb} dat ik de Grondwet en alle overige wetten van ons land zal eerbiedigen.",
        f"Ik {verb} dat ik mijn taken eerlijk en nauwgezet zal vervullen en zorgvuldig zal omgaan met informatie.",
        f"Ik {verb} dat ik de voorschriften van de mij uitgereikte gedragscode voor ambtenaren van {PLACEHOLDER} "
        "zal volgen en mij ook overigens zal gedragen zoals een goed ambtenaar betaamt en dat ik niets zal doen "
        "dat het aanzien van het ambt zal schaden.",
        closing,
    ))


def _model_en(verb: str, closing: str) -> str:
    return "\n".join((
        f"I {verb} that I will respect the Constitution and all other laws of our country.",
        f"I {verb} that I will perform my duties honestly and conscientiously and will handle information with care.",
        f"I {verb} that I will follow the rules of the code of conduct for civil servants of {PLACEHOLDER} that has "
        "been given to me, that I will otherwise also behave as befits a good civil servant, and that I will do "
        "nothing that could harm the standing of the office.",
        closing,
    ))


#: the first versions (``flask portal load-content``), marked as model text until HR publishes its own
MODEL_TEXTS: dict[tuple[Formula, str], str] = {
    (Formula.oath, "nl"): _model("zweer", CLOSINGS[Formula.oath, "nl"]),
    (Formula.affirmation, "nl"): _model("beloof", CLOSINGS[Formula.affirmation, "nl"]),
    (Formula.oath, "en"): _model_en("swear", CLOSINGS[Formula.oath, "en"]),
    (Formula.affirmation, "en"): _model_en("promise", CLOSINGS[Formula.affirmation, "en"]),
}

#: what every certificate printed before the wording was stored (migration 0018 gives old records this text)
LEGACY_WORDING: dict[Formula, str] = {
    formula: MODEL_TEXTS[formula, "nl"].replace(PLACEHOLDER, "de gemeente Voorbeeld") for formula in Formula
}


def normalise_text(body: str) -> str:
    """One sentence per line: spaces inside a line squeezed, empty lines dropped."""
    lines = (" ".join(line.split()) for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def formula_problems(formula: Formula | str, language: str, body: str) -> list:
    """What a text lacks to be the oath or affirmation (Dutch messages; empty when it is fine)."""
    formula = Formula(formula)
    text = normalise_text(body)
    problems = []
    unknown = sorted({m.group(0) for m in _ANY_PLACEHOLDER.finditer(text) if m.group(0) != PLACEHOLDER})
    if unknown:
        problems.append(_l("%(found)s kan het portaal niet invullen. Gebruik alleen %(placeholder)s, voor de naam "
                           "van de organisatie.", found=", ".join(unknown), placeholder=PLACEHOLDER))
    if PLACEHOLDER not in text:
        problems.append(_l("Zet %(placeholder)s op de plek waar de naam van de organisatie komt, bij de gedragscode. "
                           "Het portaal vult de naam in.", placeholder=PLACEHOLDER))
    closing = CLOSINGS[formula, language]
    if not text.endswith(closing):
        problems.append(
            _l("De eed eindigt met de zin „%(closing)s”, op een eigen regel.", closing=closing)
            if formula == Formula.oath
            else _l("De belofte eindigt met de zin „%(closing)s”, op een eigen regel.", closing=closing)
        )
    other = CLOSINGS[Formula.affirmation if formula == Formula.oath else Formula.oath, language]
    if other in text:
        problems.append(_l("De zin „%(closing)s” hoort bij de andere vorm. Haal die zin weg.", closing=other))
    if len(text.split("\n")) < 2:
        problems.append(_l("Zet elke zin op een eigen regel: de toezeggingen en de slotzin."))
    return problems


def fill_in(body: str, organisation: str) -> str:
    """The text as it is spoken: the organisation's name in place of the placeholder."""
    return body.replace(PLACEHOLDER, organisation)


def wording_lines(wording: str | None) -> tuple[str, ...]:
    """The sentences of a stored wording, in the order they are spoken (none when nothing was stored)."""
    return tuple(line for line in (wording or "").split("\n") if line.strip())
