"""Configuration read from ``PORTAL_*`` environment variables.

Every setting is declared once in ``SETTINGS`` with its default and a one-line
description; the README table is generated from the same list
(``flask portal config-table``), so the two cannot drift apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str) -> int:
    return int(value.strip())


def _float(value: str) -> float:
    return float(value.strip())


def _str(value: str) -> str:
    return value


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class Setting:
    key: str  #: config key without the PORTAL_ prefix
    default: Any
    parse: Callable[[str], Any]
    description: str


SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", "development", _str, "Exactly `development`, `production` or `testing`; anything else stops the portal. Production refuses unsafe settings."),
    Setting("SECRET_KEY", "", _str, "Signs sessions and CSRF tokens. Required in production: random, at least 32 characters and 128 bits of entropy (no repeated patterns)."),
    Setting("DATABASE_URL", "", _str, "SQLAlchemy URL. Empty: a SQLite file `instance/portal.sqlite3`. Production: `postgresql+psycopg://…`."),
    Setting("ORGANISATION_NAME", "Gemeente Voorbeeld", _str,
            "Name shown in the header, mails and certificates; filled in for `{organisatie}` in the oath and "
            "affirmation wording when someone takes it."),
    Setting("PRIVACY_OFFICER_CONTACT", "privacy@example.nl", _str, "How to reach the data protection officer (functionaris gegevensbescherming): an e-mail address, phone number or both, shown on the privacy page."),
    Setting("BASE_URL", "http://127.0.0.1:5000", _str, "Public address of the portal, used for links in mails."),
    Setting("DEBUG", False, _bool, "Flask debug mode. Never in production."),
    Setting("LOG_LEVEL", "INFO", _str, "Python log level."),
    Setting("LOG_FORMAT", "text", _str, "`text`, or `json` for one JSON object per line (use in production)."),
    Setting("MAX_CONTENT_LENGTH", 2 * 1024 * 1024, _int, "Largest request body in bytes."),
    Setting("SESSION_IDLE_MINUTES", 30, _int, "A session ends after this many minutes without a request."),
    Setting("SESSION_MAX_HOURS", 10, _int, "A session ends this many hours after sign-in, active or not."),
    Setting("LOGIN_RATE_LIMIT", "5 per minute;20 per hour", _str, "Failed sign-ins allowed per client address (and per account when `PORTAL_LDAP_LOCKOUT_THRESHOLD` is 0)."),
    Setting("RATELIMIT_STORAGE_URI", "memory://", _str, "Where rate-limit counters live; `redis://…` when several app servers run."),
    Setting("TRUSTED_PROXIES", 0, _int, "Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted."),
    # Directory
    Setting("LDAP_URL", "demo", _str, "`ldap://host:389`, `ldaps://host:636`, or `demo` (development only: built-in directory)."),
    Setting("LDAP_BIND_DN", "", _str, "Service account DN used to search; empty means anonymous search."),
    Setting("LDAP_BIND_PASSWORD", "", _str, "Service account password."),
    Setting("LDAP_USER_BASE", "ou=people,dc=example,dc=nl", _str, "Search base for user entries."),
    Setting("LDAP_USER_FILTER", "(objectClass=inetOrgPerson)", _str, "Filter every user entry must match; the nightly directory sync imports everyone it finds below the user base (leave out technical accounts here)."),
    Setting("LDAP_LOGIN_ATTRIBUTE", "uid", _str, "Attribute holding the username; `sAMAccountName` for Active Directory."),
    Setting("LDAP_GROUP_BASE", "ou=groups,dc=example,dc=nl", _str, "Search base for groups (nested groups are resolved below it)."),
    Setting("LDAP_START_TLS", False, _bool, "Upgrade an `ldap://` connection with StartTLS."),
    Setting("LDAP_CA_FILE", "", _str, "CA bundle that signs the directory's certificate; empty: the system store. Certificates are always verified."),
    Setting("LDAP_TIMEOUT", 5, _float, "Connect and receive timeout in seconds."),
    Setting("LDAP_ALLOW_PLAIN", False, _bool, "Allow `ldap://` without StartTLS in production (passwords then cross the network readable). Only on purpose."),
    Setting("LDAP_ID_ATTRIBUTE", "entryUUID", _str, "Attribute with the entry's stable id, which survives renames: `entryUUID` (OpenLDAP), `objectGUID` (Active Directory). Empty: people are known by their login name only."),
    Setting("LDAP_LOCKOUT_THRESHOLD", 5, _int, "The directory's account lockout threshold (wrong passwords before it locks an account). The portal stops at this minus 2 per account per lockout window, so it never locks anyone. 0: the directory does not lock; `PORTAL_LOGIN_RATE_LIMIT` applies per account."),
    Setting("LDAP_LOCKOUT_WINDOW_MINUTES", 30, _int, "The directory's lockout observation window (AD: \"reset account lockout counter after\") in minutes."),
    Setting("LOGIN_HELP_TEXT", "", _str, "Extra help shown, as typed, when the directory says the password must be changed or has expired, or the account is disabled or expired (e.g. `Servicedesk: 030 123 4567`)."),
    Setting("LOGIN_HELP_URL", "", _str, "Link shown with that help text (for example the self-service password page); empty: no link."),
    Setting("LDAP_RETRY_SECONDS", 15, _float, "After the directory failed to answer, sign-ins are refused at once for this many seconds, then one tries again; so a hanging directory cannot tie up every worker. 0: always try."),
    Setting("LDAP_GROUP_REVIEWERS", "cn=integriteit-reviewers,ou=groups,dc=example,dc=nl", _str, "Group whose (nested) members review declarations (HR)."),
    Setting("LDAP_GROUP_ADMINS", "cn=portal-beheer,ou=groups,dc=example,dc=nl", _str, "Group whose (nested) members administer the portal."),
    Setting("LDAP_GROUP_TOP_OFFICIALS", "cn=topfunctionarissen,ou=groups,dc=example,dc=nl", _str, "Group of top officials; their side activities are published."),
    Setting("LDAP_GROUP_INTEGRITY_OFFICERS", "cn=integriteitscoordinatoren,ou=groups,dc=example,dc=nl", _str, "Group whose (nested) members are integrity coordinators: the only people who see reports of suspected breaches (meldingen)."),
    Setting("LDAP_GROUP_CONFIDENTIAL_ADVISERS", "cn=vertrouwenspersonen-portaal,ou=groups,dc=example,dc=nl", _str, "Group whose (nested) members are confidential advisers; they log their contacts (no names) for the annual report."),
    Setting("LDAP_GROUP_HIGH_RISK", "cn=verhoogd-risico,ou=groups,dc=example,dc=nl", _str, "Group of high-risk functions; they must declare financial interests."),
    Setting("LDAP_ATTR_DISPLAY_NAME", "cn", _str, "Attribute with the display name (`displayName` on Active Directory)."),
    Setting("LDAP_ATTR_MAIL", "mail", _str, "Attribute with the e-mail address."),
    Setting("LDAP_ATTR_DEPARTMENT", "ou", _str, "Attribute with the department (`department` on Active Directory)."),
    Setting("LDAP_ATTR_JOB_TITLE", "title", _str, "Attribute with the job title."),
    Setting("LDAP_ATTR_EMPLOYEE_TYPE", "employeeType", _str, "Attribute with the employee type."),
    Setting("LDAP_ATTR_EMPLOYEE_NUMBER", "employeeNumber", _str, "Attribute with the employee number."),
    Setting("LDAP_ATTR_MANAGER", "manager", _str, "Attribute with the DN of the person's manager (`manager` on Active Directory and in inetOrgPerson). Managers give advice on side activities and decide on gifts of their own staff. Empty: the portal knows no managers."),
    Setting("DIRECTORY_SYNC_MAX_LEFT", 20, _int, "The nightly directory sync marks people without a directory entry as left, but stops (and logs an error) when more than this many would go at once: a wrong base or filter must not look like a mass departure. `flask portal sync-directory --force` overrides it."),
    Setting("LDAP_DEMO_LDIF", "", _str, "LDIF file for the demo directory; empty: the one shipped with the portal."),
    Setting("STATEMENT_EMPLOYEE_TYPES", ["stagiair", "inhuur", "extern"], _list, "Employee types (the directory's employee type, any case) that sign the integrity statement instead of taking the oath: people who are not ambtenaar (interns, hired and external staff). Holiday and on-call workers employed by the municipality are ambtenaar and take the oath (art. 7 Ambtenarenwet 2017); add `vakantiekracht,oproepkracht` only if yours are hired through an agency."),
    # Mail
    Setting("SMTP_HOST", "127.0.0.1", _str, "SMTP server."),
    Setting("SMTP_PORT", 25, _int, "SMTP port."),
    Setting("SMTP_USER", "", _str, "SMTP user; empty: no authentication."),
    Setting("SMTP_PASSWORD", "", _str, "SMTP password."),
    Setting("SMTP_STARTTLS", False, _bool, "Use STARTTLS (certificate verified)."),
    Setting("SMTP_TIMEOUT", 10, _float, "SMTP timeout in seconds."),
    Setting("MAIL_FROM", "integriteit@example.nl", _str, "Sender address of the portal's mails."),
    Setting("MAIL_MAX_ATTEMPTS", 8, _int, "Attempts before a message is marked failed."),
    Setting("DEV_MAIL", False, _bool, "Development only (`make run` sets it): the portal's mail goes to the local mail catcher (`flask portal dev-mail`) and administrators read it at `/admin/mail/dev-inbox`. Refused in production."),
    Setting("DEV_MAIL_DIR", "", _str, "Folder (Maildir) where the development mail catcher keeps the mail; empty: `instance/dev-mail`."),
    # Workflow
    Setting("REVIEW_TARGET_DAYS", 28, _int, "Target review time; older items are marked overdue."),
    Setting("REVIEW_SECOND_APPROVAL_TOP_OFFICIALS", True, _bool, "A second reviewer confirms every decision on a top official's declaration."),
    Setting("REVIEW_SECOND_APPROVAL_REFUSALS", True, _bool, "A second reviewer confirms every refusal."),
    Setting("CEREMONY_REMINDER_DAYS", 3, _int, "Days before a ceremony that registrants get a reminder."),
    # Reports of suspected breaches (meldingen) and the annual report
    Setting("CONCERN_CATEGORIES", ["financieel", "belangenverstrengeling", "informatie", "bevoegdheden", "omgangsvormen", "privesfeer", "nevenwerkzaamheden", "overig"], _list, "Categories of a report (after the national guideline on reporting integrity breaches); known codes are translated, another code is shown as typed."),
    Setting("CONCERN_MEASURES", ["geen", "gesprek", "schriftelijke-waarschuwing", "disciplinaire-maatregel", "ontslag", "aangifte"], _list, "Measures after a report; `ontslag` (disciplinary dismissal) is counted separately in the annual report."),
    Setting("CONCERN_ATTACHMENT_MAX_BYTES", 1_500_000, _int, "Largest attachment to a report, in bytes (PDF, PNG, JPEG or plain text; checked by content). Must stay below PORTAL_MAX_CONTENT_LENGTH."),
    Setting("CONCERN_RECEIPT_DAYS", 7, _int, "Days within which the receipt of a report is confirmed (Wet bescherming klokkenluiders: 7)."),
    Setting("CONCERN_ASSESSMENT_MONTHS", 3, _int, "Months within which the reporter hears the assessment (Wet bescherming klokkenluiders: 3)."),
    # Gifts and invitations (art. 8 lid 1 sub e Ambtenarenwet 2017)
    Setting("GIFT_THRESHOLD", 50, _int, "Gifts up to this amount in euros may be kept and are only reported (the code of conduct's consent beforehand); above it, the manager or HR decides. The value bands on the form follow it: up to it, up to five times it, more."),
    Setting("GIFT_CATEGORIES", ["geschenk", "uitnodiging", "reis", "maaltijd", "geld", "overig"], _list, "Kinds of gift an employee can report; known codes are translated, another code is shown as typed. The annual report counts by them."),
    Setting("GIFT_ASK_FIRST_CATEGORIES", ["uitnodiging", "reis", "maaltijd", "geld"], _list, "Kinds that are discussed beforehand whatever their value (invitations, trips, meals; money, gift cards and securities, which the code of conduct never allows): accepted without asking, they need the manager's or HR's consent afterwards."),
    Setting("REPORT_MIN_CELL", 0, _int, "Annual report: counts of reports, investigations and advisers' contacts below this number are shown as `<N` (0: every count shown, as the seed reports publish them). Breakdowns by department always hide counts below 5."),
    # Retention (AVG): how long personal data is kept
    Setting("RETENTION_AFTER_LEAVING_DAYS", 730, _int, "This many days after `left_at` (default 2 years) a leaver is anonymised: name, contact details and every free text go, registrations, acknowledgements and questions are deleted; only what the annual report counts stays (kind, status, dates, department)."),
    Setting("RETENTION_AUDIT_DAYS", 730, _int, "Audit entries are deleted after this many days (default 2 years: long enough to look into a question or complaint about who saw what; decisions themselves stay with the declaration)."),
    Setting("RETENTION_CONCERN_DAYS", 1826, _int, "Closed reports, their notes and files, and advisers' contact lines are deleted this many days after closing (default 5 years; see the README on the Archiefwet and the AVG). Frozen annual figures stay."),
    Setting("RETENTION_MAIL_DAYS", 90, _int, "Sent mails are deleted from the outbox after this many days."),
    Setting("EXPORT_DIR", "", _str, "Directory for exports made by a job (the register as XLSX, the audit trail as CSV); empty: `instance/exports`. Shared by every app server and the worker when there are several."),
    Setting("EXPORT_RETENTION_HOURS", 24, _int, "An export made by a job can be downloaded for this many hours, then its file is deleted."),
    Setting("TIMEZONE", "Europe/Amsterdam", _str, "Time zone in which times are shown."),
)

_PREFIX = "PORTAL_"


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the configuration from ``environ`` (default ``os.environ``)."""
    environ = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(_PREFIX + setting.key)
        if raw is None or raw == "":
            value = setting.default
        else:
            try:
                value = setting.parse(raw)
            except ValueError as exc:
                raise ConfigError(f"{_PREFIX}{setting.key}: cannot read {raw!r} ({exc})") from exc
        config[setting.key] = value
    return config


