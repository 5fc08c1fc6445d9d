"""Translations looked up once per request instead of once per string.

Flask-Babel finds the catalogue for every ``gettext`` call (request context, locale selector,
cache key, all through context-local proxies): about 12 µs a string, so a page with a hundred
strings spent more than a millisecond on lookups alone. This domain keeps the catalogue on the
request's Babel context for as long as the locale object stays the same. ``force_locale``
(mails in the recipient's language) puts another locale object there, so the next string
looks the catalogue up again.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

import re
import weakref
from contextvars import ContextVar

from babel import dates as babel_dates
from babel import support
from flask import Flask, Request
from flask.globals import _cv_app
from flask.templating import Environment as FlaskEnvironment
from flask_babel import Domain, get_domain, get_locale
from flask_babel import format_datetime as flask_format_datetime
from flask_babel.speaklater import LazyString
from jinja2 import nodes, pass_context
from jinja2.utils import internalcode
from jinja2.visitor import NodeTransformer
from markupsafe import Markup
from werkzeug.utils import cached_property
from wtforms.i18n import messages_path

from portal.core.templating import PortalContext, PortalTemplate
from portal.core.time import to_local


def _babel_context():
    """Flask-Babel's per-request namespace, read without the ``g`` proxy (or None)."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    return app_context.g.__dict__.get("_flask_babel")


class RequestCachedDomain(Domain):
    def get_translations(self):
        ctx = _babel_context()
        if ctx is not None:
            cached = ctx.__dict__.get("portal_translations")
            if cached is not None and cached[0] is ctx.__dict__.get("babel_locale"):
                return cached[1]
        translations = super().get_translations()  # selects the locale and fills the context
        ctx = _babel_context()
        if ctx is not None:
            ctx.portal_translations = (ctx.__dict__.get("babel_locale"), translations)
        return translations


#: the domain ``init_app`` installed (every app has the same catalogues), for ``gettext`` below
_domain: RequestCachedDomain | None = None


def gettext(string: str, **variables) -> str:
    """Flask-Babel's ``gettext`` without finding its domain again on every call.

    Flask-Babel's own looks up the request context, the Babel extension and the domain through
    context-local proxies for each text (about 4 µs); a form's labels, choices and messages are
    dozens of texts per page. Same answers: the request's catalogue, ``%(name)s`` filled in.
    """
    domain = _domain if _domain is not None else get_domain()
    value = domain.get_translations().ugettext(string)
    return value % variables if variables else value


def lazy_gettext(string: str, **variables) -> LazyString:
    """A text translated when it is shown, in the reader's language (labels, choices, messages)."""
    return LazyString(gettext, string, **variables)


def _template_gettext(domain: RequestCachedDomain):
    """``_()`` for templates, with Jinja's new-style semantics (escaped, ``%(name)s`` formatting)."""

    @pass_context
    def gettext(context, string, **variables):
        value = domain.get_translations().ugettext(string)
        if context.eval_ctx.autoescape:
            # As Jinja's own gettext: the catalogue's text is ours; the variables that
            # ``%`` fills in are escaped by Markup.
            value = Markup(value)  # nosec B704
        # Jinja always formats; without a "%" formatting changes nothing, so skip it.
        return value % variables if "%" in value else value

    return gettext


#: the language a template is being compiled for (set while ``PortalEnvironment`` loads one)
_compiling_language: ContextVar[str | None] = ContextVar("portal_compiling_language", default=None)

#: the names under which templates call gettext with one literal and no variables
_GETTEXT_NAMES = frozenset({"_", "gettext"})


def template_language() -> str:
    """The language templates are rendered in now: the request's, or the one ``force_locale`` set."""
    ctx = _babel_context()  # the locale the request (or force_locale) selected, without the g proxy
    locale = ctx.__dict__.get("babel_locale") if ctx is not None else None
    if locale is not None:
        return str(locale)
    try:
        return str(get_locale() or "nl")
    except RuntimeError:  # no application context: nothing is translated
        return "nl"


class _FoldTranslations(NodeTransformer):
    """Replaces ``_("literal")`` (no variables) by its translation, marked safe as the runtime call would be."""

    def __init__(self, translate) -> None:
        self.translate = translate

    def visit_Call(self, node: nodes.Call):  # noqa: N802 - Jinja's visitor naming
        node = self.generic_visit(node)
        target = node.node
        if not (isinstance(target, nodes.Name) and target.name in _GETTEXT_NAMES and target.ctx == "load"):
            return node
        if node.kwargs or node.dyn_args or node.dyn_kwargs or len(node.args) != 1:
            return node
        (argument,) = node.args
        if not (isinstance(argument, nodes.Const) and isinstance(argument.value, str)):
            return node
        text = self.translate(argument.value)
        if "%" in text:  # as the runtime call: formatted with no variables ("%%" becomes "%")
            try:
                text = text % {}
            except (TypeError, ValueError, KeyError):
                return node
        return nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=node.lineno), lineno=node.lineno)


def _fold_translations(tree: nodes.Template, translate) -> nodes.Template:
    """The template with its fixed texts translated (see ``PortalEnvironment``).

    A template that assigns ``_`` itself (``{% set _ = ... %}``) is left alone: there the name
    is not gettext everywhere.
    """
    if any(name.name in _GETTEXT_NAMES for name in tree.find_all(nodes.Name) if name.ctx != "load"):
        return tree
    return _FoldTranslations(translate).visit(tree)


