"""Fixtures of the policies area: the demo pages and contacts, users, and a way to publish versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db




@pytest.fixture()
def demo_content(app):
    """The policy pages from content/*.md and the demo contacts, as `flask portal seed-demo` loads them."""
    from portal.policies.demo import load_demo_content

    with app.app_context():
        load_demo_content()
        db.session.commit()
    return app


@pytest.fixture()
def make_user(app):
    """Create a user row as a first sign-in would (the population of the coverage report)."""
    from portal.auth.models import User

    def make(username: str, department: str | None = "Burgerzaken", **extra) -> int:
        with app.app_context():
            user = User(username=username, dn=f"uid={username},ou=people,dc=example,dc=nl",
                        display_name=extra.pop("display_name", username.title()), department=department, **extra)
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture()
def publish(app):
    """Publish a new version of a page through the service, as HR would."""
    from portal.auth.models import User
    from portal.core.time import today_local
    from portal.policies.models import PolicyPage
    from portal.policies.services import VersionInput, head_version, save_version

    def _publish(slug: str, body: str, *, requires_acknowledgement: bool = False, language: str = "nl",
                 title: str | None = None, days_ahead: int = 0, draft: bool = False, editor: str | None = None):
        with app.app_context():
            page = db.session.scalar(select(PolicyPage).where(PolicyPage.slug == slug))
            head = head_version(page, language)
            editor_user = db.session.scalar(select(User).where(User.username == editor)) if editor else None
            version = save_version(
                page,
                VersionInput(language=language, title=title or (head.title if head else slug), description="",
                             body_markdown=body, summary="Test", effective_at=today_local() + timedelta(days=days_ahead),
                             requires_acknowledgement=requires_acknowledgement),
                base_version_id=head.id if head else None,
                publish=not draft,
                editor=editor_user,
            )
            db.session.commit()
            return version.id, version.number

    return _publish
