"""A realistic, deterministic data set for the benchmark, written set-based into PostgreSQL.

Full scale: 10,000 employees in 15 departments (about 5 % high-risk, 10 top officials,
20 reviewers), 100,000 declarations with 1–3 versions each (a fifth of them waiting in
HR's queue, as after an organisation-wide inventory), nil statements, a reconfirmation
campaign, 50 oath sessions with registrations and oath records, integrity-statement
signatures and one year of audit log (500,000 events).

One implementation for the benchmark (bench/run.py, any scale) and the test suite's volume
fixture (tests/volume/conftest.py, scale ``ci``): ``build`` does every step after the migrations.

Employees are made in Python (the directory needs the same names); everything else is
``INSERT … SELECT generate_series`` inside PostgreSQL. Foreign-key triggers are off while
loading (``session_replication_role = replica``) so that declarations and their versions,
which point at each other, go in with their final values; ``check`` verifies the result.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import psycopg

DEPARTMENTS = (
    "Openbare Werken", "Burgerzaken", "P&O", "Financiën", "Inkoop", "Vergunningen", "Sociaal Domein",
    "Ruimtelijke Ordening", "ICT", "Communicatie", "Juridische Zaken", "Belastingen", "Handhaving",
    "Griffie", "Bestuursondersteuning",
)
GIVEN_NAMES = (
    "Jan", "Sanne", "Mohamed", "Emma", "Daan", "Fatima", "Lucas", "Julia", "Sem", "Lotte", "Noah", "Eva",
    "Milan", "Sara", "Levi", "Anna", "Finn", "Zoë", "Bram", "Yasmina", "Thijs", "Iris", "Ruben", "Noor",
    "Kees", "Ingrid", "Ahmed", "Petra", "Wim", "Marloes", "Dirk", "Esther", "Hans", "Annelies", "Stefan",
)
SURNAMES = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
    "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van Dijk", "Çelik", "Yılmaz", "El Amrani", "Kaya", "Verhoeven", "Prins", "Huisman", "Postma",
)
TOP_TITLES = (
    "Gemeentesecretaris", "Directeur Dienstverlening", "Directeur Ruimte", "Directeur Sociaal Domein",
    "Directeur Bedrijfsvoering", "Concerncontroller", "Griffier", "Adjunct-gemeentesecretaris",
    "Directeur Openbare Ruimte", "Directeur Veiligheid",
)
#: employee types that sign the integrity statement; everyone else takes the oath
#: the directory's employee types other than "medewerker", one in ten people: interns, hired and external
#: staff sign the integrity statement; holiday and on-call staff employed by the municipality take the oath
OTHER_TYPES = ("stagiair", "inhuur", "extern", "oproepkracht", "vakantiekracht")
BASE_DN = "dc=example,dc=nl"
REVIEWERS = 20
TOP_OFFICIALS = 10


@dataclass(frozen=True)
class Scale:
    name: str
    employees: int
    declarations: int
    audit_events: int
    sessions: int = 50
    #: employees with a directory entry who sign in during the benchmark (besides reviewers/top officials)
    signin_users: int = 200


SCALES = {
    "full": Scale("full", employees=10_000, declarations=100_000, audit_events=500_000),
    "small": Scale("small", employees=1_000, declarations=10_000, audit_events=50_000),
    #: the test suite's volume fixture (tests/volume): what CI can afford, still past every first page
    #: (24 ceremonies: HR's list shows 20 a page)
    "ci": Scale("ci", employees=2_000, declarations=20_000, audit_events=100_000, sessions=24, signin_users=20),
}


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    given_name: str
    surname: str
    department: str
    job_title: str
    employee_type: str
    is_reviewer: bool
    is_admin: bool
    is_top_official: bool
    is_high_risk: bool

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.surname}"

    @property
    def dn(self) -> str:
        return f"uid={self.username},ou=people,{BASE_DN}"

    @property
    def email(self) -> str:
        return f"{self.username}@example.nl"

    @property
    def employee_number(self) -> str:
        return str(100000 + self.id)

    @property
    def password(self) -> str:
        return f"Welkom-{self.username}-2026"


def people(scale: Scale) -> list[Person]:
    """Every employee, deterministic: ids 1–20 review (1–2 also administer), 21–30 are top officials."""
    result = []
    for i in range(1, scale.employees + 1):
        given = GIVEN_NAMES[(i * 7) % len(GIVEN_NAMES)]
        surname = SURNAMES[(i * 13) % len(SURNAMES)]
        compact = "".join(ch for ch in surname.lower() if ch.isascii() and ch.isalpha())
        username = f"{given[0].lower()}{compact}{i}"
        reviewer = i <= REVIEWERS
        top = REVIEWERS < i <= REVIEWERS + TOP_OFFICIALS
        if reviewer:
            department, title = "P&O", "Adviseur integriteit"
        elif top:
            department, title = "Bestuursondersteuning", TOP_TITLES[i - REVIEWERS - 1]
        else:
            department = DEPARTMENTS[(i * 31) % len(DEPARTMENTS)]
            title = f"Medewerker {department.lower()}"
        kind = i % 50
        employee_type = OTHER_TYPES[kind] if kind < len(OTHER_TYPES) and not (reviewer or top) else "medewerker"
        result.append(
            Person(
                id=i, username=username, given_name=given, surname=surname, department=department,
                job_title=title, employee_type=employee_type, is_reviewer=reviewer, is_admin=i <= 2,
                is_top_official=top,
                # about 5 %: procurement, permits and finance staff among them, plus three directors
                is_high_risk=(i % 20 == 3) or (top and i % 3 == 0),
            )
        )
    return result


def signin_people(everyone: list[Person], scale: Scale) -> list[Person]:
    """Who has a directory entry: reviewers, top officials and ``signin_users`` ordinary employees."""
    return everyone[: REVIEWERS + TOP_OFFICIALS + scale.signin_users]


# -- loading -------------------------------------------------------------------


def build(dsn: str, scale: Scale, app, now: datetime | None = None) -> tuple[dict[str, float], list[str]]:
    """Fill an empty, migrated database completely: the data set, the areas' demo content (through
    ``app``), acknowledgements and signatures, VACUUM ANALYZE. Returns (seconds per step, demo problems)."""
    import time

    timings = load(dsn, scale, people(scale), now)
    started = time.perf_counter()
    problems = run_demo_loaders(app)
    timings["demo content"] = time.perf_counter() - started
    started = time.perf_counter()
    load_after_demo(dsn, scale, now)
    timings["acknowledgements and signatures"] = time.perf_counter() - started
    started = time.perf_counter()
    analyze(dsn)
    timings["vacuum analyze"] = time.perf_counter() - started
    return timings, problems


def run_demo_loaders(app) -> list[str]:
    """The areas' demo content (policy pages, advisers, statement text …), as ``flask portal seed-demo``."""
    from portal.core.registry import demo_loaders
    from portal.extensions import db

    problems = []
    with app.app_context():
        for loader in demo_loaders():
            try:
                loader()
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - report and go on: the rest of the data is still useful
                db.session.rollback()
                problems.append(f"{loader.__module__}.{loader.__name__}: {type(exc).__name__}: {exc}")
        db.session.remove()
    return problems



