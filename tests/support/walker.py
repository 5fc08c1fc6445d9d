"""A walker for every route of the app: URLs, query strings and forms filled with generated values.

It learns as it goes: every page it gets is read for links (real ids, slugs and other path
values per parameter name) and for forms (their fields, types and options per target
endpoint), so that later requests mix plausible values with odd ones and reach past the
first check of a view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Optional
from urllib.parse import quote, urlsplit

from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter, UnicodeConverter

#: values that broke something once, or could: huge and negative numbers, days at the ends of
#: the calendar, cursors, control characters, look-alike letters, markup, very long text
ODD = [
    "", " ", "0", "-1", "1.5", "99999999999999999999", str(2**31), str(2**31 - 1), str(2**63), "1e309",
    "NaN", "0001-01-01", "9999-12-31", "10000-01-01", "31-12-9999", "1899-12-31", "2101-01-01",
    "1.99999999999999999999", "99999999999999999999.1", "-5.-5", "a\r\nb", "https://example.org/\r\nX-A: b",
    "https://", "\t", "\x01", "\x7f", "\x00", "\u202e", "ｊｄｅｖｒｉｅｓ", "ſ", "' OR 1=1 --", "<script>x</script>",
    "%00", "../../etc/passwd", "a" * 5000, "٣", "²", "𝟘", "25:61", "00:00", "23:59",
]
#: text from Hypothesis, without NUL (answered 400 before any view: it would hide the rest) and
#: without lone surrogates (not encodable, so no browser can send them)
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
#: query-string keys the views read; the walker adds those of every GET form it sees
QUERY_KEYS = ["page", "per_page", "after", "before", "q", "status", "kind", "department", "date_from", "date_to",
              "year", "show", "next", "from", "to", "lang", "actor", "action", "subject", "scope", "submit"]


def _iso(day: date) -> str:
    return day.isoformat()


# Hypothesis wants every example to draw the same kinds of values however much the walker has
# learnt, so it draws *seeds* of a fixed shape; what a seed becomes (the 7th known id, a day near
# today, the 2nd option of a select) is decided afterwards, from what the pages showed.


@dataclass(frozen=True)
class Pick:
    """A plausible value: ``number`` picks among what is known for the parameter or field."""

    number: int


PICK = st.integers(0, 2**20).map(Pick)
ODD_OR_TEXT = st.one_of(st.sampled_from(ODD), TEXT)
#: one value for a path parameter or a query string: a pick, or an odd value as it is
SEED = st.one_of(PICK, PICK, ODD_OR_TEXT)


@dataclass(frozen=True)
class FormSeed:
    """A whole form from few draws: picks derived from ``base``, some fields left out, a few odd values."""

    base: int
    left_out: int
    odd: tuple[tuple[int, str], ...]

    def for_field(self, index: int):
        for position, value in self.odd:
            if position == index:
                return value
        if (self.left_out >> (3 * index % 60)) & 7 == 0:
            return None  # about one field in eight
        return Pick((self.base * 31 + index * 7919) % 2**20)


FORM_SEED = st.builds(FormSeed, st.integers(0, 2**32), st.integers(0, 2**60),
                      st.lists(st.tuples(st.integers(0, 24), ODD_OR_TEXT), max_size=3).map(tuple))
REQUEST_SEED = st.fixed_dictionaries({
    "path": st.lists(SEED, min_size=2, max_size=2),
    "query": st.lists(st.tuples(st.integers(0, 2**16), SEED), max_size=3),
    "form": FORM_SEED,
    "upload": st.one_of(st.none(), st.binary(max_size=100)),
})


EDGE_IDS = ["0", "1", "2", str(2**31 - 1), str(2**31), "99999999999999999999", "00001", "-1", "1.5"]
EDGE_DAYS = ["0001-01-01", "9999-12-31", "1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01", "29-02-2027"]
TEXTS = ["Raadzaal", "wethouder P&O", "Tekst met ë en ĳ", "Stichting Voorbeeld"]
URLS = ["https://example.org/meet/123", "http://example.org", "https://[::1", "https://example.org/a b"]


def day_from(number: int, today: date) -> str:
    """A day near today (most forms want one), at the edges, anywhere, or in Dutch order."""
    kind, rest = number % 4, number // 4
    if kind == 0:
        return _iso(today + timedelta(days=rest % 1200 - 400))
    if kind == 1:
        return EDGE_DAYS[rest % len(EDGE_DAYS)]
    if kind == 2:
        return _iso(date.fromordinal(1 + rest % date.max.toordinal()))
    return (today + timedelta(days=rest % 1200 - 400)).strftime("%d-%m-%Y")


def resolve(seed, choices: list[str], fallback: list[str]) -> str:
    """What a seed stands for: the n-th of ``choices`` (or of ``fallback`` when none are known), or itself."""
    if isinstance(seed, Pick):
        pool = choices or fallback
        return pool[seed.number % len(pool)]
    return seed


@dataclass
class FormField:
    name: str
    kind: str  #: date, time, number, choice, checkbox, file, hidden, text
    value: str = ""
    options: list[str] = field(default_factory=list)

    def fill(self, seed, today: date) -> str:
        """The value a seed gives this field: plausible for its kind, or the odd value itself."""
        if not isinstance(seed, Pick):
            return seed
        n = seed.number
        if self.kind == "date":
            return day_from(n, today)
        if self.kind == "time":
            return f"{n // 60 % 24:02d}:{n % 60:02d}"
        if self.kind == "number":
            return str(n % 1203 - 3)
        if self.kind == "choice" and self.options:
            return self.options[n % len(self.options)]
        if self.kind == "checkbox":
            return self.value or "y"
        if self.kind == "hidden" and self.value:
            return self.value
        if "url" in self.name:
            return URLS[n % len(URLS)]
        choices = [self.value, *TEXTS] if self.value else TEXTS
        return choices[n % len(choices)]


def form_values(fields: list[FormField], seed: FormSeed, today: date) -> dict:
    """A form's values from its seed, field by field."""
    values = {}
    for index, item in enumerate(fields):
        if item.name == "csrf_token" or item.kind == "file":
            continue
        seed_value = seed.for_field(index)
        if seed_value is not None:
            values[item.name] = item.fill(seed_value, today)
    return values


