"""Audit events as Dutch sentences, each with an optional link: the one place that turns an event's codes
(action, object, details, actor, subject) into something a person reads.

Each area registers the sentences of its own actions (``register_audit_sentences``) and, for the objects
it owns, a resolver that names them and links to them for one viewer (``register_audit_object``); so this
module imports no area. A resolver only names or links what the viewer may already see (a declaration's
title only for its owner and HR, a concern only for integrity coordinators). An action without a
sentence (an old event) gets a plain generic one, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional

from flask import Flask
from markupsafe import Markup, escape

from portal.core.i18n import gettext as _

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.core.models import AuditEvent


@dataclass(frozen=True)
class AuditObject:
    """How a sentence names an object (with its article: "de nevenwerkzaamheid „Penningmeester”"),
    and the page it leads to; ``url`` is None when the viewer may not open one."""

    name: str
    url: Optional[str] = None


@dataclass(frozen=True)
class Sentence:
    """A translated sentence with ``%(name)s`` places; an AuditObject value becomes a link in HTML."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def html(self, here: Optional[str] = None) -> Markup:
        """The sentence as HTML; an object becomes a link, except to ``here`` (the page it is shown on)."""
        values = {key: _link(value, here) if isinstance(value, AuditObject) else str(value)
                  for key, value in self._capitalised().items()}
        template = escape(self.template)  # the translated sentence is text too; % escapes every plain value
        return template % values if values else template

    def text(self) -> str:
        values = {key: value.name if isinstance(value, AuditObject) else str(value)
                  for key, value in self._capitalised().items()}
        return self.template % values if values else self.template

    def _capitalised(self) -> dict[str, Any]:
        """The values, the one that opens the sentence with a capital ("het jaarverslag …" -> "Het …")."""
        values = dict(self.values)
        for key, value in values.items():
            if self.template.startswith(f"%({key})s"):
                if isinstance(value, AuditObject):
                    values[key] = AuditObject(_upper_first(value.name), value.url)
                else:
                    values[key] = _upper_first(str(value))
        return values

    @property
    def url(self) -> Optional[str]:
        """The first link of the sentence, if any (what it is about)."""
        return next((v.url for v in self.values.values() if isinstance(v, AuditObject) and v.url), None)

    def __str__(self) -> str:
        return self.text()


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _link(obj: AuditObject, here: Optional[str] = None) -> Markup:
    if not obj.url or obj.url == here:
        return escape(obj.name)
    # a literal of ours; format() escapes the url and the name
    return Markup('<a class="utrecht-link" href="{}">{}</a>').format(obj.url, obj.name)  # nosec B704


@dataclass(frozen=True)
class EventFacts:
    """What a sentence may use of one event, already resolved for the viewer."""

    action: str
    details: Mapping[str, Any]
    object_type: Optional[str]
    object_id: Optional[int]
    #: the display names of the actor and of the person the event is about (None: none recorded)
    actor_name: Optional[str]
    subject_name: Optional[str]
    #: the object as this viewer may see it (None: no resolver, or the object is gone)
    object: Optional[AuditObject]
    viewer: Any = None
    #: objects that the details name by id (``register_audit_references``), resolved like ``object``
    refs: Mapping[str, AuditObject] = field(default_factory=dict)

    @property
    def actor(self) -> str:
        return self.actor_name or _("Iemand")

    @property
    def subject(self) -> str:
        return self.subject_name or _("iemand")

    def detail(self, key: str, default: Any = "") -> Any:
        value = self.details.get(key) if isinstance(self.details, Mapping) else None
        return default if value is None else value

    def thing(self, fallback: str) -> AuditObject:
        """The object, or ``fallback`` (already translated) when it cannot be named."""
        return self.object or AuditObject(fallback)

    def ref(self, key: str, fallback: str) -> AuditObject:
        """The object whose id the details keep under ``key``, or ``fallback`` (already translated)."""
        return self.refs.get(key) or AuditObject(fallback)

    def say(self, template: Any, **values: Any) -> Sentence:
        """The sentence ``template`` (translated now) with actor, subject and ``values`` filled in."""
        text = str(template)
        known = {"actor": self.actor, "subject": self.subject}
        known.update(values)
        return Sentence(text, {key: value for key, value in known.items() if f"%({key})" in text})

    def by(self, with_actor: Any, without_actor: Any, **values: Any) -> Sentence:
        """One sentence when someone did it, another (passive) when the portal did it by itself."""
        return self.say(with_actor if self.actor_name else without_actor, **values)