def load(dsn: str, scale: Scale, everyone: list[Person], now: datetime | None = None) -> dict[str, float]:
    """Fill an empty, migrated database. Returns seconds per step."""
    import time

    now = now or datetime.now(timezone.utc)
    timings: dict[str, float] = {}
    with psycopg.connect(dsn) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers while loading
        conn.execute("SELECT setseed(0.42)")
        conn.execute("SET LOCAL synchronous_commit = off")
        params = {
            "now": now,
            "n_users": scale.employees,
            "n_decl": scale.declarations,
            "n_audit": scale.audit_events,
            "n_sessions": scale.sessions,
            "reviewers": REVIEWERS,
        }
        steps = [
            ("users", lambda: _copy_users(conn, everyone, now)),
            ("declarations", lambda: _run(conn, DECLARATIONS_SQL, params)),
            ("nil statements", lambda: _run(conn, NIL_STATEMENTS_SQL, params)),
            ("campaign", lambda: _run(conn, CAMPAIGN_SQL, params)),
            ("oath", lambda: _run(conn, OATH_SQL, params)),
            ("audit log", lambda: _run(conn, AUDIT_SQL, params)),
            ("mail outbox", lambda: _run(conn, MAIL_SQL, params)),
            ("gifts", lambda: _run(conn, GIFTS_SQL, params)),
            ("sequences", lambda: _reset_sequences(conn)),
        ]
        for name, step in steps:
            started = time.perf_counter()
            step()
            timings[name] = time.perf_counter() - started
        conn.commit()
    return timings


def _run(conn: psycopg.Connection, sql: str, params: dict) -> None:
    with conn.cursor() as cur:
        for statement in _statements(sql):
            cur.execute(statement, params)


def _statements(sql: str) -> list[str]:
    return [part.strip() for part in sql.split(";\n") if part.strip()]


def _copy_users(conn: psycopg.Connection, everyone: list[Person], now: datetime) -> None:
    columns = (
        "id, username, dn, display_name, email, department, job_title, employee_type, employee_number, "
        "is_reviewer, is_admin, is_top_official, is_high_risk, language, is_enabled, first_seen_at, "
        "last_login_at, session_generation"
    )
    with conn.cursor() as cur, cur.copy(f'COPY "user" ({columns}) FROM STDIN') as copy:
        for p in everyone:
            # first sign-in spread over ten years, last one within the last month
            first_seen = now - timedelta(days=30 + (p.id * 7919) % 3650)
            last_login = now - timedelta(hours=(p.id * 104729) % (24 * 30))
            copy.write_row((
                p.id, p.username, p.dn, p.display_name, p.email, p.department, p.job_title, p.employee_type,
                p.employee_number, p.is_reviewer, p.is_admin, p.is_top_official, p.is_high_risk,
                "en" if p.id % 40 == 0 else "nl", True, first_seen, last_login, 0,
            ))


def _reset_sequences(conn: psycopg.Connection) -> None:
    tables = conn.execute(
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND column_name = 'id' AND column_default LIKE 'nextval%%'"
    ).fetchall()
    for (table,) in tables:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"GREATEST((SELECT max(id) FROM \"{table}\"), 1))"
        )


