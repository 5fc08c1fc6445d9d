"""Places that every area contributes to: navigation and the dashboard checklist.

Each area registers its entries when its blueprint is set up, so the shared
templates never need to know which areas exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    from portal.auth.models import User


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Callable[[], str]  #: lazily translated label
    order: int = 50
    #: who sees it; receives the current user
    visible: Callable[["User"], bool] = lambda user: True


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    is_done: bool
    endpoint: str
    endpoint_args: dict = field(default_factory=dict)
    detail: str = ""  #: short state text, e.g. "Ondertekend op 3 maart 2026"
    order: int = 50


@dataclass(frozen=True)
class ChecklistSource:
    """An area's part of the dashboard checklist: what to read, and the items made from it.

    ``query()`` gives a SELECT of at most one row, which may use the parameters ``:user_id`` and
    ``:today`` (the person's local date); ``items(user, row)`` makes the area's items from that row
    (every column None when the query gave no row) and may ask more only when the row says there is
    more (e.g. a count above one). The dashboard reads every area's row in one statement.
    """

    query: Callable[[], Any]
    items: Callable[["User", Any], Iterable[ChecklistItem]]

    def items_for(self, user: "User") -> list[ChecklistItem]:
        """This area's items alone, with a statement of its own."""
        from portal.extensions import db

        statement = self.query()
        row = db.session.execute(statement, _checklist_parameters(user)).first()
        columns = _Columns(row._mapping) if row is not None else _Columns.fromkeys(
            column.name for column in statement.selected_columns)
        return list(self.items(user, columns))


class _Columns(dict):
    """One source's columns of the checklist row, read as attributes (``row.count``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


_nav_items: list[NavItem] = []
_checklist_sources: list[ChecklistSource] = []
_checklist_statement: list = []  #: the dashboard's one statement, built once after the sources are known


def register_nav_item(item: NavItem) -> None:
    if all(existing.endpoint != item.endpoint for existing in _nav_items):
        _nav_items.append(item)
        _nav_items.sort(key=lambda i: i.order)


def register_checklist_source(source: ChecklistSource) -> None:
    if source not in _checklist_sources:
        _checklist_sources.append(source)
        _checklist_statement.clear()


def nav_items_for(user: "User") -> list[NavItem]:
    return [item for item in _nav_items if item.visible(user)]


def checklist_for(user: "User") -> list[ChecklistItem]:
    """The onboarding checklist: every area's items for this user, in order, read in one statement."""
    from portal.extensions import db

    if not _checklist_statement:
        _checklist_statement.append(_build_checklist_statement(_checklist_sources))
    statement, names = _checklist_statement[0]
    row = db.session.execute(statement, _checklist_parameters(user)).one()
    items: list[ChecklistItem] = []
    for source, columns in zip(_checklist_sources, names):
        items.extend(source.items(user, _Columns({name: row._mapping[label] for name, label in columns})))
    return sorted(items, key=lambda i: i.order)


def _checklist_parameters(user: "User") -> dict:
    from portal.core.time import today_local

    return {"user_id": user.id, "today": today_local()}


def _build_checklist_statement(sources: list[ChecklistSource]):
    """Every source's row side by side: each query a subquery outer-joined to one row, so a source
    without a row gives None in its columns and never takes the others' away."""
    from sqlalchemy import literal, select, true

    joined = select(literal(1).label("one")).subquery("checklist")
    columns, names = [], []
    for number, source in enumerate(sources):
        part = source.query().limit(1).subquery(f"checklist_{number}")
        joined = joined.outerjoin(part, true())
        labels = [(column.name, f"c{number}_{column.name}") for column in part.c]
        columns.extend(part.c[name].label(label) for name, label in labels)
        names.append(labels)
    return select(*columns).select_from(joined), names


#: a fact about the signed-in person that the layout needs on every page (e.g. "is asked for
#: advice"), given as a SQL expression over the ``User`` entity; loaded in the same query as
#: the session (``portal.auth.services.load_user``) instead of a query of its own per page
UserFact = Callable[[Any], Any]
_user_facts: dict[str, UserFact] = {}


def register_user_fact(name: str, expression: UserFact) -> None:
    _user_facts.setdefault(name, expression)


def user_facts() -> dict[str, UserFact]:
    return dict(_user_facts)


def user_fact(user: "User", name: str, compute: Callable[[], Any]) -> Any:
    """The fact ``name`` as loaded with the session, or ``compute()`` for a person loaded otherwise."""
    facts = getattr(user, "session_facts", None)
    if facts is not None and name in facts:
        return facts[name]
    return compute()


DemoLoader = Callable[[], None]
_demo_loaders: list[tuple[int, DemoLoader]] = []
_content_loaders: list[tuple[int, DemoLoader]] = []


def register_content_loader(loader: DemoLoader, order: int = 50) -> None:
    """Areas add starter content for ``flask portal load-content`` (production: no people); loaders must be idempotent."""
    if all(existing is not loader for _, existing in _content_loaders):
        _content_loaders.append((order, loader))
        _content_loaders.sort(key=lambda pair: pair[0])


def content_loaders() -> list[DemoLoader]:
    return [loader for _, loader in _content_loaders]


def register_demo_loader(loader: DemoLoader, order: int = 50) -> None:
    """Areas add demo content for ``flask portal seed-demo``; loaders must be idempotent."""
    if all(existing is not loader for _, existing in _demo_loaders):
        _demo_loaders.append((order, loader))
        _demo_loaders.sort(key=lambda pair: pair[0])


def demo_loaders() -> list[DemoLoader]:
    return [loader for _, loader in _demo_loaders]


PersonalDataProvider = Callable[["User"], dict]
_personal_data_providers: list[tuple[str, PersonalDataProvider]] = []


def register_personal_data_provider(section: str, provider: PersonalDataProvider) -> None:
    """Areas add what they hold about a person to the "my data" export (AVG right of access).

    ``provider(user)`` returns a JSON-serialisable dict for ``section``.
    """
    if all(name != section for name, _ in _personal_data_providers):
        _personal_data_providers.append((section, provider))


def personal_data_for(user: "User") -> dict[str, dict]:
    return {section: provider(user) for section, provider in _personal_data_providers}
