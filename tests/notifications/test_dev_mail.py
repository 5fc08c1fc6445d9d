"""Development mail: make run's catcher receives what the worker sends, and administrators read it in the portal."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from portal.extensions import db
from portal.notifications.delivery import deliver_due
from portal.notifications.errors import smtp_error_text
from portal.notifications.models import MailStatus
from portal.notifications.services import Attachment
from tests.notifications.conftest import ROOT, outbox_rows, queue_test
from tests.support.net import free_port

ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
       b"UID:dev-mail-test\r\nDTSTAMP:20261205T120000Z\r\nDTSTART:20261220T140000Z\r\nSUMMARY:Ambtseed\r\n"
       b"END:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.fixture()
def catcher(app, tmp_path):
    """The development catcher on a free loopback port, the portal in development pointed at it."""
    from portal.notifications.devmail import start_catcher

    port = free_port()
    folder = tmp_path / "dev-mail"
    controller = start_catcher(folder, port=port)
    app.config.update(ENV="development", DEV_MAIL=True, DEV_MAIL_DIR=str(folder), SMTP_HOST="127.0.0.1",
                      SMTP_PORT=port, SMTP_STARTTLS=False, SMTP_USER="")
    yield folder
    controller.stop()


def _deliver_invitation(app) -> None:
    with app.app_context():
        queue_test("jdevries@example.nl", attachments=[
            Attachment("uitnodiging.ics", "text/calendar", ICS, method="REQUEST")])
        db.session.commit()
        assert deliver_due().sent == 1
        assert outbox_rows()[0].status is MailStatus.sent


def test_the_worker_delivers_to_the_catcher_and_the_administrator_reads_it(app, client, auth, catcher):
    _deliver_invitation(app)
    auth.login("lvisser")
    assert "ontwikkel-postvak" in client.get("/admin/mail").get_data(as_text=True)
    inbox = client.get("/admin/mail/dev-inbox")
    html = inbox.get_data(as_text=True)
    assert inbox.status_code == 200
    assert "Testbericht van het integriteitsportaal" in html and "jdevries@example.nl" in html
    assert "uitnodiging.ics" in html
    link = html.split('href="/admin/mail/dev-inbox/')[1].split('"')[0]
    message = client.get(f"/admin/mail/dev-inbox/{link}").get_data(as_text=True)
    assert "Lotte Visser heeft dit bericht" in message  # the text body
    download = client.get(f"/admin/mail/dev-inbox/{link}/1")
    assert download.status_code == 200 and download.data.replace(b"\r\n", b"\n") == ICS.replace(b"\r\n", b"\n")
    assert "uitnodiging.ics" in download.headers["Content-Disposition"]
    assert client.get(f"/admin/mail/dev-inbox/{link}/2").status_code == 404
    assert client.get("/admin/mail/dev-inbox/..%2F..%2Fportal.sqlite3").status_code == 404
    assert client.get("/admin/mail/dev-inbox/bestaat-niet").status_code == 404


def test_only_administrators_read_the_dev_inbox(app, client, auth, catcher):
    _deliver_invitation(app)
    auth.login("mjansen")
    assert client.get("/admin/mail/dev-inbox").status_code == 403
    auth.login("jdevries")
    assert client.get("/admin/mail/dev-inbox").status_code == 403


@pytest.mark.parametrize("env, dev_mail", [("testing", True), ("production", True), ("development", False)])
def test_the_dev_inbox_does_not_exist_outside_development(app, client, auth, catcher, env, dev_mail):
    _deliver_invitation(app)
    app.config.update(ENV=env, DEV_MAIL=dev_mail)
    auth.login("lvisser")
    assert client.get("/admin/mail/dev-inbox").status_code == 404
    assert "ontwikkel-postvak" not in client.get("/admin/mail").get_data(as_text=True)


@pytest.mark.parametrize("env", ["testing", "production"])
def test_the_dev_mail_command_refuses_outside_development(app, runner, env):
    app.config["ENV"] = env
    port = free_port()
    result = runner.invoke(args=["portal", "dev-mail", "--port", str(port)])
    assert result.exit_code != 0 and "development only" in result.output
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.browser
def test_administrator_reads_the_caught_invitation_in_the_browser(app, page, catcher):
    from tests.support.browser import assert_accessible, sign_in

    _deliver_invitation(app)
    sign_in(page, "lvisser")
    page.goto("/admin/mail")
    page.get_by_role("link", name="Lees de opgevangen e-mail in het ontwikkel-postvak").click()
    assert_accessible(page)
    page.get_by_role("link", name="Testbericht van het integriteitsportaal").click()
    assert page.get_by_text("Lotte Visser heeft dit bericht").is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download uitnodiging.ics").click()
    assert Path(download.value.path()).read_bytes().startswith(b"BEGIN:VCALENDAR")


# --- errors an administrator reads -------------------------------------------------------------------------------

CONFIG = {"SMTP_HOST": "smtp.example.nl", "SMTP_PORT": 587, "SMTP_TIMEOUT": 10}


@pytest.mark.parametrize("exc, sentence", [
    (ConnectionRefusedError(111, "Connection refused"),
     "De mailserver smtp.example.nl:587 weigert de verbinding: daar luistert geen mailserver."),
    (socket.timeout("timed out"), "De mailserver smtp.example.nl:587 antwoordt niet binnen 10 seconden."),
    (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"),
     "De mailserver smtp.example.nl:587 weigert de gebruikersnaam of het wachtwoord (535 5.7.8 Authentication "
     "credentials invalid). Controleer PORTAL_SMTP_USER en PORTAL_SMTP_PASSWORD."),
    (ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
     "De beveiligde verbinding (TLS) met de mailserver smtp.example.nl:587 is mislukt"),
    (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."),
     "ondersteunt niet wat het portaal vraagt (STARTTLS of aanmelden)"),
    (smtplib.SMTPRecipientsRefused({"x@example.nl": (550, b"5.1.1 no such user")}),
     "De mailserver smtp.example.nl:587 weigert de ontvanger (550 5.1.1 no such user)."),
    (socket.gaierror(-2, "Name or service not known"), "De naam van de mailserver 'smtp.example.nl' is onbekend."),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
     "De mailserver smtp.example.nl:587 heeft de verbinding onverwacht verbroken."),
])
def test_smtp_errors_are_dutch_sentences_with_host_and_port(exc, sentence):
    text = smtp_error_text(exc, CONFIG)
    assert sentence in text
    assert type(exc).__name__ not in text and "Errno" not in text


def test_a_closed_port_is_told_as_a_sentence_on_the_message(app, client, auth):
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    with app.app_context():
        queue_test("jdevries@example.nl")
        db.session.commit()
        deliver_due()
        message_id = outbox_rows()[0].id
    auth.login("lvisser")
    html = client.get(f"/admin/mail/{message_id}").get_data(as_text=True)
    assert f"De mailserver 127.0.0.1:{port} weigert de verbinding" in html and "ConnectionRefused" not in html


# --- make run ----------------------------------------------------------------------------------------------------

def test_make_run_starts_the_catcher_and_the_worker_beside_the_portal():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:")[1].split("\n\n")[0]
    assert "tools/run-dev.sh" in run
    script = (ROOT / "tools" / "run-dev.sh").read_text()
    assert "portal dev-mail" in script and "portal worker" in script and "flask\" run" in script
    assert "PORTAL_DEV_MAIL=1" in script


def test_the_run_script_starts_a_catcher_that_takes_mail_and_stops_everything(tmp_path):
    """Run tools/run-dev.sh for a moment with a stand-in portal, send it a mail, stop it like Ctrl-C."""
    smtp_port, web_port = free_port(), free_port()
    folder = tmp_path / "caught"
    env = {**os.environ, "BIN": str(ROOT / ".venv" / "bin"), "PORTAL_DEV_MAIL_PORT": str(smtp_port),
           "PORT": str(web_port), "PORTAL_DEV_MAIL_DIR": str(folder),
           "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}"}
    process = subprocess.Popen(["bash", "tools/run-dev.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as smtp:
                    smtp.sendmail("integriteit@example.nl", ["jdevries@example.nl"],
                                  b"Subject: Proef\r\nTo: jdevries@example.nl\r\n\r\nHallo\r\n")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the mail catcher did not start"
                time.sleep(0.3)
        assert len(list((folder / "new").iterdir())) == 1
        started = [process.stdout.readline() for _ in range(2)]  # the catcher's line, then the script's
        assert any(b"portal: http://127.0.0.1:" in line for line in started), started  # Ctrl-C now stops it all
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does to the foreground process group
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    output = b"".join(started).decode() + process.stdout.read().decode()
    assert "mail catcher stopped" in output
    deadline = time.monotonic() + 15
    while True:  # the worker and the portal end too: nothing of the group is left
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a process of make run kept running after Ctrl-C"
        time.sleep(0.2)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", smtp_port)) != 0  # nothing left listening
