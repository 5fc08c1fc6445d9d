"""The glossary (/policies/begrippen): the portal's words in plain Dutch, each with an anchor that forms link to.

The terms live in code, not in an editable page, so that the links from the forms can never
point to a term that an editor renamed or removed; the English comes from the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.core.i18n import lazy_gettext as _l



@dataclass(frozen=True)
class Term:
    anchor: str  #: the id forms link to: url_for("policies.glossary", _anchor=anchor)
    term: str
    meaning: str


TERMS: tuple[Term, ...] = (
    Term("aangewezen-functie", _l("Aangewezen functie (functie met verhoogd risico)"),
         _l("Een functie waarin u meer kans heeft op belangenverstrengeling, bijvoorbeeld bij inkoop, vergunningen, "
            "grondzaken of financiën. De gemeente wijst deze functies aan. In zo'n functie geeft u ook uw financiële "
            "belangen, uw effecten en uw transacties in effecten op.")),
    Term("ambtenaar", _l("Ambtenaar"),
         _l("Iemand die in dienst is van de gemeente. Ook vakantiewerkers en oproepkrachten in dienst van de gemeente "
            "zijn ambtenaar. Stagiaires, ingehuurde en externe medewerkers zijn geen ambtenaar.")),
    Term("ambtseed", _l("Ambtseed of belofte"),
         _l("Een plechtige belofte dat u uw werk eerlijk en zorgvuldig doet. Iedere ambtenaar legt de eed of de belofte "
            "af. De eed eindigt met een verwijzing naar God, de belofte niet. Verder zijn ze gelijk.")),
    Term("belangenverstrengeling", _l("Belangenverstrengeling"),
         _l("Uw eigen belang, of dat van iemand die u kent, kan uw werk voor de gemeente beïnvloeden. Ook de schijn "
            "daarvan telt.")),
    Term("bevoegde-autoriteit", _l("Bevoegde autoriteit"),
         _l("Een instantie buiten de gemeente waar u een vermoeden van een misstand kunt melden, zoals het Huis voor "
            "Klokkenluiders. De Wet bescherming klokkenluiders noemt deze instanties.")),
    Term("effecten", _l("Effecten"),
         _l("Aandelen, obligaties, opties en andere beleggingen die u kunt kopen en verkopen.")),
    Term("financieel-belang", _l("Financieel belang"),
         _l("Geld of bezit dat met uw werk te maken kan hebben. Bijvoorbeeld aandelen in een bedrijf dat met de "
            "gemeente zaken doet, een eigen bedrijf, onroerend goed of een lening aan een bedrijf.")),
    Term("geanonimiseerd", _l("Geanonimiseerd"),
         _l("Gegevens zijn niet meer tot een persoon te herleiden. Naam, contactgegevens en alle geschreven tekst zijn "
            "gewist. Alleen de cijfers voor het jaarverslag blijven over.")),
    Term("gedragscode", _l("Gedragscode"),
         _l("De afspraken over hoe iedereen die bij of voor de gemeente werkt zich gedraagt. De populaire versie is "
            "dezelfde code in korte, eenvoudige taal.")),
    Term("geschenk", _l("Geschenk"),
         _l("Alles wat u krijgt van iemand met wie u voor uw werk te maken heeft: een cadeau, een etentje, een "
            "uitnodiging, een reis of korting. U neemt het alleen aan als de gemeente toestemming geeft.")),
    Term("huis-voor-klokkenluiders", _l("Huis voor Klokkenluiders"),
         _l("De landelijke instantie die klokkenluiders advies geeft en externe meldingen van een vermoeden van een "
            "misstand onderzoekt.")),
    Term("integriteitscoordinator", _l("Integriteitscoördinator"),
         _l("De medewerker van P&O die vragen over integriteit beantwoordt en meldingen registreert en laat "
            "behandelen. Het interne meldpunt.")),
    Term("integriteitsschending", _l("Integriteitsschending"),
         _l("Gedrag dat in strijd is met de gedragscode. Bijvoorbeeld een geschenk aannemen dat niet mag, of "
            "informatie misbruiken.")),
    Term("integriteitsverklaring", _l("Integriteitsverklaring"),
         _l("De verklaring die stagiaires, ingehuurde en externe medewerkers tekenen. Zij beloven zich aan de "
            "gedragscode te houden. Zij leggen geen ambtseed af.")),
    Term("leidinggevende", _l("Leidinggevende"),
         _l("Uw direct chef of manager.")),
    Term("melden", _l("Melden (melding)"),
         _l("Iets doorgeven wat niet klopt of wat de gemeente moet weten: een vermoeden van een misstand, een "
            "integriteitsschending, ongewenst gedrag, een datalek of een geschenk.")),
    Term("misstand", _l("Misstand"),
         _l("Een overtreding van het recht van de Europese Unie, of een situatie waarin het maatschappelijk belang in "
            "gevaar is. Bijvoorbeeld een overtreding van de wet, of gevaar voor de gezondheid, de veiligheid of het "
            "milieu.")),
    Term("nevenwerkzaamheden", _l("Nevenwerkzaamheden"),
         _l("Werk dat u naast uw baan bij de gemeente doet, betaald of onbetaald. Bijvoorbeeld een tweede baan, een "
            "eigen bedrijf, een bestuursfunctie of vrijwilligerswerk.")),
    Term("oorkonde", _l("Oorkonde"),
         _l("Het document waarop staat dat u de ambtseed of belofte heeft afgelegd, met de datum.")),
    Term("opgeven", _l("Opgeven (opgave)"),
         _l("In dit portaal aan P&O doorgeven welke nevenwerkzaamheden of financiële belangen u heeft. P&O beoordeelt "
            "uw opgave.")),
    Term("op-redelijke-gronden", _l("Op redelijke gronden"),
         _l("U had bij het melden goede redenen om te denken dat uw informatie klopte. Dan bent u als melder "
            "beschermd, ook als het vermoeden later niet blijkt te kloppen.")),
    Term("p-en-o", _l("P&O"),
         _l("Personeel en Organisatie: de afdeling die de opgaven beoordeelt en de bijeenkomsten voor de ambtseed "
            "organiseert.")),
    Term("topfunctionaris", _l("Topfunctionaris"),
         _l("De gemeentesecretaris en de directeuren. Van hun nevenwerkzaamheden staat een samenvatting van P&O "
            "openbaar op de website van de gemeente.")),
    Term("transactie-in-effecten", _l("Transactie in effecten"),
         _l("Het kopen of verkopen van effecten. U geeft op wat u kocht of verkocht en wanneer, maar geen bedragen.")),
    Term("verklaring", _l("Verklaring"),
         _l("In dit portaal: uw opgave van een nevenwerkzaamheid of financieel belang, of uw verklaring dat u niets op "
            "te geven heeft. Niet te verwarren met de integriteitsverklaring.")),
    Term("vertrouwenspersoon", _l("Vertrouwenspersoon"),
         _l("Iemand bij wie u in vertrouwen terechtkunt met vragen of zorgen over integriteit of ongewenst gedrag. De "
            "vertrouwenspersoon doet niets zonder uw toestemming.")),
)
