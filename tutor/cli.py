"""The ``gradtutor`` command line: serve the site, run or explain a program, make worksheets.

Every command takes ``--lang``: its help, its messages and what it writes are in that
language (the help too, when ``--lang`` comes with ``--help``). argparse's own words
("usage:", its error messages) stay as argparse writes them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import i18n, render
from .errors import TutorError
from .explain import explain, make_input
from .i18n import gettext as _
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
        _complain("serve", missing)
        return 1
    if not os.environ.get("SECRET_KEY"):
        _complain(
            "serve",
            _(
                "no SECRET_KEY set, so worksheet links signed now stop working when this "
                "server stops"
            ),
        )
    app.run(host=args.host, port=args.port)
    return 0


def _complain(command: str, message: object, meaning: str | None = None) -> None:
    """``gradtutor COMMAND: message`` on standard error (a missing file in the current
    language, other errors as they say themselves), then what an engine message means."""
    if isinstance(message, BrokenPipeError):
        raise message  # not an error of the input: the reader stopped reading (``main``)
    meaning = meaning or getattr(message, "explanation", None)  # a ProgramError's, in zh
    if isinstance(message, FileNotFoundError) and message.filename is not None:
        message = _(
            "[Errno {errno}] No such file or directory: {path}",
            errno=message.errno,
            path=repr(message.filename),
        )
    print(f"gradtutor {command}: {message}", file=sys.stderr)
    if meaning:
        print(f"gradtutor {command}: {meaning}", file=sys.stderr)


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
            _complain("explain", _("give a FILE (or -) or --expression"))
            return 2
        print(render.text(explain(inp)))
    except (TutorError, OSError) as error:
        _complain("explain", error)
        return 1
    return 0


def _run(args: argparse.Namespace) -> int:
    try:
        result = numeric.run(parse_program(_source(args.file)))
    except TutorError as error:
        one_line = str(error).replace("\n", " ")  # some engine messages span lines
        _complain("run", f"{error.code}: {one_line}", getattr(error, "explanation", None))
        return 2
    except OSError as error:
        _complain("run", error)
        return 2
    sys.stdout.write(result.output)
    print()
    print(render.text(result.graph))
    return 0


def _worksheet_text(args: argparse.Namespace) -> str:
    sheet = make_worksheet(args.seed, args.problems, args.level, args.version, lang=args.lang)
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
        _complain("worksheet", error)
        return 2
    return 0


def _language() -> argparse.ArgumentParser:
    """The option every command takes: the language it speaks."""
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    language.add_argument(
        "--lang",
        choices=tuple(i18n.LOCALES),
        default=i18n.DEFAULT,
        help=_("en (English, the default) or zh (Simplified Chinese)"),
    )
    return language


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task, its help in the current language."""
    parser = argparse.ArgumentParser(
        prog="gradtutor",
        description=_(
            "The gradtutor command line: serve the site, run or explain a program, make worksheets."
        ),
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    commands = parser.add_subparsers(dest="command", required=True)
    common = {"parents": [_language()], "add_help": False}
    serve = commands.add_parser(
        "serve",
        help=_("run the tutoring site for one user"),
        description=_(
            "Run the tutoring site for one user. --lang is the language of this command's "
            "messages: the site speaks each reader's own (?lang=, Accept-Language)."
        ),
        **common,
    )
    serve.add_argument("--host", default="127.0.0.1", help=_("the address to listen on"))
    serve.add_argument("--port", type=int, default=5000, help=_("the port to listen on"))
    serve.set_defaults(handler=_serve)
    explain_command = commands.add_parser(
        "explain",
        help=_("gradients beside their closed forms, with the chain-rule steps"),
        **common,
    )
    explain_command.add_argument(
        "file", nargs="?", help=_("a graph program; - reads standard input")
    )
    explain_command.add_argument(
        "--expression", help=_("a formula instead, e.g. {example}", example="'Y - x1*w1*w2'")
    )
    explain_command.add_argument(
        "--values",
        help=_("the formula's values, e.g. {example}", example="x1=2,w1=5,w2=6,Y=10"),
    )
    explain_command.add_argument(
        "--requires-grad", help=_("leaves needing gradients (default: all)")
    )
    explain_command.add_argument(
        "--constants", help=_("names that are constants, e.g. {example}", example="Y")
    )
    explain_command.add_argument(
        "--order",
        type=int,
        choices=(1, 2),
        default=1,
        help=_("2: second derivatives (the Hessian) of a formula too"),
    )
    explain_command.set_defaults(handler=_explain)
    run = commands.add_parser(
        "run", help=_("run a graph program: its output, then its graph"), **common
    )
    run.add_argument("file", help=_("a graph program; - reads standard input"))
    run.set_defaults(handler=_run)
    sheet = commands.add_parser(
        "worksheet",
        help=_("a seeded worksheet or its answer key: printable HTML, LaTeX or JSON"),
        **common,
    )
    sheet.add_argument("--seed", type=int, required=True, help=_("any whole number from 0"))
    sheet.add_argument("--problems", type=int, required=True, help=_("1 to 50"))
    sheet.add_argument("--level", type=int, required=True, help=_("1 to 5"))
    sheet.add_argument("--version", type=int, default=1, help=_("another sheet of the same kind"))
    sheet.add_argument("--format", choices=("html", "tex", "json"), required=True)
    sheet.add_argument(
        "--answers",
        action="store_true",
        help=_("the answer key (JSON: the sheet with its key)"),
    )
    sheet.add_argument(
        "-o", "--output", metavar="FILE", help=_("write to FILE, not standard output")
    )
    sheet.set_defaults(handler=_worksheet)
    return parser


def _chosen(argv: list[str] | None) -> str:
    """The language ``argv`` asks for, read before the full parse so that the help and
    argparse's messages are in it (an unknown one is left for the full parse to refuse)."""
    first = argparse.ArgumentParser(add_help=False)
    first.add_argument("--lang")
    asked, _rest = first.parse_known_args(argv)
    return asked.lang if asked.lang in i18n.LOCALES else i18n.DEFAULT


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gradtutor`` console script."""
    with i18n.using(_chosen(argv)):
        args = build_parser().parse_args(argv)
        try:
            return args.handler(args)
        except BrokenPipeError:  # the output's reader stopped reading (``| head``)
            # what is still buffered for the closed pipe must not fail again at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1


if __name__ == "__main__":
    sys.exit(main())
