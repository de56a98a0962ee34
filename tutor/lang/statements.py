"""Graph programs: the whitelisting walker from program text to a checked ``Program``.

``parse_program`` reads a restricted Python in PyTorch vocabulary (DESIGN Contract 2).
Statements are read here (imports bind module aliases, assignments define variables, in
order); their expressions are read by ``tutor.lang.expressions``. Everything not explicitly
accepted is refused with a located message saying what is not allowed and what is, so a
program that passes runs without any name lookup outside ``tutor.lang.vocabulary``.
"""

from __future__ import annotations

import ast

from ..i18n import gettext
from ..limits import LIMITS, Limits
from . import program as ir
from . import vocabulary as vocab
from .expressions import BINARY, ExpressionReader
from .refusals import IMPORTABLE, INTERNAL, internal, refuse
from .source import read


class Checker(ExpressionReader):
    """Reads one graph program of ``source`` into checked statements."""

    # ----- statements --------------------------------------------------------------------
    def program(self, tree: ast.Module) -> tuple:
        """The checked statements of a module."""
        return self._body(tree.body)

    def _body(self, body: list[ast.stmt]) -> tuple:
        return tuple(s for s in map(self._statement, body) if s is not None)

    def _statement(self, node: ast.stmt):
        at = self.span(node)
        match node:
            case ast.Import() | ast.ImportFrom():
                self._import(node, at)
                return None
            case ast.Pass():
                return None
            case ast.Expr(value=ast.Constant(value=str())):
                return None  # a docstring or a string used as a comment
            case ast.Expr(value=ast.Call() as call):
                return ir.ExprStmt(self._call(call, grad_mode="torch.set_grad_enabled"), at)
            case ast.Expr():
                return ir.ExprStmt(self.expr(node.value), at)
            case ast.Assign():
                value = self.expr(node.value)
                return ir.Assign(tuple(self._target(t) for t in node.targets), value, at)
            case ast.AugAssign():
                return self._aug_assign(node, at)
            case ast.With():
                return self._with(node, at)
        raise self._refused(node, at)

    def _import(self, node: ast.Import | ast.ImportFrom, at: ir.Span) -> None:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            bindings = [
                (a.asname or a.name, f"{base}.{a.name}", f"from {base} import {a.name}")
                for a in node.names
            ]
            if node.level:
                bindings = [(n, "." * node.level + path, text) for n, path, text in bindings]
        else:
            bindings = [(a.asname or a.name, a.name, f"import {a.name}") for a in node.names]
        for alias, path, text in bindings:
            if path not in vocab.MODULES:
                raise refuse(
                    "import_not_allowed",
                    gettext("{name} is not available in graph programs", name=f"`{text}`"),
                    gettext(IMPORTABLE),
                    at,
                )
            if "." in alias:  # `import torch.nn.functional` binds `torch`
                alias, path = alias.split(".")[0], path.split(".")[0]
            if self.modules.get(alias) == path:
                continue  # imported again
            self._check_new_name(alias, at, module=True)
            self.modules[alias] = path

    def _check_new_name(self, name: str, at: ir.Span, module=False) -> None:
        if internal(name):
            raise refuse(
                "invalid_name",
                gettext("{name} cannot be a name here", name=f"`{name}`"),
                gettext(INTERNAL),
                at,
            )
        if name in self.modules or (module and name in self.defined):
            if name in self.modules:
                what = gettext("{name} already names a module", name=f"`{name}`")
            else:
                what = gettext("{name} already names a value", name=f"`{name}`")
            raise refuse("name_taken", what, gettext("choose another name"), at)
        if name in vocab.BUILTINS or name in vocab.BUILTIN_VALUES:
            raise refuse(
                "name_taken",
                gettext("{name} is a built-in function", name=f"`{name}`"),
                gettext("choose another name"),
                at,
            )

    def _target(self, node: ast.expr):
        at = self.span(node)
        match node:
            case ast.Name(id=name):
                self._check_new_name(name, at)
                self.defined.add(name)
                return ir.Name(name, at)
            case ast.Tuple(elts=items) | ast.List(elts=items):
                kind = "tuple" if isinstance(node, ast.Tuple) else "list"
                return ir.Seq(kind, tuple(self._target(t) for t in items), at)
            case ast.Attribute(attr=attr) if attr in vocab.SETTABLE_ATTRIBUTES:
                return ir.Attr(self.expr(node.value), attr, at)
            case ast.Attribute(attr=attr):
                raise refuse(
                    "not_allowed",
                    gettext(
                        "assigning to {name} is not available in graph programs",
                        name=f"`.{attr}`",
                    ),
                    gettext("you can set `.requires_grad` and `.grad`"),
                    at,
                )
            case ast.Subscript():
                raise refuse(
                    "not_allowed",
                    gettext("item assignment (`x[i] = ...`) is not available in graph programs"),
                    gettext("build the tensor with torch.tensor([...]) or torch.where(...)"),
                    at,
                )
        raise self._refused(node, at)

    def _aug_assign(self, node: ast.AugAssign, at: ir.Span) -> ir.AugAssign:
        symbol = BINARY.get(type(node.op), "?")
        key = vocab.OPERATORS.get(symbol)
        if key is None:
            raise self._bad_operator(symbol + "=", at)
        if not isinstance(node.target, ast.Name):
            raise refuse(
                "not_allowed",
                gettext(
                    "{operator} on anything but a name is not available in graph programs",
                    operator=f"`{symbol}=`",
                ),
                gettext(
                    "write {statement}, e.g. `w -= lr * w.grad` under torch.no_grad()",
                    statement=f"`name {symbol}= value`",
                ),
                at,
            )
        value = self.expr(node.value)
        target = self.expr(node.target)  # must be defined already
        return ir.AugAssign(target, symbol, key, value, at)

    def _with(self, node: ast.With, at: ir.Span) -> ir.With:
        items = []
        for item in node.items:
            item_at = self.span(item.context_expr)
            if item.optional_vars is not None or not isinstance(item.context_expr, ast.Call):
                raise refuse(
                    "not_allowed",
                    gettext(
                        "only `with torch.no_grad():`, `with torch.enable_grad():` and "
                        "`with torch.set_grad_enabled(flag):` are available in graph programs"
                    ),
                    gettext("write the block without `as`"),
                    item_at,
                )
            call = self._call(item.context_expr, grad_mode="any")
            if call.kind != "grad_mode":
                raise refuse(
                    "not_allowed",
                    gettext(
                        "`with` takes only torch.no_grad(), torch.enable_grad() or "
                        "torch.set_grad_enabled(flag) in graph programs"
                    ),
                    gettext("other blocks are not available"),
                    item_at,
                )
            items.append(call)
        return ir.With(tuple(items), self._body(node.body), at)


def parse_program(source: str, limits: Limits = LIMITS) -> ir.Program:
    """Check a graph program; refuse it with a located ``TutorError`` if it is not one."""
    tree = read(source, "exec", limits)
    return ir.Program(source, Checker(source, limits).program(tree))