# Declarations: one plan row per declaration, then the declarations and their versions from it.
# Owners: every employee except one in five (those state "nothing to declare" instead).
# Statuses by share of the total (the queue statuses sum to 22 %, so HR's queue is deep).
DECLARATIONS_SQL = r"""
CREATE TEMP TABLE decl_plan ON COMMIT DROP AS
WITH base AS (
    SELECT i,
           ((i::bigint * 7919) %% %(n_decl)s)::float8 / %(n_decl)s AS bucket,
           random() AS r_owner, random() AS r_kind, random() AS r_nv, random() AS r_age, random() AS r_last,
           random() AS r_misc
    FROM generate_series(1, %(n_decl)s) AS i
), owned AS (
    SELECT *, 1 + floor(r_owner * %(n_users)s)::int AS raw_owner,
           CASE
             WHEN bucket < 0.62 THEN 'approved'
             WHEN bucket < 0.68 THEN 'approved_with_conditions'
             WHEN bucket < 0.70 THEN 'refused'
             WHEN bucket < 0.715 THEN 'withdrawn'
             WHEN bucket < 0.755 THEN 'ended'
             WHEN bucket < 0.78 THEN 'draft'
             WHEN bucket < 0.92 THEN 'submitted'
             WHEN bucket < 0.98 THEN 'in_review'
             ELSE 'info_requested'
           END AS status
    FROM base
)
SELECT i AS id,
       CASE WHEN raw_owner %% 5 = 0 THEN raw_owner - 1 ELSE raw_owner END AS owner_id,
       CASE WHEN r_kind < 0.7 THEN 'side_activity' ELSE 'financial_interest' END AS kind,
       status,
       CASE WHEN status IN ('draft', 'withdrawn') THEN 1 ELSE 1 + floor(r_nv * 3)::int END AS nv,
       CASE WHEN status = 'draft' THEN %(now)s - r_age * interval '30 days'
            ELSE %(now)s - interval '60 days' - r_age * interval '1400 days' END AS created_at,
       r_last, r_misc
FROM owned;

ALTER TABLE decl_plan ADD COLUMN last_sub timestamptz;

UPDATE decl_plan SET last_sub = CASE
    WHEN status IN ('submitted', 'in_review', 'info_requested') THEN %(now)s - r_last * interval '56 days'
    WHEN status = 'draft' THEN created_at
    ELSE created_at + r_last * ((%(now)s - interval '10 days') - created_at)
END;

CREATE TEMP TABLE version_plan ON COMMIT DROP AS
SELECT (d.id - 1) * 3 + v AS id, d.id AS declaration_id, v AS number, d.nv, d.kind, d.status AS decl_status,
       d.owner_id, d.r_misc,
       d.created_at + (v - 1)::float8 / d.nv * (d.last_sub - d.created_at) AS created_at,
       CASE WHEN v = d.nv THEN d.last_sub
            ELSE d.created_at + (v - 1)::float8 / d.nv * (d.last_sub - d.created_at) + interval '1 day' END
         AS submitted_at,
       d.created_at + v::float8 / d.nv * (d.last_sub - d.created_at) AS next_created_at,
       CASE
         WHEN v = d.nv AND d.status = 'ended' THEN 'approved'
         WHEN v = d.nv THEN d.status
         WHEN v = d.nv - 1 AND d.status IN ('submitted', 'in_review', 'info_requested') THEN 'approved'
         ELSE 'superseded'
       END AS status
FROM decl_plan d CROSS JOIN LATERAL generate_series(1, d.nv) AS v;

INSERT INTO declaration_version (
    id, declaration_id, number, kind, status,
    organisation_name, organisation_kind, role, description, is_paid, hours_per_month, start_date, end_date,
    during_working_hours, municipality_relation, touches_own_work, touches_own_work_explanation,
    conflict_assessment,
    interest_kind, entity, relation_to_work, acquired_on, ended_on,
    change_note, created_at, created_by_id, updated_at, submitted_at, review_started_at, decided_at,
    decided_by_id, conditions, refusal_reason, withdrawn_at, withdrawn_by_id, superseded_at
)
SELECT
    vp.id, vp.declaration_id, vp.number, vp.kind, vp.status,
    -- side activity
    CASE WHEN side THEN (ARRAY['Voetbalvereniging', 'Stichting Vrienden van', 'Muziekvereniging',
        'Adviesbureau', 'Vrijwillige brandweer', 'Huurdersvereniging', 'Basisschool', 'Tennisclub',
        'Zorgcoöperatie', 'Dorpsraad'])[1 + vp.declaration_id %% 10] || ' ' ||
        (ARRAY['De Eendracht', 'Oost', 'Het Anker', 'Vooruit', 'De Linde', 'Noord', 'Samen Sterk',
        'De Horizon'])[1 + (vp.declaration_id / 10) %% 8] END,
    CASE WHEN side THEN (ARRAY['company', 'foundation_association', 'foundation_association', 'government',
        'own_business', 'other'])[1 + vp.declaration_id %% 6] END,
    CASE WHEN side THEN (ARRAY['Bestuurslid', 'Penningmeester', 'Voorzitter', 'Vrijwilliger', 'Adviseur',
        'Eigenaar'])[1 + vp.declaration_id %% 6] END,
    CASE WHEN side THEN 'Ik ben ' || (ARRAY['bestuurslid', 'penningmeester', 'voorzitter', 'vrijwilliger',
        'adviseur', 'eigenaar'])[1 + vp.declaration_id %% 6]
        || ' en besteed daar gemiddeld enkele uren per maand aan, buiten werktijd. '
        || 'De organisatie heeft geen opdrachten van de gemeente en ik ben niet betrokken bij '
        || 'besluiten over subsidies of vergunningen voor deze organisatie. Versie ' || vp.number || '.' END,
    CASE WHEN side THEN vp.declaration_id %% 3 = 0 END,
    CASE WHEN side THEN 2 + vp.declaration_id %% 30 END,
    CASE WHEN side THEN (vp.created_at - interval '400 days')::date END,
    NULL::date,
    CASE WHEN side THEN vp.declaration_id %% 7 = 0 END,
    CASE WHEN side THEN (ARRAY['none', 'none', 'none', 'client', 'supplier', 'subsidy', 'permit',
        'unknown'])[1 + vp.declaration_id %% 8] END,
    CASE WHEN side THEN vp.declaration_id %% 11 = 0 END,
    CASE WHEN side AND vp.declaration_id %% 11 = 0 THEN
        'Mijn afdeling behandelt soms aanvragen van deze organisatie; ik doe dan niet mee.' END,
    CASE WHEN side THEN 'Ik zie geen (schijn van) belangenverstrengeling: de activiteit raakt mijn werk niet.' END,
    -- financial interest
    CASE WHEN NOT side THEN (ARRAY['shares_options', 'bonds', 'company_stake', 'real_estate', 'loan_given',
        'other'])[1 + vp.declaration_id %% 6] END,
    CASE WHEN NOT side THEN (ARRAY['Aandelen', 'Obligaties', 'Belang in', 'Pand aan de', 'Lening aan',
        'Participatie in'])[1 + vp.declaration_id %% 6] || ' ' ||
        (ARRAY['Bouwbedrijf Van Dijk BV', 'Energiecoöperatie Zon', 'Havenstraat 12', 'Installatietechniek Noord',
        'Ontwikkelmaatschappij West', 'Groenbeheer De Vaart'])[1 + (vp.declaration_id / 6) %% 6] END,
    CASE WHEN NOT side THEN 'Geen relatie met mijn werkzaamheden bij de gemeente.' END,
    CASE WHEN NOT side THEN (vp.created_at - interval '700 days')::date END,
    NULL::date,
    CASE WHEN vp.number > 1 THEN 'Aantal uren en rol bijgewerkt.' END,
    vp.created_at, vp.owner_id, COALESCE(
        CASE WHEN vp.status IN ('approved', 'approved_with_conditions', 'refused', 'superseded')
             THEN vp.submitted_at + interval '3 days' END, vp.submitted_at, vp.created_at),
    CASE WHEN vp.status = 'draft' THEN NULL ELSE vp.submitted_at END,
    CASE WHEN vp.status IN ('in_review', 'info_requested') THEN vp.submitted_at + (%(now)s - vp.submitted_at) / 2
         WHEN vp.status IN ('approved', 'approved_with_conditions', 'refused', 'superseded')
         THEN vp.submitted_at + interval '1 day' END,
    CASE WHEN vp.status IN ('approved', 'approved_with_conditions', 'refused', 'superseded')
         THEN vp.submitted_at + interval '3 days' END,
    CASE WHEN vp.status IN ('approved', 'approved_with_conditions', 'refused', 'superseded')
         THEN 1 + vp.declaration_id %% %(reviewers)s END,
    CASE WHEN vp.status = 'approved_with_conditions'
         THEN 'Niet tijdens werktijd en niet bij besluiten over deze organisatie.' END,
    CASE WHEN vp.status = 'refused'
         THEN 'De activiteit raakt de eigen werkzaamheden te direct (schijn van belangenverstrengeling).' END,
    CASE WHEN vp.status = 'withdrawn' THEN vp.submitted_at + interval '2 days' END,
    CASE WHEN vp.status = 'withdrawn' THEN vp.owner_id END,
    CASE WHEN vp.status = 'superseded' THEN vp.next_created_at END
FROM (SELECT *, kind = 'side_activity' AS side FROM version_plan) AS vp;

INSERT INTO declaration (
    id, owner_id, kind, status, current_version_id, pending_version_id, submitted_at, assigned_reviewer_id,
    lock_version, created_at, updated_at, ended_on, ended_at, ended_by_id, client_token, last_confirmed_at
)
SELECT
    d.id, d.owner_id, d.kind, d.status,
    CASE WHEN d.status IN ('approved', 'approved_with_conditions', 'refused', 'ended') THEN (d.id - 1) * 3 + d.nv
         WHEN d.status IN ('submitted', 'in_review', 'info_requested') AND d.nv > 1 THEN (d.id - 1) * 3 + d.nv - 1
    END,
    CASE WHEN d.status IN ('submitted', 'in_review', 'info_requested', 'draft') THEN (d.id - 1) * 3 + d.nv END,
    CASE WHEN d.status IN ('submitted', 'in_review', 'info_requested') THEN d.last_sub END,
    CASE WHEN d.status IN ('in_review', 'info_requested') THEN 1 + d.id %% %(reviewers)s END,
    1 + 2 * d.nv,
    d.created_at,
    GREATEST(d.last_sub, d.created_at),
    CASE WHEN d.status = 'ended' THEN (d.last_sub + interval '5 days')::date END,
    CASE WHEN d.status = 'ended' THEN d.last_sub + interval '5 days' END,
    CASE WHEN d.status = 'ended' THEN d.owner_id END,
    NULL,
    CASE WHEN d.status IN ('approved', 'approved_with_conditions') AND d.r_misc < 0.5
         THEN %(now)s - d.r_misc * interval '300 days' END
FROM decl_plan d;

INSERT INTO declaration_information_request (version_id, question, asked_by_id, asked_at)
SELECT vp.id,
       'Kunt u toelichten hoeveel uur per maand u hieraan besteedt en of dat binnen werktijd valt?',
       1 + vp.declaration_id %% %(reviewers)s,
       vp.submitted_at + (%(now)s - vp.submitted_at) * 0.75
FROM version_plan vp WHERE vp.status = 'info_requested'
"""