class _PageReader(HTMLParser):
    """Collects link targets and forms (method, action, fields) from one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, str, list[FormField]]] = []
        self._form: Optional[tuple[str, str, list[FormField]]] = None
        self._select: Optional[FormField] = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = (a.get("method", "get").upper(), a.get("action", ""), [])
            self.forms.append(self._form)
            if a.get("action"):
                self.links.append(a["action"])
        elif self._form is not None and a.get("name"):
            fields = self._form[2]
            if tag == "input":
                kind = {"date": "date", "time": "time", "number": "number", "checkbox": "checkbox",
                        "radio": "choice", "file": "file", "hidden": "hidden",
                        "submit": "checkbox"}.get(a.get("type", "text"), "text")
                if a.get("inputmode") == "numeric":
                    kind = "number"
                existing = next((f for f in fields if f.name == a["name"]), None)
                if kind == "choice" and existing is not None:
                    existing.options.append(a.get("value", ""))
                    return
                fields.append(FormField(a["name"], kind, a.get("value", ""),
                                        [a.get("value", "")] if kind == "choice" else []))
            elif tag == "textarea":
                fields.append(FormField(a["name"], "text"))
            elif tag == "select":
                self._select = FormField(a["name"], "choice")
                fields.append(self._select)
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass
class Knowledge:
    """What the walker learnt from the pages: path values per parameter name, form fields per endpoint."""

    path_values: dict[str, set[str]] = field(default_factory=dict)
    forms: dict[tuple[str, str], list[FormField]] = field(default_factory=dict)
    query_keys: list[str] = field(default_factory=lambda: list(QUERY_KEYS))

    def read(self, adapter, page_url: str, html: str) -> None:
        reader = _PageReader()
        try:
            reader.feed(html)
        except Exception:  # noqa: BLE001 - a page the reader cannot follow teaches nothing
            return
        for link in reader.links:
            self._learn_path(adapter, link, "GET")
        for method, action, fields in reader.forms:
            target = self._learn_path(adapter, action or page_url, method)
            if target is not None and fields:
                self.forms[(target, method)] = fields
                if method == "GET":
                    self.query_keys.extend(f.name for f in fields if f.name not in self.query_keys)

    def _learn_path(self, adapter, url: str, method: str) -> Optional[str]:
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/"):
            return None
        try:
            endpoint, values = adapter.match(parts.path, method=method)
        except HTTPException:
            return None
        except Exception:  # noqa: BLE001 - e.g. a redirect for a missing slash
            return None
        for name, value in values.items():
            self.path_values.setdefault(name, set()).add(str(value))
        return endpoint


_PARAM = re.compile(r"<(?:[a-zA-Z_]+(?:\([^)]*\))?:)?([a-zA-Z_]+)>")
KNOWN_CONVERTERS = (IntegerConverter, UnicodeConverter, AnyConverter, PathConverter)


def unknown_converters(rule) -> list[str]:
    """Parameters of ``rule`` whose converter the walker cannot fill (a new kind: teach it here)."""
    return [name for name, converter in rule._converters.items() if not isinstance(converter, KNOWN_CONVERTERS)]


def path_value(rule, name: str, seed, knowledge: Knowledge) -> str:
    """A value for one path parameter: one seen on a page, one of its kind at the edges, or an odd one."""
    converter = rule._converters[name]
    known = sorted(knowledge.path_values.get(name, ()))
    if isinstance(converter, AnyConverter):
        known = known or sorted(converter.items)
    elif isinstance(converter, PathConverter):
        known = known or ["css/portal.css", "../portal/__init__.py", "a/b/c"]
    fallback = EDGE_IDS if isinstance(converter, IntegerConverter) else TEXTS
    if isinstance(seed, Pick) and seed.number % 5 == 4:
        return fallback[seed.number // 5 % len(fallback)]  # now and then an edge, even when ids are known
    return resolve(seed, known, fallback) or "x"


def query_values(seeds: list, knowledge: Knowledge, today: date) -> dict[str, str]:
    """A query string from its seeds: keys the views read, values plausible for the key or odd."""
    values = {}
    for key_number, seed in seeds:
        key = knowledge.query_keys[key_number % len(knowledge.query_keys)]
        if isinstance(seed, Pick) and ("date" in key or key.endswith("_from") or key.endswith("_to")):
            values[key] = day_from(seed.number, today)
        elif isinstance(seed, Pick):
            values[key] = str(seed.number % 300) if seed.number % 2 else TEXTS[seed.number // 2 % len(TEXTS)]
        else:
            values[key] = seed
    return values


def build_path(rule, values: dict[str, str]) -> str:
    """The rule's URL with ``values`` filled in, percent-encoded as a browser would send them."""
    return _PARAM.sub(lambda m: quote(values[m.group(1)], safe="/" if m.group(0).startswith("<path:") else ""),
                      rule.rule)
