"""The ``gradtutor`` command line: serve the site, run or explain a program, make worksheets."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import i18n, render
from .errors import TutorError
from .explain import explain, make_input
from .lang import parse_program
from .lang.values import parse_names, parse_values
from .run import numeric
from .worksheet import latex, make_worksheet


def _serve(args: argparse.Namespace) -> int:
    from .render.dot import LayoutEngineMissing
    from .web import create_app  # Flask loads only for the commands that need it

    try:
        app = create_app({"DEVELOPMENT": True})
    except LayoutEngineMissing as missing:
        print(f"gradtutor serve: {missing}", file=sys.stderr)
        return 1
    if not os.environ.get("SECRET_KEY"):
        print(
            "gradtutor serve: no SECRET_KEY set, so worksheet links signed now stop working "
            "when this server stops",
            file=sys.stderr,
        )
    app.run(host=args.host, port=args.port)
    return 0


def _source(path: str) -> str:
    """The text of a file, or of standard input for ``-``."""
    return sys.stdin.read() if path == "-" else Path(path).read_text()


def _explain(args: argparse.Namespace) -> int:
    try:
        if args.expression is not None:
            inp = make_input(
                expression=args.expression,
                values=parse_values(args.values or ""),
                requires_grad=parse_names(args.requires_grad or ""),
                constants=parse_names(args.constants or ""),
                order=args.order,
                lang=args.lang,
            )
        elif args.file is not None:
            inp = make_input(program=_source(args.file), order=args.order, lang=args.lang)
        else:
            print("gradtutor explain: give a FILE (or -) or --expression", file=sys.stderr)
            return 2
        with i18n.using(inp.lang):
            print(render.text(explain(inp)))
    except (TutorError, OSError) as error:
        print(f"gradtutor explain: {error}", file=sys.stderr)
        return 1
    return 0


def _run(args: argparse.Namespace) -> int:
    try:
        result = numeric.run(parse_program(_source(args.file)))
    except TutorError as error:
        one_line = str(error).replace("\n", " ")  # some engine messages span lines
        print(f"gradtutor run: {error.code}: {one_line}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"gradtutor run: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(result.output)
    print()
    print(render.text(result.graph))
    return 0


def _worksheet_text(args: argparse.Namespace) -> str:
    sheet = make_worksheet(args.seed, args.problems, args.level, args.version)
    if args.format == "json":
        return (sheet.json_text if args.answers else sheet.student_json_text) + "\n"
    if args.format == "tex":
        return latex.document(sheet, args.answers)
    from .web import create_app, worksheets  # the printable page is the site's own template

    with create_app({"DEVELOPMENT": True}).test_request_context():
        return worksheets.printable_html(sheet, args.answers, standalone=True)


def _worksheet(args: argparse.Namespace) -> int:
    """Write the worksheet; 2 and a message on standard error for parameters out of range."""
    try:
        text = _worksheet_text(args)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    except (TutorError, OSError) as error:
        print(f"gradtutor worksheet: {error}", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="gradtutor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the tutoring site for one user")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(handler=_serve)
    explain_command = commands.add_parser(
        "explain", help="gradients beside their closed forms, with the chain-rule steps"
    )
    explain_command.add_argument("file", nargs="?", help="a graph program; - reads standard input")
    explain_command.add_argument("--expression", help="a formula instead, e.g. 'Y - x1*w1*w2'")
    explain_command.add_argument("--values", help="the formula's values, e.g. x1=2,w1=5,w2=6,Y=10")
    explain_command.add_argument("--requires-grad", help="leaves needing gradients (default: all)")
    explain_command.add_argument("--constants", help="names that are constants, e.g. Y")
    explain_command.add_argument(
        "--order",
        type=int,
        choices=(1, 2),
        default=1,
        help="2: second derivatives (the Hessian) of a formula too",
    )
    explain_command.add_argument(
        "--lang",
        choices=tuple(i18n.LOCALES),
        default=i18n.DEFAULT,
        help="en (English, the default) or zh (Simplified Chinese); the steps are English for now",
    )
    explain_command.set_defaults(handler=_explain)
    run = commands.add_parser("run", help="run a graph program: its output, then its graph")
    run.add_argument("file", help="a graph program; - reads standard input")
    run.set_defaults(handler=_run)
    sheet = commands.add_parser(
        "worksheet", help="a seeded worksheet or its answer key: printable HTML, LaTeX or JSON"
    )
    sheet.add_argument("--seed", type=int, required=True, help="any whole number from 0")
    sheet.add_argument("--problems", type=int, required=True, help="1 to 50")
    sheet.add_argument("--level", type=int, required=True, help="1 to 5")
    sheet.add_argument("--version", type=int, default=1, help="another sheet of the same kind")
    sheet.add_argument("--format", choices=("html", "tex", "json"), required=True)
    sheet.add_argument(
        "--answers", action="store_true", help="the answer key (JSON: the sheet with its key)"
    )
    sheet.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not standard output")
    sheet.set_defaults(handler=_worksheet)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gradtutor`` console script."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
