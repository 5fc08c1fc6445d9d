"""The acknowledgements report opens without an error: no department chosen means everyone."""

from __future__ import annotations


def test_the_acknowledgements_report_shows_no_error_on_first_load(client, auth, demo_content):
    auth.login("mjansen")
    html = client.get("/policies/acknowledgements").get_data(as_text=True)
    assert "Ongeldige keuze" not in html and "Not a valid choice" not in html
    assert "<title>Fout:" not in html and "portal-form-errors" not in html
    chosen = client.get("/policies/acknowledgements?department=bestaat-niet&show=Tonen").get_data(as_text=True)
    assert "<title>Fout:" in chosen  # a department that is not in the list is still refused