NIL_STATEMENTS_SQL = r"""
INSERT INTO declaration_nil_statement (user_id, kind, stated_at, withdrawn_at)
SELECT u.id, k.kind, %(now)s - ((u.id * 37) %% 300) * interval '1 day', NULL
FROM "user" u CROSS JOIN (VALUES ('side_activity'), ('financial_interest')) AS k(kind)
WHERE u.id %% 5 = 0
  AND NOT EXISTS (SELECT 1 FROM declaration d WHERE d.owner_id = u.id AND d.kind = k.kind)
"""

CAMPAIGN_SQL = r"""
INSERT INTO declaration_campaign (id, year, due_on, scope, scope_department, created_at, created_by_id,
                                  task_count, closed_at)
VALUES (1, EXTRACT(YEAR FROM %(now)s)::int, (%(now)s + interval '30 days')::date, 'everyone', '',
        %(now)s - interval '20 days', 1, %(n_users)s, NULL);

INSERT INTO declaration_campaign_task (campaign_id, user_id, created_at, invited_at, completed_at,
                                       reminders_sent, last_reminder_at)
SELECT 1, u.id, %(now)s - interval '20 days', %(now)s - interval '20 days',
       CASE WHEN u.id %% 5 < 3 THEN %(now)s - ((u.id %% 19) + 1) * interval '1 day' END,
       CASE WHEN u.id %% 5 < 3 THEN 0 ELSE 1 END,
       CASE WHEN u.id %% 5 < 3 THEN NULL ELSE %(now)s - interval '6 days' END
FROM "user" u
"""

