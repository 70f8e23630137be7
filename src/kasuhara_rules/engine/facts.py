"""What the checked tree tells before any record: facts proved, phrases heard, texts normalised.

The facts a condition proves (`x is present`), the phrases `mentions` looks for and the fields
it reads, and whether a membership compares normalised texts; plan.py reads them.
"""
from __future__ import annotations

from typing import Iterable, Iterator, cast

from .. import values as vt
from ..check.checked import CheckedPolicy, DefineRef, ElementRef, FieldRef, PhrasesRef
from ..syntax import nodes as n
from ..syntax.visitor import Visitor
from ..text.normalize import normalize


class _Proves(Visitor):
    """The names a condition proves present, by node class (see proved_present)."""

    def visit_IsMissing(self, node: n.IsMissing, when: bool, policy: CheckedPolicy) -> frozenset[str]:
        key = present_key(node.value) if isinstance(node.value, n.Name) and node.present == when else None
        return frozenset({key}) if key is not None else frozenset()

    def visit_Not(self, node: n.Not, when: bool, policy: CheckedPolicy) -> frozenset[str]:
        return proved_present(node.operand, not when, policy)

    def visit_And(self, node: n.And | n.Or, when: bool, policy: CheckedPolicy) -> frozenset[str]:
        if when != isinstance(node, n.And):  # a false `and` or a true `or` proves none of its parts
            return frozenset()
        return frozenset().union(*(proved_present(o, when, policy) for o in node.operands))

    visit_Or = visit_And

    def visit_Name(self, node: n.Name, when: bool, policy: CheckedPolicy) -> frozenset[str]:
        ref = node.ref
        return proved_present(policy.defines[ref.name].expr, when, policy) if isinstance(ref, DefineRef) \
            else frozenset()

    def nothing(self, node: object, when: bool, policy: CheckedPolicy) -> frozenset[str]:
        return frozenset()

    visit_Compare = visit_Between = visit_In = visit_Contains = visit_Mentions = visit_Matches = nothing
    visit_BoolLit = visit_NumberLit = visit_StringLit = visit_DurationLit = visit_DateLit = nothing
    visit_DateTimeLit = visit_ListLit = visit_Path = visit_Call = visit_Negate = visit_Binary = nothing


_PROVES = _Proves()


def proved_present(node: object, when: bool, policy: CheckedPolicy) -> frozenset[str]:
    """The names (`f3`, `e0.2`: see present_key) known present once `node`, a condition that is
    never unknown, is `when` — what `call_length is present and call_length > 30min` proves."""
    found: frozenset[str] = _PROVES.visit(node, when, policy)
    return found


def present_key(node: n.Name) -> str | None:
    """The name under which a field (`f3`) or an element's field (`e0.2`) is known present."""
    ref = node.ref
    if isinstance(ref, FieldRef):
        return f"f{ref.field.index}"
    if isinstance(ref, ElementRef):
        return f"e{ref.depth}.{ref.field.index}"
    return None


def field_index(node: object) -> int | None:
    """The index of the top-level field a name stands for, if it does."""
    ref = node.ref if isinstance(node, n.Name) else None
    return ref.field.index if isinstance(ref, FieldRef) else None


def named_phrases(item: object, policy: CheckedPolicy) -> tuple[str | tuple[str, ...], tuple[str, ...], str | None]:
    """The phrases an operand names, as (key, phrases, kind): a phrase list's name (the `ref` of a
    name of the resolved tree), its phrases and its kind; or the phrases written in place twice
    (key and phrases) and no kind."""
    if isinstance(item, n.StringLit):
        return (item.value,), (item.value,), None
    if isinstance(item, n.ListLit):
        written = tuple(i.value for i in item.items if isinstance(i, n.StringLit))
        return written, written, None
    name = cast(PhrasesRef, getattr(item, "ref")).name
    return name, policy.phrases[name].phrases, policy.phrases[name].kind


def refs_within(roots: Iterable[object], policy: CheckedPolicy) -> Iterator[object]:
    """The `ref` of every name and path in `roots` (None ones skipped) and in the bodies of the
    defines they use, each define's once: what the roots read — fields, elements' fields,
    phrase lists."""
    seen: set[str] = set()
    stack = [root for root in roots if root is not None]
    while stack:
        for sub in n.walk(stack.pop()):
            ref = sub.ref if isinstance(sub, (n.Name, n.Path)) else None
            if not isinstance(ref, DefineRef):
                if ref is not None:
                    yield ref
            elif ref.name not in seen:
                seen.add(ref.name)
                stack.append(policy.defines[ref.name].expr)


def _mentions(policy: CheckedPolicy) -> Iterator[n.Mentions]:
    roots = [d.expr for d in policy.defines.values()]
    roots += [x for r in policy.rules for x in (r.when, r.unless) if x is not None]
    for root in roots:
        for sub in n.walk(root):
            if isinstance(sub, n.Mentions):
                yield sub


def mention_phrases(policy: CheckedPolicy, acts: bool = False) -> list[str]:
    """Every phrase some `mentions` of the policy looks for in any form (phrases written in place,
    lists without a kind), each once: one index finds them all. With `acts`, those of the lists
    with a kind instead (found as acts, whose saying is then read: text/acts.py, text/speech.py)."""
    out: dict[str, None] = {}
    for node in _mentions(policy):
        _, phrases, kind = named_phrases(node.item, policy)
        if (kind is not None) == acts:
            out.update(dict.fromkeys(phrases))
    return list(out)


def word_fields(policy: CheckedPolicy) -> list[int]:
    """The top-level text fields that some `mentions` in the policy reads, by index."""
    return sorted({i for i in (field_index(sub.subject) for sub in _mentions(policy)) if i is not None})


def needs_normalizing(value: vt.Type, elem: vt.Type, literal_list: bool) -> bool:
    """Whether `value in container` must compare normalised texts.

    `in` compares normalised text. A `one of` value compared with its own declared values
    (the checker guarantees literal lists hold only those) or with another `one of` can be
    compared exactly when no two of the declared values normalise alike: then the two
    comparisons always agree, and the exact one is cheaper.
    """
    if not (value.is_textual and elem.is_textual):
        return False
    if value.kind != vt.ENUM or (elem.kind != vt.ENUM and not literal_list):
        return True
    declared = set(value.values) | set(elem.values)
    return len({normalize(v) for v in declared}) != len(declared)
