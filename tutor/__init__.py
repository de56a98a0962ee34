"""gradtutor's tutor: graph programs, their symbolic derivation, explanations and the service.

One stage of the pipeline per subpackage, every import pointing down::

    cli            the ``gradtutor`` command line
    web            the only Flask code: pages, the REST API, worksheets, errors, OpenAPI
    notebook       ``%load_ext tutor``: ``%%explain`` and ``%explain`` in IPython and Jupyter
    worksheet      seeded problem sets with answer keys (HTML, LaTeX, JSON)
    checking       a student's answer: safe parse, equivalence, classic mistakes
    render         steps and explanations as text, LaTeX, MathML, SVG and the JSON report
    explain        ``explain()``: the one entry point, returning an ``Explanation``
    symbolic, run  the graph on sympy (closed forms, witnesses) | the program on the engine
    lang           text → a checked ``Program`` (AST whitelist, never evaluated)
    functions, forms, graph, steps, limits, errors, jsonio, examples   shared foundations

``import tutor`` (or any stage below ``web``) does not load Flask; ``tutor.create_app`` does,
when it is first asked for; nor IPython, which only ``%load_ext tutor`` loads.
"""

from __future__ import annotations


def load_ipython_extension(ipython) -> None:
    """``%load_ext tutor``: the ``%%explain`` and ``%explain`` magics."""
    from .notebook.magics import load

    load(ipython)


def __getattr__(name: str):
    """``tutor.create_app``, imported from ``tutor.web`` on first use (PEP 562)."""
    if name == "create_app":
        from .web import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