# 50 sessions: 44 in the past (every two months; one of them cancelled), 6 ahead (every three
# weeks). Past sessions had 25 registrants (23 attended, 2 did not show); future ones are filling
# up, the nearest one full with a waiting list. Registrants are distinct newcomers (ids from 400 up,
# the newest sessions first,
# oath-taking employee types only) so that nobody has two active registrations. Most other
# employees took the oath before the portal existed: a record without a session.
OATH_SQL = r"""
CREATE TEMP TABLE oath_pool ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY u.id) AS n, u.id AS user_id
FROM "user" u
WHERE u.id >= 400 AND u.employee_type = 'medewerker';

INSERT INTO oath_session (id, starts_at, ends_at, location, online_url, capacity, official, language, notes,
                          registration_deadline, status, sequence, lock_counter, created_by_id, created_at,
                          updated_at)
SELECT s,
       starts, starts + interval '90 minutes',
       CASE WHEN s %% 4 = 0 THEN NULL ELSE 'Raadzaal, stadhuis' END,
       CASE WHEN s %% 4 = 0 THEN 'https://vergaderen.example.nl/ambtseed-' || s END,
       CASE WHEN s %% 3 = 0 THEN 40 ELSE 30 END,
       'Wethouder P&O', 'nl', NULL,
       starts - interval '2 days',
       CASE WHEN s > %(n_sessions)s - 6 THEN 'scheduled' WHEN s = %(n_sessions)s - 10 THEN 'cancelled'
            ELSE 'held' END,
       0, 0, 1, starts - interval '60 days', starts - interval '60 days'
FROM (
    SELECT s, date_trunc('day', %(now)s) + interval '15 hours' + CASE
        WHEN s > %(n_sessions)s - 6 THEN (s - (%(n_sessions)s - 6)) * interval '21 days'
        ELSE -(%(n_sessions)s - 6 - s + 1) * interval '61 days' END AS starts
    FROM generate_series(1, %(n_sessions)s) AS s
) AS planned;

INSERT INTO oath_registration (session_id, user_id, status, formula, accessibility_needs, joined_at, created_at,
                               cancelled_at, promoted_at, marked_at)
SELECT s.id, p.user_id,
       CASE WHEN s.status = 'held' THEN CASE WHEN slot %% 12 = 5 THEN 'no_show' ELSE 'attended' END
            WHEN s.status = 'cancelled' THEN 'cancelled'
            WHEN slot <= s.capacity THEN 'confirmed' ELSE 'waitlisted' END,
       CASE WHEN p.user_id %% 3 = 0 THEN 'affirmation' ELSE 'oath' END,
       CASE WHEN p.user_id %% 17 = 0 THEN 'Rolstoeltoegankelijke plek graag.' END,
       s.starts_at - interval '30 days' + slot * interval '1 hour',
       s.starts_at - interval '30 days' + slot * interval '1 hour',
       CASE WHEN s.status = 'cancelled' THEN s.starts_at - interval '7 days' END,
       NULL,
       CASE WHEN s.status = 'held' THEN s.starts_at + interval '2 hours' END
FROM oath_session s
CROSS JOIN LATERAL generate_series(1, CASE
    WHEN s.status IN ('held', 'cancelled') THEN 25
    WHEN s.id = %(n_sessions)s - 5 THEN s.capacity + 6
    ELSE 6 + (s.id %% 5) * 3 END) AS slot
JOIN oath_pool p ON p.n = (%(n_sessions)s - s.id) * 50 + slot;

INSERT INTO oath_record (user_id, formula, taken_on, session_id, registration_id, official, recorded_by_id,
                         recorded_at)
SELECT r.user_id, r.formula, s.starts_at::date, s.id, r.id, s.official, 1 + r.id %% %(reviewers)s, r.marked_at
FROM oath_registration r JOIN oath_session s ON s.id = r.session_id
WHERE r.status = 'attended';

INSERT INTO oath_record (user_id, formula, taken_on, session_id, registration_id, official, recorded_by_id,
                         recorded_at)
SELECT u.id, CASE WHEN u.id %% 3 = 0 THEN 'affirmation' ELSE 'oath' END,
       (u.first_seen_at + interval '20 days')::date, NULL, NULL, 'Burgemeester', 1,
       u.first_seen_at + interval '21 days'
FROM "user" u
WHERE u.employee_type = 'medewerker' AND u.id %% 10 <> 9
  AND NOT EXISTS (SELECT 1 FROM oath_registration r WHERE r.user_id = u.id)
"""

