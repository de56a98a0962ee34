"""Every word a reader sees in the templates is marked for translation.

The rule, read from Jinja's own token stream of each template:

- a ``{% trans %}…{% endtrans %}`` block is marked, whatever it holds; every other Jinja
  construct (``{{ … }}``, ``{% … %}``, ``{# … #}``) is not text of the template — a
  ``{{ _("…") }}`` is marked, a ``{{ value }}`` is data whose translation is its producer's
  business;
- what is left, the template's own HTML, is parsed: its text and the attributes a reader
  meets (``title``, ``alt``, ``placeholder``, ``aria-label``, ``data-label`` that the narrow
  layout prints, a ``<meta>``'s ``content``) must hold no word, except inside elements that
  show code or math (``code``, ``pre``, ``samp``, ``kbd``, ``math``, ``script``, ``style``);
- a word is a run of letters. It may stay when it is code-like (it has a digit or one of
  ``_ . / ( ) =``, as ``grad_fn`` or ``/api/v1/explain``), the target of an assignment, a
  single letter (a name in math, the ``Y`` of ``Y - x1*w1*w2``), an acronym (``POST``,
  ``JSON``) or a name that no language translates (``gradtutor``, ``LaTeX``, ``PyTorch``:
  ``tests.web.english.NAMES``).
"""

from __future__ import annotations

from html.parser import HTMLParser
from importlib.resources import files

import pytest
from jinja2 import Environment

from tests.web.english import HOLE, words

TEMPLATES = files("tutor.web") / "templates"
CODE_ELEMENTS = {"code", "pre", "samp", "kbd", "math", "script", "style"}
SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "data-label"}


def _skeleton(source: str) -> str:
    """The template's own HTML: every Jinja construct, and every trans block, a hole."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    out, depth, statement = [], 0, []
    for _line, kind, value in env.lex(source):
        if kind == "block_begin":
            statement = []
        elif kind == "name" and not statement:
            statement.append(value)
            depth += {"trans": 1, "endtrans": -1}.get(value, 0)
        elif kind == "data" and depth == 0:
            out.append(value)
            continue
        if not out or out[-1] != HOLE:
            out.append(HOLE)
    return "".join(out)


class _Reader(HTMLParser):
    """Collects the words of text and shown attributes outside code and math."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside_code = 0
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        shown = dict(attrs)
        for name, value in shown.items():
            if name in SHOWN_ATTRIBUTES or (tag == "meta" and name == "content"):
                self.words += words(value or "")
        if tag in CODE_ELEMENTS:
            self.inside_code += 1

    def handle_endtag(self, tag):
        if tag in CODE_ELEMENTS:
            self.inside_code -= 1

    def handle_data(self, data):
        if not self.inside_code:
            self.words += words(data)


def unmarked(source: str) -> list[str]:
    """The words of a template a reader would see untranslated."""
    reader = _Reader()
    reader.feed(_skeleton(source))
    reader.close()
    return reader.words


@pytest.mark.parametrize(
    "source, expected",
    [
        ("<p>Try this</p>", ["Try", "this"]),
        ('<input placeholder="Y - x1*w1*w2">', []),
        ("<p>{% trans %}Try this{% endtrans %}</p>", []),
        ('<p title="Some hint">{{ _("x") }}</p>', ["Some", "hint"]),
        ("<p><code>x.grad</code> · {{ value }} ✓</p>", []),
        ("<td>grad_fn</td><span>POST /api/v1/explain</span>", []),
        ("{% if x %}<b>Leaf</b>{% endif %}", ["Leaf"]),
        ("<script>const unmarked = 1;</script>", []),
    ],
)
def test_the_rule_finds_unmarked_words(source, expected):
    assert unmarked(source) == expected


@pytest.mark.parametrize(
    "name", sorted(t.name for t in TEMPLATES.iterdir() if t.name.endswith(".html"))
)
def test_every_visible_word_of_a_template_is_marked(name):
    assert unmarked((TEMPLATES / name).read_text()) == [], name