SentenceMaker = Callable[[EventFacts], Sentence]
#: ``resolve(ids, viewer)`` -> {id: AuditObject} for the objects of one type, in one or two queries
ObjectResolver = Callable[[set[int], Any], Mapping[int, AuditObject]]

_sentences: dict[str, SentenceMaker] = {}
_resolvers: dict[str, ObjectResolver] = {}
#: makers for every action that starts with a prefix (``"oath.mark_*"``)
_prefix_makers: dict[str, SentenceMaker] = {}
#: per action: which detail keys hold the id of which object type
_references: dict[str, dict[str, str]] = {}


def register_audit_sentences(makers: Mapping[str, SentenceMaker]) -> None:
    """An area's sentences, by action. A key ending in ``*`` covers every action that starts with it."""
    for action, maker in makers.items():
        if action.endswith("*"):
            _prefix_makers[action[:-1]] = maker
        else:
            _sentences[action] = maker


def register_audit_object(object_type: str, resolver: ObjectResolver) -> None:
    """How an area names and links the objects of ``object_type`` (``AuditEvent.object_type``)."""
    _resolvers[object_type] = resolver


def register_audit_references(references: Mapping[str, Mapping[str, str]]) -> None:
    """Per action, the detail keys that hold an object's id, and its type.

    ``{"declaration.assign": {"to": "user"}}``: the assignee is a person, named like the object is.
    """
    for action, keys in references.items():
        _references[action] = dict(keys)


def has_sentence(action: str) -> bool:
    return action in _sentences or any(action.startswith(prefix) for prefix in _prefix_makers)


def _maker_for(action: str) -> Optional[SentenceMaker]:
    if action in _sentences:
        return _sentences[action]
    for prefix, maker in _prefix_makers.items():
        if action.startswith(prefix):
            return maker
    return None


def generic_sentence(facts: EventFacts) -> Sentence:
    """An action the portal no longer knows (old data): its code, and who did it."""
    return facts.by(_("%(actor)s heeft de handeling „%(action)s” gedaan."),
                    _("De handeling „%(action)s” is vastgelegd."), action=facts.action)


def label_of(enum_cls: Any, value: Any, labels: Optional[Mapping] = None) -> str:
    """The Dutch label of a code that an event's details keep as text: the enum's ``label`` where it has
    one, else the label dict's; the code itself for a value that is no longer known."""
    if value is None or value == "":
        return ""
    try:
        member = enum_cls(value)
    except (ValueError, TypeError):
        return str(value)
    label = getattr(member, "label", None)
    if label is None and labels is not None:
        label = labels.get(member)
    return str(label) if label is not None else str(value)


@dataclass(frozen=True)
class DescribedEvent:
    sentence: Sentence
    #: the path of the page that shows it: a link to that same page is left out
    here: Optional[str] = None

    @cached_property
    def html(self) -> Markup:  # kept: a trail shows one described event on many rows (audit_lines)
        return self.sentence.html(self.here)

    @property
    def text(self) -> str:
        return self.sentence.text()

    @property
    def url(self) -> Optional[str]:
        return self.sentence.url


