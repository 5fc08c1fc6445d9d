"""Reviewers get one daily digest of new and overdue items, not a mail per item."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from portal.core.time import utcnow
from portal.declarations.models import Declaration
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.review.jobs import send_review_digest
from tests.review.helpers import declare, person
from tests.support.clock import local_day_end, next_local_midnight


def test_one_digest_per_reviewer_per_day_with_counts_and_no_contents(smtp, app, runner, clock):
    with app.app_context():
        for name in ("mjansen", "abakker", "lvisser"):
            person(name)
        ids = [declare(person("jdevries"), organisation_name="Geheime Club").id for _ in range(3)]
        db.session.execute(update(Declaration).where(Declaration.id == ids[0])
                           .values(submitted_at=utcnow() - timedelta(days=40)))
        db.session.commit()
        now = clock.now
        assert send_review_digest(now) == 3
        # "Per day" is the reviewer's day in Amsterdam, whatever the date in UTC says.
        assert send_review_digest(local_day_end(now)) == 0  # later the same day: nothing twice
        db.session.commit()
        mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "review/digest")))
        assert sorted(m.recipient for m in mails) == ["abakker@example.nl", "lvisser@example.nl", "mjansen@example.nl"]
        body = mails[0].text_body
        assert "2 nieuwe verklaringen" in body and "1 verklaring wacht langer dan 28 dagen" in body
        assert "http://portal.test/review/" in body and "Geheime Club" not in body + mails[0].html_body
    result = runner.invoke(args=["portal", "send-mail"])
    assert result.exit_code == 0
    digests = [m for _, m in smtp.messages if "Verklaringen beoordelen" in m["Subject"]]
    assert len(digests) == 3
    with app.app_context():
        assert send_review_digest(next_local_midnight(now)) == 3  # the next day in Amsterdam: a new digest


def test_no_digest_when_nothing_is_new_or_overdue(app, clock):
    with app.app_context():
        person("mjansen")
        declaration = declare(person("jdevries"))
        db.session.execute(update(Declaration).where(Declaration.id == declaration.id)
                           .values(submitted_at=utcnow() - timedelta(days=3)))
        db.session.commit()
        assert send_review_digest(utcnow()) == 0
