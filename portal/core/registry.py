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


ChecklistProvider = Callable[["User"], Iterable[ChecklistItem]]

_nav_items: list[NavItem] = []
_checklist_providers: list[ChecklistProvider] = []


def register_nav_item(item: NavItem) -> None:
    if all(existing.endpoint != item.endpoint for existing in _nav_items):
        _nav_items.append(item)
        _nav_items.sort(key=lambda i: i.order)


def register_checklist_provider(provider: ChecklistProvider) -> None:
    if provider not in _checklist_providers:
        _checklist_providers.append(provider)


def nav_items_for(user: "User") -> list[NavItem]:
    return [item for item in _nav_items if item.visible(user)]


def checklist_for(user: "User") -> list[ChecklistItem]:
    """The onboarding checklist: every area's items for this user, in order."""
    items: list[ChecklistItem] = []
    for provider in _checklist_providers:
        items.extend(provider(user))
    return sorted(items, key=lambda i: i.order)


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
