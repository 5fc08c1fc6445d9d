"""Every action the code records in the audit trail reads as a sentence (portal/core/audit_sentences.py).

The scan reads the code as it is: calls of ``record_event`` and of the helpers that pass their own
``action`` argument on to it, directly or through another (``audit`` and ``audit_event`` in the
declarations, ``_move`` in the concerns), the rows made
by ``event_row`` (the sign-in writes its own in one statement), and the events written as
``dict(action=...)`` for ``record_events``, with the action written as a literal, a conditional
of literals, or an f-string (whose fixed start a prefix sentence covers).
"""

from __future__ import annotations

import ast
from pathlib import Path

from portal.config import PROJECT_ROOT
from portal.core.audit_sentences import has_sentence

PORTAL = PROJECT_ROOT / "portal"


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _wrappers(trees: dict[Path, ast.Module]) -> dict[str, tuple[int, str]]:
    """Functions that hand one of their parameters on as the action: name -> (position, name).

    To record_event, into an event ``dict(action=...)``, or to another such function (``audit`` passes
    its action to ``audit_event``, which builds the event): followed until no new one is found.
    """
    found = {"record_event": (0, "action"), "event_row": (0, "action")}
    functions = [function for tree in trees.values() for function in ast.walk(tree)
                 if isinstance(function, ast.FunctionDef) and function.name != "record_event"]
    changed = True
    while changed:
        changed = False
        for function in functions:
            if function.name in found:
                continue
            params = [arg.arg for arg in function.args.args]
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                name = _call_name(call)
                if name == "dict":
                    node = next((k.value for k in call.keywords if k.arg == "action"), None)
                elif name in found:
                    position, keyword = found[name]
                    node = call.args[position] if len(call.args) > position else next(
                        (k.value for k in call.keywords if k.arg == keyword), None)
                else:
                    continue
                if isinstance(node, ast.Name) and node.id in params:
                    found[function.name] = (params.index(node.id), node.id)
                    changed = True
                    break
    return found


def _actions(node: ast.AST, where: str) -> tuple[set[str], set[str]]:
    """(exact actions, f-string prefixes) that an action argument can take."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}, set()
    if isinstance(node, ast.IfExp):
        body, orelse = _actions(node.body, where), _actions(node.orelse, where)
        return body[0] | orelse[0], body[1] | orelse[1]
    if isinstance(node, ast.JoinedStr):
        prefix = ""
        for part in node.values:
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                break
            prefix += part.value
        assert prefix, f"{where}: an f-string action needs a fixed start"
        return set(), {prefix}
    raise AssertionError(f"{where}: cannot read the action {ast.unparse(node)!r}; write it as a literal")


def recorded_actions() -> tuple[set[str], set[str]]:
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in PORTAL.rglob("*.py")}
    wrappers = _wrappers(trees)
    exact: set[str] = set()
    prefixes: set[str] = set()
    for path, tree in trees.items():
        uses_record_events = any(isinstance(call, ast.Call) and _call_name(call) == "record_events"
                                 for call in ast.walk(tree))
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            if _call_name(call) == "dict" and uses_record_events:  # an event for record_events
                position, keyword = len(call.args) + 1, "action"
            elif _call_name(call) in wrappers:
                position, keyword = wrappers[_call_name(call)]
            else:
                continue
            node = call.args[position] if len(call.args) > position else next(
                (k.value for k in call.keywords if k.arg == keyword), None)
            if node is None or (isinstance(node, ast.Name) and node.id == keyword):
                continue  # the wrapper itself passing its parameter on
            where = f"{path.relative_to(PROJECT_ROOT)}:{call.lineno}"
            found, starts = _actions(node, where)
            exact |= found
            prefixes |= starts
    return exact, prefixes


def test_every_recorded_action_has_a_sentence(app):
    exact, prefixes = recorded_actions()
    # the scan itself works: it finds the actions of every area, through both helpers and the f-string
    assert {"auth.sign_in", "declaration.decide", "declaration.submit", "concern.confirm_receipt", "policy.publish",
            "policy.save_draft", "oath.register", "report.close", "user.returned"} <= exact
    assert prefixes == {"oath.mark_"}
    assert len(exact) > 60
    with app.app_context():
        assert sorted(action for action in exact if not has_sentence(action)) == []


def test_every_attendance_mark_has_its_own_sentence(app, client, auth):
    from portal.core.audit_sentences import describe_one
    from portal.core.models import AuditEvent
    from portal.oath.services.attendance import MARKS

    with app.test_request_context():
        for status in MARKS:
            event = AuditEvent(action=f"oath.mark_{status.value}", details={"session_id": 1})
            text = describe_one(event, "Mohamed Jansen", "Jan de Vries", None).text()
            assert text.startswith("Mohamed Jansen heeft vastgelegd dat Jan de Vries "), text
            assert "oath.mark" not in text