# One year of audit log: ids in time order, actions in realistic proportions.
AUDIT_SQL = r"""
INSERT INTO audit_event (id, created_at, actor_id, action, object_type, object_id, subject_user_id, details)
SELECT i, at, actor, action,
       CASE WHEN action LIKE 'declaration.%%' THEN 'declaration'
            WHEN action LIKE 'auth.%%' THEN 'user'
            WHEN action LIKE 'policy.%%' THEN 'policy_version'
            WHEN action LIKE 'oath.%%' THEN 'oath_registration' END,
       CASE WHEN action LIKE 'declaration.%%' THEN 1 + (i::bigint * 7919) %% %(n_decl)s
            WHEN action LIKE 'auth.%%' THEN actor
            ELSE 1 + i %% 50 END,
       CASE WHEN action LIKE 'declaration.%%' AND actor <= %(reviewers)s THEN 1 + (i * 31) %% %(n_users)s
            ELSE actor END,
       '{}'::json
FROM (
    SELECT i,
           %(now)s - (%(n_audit)s - i)::float8 / %(n_audit)s * interval '365 days' AS at,
           CASE WHEN a.r < 0.45 THEN 'auth.sign_in'
                WHEN a.r < 0.60 THEN 'declaration.view'
                WHEN a.r < 0.70 THEN 'declaration.submit'
                WHEN a.r < 0.76 THEN 'declaration.approve'
                WHEN a.r < 0.78 THEN 'declaration.request_information'
                WHEN a.r < 0.85 THEN 'policy.acknowledge'
                WHEN a.r < 0.90 THEN 'oath.register'
                ELSE 'auth.sign_out' END AS action,
           CASE WHEN a.r >= 0.70 AND a.r < 0.78 THEN 1 + (i %% %(reviewers)s)
                ELSE 1 + floor(a.r2 * %(n_users)s)::int END AS actor
    FROM generate_series(1, %(n_audit)s) AS i
    CROSS JOIN LATERAL (SELECT random() + 0 * i AS r, random() + 0 * i AS r2) AS a
) AS ev
"""


# Sent mail of the last weeks (one message per 20 employees, a few failed): the administrator's outbox page.
MAIL_SQL = r"""
INSERT INTO outbox_message (created_at, recipient, recipient_user_id, language, template, subject, text_body,
                            html_body, dedup_key, status, attempts, next_attempt_at, last_attempt_at, last_error,
                            sent_at, is_sensitive)
SELECT %(now)s - i * interval '1 hour', u.email, u.id, 'nl', 'declarations/decided',
       'Uw verklaring is beoordeeld', 'Beste ' || u.display_name || ', uw verklaring is beoordeeld.',
       '<p>Beste ' || u.display_name || ', uw verklaring is beoordeeld.</p>', 'bench-mail-' || i,
       CASE WHEN i %% 25 = 0 THEN 'failed' ELSE 'sent' END, CASE WHEN i %% 25 = 0 THEN 8 ELSE 1 END,
       %(now)s - i * interval '1 hour', %(now)s - i * interval '1 hour',
       CASE WHEN i %% 25 = 0 THEN '550 mailbox unavailable' END,
       CASE WHEN i %% 25 = 0 THEN NULL ELSE %(now)s - i * interval '1 hour' END, false
FROM generate_series(1, %(n_users)s / 20) AS i JOIN "user" u ON u.id = 1 + (i * 37) %% %(n_users)s
"""