class PortalEnvironment(FlaskEnvironment):
    """Flask's template environment, with each template compiled once per language.

    A page has dozens of fixed texts (``_("Afmelden")``); looking each up at every render was a
    third of the layout's cost. Compiled for one language, those texts are constants in the
    template's code; texts with variables (``_("%(n)s dagen", n=...)``) are still translated
    at render time. Templates are cached per (name, language); ``force_locale`` (a mail in the
    recipient's language) renders the recipient's compiled template.
    """

    template_class = PortalTemplate
    context_class = PortalContext

    def __init__(self, app: Flask, **options) -> None:
        options.setdefault("cache_size", 2000)  # every template in two languages, never evicted
        super().__init__(app, **options)
        self._translate = None

    @internalcode
    def _load_template(self, name, globals):
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        language = template_language()
        cache_key = (weakref.ref(self.loader), name, language)
        if self.cache is not None:
            template = self.cache.get(cache_key)
            if template is not None and (not self.auto_reload or template.is_up_to_date):
                if globals:
                    template.globals.update(globals)
                return template
        token = _compiling_language.set(language)
        try:
            template = self.loader.load(self, name, self.make_globals(globals))
        finally:
            _compiling_language.reset(token)
        if self.cache is not None:
            self.cache[cache_key] = template
        return template

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        if _compiling_language.get() is not None and self._translate is not None:
            tree = _fold_translations(tree, self._translate)
        return tree


def init_app(app: Flask) -> None:
    app.request_class = PortalRequest
    babel_config = app.extensions["babel"]
    global _domain
    domain = _domain = RequestCachedDomain(domain=babel_config.default_domain)
    # Flask-Babel builds its default domain lazily (a cached property); ours takes its place,
    # for Python code (gettext, lazy_gettext) and for the templates alike.
    babel_config.instance.domain_instance = domain
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    fast_gettext = _template_gettext(domain)
    app.jinja_env.globals.update(gettext=fast_gettext, _=fast_gettext)
    if isinstance(app.jinja_env, PortalEnvironment):
        # Compiling happens while rendering, in the language the catalogue is selected for.
        app.jinja_env._translate = lambda s: domain.get_translations().ugettext(s)


#: WTForms' msgid → the portal's own text for it (``portal.core.forms.WTFORMS_MESSAGES``, see ``use_wtforms_messages``)
_wtforms_messages: dict[str, object] = {}


def use_wtforms_messages(messages: dict[str, object]) -> None:
    """Show the portal's texts instead of WTForms' generic messages ("Ongeldig getal.") on every form."""
    _wtforms_messages.update(messages)


class WTFormsCatalogue:
    """WTForms' catalogue for one language, with the portal's texts for its generic messages.

    Flask-WTF asks the request for it (``PortalRequest.wtforms_translations``) whenever a field
    or validator has no message of its own; the portal's texts are translated when asked.
    """

    def __init__(self, catalogue: support.Translations):
        self.catalogue = catalogue

    def ugettext(self, string: str) -> str:
        text = _wtforms_messages.get(string)
        return self.catalogue.ugettext(string) if text is None else str(text)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        text = _wtforms_messages.get(singular)
        return self.catalogue.ungettext(singular, plural, n) if text is None else str(text)

    gettext, ngettext = ugettext, ungettext


@lru_cache(maxsize=None)
def _wtforms_catalogue(locale: str) -> WTFormsCatalogue:
    return WTFormsCatalogue(support.Translations.load(messages_path(), [locale], domain="wtforms"))


class PortalRequest(Request):
    """The request, with WTForms' own messages ("Not a valid choice") read once per process.

    Flask-WTF keeps that catalogue on the request (``request.wtforms_translations``) and loads
    and parses the file again for every request that builds a form: about 0.3 ms each time.
    """

    @cached_property
    def wtforms_translations(self) -> WTFormsCatalogue:
        return _wtforms_catalogue(template_language())


@lru_cache(maxsize=4096)
def _format_day(day: date, pattern: str, locale: str) -> str:
    return babel_dates.format_date(day, pattern, locale=locale)


def format_day(value, pattern: str = "d MMMM yyyy") -> str:
    """A date, or the local date of a datetime, in the reader's language (the ``date`` filter).

    Lists show the same few hundred days over and over; formatting one costs Babel tens of
    microseconds, so the text per day, pattern and language is kept.
    """
    if not value:
        return ""
    day = to_local(value).date() if isinstance(value, datetime) else value
    return _format_day(day, pattern, template_language())


#: "d MMMM yyyy, HH:mm" → ("d MMMM yyyy", ", ", "HH:mm"): a date part and a time of day
_MOMENT_PATTERN = re.compile(r"^(?P<date>.*?)(?P<sep>,? )?(?P<time>HH:mm(?::ss)?)?$")


@lru_cache(maxsize=64)
def _split_moment_pattern(pattern: str) -> tuple[str, str, str] | None:
    match = _MOMENT_PATTERN.match(pattern)
    if match is None or not (match["date"] or match["time"]) or any(ch in (match["date"] or "") for ch in "HhKkmsaz"):
        return None
    return match["date"] or "", match["sep"] or "", match["time"] or ""


def format_moment(value, pattern: str = "d MMMM yyyy, HH:mm") -> str:
    """A moment in the portal's time zone, in the reader's language (the ``datetime`` filter).

    Babel takes about 25 µs for one; a list shows dozens. The date part is kept per day (as
    ``format_day``), the time of day is two numbers. Patterns with other time fields go to Babel.
    """
    if not value:
        return ""
    parts = _split_moment_pattern(pattern)
    if parts is None:
        return flask_format_datetime(value, pattern)
    date_pattern, separator, time_pattern = parts
    local = to_local(value)
    text = []
    if date_pattern:
        text.append(_format_day(local.date(), date_pattern, template_language()))
    if time_pattern:
        text.append(local.strftime("%H:%M:%S" if time_pattern.endswith("ss") else "%H:%M"))
    return separator.join(text)
