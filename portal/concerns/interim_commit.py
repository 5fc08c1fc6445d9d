"""INTERIM, until main has portal/core/transaction.py (the lead's "One transaction per request"):
commit after a view of these blueprints returned a response below 500. Removed at the merge of main."""

from __future__ import annotations

from portal.extensions import db


def commit_after_success(response):
    if response.status_code < 500:
        db.session.commit()
    else:
        db.session.rollback()
    return response
