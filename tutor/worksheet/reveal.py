"""When a handed-out worksheet shows a student the expected answer: never, after N tries, always.

The teacher chooses at generation time; the choice is one of the worksheet's parameters
(``reveal=never``, ``reveal=after-3``, ``reveal=always``), so it is signed into the links with
the others and a student cannot change it. A try is a wrong answer that differs from the one
before it (``tutor.web.handout`` counts them in a signed token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import i18n

NEVER, ALWAYS = "never", "always"
MAX_TRIES = 9  # past nine wrong tries, "after N" is "never" in practice
CHOICES = (NEVER, "after-1", "after-2", "after-3", "after-5", ALWAYS)  # the form's options
_AFTER = re.compile(r"after-([1-9])\Z")


@dataclass(frozen=True)
class Reveal:
    """After how many tries the expected answer is shown: None never, 0 always."""

    after: int | None

    @classmethod
    def parse(cls, text: object) -> Reveal:
        """The setting a parameter names; ``ValueError`` for anything else.

        >>> Reveal.parse("after-3").allows(2), Reveal.parse("after-3").allows(3)
        (False, True)
        >>> str(Reveal.parse("never")), Reveal.parse("always").allows(0)
        ('never', True)
        """
        if text == NEVER:
            return cls(None)
        if text == ALWAYS:
            return cls(0)
        match = _AFTER.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(
                i18n.gettext(
                    "reveal is {never}, {always} or {after} with N from 1 to {most}",
                    never=NEVER,
                    always=ALWAYS,
                    after="after-N",
                    most=MAX_TRIES,
                )
            )
        return cls(int(match.group(1)))

    def __str__(self) -> str:
        if self.after is None:
            return NEVER
        return ALWAYS if self.after == 0 else f"after-{self.after}"

    def allows(self, tries: int) -> bool:
        """Whether the answer may be shown after ``tries`` wrong tries."""
        return self.after is not None and tries >= self.after

    def describe(self) -> str:
        """The setting in words, for the teacher's page and the student's."""
        if self.after is None:
            return i18n.gettext("never shown")
        if self.after == 0:
            return i18n.gettext("shown with every check")
        return i18n.ngettext("shown after {n} wrong try", "shown after {n} wrong tries", self.after)
