"""The template engine's two steps that every page repeats hundreds of times, made shorter.

Each ``{{ value }}`` is escaped, and each call in a template (``url_for(...)``, a text with
variables) goes through Jinja's ``Context.call``. Both are Jinja's and markupsafe's code,
written for every kind of value; the portal's pages pass plain text and plain functions almost
always. The short ways below give the same results for those and hand everything else to the
library's own code. Used by ``portal.core.i18n.PortalEnvironment``.
"""

from __future__ import annotations

from types import BuiltinFunctionType, FunctionType, MethodType

from flask.templating import Environment as FlaskEnvironment
from flask_babel.speaklater import LazyString
from jinja2.runtime import Context
from markupsafe import Markup, escape
from markupsafe import _escape_inner  # the C speed-up where built, as markupsafe itself uses it

_new_str = str.__new__


def _escape(value) -> Markup:
    """Jinja's ``escape`` for every ``{{ value }}``, with the same result, in fewer steps.

    markupsafe's ``escape`` builds its answer through ``Markup.__new__``, which asks the already
    escaped text for ``__html__`` once more; a list page writes hundreds of values. Plain text,
    text already marked safe (``Markup``) and lazily translated texts (labels, choices: 55 to 90 a
    page) go the short way; anything else as before.
    """
    kind = type(value)
    if kind is str:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value
    if kind is LazyString:  # a translated label: safe, as its __html__ says (the catalogue's texts are ours)
        return _new_str(Markup, str(value))
    return escape(value)


class PortalTemplate(FlaskEnvironment.template_class):
    """A compiled template whose output calls ``_escape`` (above) instead of markupsafe's ``escape``."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        if namespace.get("escape") is escape:  # the name Jinja's compiled code imports from jinja2.runtime
            namespace["escape"] = _escape
        return super()._from_namespace(environment, namespace, globals)


#: callables that take no context from Jinja unless marked (``pass_context`` and the like)
_PLAIN_CALLABLES = frozenset({FunctionType, BuiltinFunctionType, MethodType})


class PortalContext(Context):
    """Jinja's context, calling a plain function straight away.

    ``Context.call`` asks every callable, and its ``__call__``, whether it wants the context
    passed in (three attribute checks and two helper calls per call). A plain function or
    method without Jinja's mark does not; it is called as Jinja would call it. Marked functions,
    macros and callable objects go through Jinja's own ``call``.
    """

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        if type(__obj) in _PLAIN_CALLABLES and getattr(__obj, "jinja_pass_arg", None) is None:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)