# Gifts and invitations of the last two years: one for every third employee, in every status.
GIFTS_SQL = r"""
INSERT INTO gift (owner_id, category, description, giver_name, giver_organisation, work_relation, value_band,
                  threshold, response, received_on, explanation, status, decision, conditions, decision_reason,
                  decided_at, decided_by_id, created_at, updated_at)
SELECT u.id,
       (ARRAY['geschenk', 'uitnodiging', 'reis', 'maaltijd', 'overig'])[1 + u.id %% 5],
       (ARRAY['Kerstpakket', 'Kaarten voor een voetbalwedstrijd', 'Studiereis naar een vakbeurs',
              'Diner na de oplevering', 'Korting op een fiets'])[1 + u.id %% 5],
       CASE WHEN u.id %% 2 = 0 THEN 'Karin Smit' END,
       (ARRAY['Aannemersbedrijf Van Dijk', 'Ingenieursbureau West', 'Bouwcombinatie Noord',
              'Leverancier Straatverlichting BV'])[1 + u.id %% 4],
       'Voert werk uit voor mijn afdeling.',
       (ARRAY['low', 'middle', 'high', 'unknown'])[1 + u.id %% 4], 50,
       g.response, (%(now)s - ((u.id * 13) %% 700) * interval '1 day')::date, NULL,
       g.status, g.decision,
       CASE WHEN g.decision = 'allowed_with_conditions' THEN 'U deelt het met het team.' END,
       CASE WHEN g.decision IN ('returned', 'hand_in') THEN 'De gever heeft een aanbesteding lopen.' END,
       CASE WHEN g.decision IS NOT NULL THEN %(now)s - ((u.id * 13) %% 700 - 3) * interval '1 day' END,
       CASE WHEN g.decision IS NOT NULL THEN 1 + u.id %% %(reviewers)s END,
       %(now)s - ((u.id * 13) %% 700) * interval '1 day', %(now)s - ((u.id * 13) %% 700) * interval '1 day'
FROM "user" u
CROSS JOIN LATERAL (SELECT
    CASE u.id %% 7 WHEN 0 THEN 'undecided' WHEN 1 THEN 'declined' ELSE 'accepted' END AS response,
    CASE u.id %% 7 WHEN 0 THEN 'asked' WHEN 1 THEN 'declined' WHEN 2 THEN 'awaiting_consent'
                   WHEN 3 THEN 'noted' ELSE 'decided' END AS status,
    CASE u.id %% 7 WHEN 4 THEN 'allowed' WHEN 5 THEN 'allowed_with_conditions' WHEN 6 THEN 'returned' END
        AS decision) AS g
WHERE u.id %% 3 = 0
"""


# -- after the demo content ----------------------------------------------------------


def load_after_demo(dsn: str, scale: Scale, now: datetime | None = None) -> dict[str, int]:
    """Acknowledgements of published policy versions and integrity-statement signatures.

    Runs after the areas' demo loaders, which publish the policy pages and the statement text.
    """
    now = now or datetime.now(timezone.utc)
    counts: dict[str, int] = {}
    with psycopg.connect(dsn) as conn:
        if _has_table(conn, "policy_acknowledgement"):
            cur = conn.execute(
                """
                INSERT INTO policy_acknowledgement (user_id, page_id, version_id, acknowledged_at)
                SELECT u.id, v.page_id, v.id, GREATEST(v.published_at, %(now)s - interval '200 days')
                                              + (u.id %% 100) * interval '1 hour'
                FROM "user" u
                JOIN policy_version v ON v.status = 'published' AND v.requires_acknowledgement
                WHERE u.id %% 5 <> 1
                ON CONFLICT DO NOTHING
                """,
                {"now": now},
            )
            counts["policy acknowledgements"] = cur.rowcount
        if _has_table(conn, "oath_statement_signature"):
            text_id = conn.execute("SELECT max(id) FROM oath_statement_text").fetchone()[0]
            if text_id is None:
                text_id = conn.execute(
                    "INSERT INTO oath_statement_text (version, body, published_at) "
                    "VALUES (1, 'Ik verklaar dat ik mij houd aan de gedragscode.', %(now)s) RETURNING id",
                    {"now": now},
                ).fetchone()[0]
            cur = conn.execute(
                """
                INSERT INTO oath_statement_signature (user_id, text_version_id, signed_name, signed_at)
                SELECT u.id, %(text)s, u.display_name, u.first_seen_at + interval '3 days'
                FROM "user" u
                WHERE u.employee_type <> 'medewerker' AND u.id %% 7 <> 0
                ON CONFLICT DO NOTHING
                """,
                {"text": text_id},
            )
            counts["statement signatures"] = cur.rowcount
        conn.commit()
    return counts


def _has_table(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f'public."{name}"',)).fetchone()[0]


# -- checks and facts ------------------------------------------------------------------


