"""The ``gradtutor`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import worksheet_cli
from .graph import Graph
from .present import shape, short


def _serve(args: argparse.Namespace) -> int:
    from . import create_app

    create_app().run(host=args.host, port=args.port)
    return 0


def _source(path: str) -> str:
    """The text of a file, or of standard input for ``-``."""
    return sys.stdin.read() if path == "-" else Path(path).read_text()


def _explain(args: argparse.Namespace) -> int:
    from . import analysis, lang, render
    from .errors import TutorError
    from .inputs import parse_names, parse_values

    try:
        if args.expression is not None:
            program = lang.parse_expression(
                args.expression,
                parse_values(args.values or ""),
                requires_grad=parse_names(args.requires_grad or ""),
                constants=parse_names(args.constants or ""),
            )
        elif args.file is not None:
            program = lang.parse_program(_source(args.file))
        else:
            print("gradtutor explain: give a FILE (or -) or --expression", file=sys.stderr)
            return 2
        print(render.text(analysis.explain(program)))
    except (TutorError, OSError) as error:
        print(f"gradtutor explain: {error}", file=sys.stderr)
        return 1
    return 0


def _run(args: argparse.Namespace) -> int:
    from . import lang, numeric
    from .errors import TutorError

    try:
        result = numeric.run(lang.parse_program(_source(args.file)))
    except TutorError as error:
        one_line = str(error).replace("\n", " ")  # some engine messages span lines
        print(f"gradtutor run: {error.code}: {one_line}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"gradtutor run: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(result.output)
    print()
    print(graph_table(result.graph))
    return 0


def graph_table(graph: Graph) -> str:
    """The graph as a text table: node, op, shape, value, grad."""
    rows = [("node", "op", "shape", "value", "grad")]
    for node in graph.nodes:
        name = node.id if node.label == node.id else f"{node.id} ({node.label})"
        op = node.op or ("detach" if node.cut else node.kind)
        if node.inputs:
            op += f"({', '.join(node.inputs)})"
        rows.append(
            (
                name,
                op + (" no_grad" if node.no_grad else ""),
                shape(node.shape),
                short(node.value, node.shape, 28),
                "" if node.grad is None else short(node.grad, node.shape, 28),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="gradtutor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the tutoring site for one user")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(handler=_serve)
    explain = commands.add_parser(
        "explain", help="gradients beside their closed forms, with the chain-rule steps"
    )
    explain.add_argument("file", nargs="?", help="a graph program; - reads standard input")
    explain.add_argument("--expression", help="a formula instead, e.g. 'Y - x1*w1*w2'")
    explain.add_argument("--values", help="the formula's values, e.g. x1=2,w1=5,w2=6,Y=10")
    explain.add_argument("--requires-grad", help="leaves needing gradients (default: all)")
    explain.add_argument("--constants", help="names that are constants, e.g. Y")
    explain.set_defaults(handler=_explain)
    run = commands.add_parser("run", help="run a graph program: its output, then its graph")
    run.add_argument("file", help="a graph program; - reads standard input")
    run.set_defaults(handler=_run)
    worksheet_cli.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gradtutor`` console script."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
