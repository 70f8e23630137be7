"""The `ast` node classes the engine generates, each carrying its location as class attributes.

Every generated node has the same location, line 1, column 0. CPython's `compile` reads a
node's `lineno` and the like as ordinary attributes, so a class attribute serves every node of
that class: no pass over the tree to give each node its location (`ast.fix_missing_locations`,
or codegen.locate), which cost as much as a third of compiling a large policy (profiled on a
generated 2,000-rule policy: 0.34 s of 1.27 s). The subclasses keep
their base's name, so `ast.unparse`, `ast.dump` and `isinstance(node, ast.Name)` see the usual
classes; `codegen.compile_module` still gives a location to any node built from plain `ast`.
"""
from __future__ import annotations

import ast
from typing import TypeVar

_Node = TypeVar("_Node", bound=ast.AST)


def _located(cls: type[_Node]) -> type[_Node]:
    attrs = {"lineno": 1, "end_lineno": 1, "col_offset": 0, "end_col_offset": 0, "__module__": __name__,
             "__doc__": cls.__doc__}
    return type(cls.__name__, (cls,), attrs)


Name = _located(ast.Name)
Constant = _located(ast.Constant)
Call = _located(ast.Call)
Attribute = _located(ast.Attribute)
NamedExpr = _located(ast.NamedExpr)
Compare = _located(ast.Compare)
IfExp = _located(ast.IfExp)
BoolOp = _located(ast.BoolOp)
UnaryOp = _located(ast.UnaryOp)
BinOp = _located(ast.BinOp)
Subscript = _located(ast.Subscript)
Slice = _located(ast.Slice)
ListComp = _located(ast.ListComp)
GeneratorExp = _located(ast.GeneratorExp)
Dict = _located(ast.Dict)
List = _located(ast.List)
Tuple = _located(ast.Tuple)
Assign = _located(ast.Assign)
AugAssign = _located(ast.AugAssign)
If = _located(ast.If)
Try = _located(ast.Try)
ExceptHandler = _located(ast.ExceptHandler)
FunctionDef = _located(ast.FunctionDef)
Pass = _located(ast.Pass)
Expr = _located(ast.Expr)
Return = _located(ast.Return)
arg = _located(ast.arg)

# Context and operator nodes carry no location and are shared, as CPython's own parser does.
LOAD = ast.Load()
STORE = ast.Store()
