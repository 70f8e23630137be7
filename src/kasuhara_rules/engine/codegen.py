"""Small builders for Python `ast` nodes, and the namespace a compiled policy runs in.

Generated code never contains text from a policy or a record as code: identifiers are made
here from counters, and every policy value enters as an `ast.Constant` or a namespace object.
"""
from __future__ import annotations

import ast
import itertools
import sys
from typing import Any

from . import located as L


def name(identifier: str) -> ast.Name:
    return L.Name(identifier, L.LOAD)


def store(identifier: str) -> ast.Name:
    return L.Name(identifier, L.STORE)


def const(value: Any) -> ast.Constant:
    return L.Constant(value)


def call(func: ast.expr | str, *args: ast.expr) -> ast.Call:
    return L.Call(name(func) if isinstance(func, str) else func, list(args), [])


def method(obj: ast.expr, attr: str, *args: ast.expr) -> ast.Call:
    return L.Call(L.Attribute(obj, attr, L.LOAD), list(args), [])


def walrus(identifier: str, value: ast.expr) -> ast.NamedExpr:
    return L.NamedExpr(store(identifier), value)


def is_none(expr: ast.expr) -> ast.Compare:
    return L.Compare(expr, [_IS], [const(None)])


def is_not_none(expr: ast.expr) -> ast.Compare:
    return L.Compare(expr, [_IS_NOT], [const(None)])


def is_false(expr: ast.expr) -> ast.Compare:
    return L.Compare(expr, [_IS], [const(False)])


def is_true(expr: ast.expr) -> ast.Compare:
    return L.Compare(expr, [_IS], [const(True)])


def ifexp(test: ast.expr, body: ast.expr, orelse: ast.expr) -> ast.IfExp:
    return L.IfExp(test, body, orelse)


def and_(*values: ast.expr) -> ast.expr:
    values = tuple(values)
    return values[0] if len(values) == 1 else L.BoolOp(ast.And(), list(values))


def or_(*values: ast.expr) -> ast.expr:
    values = tuple(values)
    return values[0] if len(values) == 1 else L.BoolOp(ast.Or(), list(values))


def not_(value: ast.expr) -> ast.UnaryOp:
    return L.UnaryOp(ast.Not(), value)


# operator nodes carry no location: one of each is shared by the whole tree
_CMP: dict[str, ast.cmpop] = {"==": ast.Eq(), "!=": ast.NotEq(), "<": ast.Lt(), "<=": ast.LtE(), ">": ast.Gt(),
                              ">=": ast.GtE(), "in": ast.In(), "not in": ast.NotIn(), "is": ast.Is(),
                              "is not": ast.IsNot()}
_BIN: dict[str, ast.operator] = {"+": ast.Add(), "-": ast.Sub(), "*": ast.Mult(), "/": ast.Div()}
_IS, _IS_NOT = _CMP["is"], _CMP["is not"]


def compare(op: str, left: ast.expr, right: ast.expr) -> ast.Compare:
    return L.Compare(left, [_CMP[op]], [right])


def chain(left: ast.expr, ops: list[str], rights: list[ast.expr]) -> ast.Compare:
    return L.Compare(left, [_CMP[o] for o in ops], rights)


def binop(op: str, left: ast.expr, right: ast.expr) -> ast.BinOp:
    return L.BinOp(left, _BIN[op], right)


def subscript(value: ast.expr, index: int) -> ast.Subscript:
    return L.Subscript(value, const(index), L.LOAD)


def listcomp(elt: ast.expr, var: str, iterable: ast.expr, cond: ast.expr | None = None) -> ast.ListComp:
    return L.ListComp(elt, [ast.comprehension(store(var), iterable, [cond] if cond is not None else [], 0)])


def genexp(elt: ast.expr, var: str, iterable: ast.expr) -> ast.GeneratorExp:
    return L.GeneratorExp(elt, [ast.comprehension(store(var), iterable, [], 0)])


def dict_(pairs: list[tuple[str, ast.expr]]) -> ast.Dict:
    return L.Dict([const(k) for k, _ in pairs], [v for _, v in pairs])


def list_(items: list[ast.expr]) -> ast.List:
    return L.List(items, L.LOAD)


