"""The volume fixture: a municipality's worth of data on PostgreSQL, built once per test session.

The benchmark's generator (bench/dataset.py, scale ``ci``: 2,000 employees, 20,000 declarations,
20 ceremonies with waiting lists, 100,000 audit events, the areas' demo content) fills a throw-away
database, set-based. A real slapd holds directory entries for the people the crawl signs in as.
These tests only read: nothing here empties or changes the data (exports aside).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.engine import make_url

from bench import dataset
from tests.conftest import PG_URL, SECRET, _base_config, create_database, drop_database, migrate_database

SCALE = dataset.SCALES["ci"]
_timings: dict[str, float] = {}


@dataclass(frozen=True)
class Volume:
    url: str
    people: dict[str, dataset.Person]  #: role -> the person who signs in as that role
    build_seconds: float


def _pick_people(dsn: str, everyone: list[dataset.Person]) -> dict[str, dataset.Person]:
    """Who the crawl signs in as; an employee with declarations in the queue, an attended ceremony and a gift."""
    import psycopg

    by_id = {p.id: p for p in everyone}
    with psycopg.connect(dsn) as conn:
        employee_id = conn.execute(
            """SELECT d.owner_id FROM declaration d JOIN "user" u ON u.id = d.owner_id
               JOIN oath_registration r ON r.user_id = u.id AND r.status = 'attended'
               WHERE NOT u.is_reviewer AND NOT u.is_top_official
                 AND EXISTS (SELECT 1 FROM gift g WHERE g.owner_id = u.id)
               GROUP BY d.owner_id
               HAVING count(*) FILTER (WHERE d.status = 'submitted') > 0
                  AND count(*) FILTER (WHERE d.status = 'approved') > 0
               ORDER BY count(*) DESC, d.owner_id LIMIT 1"""
        ).fetchone()[0]
    reviewer = next(p for p in everyone if p.is_reviewer and not p.is_admin)
    admin = next(p for p in everyone if p.is_admin)
    # Another role (an integrity coordinator, a confidential adviser …): pick its person here.
    return {"employee": by_id[employee_id], "reviewer": reviewer, "admin": admin}


@pytest.fixture(scope="session")
def volume(tmp_path_factory) -> Iterator[Volume]:
    """The volume database (PostgreSQL only: the data set is written with PostgreSQL's own SQL)."""
    if not PG_URL:
        pytest.skip("the volume data set needs PostgreSQL (set PORTAL_TEST_DATABASE_URL)")
    from portal import create_app

    started = time.perf_counter()
    url = create_database("postgresql", tmp_path_factory)
    try:
        migrate_database(url)
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        app = create_app(_base_config(url, {}))
        timings, problems = dataset.build(dsn, SCALE, app)
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()
        assert problems == [] and dataset.check(dsn) == []
        everyone = dataset.people(SCALE)
        people = _pick_people(dsn, everyone)
        _timings.update(timings)
        _timings["volume fixture in all"] = time.perf_counter() - started
        yield Volume(url=url, people=people, build_seconds=_timings["volume fixture in all"])
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def volume_slapd(volume, tmp_path_factory):
    """A real slapd with entries (and role groups) for the people of ``volume.people``."""
    from tests.support.slapd import SlapdServer

    workdir = tmp_path_factory.mktemp("volume-slapd")
    ldif = Path(workdir) / "volume.ldif"
    ldif.write_text(dataset.ldif(list(volume.people.values())))
    server = SlapdServer(ldif, workdir=Path(workdir) / "slapd")
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def volume_app(volume, volume_slapd, tmp_path_factory):
    from portal import create_app

    config = _base_config(volume.url, volume_slapd.config())
    config.update(SECRET_KEY=SECRET, EXPORT_DIR=str(tmp_path_factory.mktemp("exports")))
    app = create_app(config)
    yield app
    with app.app_context():
        from portal.extensions import db

        db.session.remove()
        db.engine.dispose()


def pytest_terminal_summary(terminalreporter):
    if _timings:
        terminalreporter.write_line(
            "volume fixture (scale ci): " + ", ".join(f"{k} {v:.1f} s" for k, v in _timings.items()))
