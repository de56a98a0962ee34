"""English words left in a text: what the zh pages must not show outside code and math."""

from __future__ import annotations

import re

# names the same in every language: software, formats, the functions of the formulas, and the
# numbers nan and inf as a tensor prints them
NAMES = set(
    "gradtutor LaTeX PyTorch Python torch numpy sympy MathML OpenAPI "
    "exp log sin cos tanh sigmoid relu nan inf".split()
)
HOLE = "\x00"  # where a template's Jinja construct was: neither a word nor markup


def words(text: str) -> list[str]:
    """The words of ``text`` a translation would have to change: runs of letters, except in
    code-like tokens (a digit or one of ``_ . / ( ) =``), the target of an assignment
    (``out`` in ``out = …``), single letters (names in math), acronyms and ``NAMES``.

    >>> words("Leaf x1 grad_fn POST gradtutor: the Y, out = x")
    ['Leaf', 'the']
    """
    found = []
    tokens = text.replace(HOLE, " ").split()
    for token, after in zip(tokens, [*tokens[1:], ""], strict=False):
        if re.search(r"[\d_./()=]", token) or after == "=":
            continue
        for word in re.findall(r"[A-Za-z]+", token):
            if len(word) == 1 or word.isupper() or word in NAMES:
                continue
            found.append(word)
    return found
