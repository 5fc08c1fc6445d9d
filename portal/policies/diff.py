"""Side-by-side comparison of two versions' Markdown: lines first, then words within changed lines.

Every piece of text is escaped before it is wrapped in <del> or <ins>, so a version's
content can never become markup here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class SideBySide:
    old: Markup
    new: Markup
    changed: bool


def _wrap(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>" if text else ""


def _diff(old_parts: list[str], new_parts: list[str], replace) -> tuple[str, str]:
    """Escaped old and new text; ``replace(old, new)`` renders a changed stretch on both sides."""
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_parts, new_parts, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_parts[i1:i2]), "".join(new_parts[j1:j2])
        if op == "equal":
            l_part, r_part = str(escape(removed)), str(escape(added))
        elif op == "replace":
            l_part, r_part = replace(removed, added)
        else:
            l_part, r_part = _wrap("del", removed), _wrap("ins", added)
        left.append(l_part)
        right.append(r_part)
    return "".join(left), "".join(right)


def _word_diff(old: str, new: str) -> tuple[str, str]:
    """Within changed lines: which words went and which came."""
    return _diff(_WORDS.findall(old), _WORDS.findall(new), lambda o, n: (_wrap("del", o), _wrap("ins", n)))


def compare_versions(old, new) -> dict[str, SideBySide]:
    """Title and Markdown body of two versions, side by side."""
    return {
        "title": compare_texts(old.title, new.title),
        "body": compare_texts(old.body_markdown, new.body_markdown),
    }


def compare_texts(old: str, new: str) -> SideBySide:
    """The old text with deletions marked and the new text with insertions marked."""
    old_lines = (old or "").splitlines(keepends=True)
    new_lines = (new or "").splitlines(keepends=True)
    left, right = _diff(old_lines, new_lines, _word_diff)
    # Every piece of text was escaped in _wrap or _diff before it was joined: only our ins/del tags are markup.
    return SideBySide(Markup(left), Markup(right), changed=old != new)  # nosec B704
