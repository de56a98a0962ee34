"""``%%explain`` and ``%explain``: IPython magics over ``tutor.notebook.explain``.

Options mirror the API: ``--requires-grad``, ``--constants`` and ``--order`` for a formula,
``--lang`` (en or zh) for both. The options' own help (``%explain?``) is English: IPython
builds it once, when the extension loads, before any language is chosen.
``%%explain --continue`` goes on from the last cell, as a tutorial's cells do. A cell is
never executed by the kernel: it is read and run by the tutor's own interpreter.
"""

from __future__ import annotations

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from .. import i18n
from . import Explained, explain

LANG = argument("--lang", choices=tuple(i18n.LOCALES), default=i18n.DEFAULT, help="en or zh")


def _unquoted(word: str) -> str:
    """A magic's argument without the quotes IPython's splitting keeps: ``'x + 1'``."""
    quoted = len(word) >= 2 and word[0] == word[-1] and word[0] in "'\""
    return word[1:-1] if quoted else word


@magics_class
class ExplainMagics(Magics):
    """The tutor's magics."""

    @magic_arguments()
    @argument("expression", nargs="?", help="a formula, e.g. 'Y - x1*w1*w2'")
    @argument("values", nargs="*", help="its values: x1=2 w1=5 Y=10")
    @argument("--requires-grad", default=None, help="leaves needing gradients: x1,w1")
    @argument("--constants", default=None, help="names that are constants: Y")
    @argument("--order", type=int, choices=(1, 2), default=1, help="2: the Hessian too")
    @argument("--static", action="store_true", help="no script: no Back/Next on the graph")
    @LANG
    @line_magic("explain")
    def explain_line(self, line: str):
        """Explain a formula: ``%explain 'Y - x1*w1*w2' x1=2 w1=5 w2=6 Y=10 --constants Y``."""
        args = parse_argstring(self.explain_line, line)
        display(
            explain(
                expression=_unquoted(args.expression or ""),
                values=",".join(map(_unquoted, args.values)),
                requires_grad=args.requires_grad,
                constants=args.constants,
                order=args.order,
                static=args.static,
                lang=args.lang,
            )
        )

    program = ""  # the last %%explain cell's program, which ``--continue`` extends

    @magic_arguments()
    @argument(
        "--continue",
        dest="extend",
        action="store_true",
        help="the cell goes on from the last %%%%explain cell (its names stay defined)",
    )
    @argument("--order", type=int, choices=(1, 2), default=1, help="2 takes a formula")
    @argument("--static", action="store_true", help="no script: no Back/Next on the graph")
    @LANG
    @cell_magic("explain")
    def explain_cell(self, line: str, cell: str):
        """Explain the cell, a PyTorch snippet: what it prints, the graph, gradients, steps."""
        args = parse_argstring(self.explain_cell, line)
        program = f"{self.program.rstrip()}\n{cell}" if args.extend and self.program else cell
        answer = explain(program=program, order=args.order, static=args.static, lang=args.lang)
        if isinstance(answer, Explained):
            self.program = program
        display(answer)


def load(ipython) -> None:
    """Register the magics with an IPython shell."""
    ipython.register_magics(ExplainMagics)
