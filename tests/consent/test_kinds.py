"""Every kind of SMS the code sends has a purpose (or none) in consent's map, so a new kind
cannot slip past consent: the calls that make outgoing rows are read from the source."""

import ast
import importlib
from pathlib import Path

import hsbp
from hsbp.community import talks
from hsbp.consent.rules import KIND_PURPOSES

ROOT = Path(hsbp.__file__).parent
# The functions whose `kind=` ends up as an outgoing row's kind.
SENDERS = {"queue_sms", "make_outbound", "send", "invite"}
# Functions passing on a kind they were given or read from a row: their callers, or the
# list named, say which kinds reach them.
PASSED_ON = {
    ("hsbp.sms.sending", "make_outbound"): "its callers",
    ("hsbp.sms.sending", "queue_sms"): "its callers",
    ("hsbp.monitoring.sms_turns", "send"): "its callers",
    ("hsbp.community.talks", "invite"): "its callers",
    ("hsbp.community.talks", "start_waiting"): "talks.KINDS",
}


def _module_name(path: Path) -> str:
    return ".".join(("hsbp", *path.relative_to(ROOT).with_suffix("").parts))


def _functions(tree: ast.AST):
    """(enclosing function name or "", call) of every call in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    yield node, inner
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Expr | ast.Assign) and isinstance(node.value, ast.Call):
            yield None, node.value


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _constants(function: ast.AST, name: str) -> list[str] | None:
    """The strings a local variable `name` is assigned in `function`; None when it is a
    parameter or assigned something else."""
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            strings = _strings(node.value)
            if strings is None:
                return None
            found += strings
    return found or None


def _resolve(expression: ast.AST, names: dict):
    """The value of a module's name (SMS_KIND) or a dotted one (contacts.INVITATION_KIND);
    None for anything else, such as a parameter."""
    if isinstance(expression, ast.Name):
        return names.get(expression.id)
    if isinstance(expression, ast.Attribute):
        owner = _resolve(expression.value, names)
        return getattr(owner, expression.attr, None) if owner is not None else None
    return None


def _strings(expression: ast.AST) -> list[str] | None:
    """The strings an expression may be: a string, or either branch of `a if test else b`."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, ast.IfExp):
        body, orelse = _strings(expression.body), _strings(expression.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def sent_kinds() -> tuple[set[str], set[tuple[str, str]]]:
    """The kinds the source sends, and the (module, function) passing on a kind it does not
    name."""
    kinds: set[str] = set()
    passing: set[tuple[str, str]] = set()
    for path in sorted(ROOT.rglob("*.py")):
        if "consent" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = None
        for function, call in _functions(tree):
            if _called(call) not in SENDERS:
                continue
            expression = next((k.value for k in call.keywords if k.arg == "kind"), None)
            if expression is None:
                continue
            if isinstance(expression, ast.Constant):
                kinds.add(expression.value)
                continue
            module = module or importlib.import_module(_module_name(path))
            constant = _resolve(expression, vars(module))
            if isinstance(constant, str):
                kinds.add(constant)
                continue
            local = _constants(function, ast.unparse(expression)) if function else None
            if local is not None:
                kinds.update(local)
            else:
                passing.add((_module_name(path), function.name if function else ""))
    return kinds, passing


def test_every_kind_the_code_sends_has_a_purpose():
    kinds, passing = sent_kinds()
    kinds |= set(talks.KINDS)  # what start_waiting passes on
    assert {"broadcast", "consultation", "grievance", "reply", "vote", "check"} <= kinds
    assert sorted(kinds - set(KIND_PURPOSES)) == []
    assert passing <= set(PASSED_ON), sorted(passing - set(PASSED_ON))
