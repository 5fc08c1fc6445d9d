"""Two editors publishing the same page at the same moment: one wins, the other gets a conflict."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from portal.core.time import today_local
from portal.extensions import db
from portal.policies.models import PolicyPage, PolicyVersion
from portal.policies.services import EditConflict, VersionInput, head_version, save_version


@pytest.mark.postgres_only
def test_simultaneous_publications_from_the_same_base_never_both_win(app, demo_content):
    with app.app_context():
        page_id = db.session.scalar(select(PolicyPage.id).where(PolicyPage.slug == "regulations"))
        base_id = head_version(db.session.get(PolicyPage, page_id), "nl").id
        before = db.session.scalar(select(func.count(PolicyVersion.id)).where(PolicyVersion.page_id == page_id))

    first_saved = threading.Event()
    outcomes: dict[str, str] = {}

    def edit(name: str, hold_seconds: float) -> None:
        with app.app_context():
            page = db.session.get(PolicyPage, page_id)
            data = VersionInput(language="nl", title="Regelingen", description="", body_markdown=f"Tekst {name}",
                                summary=name, effective_at=today_local(), requires_acknowledgement=False)
            try:
                if name == "second":
                    first_saved.wait(5)
                save_version(page, data, base_version_id=base_id, publish=True, editor=None)
                if name == "first":
                    first_saved.set()
                    time.sleep(hold_seconds)  # the second editor saves while this transaction is still open
                db.session.commit()
                outcomes[name] = "saved"
            except EditConflict:
                db.session.rollback()
                outcomes[name] = "conflict"
            finally:
                first_saved.set()
                db.session.remove()

    threads = [threading.Thread(target=edit, args=("first", 1.0)), threading.Thread(target=edit, args=("second", 0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    assert outcomes == {"first": "saved", "second": "conflict"}
    with app.app_context():
        after = db.session.scalar(select(func.count(PolicyVersion.id)).where(PolicyVersion.page_id == page_id))
        bodies = db.session.scalars(select(PolicyVersion.body_markdown).where(PolicyVersion.page_id == page_id)).all()
    assert after == before + 1 and "Tekst second" not in bodies
