"""The checker's resolved tree: every expression node typed, every name resolved, on the tree
itself (no side tables); the parse tree left as it was; the visitor convention fails loudly."""
import pytest

from kasuhara_rules import check_text
from kasuhara_rules.check.checked import DefineRef, ElementRef, FieldRef, PhrasesRef
from kasuhara_rules.syntax import nodes as n
from kasuhara_rules.syntax.visitor import Visitor
from kasuhara_rules import values as vt
from tests.conftest import budget, policy

TEXT = policy(
    'phrases threats = ["殺す", "晒す"]\n'
    "define long_call = call_length >= 30min\n"
    "rule r { when long_call and remarks contains any threats "
    "and count(contacts where length >= 10min) >= 3 then kasuhara respond \"x\" }\n")


def checked():
    result = check_text(TEXT)
    assert result.errors == ()
    return result.policy


def test_every_node_of_a_condition_is_typed():
    p = checked()
    rule = p.rule("r")
    for root in (rule.when, p.defines["long_call"].expr):
        for sub in n.walk(root):
            assert isinstance(sub.type, vt.Type), sub
    assert rule.when.type == vt.T_BOOL


def test_names_carry_what_they_resolve_to():
    p = checked()
    refs = {sub.id: sub.ref for sub in n.walk(p.rule("r").when) if isinstance(sub, n.Name)}
    assert refs["long_call"] == DefineRef("long_call")
    assert refs["threats"] == PhrasesRef("threats")
    assert isinstance(refs["contacts"], FieldRef) and refs["contacts"].field.name == "contacts"
    assert isinstance(refs["length"], ElementRef) and refs["length"].depth == 0
    body = p.defines["long_call"].expr
    assert isinstance(body.left.ref, FieldRef) and body.left.type.kind == vt.DURATION


def test_resolved_copy_equals_the_parsed_tree_and_leaves_it_untouched():
    """Type and resolution are ignored by equality (like spans): the resolved `when` equals the
    parsed one, and the parser's nodes still have no type (a parse tree can be checked twice)."""
    p = checked()
    rule = p.rule("r")
    parsed = rule.decl.first(n.WhenClause).expr
    assert parsed == rule.when and parsed is not rule.when
    assert all(sub.type is None for sub in n.walk(parsed))


def test_the_same_text_checked_twice_gives_independent_trees():
    a, b = checked(), checked()
    assert a.rule("r").when == b.rule("r").when
    assert a.rule("r").when is not b.rule("r").when


def test_visitor_without_a_method_fails_loudly():
    class Only(Visitor):
        def visit_Name(self, node):
            return node.id

    assert Only().visit(n.Name("x")) == "x"
    with pytest.raises(TypeError, match="Only has no visit_BoolLit"):
        Only().visit(n.BoolLit(True))


def _expression_classes():
    import attrs
    return sorted(c.__name__ for c in vars(n).values()
                  if isinstance(c, type) and attrs.has(c) and c is not n.FieldDecl
                  and any(f.name == "type" for f in attrs.fields(c)))


@pytest.mark.parametrize("module, name", [
    ("kasuhara_rules.check.types", "TypeChecker"),
    ("kasuhara_rules.engine.plan", "Lowering"),
    ("kasuhara_rules.engine.trace_plan", "_Children"),
    ("kasuhara_rules.engine.facts", "_Proves"),
    ("kasuhara_rules.syntax.printer", "_Printer"),
    ("kasuhara_rules.render.verbalize", "Verbalizer"),
    ("kasuhara_rules.render.verbalize", "_Nouns"),
])
def test_every_pass_handles_every_expression_node(module, name):
    """Each pass over checked expressions has a `visit_` method for every node class that can
    reach it (a record literal never does: the checker rejects it, E409), so no well-typed
    policy meets the loud fallback."""
    import importlib
    cls = getattr(importlib.import_module(module), name)
    exempt = set() if name == "TypeChecker" else {"RecordLit"}
    assert [c for c in _expression_classes() if c not in exempt and not hasattr(cls, "visit_" + c)] == []


def test_children_by_class_equal_the_general_walk():
    """`children` looks most node classes up in a table; on every node of random conditions
    and of the shipped policies it gives what the isinstance chain (for any subclass) gives."""
    import glob

    from hypothesis import given, settings

    from kasuhara_rules import PolicyError, load_policy
    from tests import strategies as S
    from tests.conftest import ROOT

    @settings(max_examples=budget(60))
    @given(S.expr("bool", 3))
    def same(e):
        for sub in n.walk(e):
            assert n.children(sub) == n._children(sub)

    same()
    seen = 0
    for path in glob.glob(str(ROOT / "examples" / "**" / "*.kasu"), recursive=True):
        try:
            p = load_policy(path)
        except PolicyError:
            continue
        for d in list(p.checked.defines.values()):
            for sub in n.walk(d.expr):
                assert n.children(sub) == n._children(sub)
                seen += 1
    assert seen > 100
