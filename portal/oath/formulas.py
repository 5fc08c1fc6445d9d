"""The wording of the oath and the affirmation.

Copied from portal/policies/content/oath.nl.md on purpose: the policy page is
editable in the portal, but what a certificate says someone swore or affirmed
must not change with it. A new wording means a code change (and review).
"""

from __future__ import annotations

from portal.oath.states import Formula

OATH_LINES: tuple[str, ...] = (
    "Ik zweer dat ik de Grondwet en alle overige wetten van ons land zal eerbiedigen.",
    "Ik zweer dat ik mijn taken eerlijk en nauwgezet zal vervullen en zorgvuldig zal omgaan met informatie.",
    "Ik zweer dat ik de voorschriften van de mij uitgereikte gedragscode voor ambtenaren van de gemeente "
    "Voorbeeld zal volgen en mij ook overigens zal gedragen zoals een goed ambtenaar betaamt en dat ik niets "
    "zal doen dat het aanzien van het ambt zal schaden.",
    "Zo waarlijk helpe mij God almachtig!",
)

AFFIRMATION_LINES: tuple[str, ...] = (
    "Ik beloof dat ik de Grondwet en alle overige wetten van ons land zal eerbiedigen.",
    "Ik beloof dat ik mijn taken eerlijk en nauwgezet zal vervullen en zorgvuldig zal omgaan met informatie.",
    "Ik beloof dat ik de voorschriften van de mij uitgereikte gedragscode voor ambtenaren van de gemeente "
    "Voorbeeld zal volgen en mij ook overigens zal gedragen zoals een goed ambtenaar betaamt en dat ik niets "
    "zal doen dat het aanzien van het ambt zal schaden.",
    "Dat verklaar en beloof ik!",
)

FORMULA_LINES: dict[Formula, tuple[str, ...]] = {
    Formula.oath: OATH_LINES,
    Formula.affirmation: AFFIRMATION_LINES,
}

#: how the certificate names what was spoken
FORMULA_NOUNS: dict[Formula, str] = {
    Formula.oath: "de ambtseed",
    Formula.affirmation: "de ambtsbelofte",
}


def formula_lines(formula: Formula | str) -> tuple[str, ...]:
    """The sentences of ``formula``, in the order they are spoken."""
    return FORMULA_LINES[Formula(formula)]


def formula_text(formula: Formula | str) -> str:
    """The whole formula as one text, one sentence per line."""
    return "\n".join(formula_lines(formula))