def tuple_(items: list[ast.expr]) -> ast.Tuple:
    return L.Tuple(items, L.LOAD)


def unpack(identifiers: list[str]) -> ast.Tuple:
    """The target `a, b, c` of an assignment."""
    return L.Tuple([store(i) for i in identifiers], L.STORE)


def assign(identifier: str, value: ast.expr) -> ast.Assign:
    return L.Assign([store(identifier)], value)


def aug_or(identifier: str, bit: int) -> ast.AugAssign:
    return L.AugAssign(store(identifier), ast.BitOr(), const(bit))


def if_(test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt] | None = None) -> ast.If:
    return L.If(test, body, orelse or [])


def try_arithmetic(body: list[ast.stmt], handler: list[ast.stmt]) -> ast.Try:
    """`try: body` / `except ArithmeticError: handler` (free in CPython 3.11+ when nothing fails)."""
    return L.Try(body, [L.ExceptHandler(L.Name("ArithmeticError", L.LOAD), None, handler)], [], [])


def function(fname: str, params: list[str], body: list[ast.stmt]) -> ast.FunctionDef:
    args = ast.arguments(posonlyargs=[], args=[L.arg(p) for p in params], vararg=None, kwonlyargs=[],
                         kw_defaults=[], kwarg=None, defaults=[])
    node = L.FunctionDef(name=fname, args=args, body=body or [L.Pass()], decorator_list=[], returns=None)
    if sys.version_info >= (3, 12):  # pragma: no cover - depends on the Python version
        node.type_params = []
    return node


def uses_walrus(expr: ast.AST) -> bool:
    return any(isinstance(n, ast.NamedExpr) for n in ast.walk(expr))


class Namespace:
    """The globals a compiled policy runs in: helper functions and constant objects, each under
    a generated identifier."""

    def __init__(self, helpers: dict[str, Any]) -> None:
        self.values: dict[str, Any] = {"__builtins__": {"len": len, "sum": sum, "any": any, "all": all,
                                                        "min": min, "max": max, "round": round,
                                                        "ArithmeticError": ArithmeticError}}
        self.values.update(helpers)
        self._ids = itertools.count()
        # the helpers and builtins by their own names (generated code calls `norm(…)`, `len(…)`)
        self._by_identity = {id(v): k for k, v in [*helpers.items(), *self.values["__builtins__"].items()]}
        self.memo: dict[Any, Any] = {}  # built once per policy, shared by every generated function

    def add(self, value: Any, prefix: str = "K") -> ast.Name:
        """A global holding `value` (shared when the same object is added twice)."""
        key = id(value)
        if key in self._by_identity:
            return name(self._by_identity[key])
        ident = f"{prefix}{next(self._ids)}"
        self.values[ident] = value  # kept alive here, so its id() stays unique
        self._by_identity[key] = ident
        return name(ident)


class Temps:
    """Fresh local names for one generated function."""

    def __init__(self) -> None:
        self._ids = itertools.count()

    def new(self, prefix: str = "t") -> str:
        return f"{prefix}{next(self._ids)}"


def locate(tree: ast.AST) -> None:
    """Give every node the location line 1, column 0 (generated code has no source lines).

    ast.fix_missing_locations does the same, but recursively and checking each node; this
    loop is twice as fast, which matters for a policy of thousands of rules."""
    node_type = ast.AST
    stack: list[Any] = [tree]  # any node: the location attributes exist only on some node classes
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        if node._attributes:
            node.lineno = node.end_lineno = 1
            node.col_offset = node.end_col_offset = 0
        for field in node._fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                extend(x for x in value if isinstance(x, node_type))
            elif isinstance(value, node_type):
                push(value)


def compile_module(functions: list[ast.stmt], namespace: Namespace, filename: str) -> dict[str, Any]:
    """Compile generated function definitions and return the namespace they were defined in."""
    module = ast.Module(body=functions, type_ignores=[])
    try:  # every node built through `located` has its location already
        code = compile(module, filename, "exec")
    except TypeError:  # some node built from plain `ast` has none: give every node one
        locate(module)
        code = compile(module, filename, "exec")
    scope = dict(namespace.values)
    exec(code, scope)  # noqa: S102 - a code object built from our own ast, never from text
    return scope