CHECKS = {
    "versions without declaration": """SELECT count(*) FROM declaration_version v
        LEFT JOIN declaration d ON d.id = v.declaration_id WHERE d.id IS NULL""",
    "declarations without owner": """SELECT count(*) FROM declaration d
        LEFT JOIN "user" u ON u.id = d.owner_id WHERE u.id IS NULL""",
    "current version of another declaration": """SELECT count(*) FROM declaration d
        JOIN declaration_version v ON v.id = d.current_version_id WHERE v.declaration_id <> d.id
        OR v.status NOT IN ('approved', 'approved_with_conditions', 'refused')""",
    "pending version not pending": """SELECT count(*) FROM declaration d
        JOIN declaration_version v ON v.id = d.pending_version_id WHERE v.declaration_id <> d.id
        OR v.status NOT IN ('draft', 'submitted', 'in_review', 'info_requested')
        OR (d.status <> 'draft' AND v.status <> d.status)""",
    "audit actors missing": """SELECT count(*) FROM audit_event a
        LEFT JOIN "user" u ON u.id = a.actor_id WHERE a.actor_id IS NOT NULL AND u.id IS NULL""",
    "registrations without user": """SELECT count(*) FROM oath_registration r
        LEFT JOIN "user" u ON u.id = r.user_id WHERE u.id IS NULL""",
}

FACTS = {
    "employees": 'SELECT count(*) FROM "user"',
    "high-risk": 'SELECT count(*) FROM "user" WHERE is_high_risk',
    "top officials": 'SELECT count(*) FROM "user" WHERE is_top_official',
    "reviewers": 'SELECT count(*) FROM "user" WHERE is_reviewer',
    "declarations": "SELECT count(*) FROM declaration",
    "declaration versions": "SELECT count(*) FROM declaration_version",
    "in HR's queue": "SELECT count(*) FROM declaration WHERE status IN ('submitted', 'in_review', 'info_requested')",
    "nil statements": "SELECT count(*) FROM declaration_nil_statement",
    "oath sessions": "SELECT count(*) FROM oath_session",
    "registrations": "SELECT count(*) FROM oath_registration",
    "oath records": "SELECT count(*) FROM oath_record",
    "audit events": "SELECT count(*) FROM audit_event",
    "audit days": "SELECT (max(created_at)::date - min(created_at)::date) FROM audit_event",
    "published policy versions": "SELECT count(*) FROM policy_version WHERE status = 'published'",
    "policy acknowledgements": "SELECT count(*) FROM policy_acknowledgement",
    "gifts": "SELECT count(*) FROM gift",
    "database size": "SELECT pg_size_pretty(pg_database_size(current_database()))",
}


def check(dsn: str) -> list[str]:
    """Consistency problems in the loaded data (empty when all is well)."""
    problems = []
    with psycopg.connect(dsn) as conn:
        for name, sql in CHECKS.items():
            count = conn.execute(sql).fetchone()[0]
            if count:
                problems.append(f"{name}: {count}")
    return problems


def facts(dsn: str) -> dict[str, object]:
    result: dict[str, object] = {}
    with psycopg.connect(dsn) as conn:
        for name, sql in FACTS.items():
            try:
                result[name] = conn.execute(sql).fetchone()[0]
            except psycopg.errors.UndefinedTable:
                conn.rollback()
    return result


def analyze(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def median_owner(dsn: str, candidates: list[int]) -> tuple[int, int]:
    """Among ``candidates``, the employee with the median number of declarations: (user id, count)."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT owner_id, count(*) FROM declaration WHERE owner_id = ANY(%s) GROUP BY owner_id "
            "ORDER BY count(*), owner_id",
            (candidates,),
        ).fetchall()
    return rows[len(rows) // 2]


def ldif(signing_in: list[Person]) -> str:
    """Directory entries (and role groups) for the employees who sign in during the benchmark."""
    out = io.StringIO()
    out.write(
        f"dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: Gemeente Voorbeeld\ndc: example\n\n"
        f"dn: ou=people,{BASE_DN}\nobjectClass: organizationalUnit\nou: people\n\n"
        f"dn: ou=groups,{BASE_DN}\nobjectClass: organizationalUnit\nou: groups\n\n"
    )
    for p in signing_in:
        out.write(f"dn: {p.dn}\nobjectClass: inetOrgPerson\n")
        for name, value in (
            ("cn", p.display_name), ("sn", p.surname), ("givenName", p.given_name), ("uid", p.username),
            ("ou", p.department), ("title", p.job_title), ("employeeType", p.employee_type),
            ("employeeNumber", p.employee_number), ("mail", p.email), ("userPassword", p.password),
        ):
            out.write(_ldif_line(name, value))
        out.write("\n")
    groups = {
        "integriteit-reviewers": [p for p in signing_in if p.is_reviewer],
        "portal-beheer": [p for p in signing_in if p.is_admin],
        "topfunctionarissen": [p for p in signing_in if p.is_top_official],
        "verhoogd-risico": [p for p in signing_in if p.is_high_risk],
    }
    for name, members in groups.items():
        if not members:  # groupOfNames needs a member
            continue
        out.write(f"dn: cn={name},ou=groups,{BASE_DN}\nobjectClass: groupOfNames\ncn: {name}\n")
        for member in members:
            out.write(f"member: {member.dn}\n")
        out.write("\n")
    return out.getvalue()


def _ldif_line(name: str, value: str) -> str:
    """``name: value``, or ``name:: base64`` for values that are not plain ASCII (RFC 2849)."""
    if value.isascii() and not value.startswith((" ", ":", "<")):
        return f"{name}: {value}\n"
    return f"{name}:: {base64.b64encode(value.encode('utf-8')).decode('ascii')}\n"
