"""A new declaration from the form (file_declaration): the rows it writes, and a double click, also concurrent."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from portal.auth.models import User
from portal.core.models import AuditEvent
from portal.declarations.models import (
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    DeclarationVersion,
    MunicipalityRelation,
    NilStatement,
    OrganisationKind,
    VersionStatus,
)
from portal.declarations.services import IncompleteVersion, file_declaration
from portal.declarations.statements import record_nil_statement
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests.declarations.helpers import SIDE_ANSWERS, count, make_user


@pytest.mark.parametrize("submit", [True, False], ids=["submit", "draft"])
def test_a_filed_declaration_and_its_first_version_are_written_in_their_final_state(app, submit):
    with app.test_request_context():
        owner = make_user("jdevries")
        record_nil_statement(owner, DeclarationKind.side_activity)
        db.session.commit()
        declaration, created = file_declaration(owner, DeclarationKind.side_activity, SIDE_ANSWERS, submit=submit,
                                                client_token="form-1")
        db.session.commit()
        assert created
        declaration_id, owner_id = declaration.id, owner.id
        db.session.expire_all()

        declaration = db.session.get(Declaration, declaration_id)
        version = db.session.scalars(select(DeclarationVersion)).one()
        assert (declaration.owner_id, declaration.kind, declaration.client_token) == (
            owner_id, DeclarationKind.side_activity, "form-1")
        assert declaration.status == (DeclarationStatus.submitted if submit else DeclarationStatus.draft)
        assert (declaration.pending_version_id, declaration.current_version_id) == (version.id, None)
        assert declaration.lock_version == 1
        assert declaration.created_at is not None and declaration.updated_at >= declaration.created_at
        assert (declaration.assigned_reviewer_id, declaration.ended_on, declaration.ended_at, declaration.ended_by_id,
                declaration.last_confirmed_at) == (None, None, None, None, None)
        assert (version.declaration_id, version.number, version.kind, version.created_by_id) == (
            declaration_id, 1, DeclarationKind.side_activity, owner_id)
        assert version.status == (VersionStatus.submitted if submit else VersionStatus.draft)
        assert version.answers() == dict.fromkeys(version.answers()) | {
            **SIDE_ANSWERS, "organisation_kind": OrganisationKind.foundation_association,
            "municipality_relation": MunicipalityRelation.none}
        assert version.created_at is not None and version.updated_at is not None
        assert version.entity is None and version.interest_kind is None and version.change_note is None
        if submit:
            assert version.submitted_at is not None and declaration.submitted_at == version.submitted_at
        else:
            assert version.submitted_at is None and declaration.submitted_at is None

        events = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.object_type,
                                           AuditEvent.object_id, AuditEvent.subject_user_id, AuditEvent.details)
                                    .where(AuditEvent.object_type == "declaration").order_by(AuditEvent.id)).all()
        expected = [("declaration.create", owner_id, "declaration", declaration_id, owner_id,
                     {"kind": "side_activity", "version": 1})]
        if submit:
            expected.append(("declaration.submit", owner_id, "declaration", declaration_id, owner_id, {"version": 1}))
        assert [tuple(event) for event in events] == expected
        mails = db.session.execute(select(OutboxMessage.template, OutboxMessage.dedup_key, OutboxMessage.recipient,
                                          OutboxMessage.is_sensitive)).all()
        assert [tuple(mail) for mail in mails] == ([("declarations/submitted", f"decl-{declaration_id}-v1-submitted",
                                                     "jdevries@example.nl", False)] if submit else [])
        nil_withdrawn = db.session.scalar(select(NilStatement.withdrawn_at))
        assert (nil_withdrawn is not None) == submit


def test_the_same_form_filed_twice_answers_with_the_first_declaration_and_writes_nothing(app):
    with app.test_request_context():
        owner = make_user("jdevries")
        db.session.commit()
        first, created = file_declaration(owner, DeclarationKind.side_activity, SIDE_ANSWERS, submit=True,
                                          client_token="form-4")
        db.session.commit()
        first_id = first.id
        written = count(AuditEvent), count(OutboxMessage), count(DeclarationVersion)
        db.session.expire_all()
        second, created_again = file_declaration(owner, DeclarationKind.side_activity,
                                                 dict(SIDE_ANSWERS, role="Voorzitter"), submit=True,
                                                 client_token="form-4")
        db.session.commit()
        assert created and not created_again and second.id == first_id
        assert (count(AuditEvent), count(OutboxMessage), count(DeclarationVersion)) == written
        assert count(Declaration) == 1
        # an incomplete submission is refused before the token is looked at, as before
        with pytest.raises(IncompleteVersion):
            file_declaration(owner, DeclarationKind.side_activity, dict(SIDE_ANSWERS, role=""), submit=True,
                             client_token="form-4")


@pytest.mark.postgres_only
def test_a_double_click_whose_requests_overlap_creates_one_declaration(app):
    """The second request waits for the first one's client token and then answers with its declaration."""
    with app.app_context():
        owner_id = make_user("jdevries").id
        db.session.commit()
    first_filed = threading.Event()
    results: dict[str, tuple[int, bool]] = {}
    errors: list[BaseException] = []
    overlapped: list[bool] = []

    def second_is_waiting() -> bool:
        with db.engine.connect() as connection:
            return bool(connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")))

    def click(name: str) -> None:
        with app.test_request_context():
            try:
                owner = db.session.get(User, owner_id)
                if name == "second":
                    first_filed.wait(10)
                declaration, created = file_declaration(owner, DeclarationKind.side_activity, SIDE_ANSWERS,
                                                        submit=True, client_token="same-form")
                if name == "first":
                    first_filed.set()
                    deadline = time.monotonic() + 10
                    while not second_is_waiting() and time.monotonic() < deadline:
                        time.sleep(0.02)  # the second request must be blocked on the token before this one commits
                    overlapped.append(second_is_waiting())
                db.session.commit()
                results[name] = (declaration.id, created)
            except BaseException as exc:  # noqa: BLE001 - reported by the test below
                errors.append(exc)
                db.session.rollback()
            finally:
                first_filed.set()
                db.session.remove()

    threads = [threading.Thread(target=click, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert overlapped == [True]
    assert results["first"][1] is True and results["second"] == (results["first"][0], False)
    with app.app_context():
        assert count(Declaration) == 1 and count(DeclarationVersion) == 1
        assert count(OutboxMessage, OutboxMessage.template == "declarations/submitted") == 1
        assert [a for a in db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "declaration")
                                              .order_by(AuditEvent.id))] == ["declaration.create", "declaration.submit"]
