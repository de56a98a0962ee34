"""``gradtutor worksheet``: a seeded worksheet, or its answer key, as HTML, LaTeX or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(commands) -> None:
    """Add the ``worksheet`` sub-command to the CLI's sub-commands."""
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
    sheet.set_defaults(handler=run)


def _text(args: argparse.Namespace) -> str:
    from . import create_app, latex_sheet, worksheet_views
    from .jsonio import dumps_strict
    from .worksheet import make_worksheet

    sheet = make_worksheet(args.seed, args.problems, args.level, args.version)
    if args.format == "json":
        return (sheet.json_text if args.answers else dumps_strict(sheet.to_json(False))) + "\n"
    if args.format == "tex":
        return latex_sheet.document(sheet, args.answers)
    with create_app().test_request_context():
        return worksheet_views.printable_html(sheet, args.answers, standalone=True)


def run(args: argparse.Namespace) -> int:
    """Write the worksheet; 2 and a message on standard error for parameters out of range."""
    from .errors import TutorError

    try:
        text = _text(args)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    except (TutorError, OSError) as error:
        print(f"gradtutor worksheet: {error}", file=sys.stderr)
        return 2
    return 0