class ConfigError(RuntimeError):
    """The configuration is unsafe or unreadable; the message says why in one line."""


WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development", "test"}
ENVIRONMENTS = ("development", "production", "testing")
#: bits a production secret must carry, judged by its characters and by how well it compresses
MIN_SECRET_BITS = 128


def secret_bits(secret: str) -> float:
    """A cautious estimate of a secret's entropy in bits.

    The smaller of: its length times the log of its alphabet (the character classes it uses,
    at most four times the distinct characters), and its
    length after compression times 8 minus the compressor's overhead, so that repeated
    patterns (``0123456789`` four times) and small alphabets count for what they are.
    """
    import math
    import zlib

    if not secret:
        return 0.0
    classes = (str.isdigit, str.islower, str.isupper)
    alphabet = sum(size for test, size in zip(classes, (10, 26, 26)) if any(test(c) for c in secret))
    alphabet += 33 if any(not any(test(c) for test in classes) for c in secret) else 0
    by_alphabet = len(secret) * math.log2(min(alphabet, len(set(secret)) * 4) or 1)
    raw = secret.encode("utf-8")
    empty = len(zlib.compress(b"", 9))
    by_compression = max(len(zlib.compress(raw, 9)) - empty - 2, 0) * 8
    return min(by_alphabet, by_compression)