def describe_events(events: Iterable[tuple["AuditEvent", Optional[str], Optional[str]]],
                    viewer: Any = None) -> list[DescribedEvent]:
    """Sentences for (event, actor's name, subject's name) triples; one resolver call per object type.

    ``viewer`` None (an export file) names objects without anything the file should not carry.
    """
    events = list(events)
    wanted: dict[str, set[int]] = {}
    for event, _actor, _subject in events:
        for object_type, object_id in _objects_of(event):
            wanted.setdefault(object_type, set()).add(object_id)
    resolved = {object_type: _resolvers[object_type](ids, viewer) for object_type, ids in wanted.items()}

    def found(object_type: Optional[str], object_id: Any) -> Optional[AuditObject]:
        return resolved.get(object_type or "", {}).get(object_id)

    described = []
    for event, actor, subject in events:
        details = event.details if isinstance(event.details, Mapping) else {}
        refs = {key: obj for key, object_type in _references.get(event.action, {}).items()
                if (obj := found(object_type, details.get(key))) is not None}
        described.append(DescribedEvent(describe_one(event, actor, subject, found(event.object_type, event.object_id),
                                                     viewer, refs)))
    return described


def _objects_of(event: "AuditEvent") -> Iterable[tuple[str, int]]:
    """(type, id) of the event's object and of the objects its details name, where a resolver knows them."""
    if event.object_type in _resolvers and isinstance(event.object_id, int):
        yield event.object_type, event.object_id
    details = event.details if isinstance(event.details, Mapping) else {}
    for key, object_type in _references.get(event.action, {}).items():
        value = details.get(key)
        if object_type in _resolvers and isinstance(value, int) and not isinstance(value, bool):
            yield object_type, value


def describe_one(event: "AuditEvent", actor_name: Optional[str], subject_name: Optional[str],
                 obj: Optional[AuditObject], viewer: Any = None,
                 refs: Optional[Mapping[str, AuditObject]] = None) -> Sentence:
    """One event's sentence; a maker that fails on odd details falls back to the generic sentence."""
    facts = EventFacts(action=event.action, details=event.details if isinstance(event.details, Mapping) else {},
                       object_type=event.object_type, object_id=event.object_id, actor_name=actor_name,
                       subject_name=subject_name, object=obj, viewer=viewer, refs=refs or {})
    maker = _maker_for(event.action)
    if maker is not None:
        try:
            return maker(facts)
        except (KeyError, ValueError, TypeError, AttributeError):
            pass  # details of an older shape: still readable, just less precise
    return generic_sentence(facts)


def audit_lines(rows: Iterable[Any], viewer: Any = None) -> list[tuple[Any, DescribedEvent]]:
    """(row, described) for the rows of a trail page (``row.event``, ``row.actor``, ``row.subject``),
    for ``viewer`` (default: the signed-in person; a Jinja global)."""
    from flask import has_request_context, request
    from flask_login import current_user

    rows = list(rows)
    named = [(row.event, _name(row.actor), _name(row.subject)) for row in rows]
    # A sentence depends only on what happened, to what and by whom (describe_one's EventFacts), and a
    # trail repeats the same event over and over (every view of a declaration is one): each distinct
    # event is described once.
    keys = [(event.action, event.object_type, event.object_id, repr(event.details), actor, subject)
            for event, actor, subject in named]
    firsts: dict[tuple, tuple] = {}
    for key, event in zip(keys, named):
        firsts.setdefault(key, event)
    described = describe_events(firsts.values(), viewer=viewer if viewer is not None else current_user)
    here = request.path if has_request_context() else None
    by_key = {key: replace(line, here=here) for key, line in zip(firsts, described)}
    return [(row, by_key[key]) for row, key in zip(rows, keys)]


def _name(user: Optional["User"]) -> Optional[str]:
    return getattr(user, "display_name", None) or getattr(user, "username", None) if user is not None else None


def init_app(app: Flask) -> None:
    app.jinja_env.globals["audit_lines"] = audit_lines


def register_audit_texts(sentences: Mapping[str, SentenceMaker], *,
                         objects: Optional[Mapping[str, ObjectResolver]] = None,
                         references: Optional[Mapping[str, Mapping[str, str]]] = None) -> None:
    """An area's part of the trail in one call (from its ``init_app``): sentences, objects, references."""
    register_audit_sentences(sentences)
    for object_type, resolver in (objects or {}).items():
        register_audit_object(object_type, resolver)
    register_audit_references(references or {})
