"""The dashboard's checklist and "my declarations" read as few statements as they can, and show the same."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from portal.core.registry import checklist_for
from portal.declarations.services import withdraw_version
from portal.declarations.statements import checklist_items
from portal.extensions import db
from portal.oath.checklist import oath_checklist
from portal.policies.acknowledgements import checklist_items as policy_checklist_items
from portal.review.services import request_information
from tests.declarations.helpers import declare, make_user, user_by_name


@contextmanager
def statements_run():
    statements: list[str] = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def test_the_dashboard_reads_every_areas_checklist_in_one_statement(app):
    with app.test_request_context():
        me = make_user("nmulder", is_high_risk=True)
        declare(me, organisation_name="Voetbalclub")
        db.session.commit()
        db.session.refresh(me)  # the person is loaded already, as on a page
        with statements_run() as statements:
            items = checklist_for(me)
        assert len(statements) == 1  # not one per area
        alone = policy_checklist_items(me) + checklist_items(me) + oath_checklist(me)
        assert items == sorted(alone, key=lambda item: item.order)
        assert {"declarations.side_activity", "declarations.financial_interest", "oath"} <= {i.key for i in items}


def test_an_open_question_is_on_the_checklist_with_the_declarations_name(app):
    with app.test_request_context():
        me = make_user("jdevries")
        declaration = declare(me, organisation_name="Voetbalclub De Bal")
        request_information(declaration.pending_version, "Traint u ook kinderen?", make_user("mjansen", is_reviewer=True))
        db.session.commit()
        db.session.refresh(me)  # the person is loaded already, as on a page
        with statements_run() as statements:
            items = {item.key: item for item in checklist_for(me)}
        assert len(statements) == 2  # the list of questions is asked only when there is one
        question = next(item for key, item in items.items() if key.startswith("declarations.question."))
        assert question.label == "Beantwoord de vraag van P&O over „Voetbalclub De Bal”"
        assert question.endpoint_args == {"declaration_id": declaration.id}


def test_my_declarations_lists_a_withdrawn_first_submission_by_its_name(client, auth, app):
    auth.login("jdevries")
    with app.app_context():
        declaration = declare(user_by_name("jdevries"), organisation_name="Schaakclub Het Paard")
        withdraw_version(declaration.pending_version, declaration.owner)
        db.session.commit()
        assert declaration.pending_version is None and declaration.current_version is None
    page = client.get("/declarations/").get_data(as_text=True)
    history = page.split('id="history-heading"')[1]
    assert "Schaakclub Het Paard" in history