def check_environment(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> None:
    """Raise ConfigError unless PORTAL_ENV is one of the known environments, spelt exactly."""
    env = config.get("ENV")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV is {env!r}: use exactly one of {', '.join(ENVIRONMENTS)}.")


def check_production(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> None:
    """Raise ConfigError when the environment is unknown or a production configuration is unsafe."""
    environ = os.environ if environ is None else environ
    check_environment(config)
    if config.get("ENV") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret.lower() in WEAK_SECRETS or len(secret) < 32 or secret_bits(secret) < MIN_SECRET_BITS:
        raise ConfigError("PORTAL_SECRET_KEY is missing or weak: use at least 32 random characters "
                          f"({MIN_SECRET_BITS} bits, no repeated patterns) in production.")
    if config.get("DEBUG"):
        raise ConfigError("PORTAL_DEBUG is on: debug mode is not allowed in production.")
    if _bool(environ.get("FLASK_DEBUG", "")):
        raise ConfigError("FLASK_DEBUG is set: debug mode is not allowed in production.")
    url = (config.get("LDAP_URL") or "").strip().lower()
    if url == "demo":
        raise ConfigError("PORTAL_LDAP_URL is 'demo': the demo directory is not allowed in production.")
    if url.startswith("ldap://") and not config.get("LDAP_START_TLS") and not config.get("LDAP_ALLOW_PLAIN"):
        raise ConfigError("PORTAL_LDAP_URL is plain ldap:// without StartTLS: use ldaps://, set "
                          "PORTAL_LDAP_START_TLS=1, or PORTAL_LDAP_ALLOW_PLAIN=1 on purpose.")
    if config.get("DEV_MAIL"):
        raise ConfigError("PORTAL_DEV_MAIL is on: the development mail catcher is not allowed in production "
                          "(mail would never reach anyone).")
    if not config.get("DATABASE_URL"):
        raise ConfigError("PORTAL_DATABASE_URL is empty: production needs a PostgreSQL database URL.")


def readme_table() -> str:
    """Markdown table of every setting, for the README."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = ",".join(s.default) if isinstance(s.default, list) else s.default
        default = "" if default in ("", None) else f"`{default}`"
        rows.append(f"| `{_PREFIX}{s.key}` | {default} | {s.description} |")
    return "\n".join(rows)
