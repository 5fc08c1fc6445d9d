"""Many people signing up and cancelling at once: a session of 20 is never overbooked.

Each worker thread has its own app context, so its own database session and
connection, exactly like concurrent requests. After every round the test
checks what a participant or HR would notice: more than 20 confirmed, a free
place while people wait, someone overtaking an earlier arrival on the waiting
list, a promotion without a mail, or a mail sent twice.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from portal.auth.models import User
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.oath.models import Registration
from portal.oath.states import ACTIVE_STATUSES, RegistrationStatus
from portal.oath.services.registrations import cancel_registration, register_for_session
from portal.oath.states import OathError
from tests.oath.conftest import make_user, plan_session

CAPACITY = 20


@dataclass
class Figures:
    rounds: int = 0
    attempts: int = 0
    outcomes: Counter = field(default_factory=Counter)
    max_confirmed_seen: int = 0
    promotions: int = 0
    duplicate_mails: int = 0

    def line(self, backend: str) -> str:
        return (f"[oath concurrency {backend}] rounds={self.rounds} attempts={self.attempts} "
                f"outcomes={dict(self.outcomes)} max_confirmed_seen={self.max_confirmed_seen} "
                f"(capacity {CAPACITY}) promotions={self.promotions} duplicate_mails={self.duplicate_mails}")


def _attempt(app, kind: str, session_id: int, target_id: int) -> str:
    """One request: sign up (target = user id) or cancel (target = registration id)."""
    with app.test_request_context():
        try:
            if kind == "register":
                register_for_session(session_id, db.session.get(User, target_id), "oath")
            else:
                registration = db.session.get(Registration, target_id)
                cancel_registration(target_id, db.session.get(User, registration.user_id))
            db.session.commit()
            return f"{kind}:ok"
        except OathError:
            db.session.rollback()
            return f"{kind}:refused"
        except OperationalError:
            db.session.rollback()
            return f"{kind}:busy"
        finally:
            db.session.remove()


class Watcher(threading.Thread):
    """Reads the confirmed count over and over while the round runs."""

    def __init__(self, app, session_id: int):
        super().__init__(daemon=True)
        self.app, self.session_id = app, session_id
        self.stop = threading.Event()
        self.max_seen = 0

    def run(self) -> None:
        with self.app.app_context():
            while not self.stop.is_set():
                count = db.session.scalar(select(func.count(Registration.id)).where(
                    Registration.session_id == self.session_id,
                    Registration.status == RegistrationStatus.confirmed))
                db.session.rollback()
                self.max_seen = max(self.max_seen, count or 0)
                time.sleep(0.002)
            db.session.remove()


def _hammer(app, *, rounds: int, sign_ups: int, cancels: int, workers: int, people: int) -> Figures:
    rng = random.Random(7)
    figures = Figures()
    with app.test_request_context():
        session_id = plan_session(capacity=CAPACITY).id
        user_ids = [make_user(f"person{i:03d}").id for i in range(people)]
        db.session.commit()

    for _round in range(rounds):
        with app.app_context():
            active = db.session.execute(select(Registration.id, Registration.user_id).where(
                Registration.status.in_(ACTIVE_STATUSES))).all()
        busy_users = {user_id for _, user_id in active}
        free_users = [u for u in user_ids if u not in busy_users]
        joiners = rng.sample(free_users, min(sign_ups, len(free_users)))
        joiners += rng.sample(joiners, min(5, len(joiners)))  # some press the button twice at once
        leavers = rng.sample([reg_id for reg_id, _ in active], min(cancels, len(active)))
        tasks = [("register", u) for u in joiners] + [("cancel", r) for r in leavers]
        rng.shuffle(tasks)

        watcher = Watcher(app, session_id)
        watcher.start()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(lambda task: _attempt(app, task[0], session_id, task[1]), tasks))
        watcher.stop.set()
        watcher.join(5)

        figures.rounds += 1
        figures.attempts += len(tasks)
        figures.outcomes.update(outcomes)
        figures.max_confirmed_seen = max(figures.max_confirmed_seen, watcher.max_seen)
        with app.app_context():
            _check_invariants(session_id, figures)
    return figures


def _key(registration: Registration):
    return (registration.joined_at, registration.id)


def _check_invariants(session_id: int, figures: Figures) -> None:
    registrations = db.session.scalars(select(Registration).where(Registration.session_id == session_id)).all()
    by_status = Counter(r.status for r in registrations)
    confirmed, waiting = by_status[RegistrationStatus.confirmed], by_status[RegistrationStatus.waitlisted]
    assert confirmed <= CAPACITY, f"overbooked: {confirmed} confirmed"
    assert not (waiting and confirmed < CAPACITY), f"{CAPACITY - confirmed} free places while {waiting} wait"

    # Strict order: nobody still waiting arrived before someone who was promoted,
    # and promotions happened in order of arrival.
    promoted = sorted((r for r in registrations if r.promoted_at is not None), key=_key)
    still_waiting = [r for r in registrations if r.status == RegistrationStatus.waitlisted]
    for p in promoted:
        overtaken = [w.id for w in still_waiting if _key(w) < _key(p)]
        assert not overtaken, f"registration {p.id} was promoted before earlier arrivals {overtaken}"
    promoted_times = [p.promoted_at for p in promoted]
    assert promoted_times == sorted(promoted_times), "promotions out of order of arrival"

    active_per_user = Counter(r.user_id for r in registrations if r.status in ACTIVE_STATUSES)
    assert max(active_per_user.values(), default=0) <= 1

    # Every promotion mailed exactly once; every direct confirmation too.
    keys = Counter(db.session.scalars(
        select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.like("oath-reg-%"))))
    figures.duplicate_mails = sum(n - 1 for n in keys.values() if n > 1)
    assert figures.duplicate_mails == 0
    for p in promoted:
        assert keys[f"oath-reg-{p.id}-promoted"] == 1, f"promotion of {p.id} not mailed"
    promotion_mails = sum(1 for key in keys if key.endswith("-promoted"))
    assert promotion_mails == len(promoted)
    figures.promotions = len(promoted)


@pytest.mark.postgres_only
def test_simultaneous_sign_ups_and_cancellations_never_overbook_on_postgresql(app):
    figures = _hammer(app, rounds=6, sign_ups=30, cancels=12, workers=8, people=120)
    print(figures.line("postgresql"))
    assert figures.max_confirmed_seen == CAPACITY
    assert figures.promotions > 0
    assert figures.outcomes["register:busy"] == figures.outcomes["cancel:busy"] == 0


def test_simultaneous_sign_ups_and_cancellations_never_overbook_on_sqlite(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite variant; PostgreSQL has its own test")
    figures = _hammer(app, rounds=4, sign_ups=25, cancels=10, workers=6, people=100)
    print(figures.line("sqlite"))
    assert figures.max_confirmed_seen == CAPACITY
    assert figures.promotions > 0
    assert figures.outcomes["register:busy"] == figures.outcomes["cancel:busy"] == 0
