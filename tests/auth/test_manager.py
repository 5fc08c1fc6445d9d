"""The manager comes from the directory's manager attribute, on OpenLDAP and on Active Directory."""

from __future__ import annotations

from portal.auth.models import User, dn_key
from portal.auth.queries import is_manager_of, manager_of, staff_of
from portal.extensions import db
from tests.declarations.helpers import user_by_name


def test_sign_in_learns_the_manager_and_both_sides_find_each_other(app, auth):
    for username in ("jdevries", "hbos", "sbakker"):
        assert auth.login(username).status_code == 302
        auth.logout()
    with app.app_context():
        jan, henk, sanne = user_by_name("jdevries"), user_by_name("hbos"), user_by_name("sbakker")
        assert manager_of(jan) == henk
        assert is_manager_of(henk, jan) and not is_manager_of(jan, henk)
        assert not is_manager_of(henk, sanne)  # Burgerzaken has its own team leader
        assert jan in staff_of(henk) and sanne not in staff_of(henk)
        assert manager_of(sanne) is None  # her manager never signed in: not known to the portal yet


def test_a_manager_who_left_is_nobodys_manager(app, auth):
    for username in ("jdevries", "hbos"):
        assert auth.login(username).status_code == 302
        auth.logout()
    with app.app_context():
        from portal.auth.services import mark_left
        from portal.core.time import utcnow

        mark_left(user_by_name("hbos"), utcnow(), reason="manual")
        db.session.commit()
        assert manager_of(user_by_name("jdevries")) is None


def test_the_manager_dn_matches_whatever_its_spelling():
    spelt = "UID=HBos , OU=People,dc=Example,dc=nl"
    assert dn_key(spelt) == dn_key("uid=hbos,ou=people,dc=example,dc=nl")
    assert dn_key("CN=Vries\\, Jan de,OU=People,DC=x") == dn_key("cn=vries\\2c jan de,ou=people,dc=x")
    person = User(username="x", dn="CN=Vries\\, Jan de,OU=People,DC=x", display_name="x")
    assert person.dn_key == "cn=vries, jan de,ou=people,dc=x"
