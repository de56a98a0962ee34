"""The building blocks every part of the OpenAPI document uses: references, names, errors.

Descriptions are English, as the document is; they are marked for translation (``N_``) so the
documentation page can show them in the reader's language.
"""

from __future__ import annotations

from ...i18n import N_

REF = "#/components/schemas/"
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
SHAPE = {"type": "array", "items": {"type": "integer", "minimum": 0}}


def ref(name: str) -> dict:
    """A reference to a schema of ``components``."""
    return {"$ref": REF + name}


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


ERRORS = {
    "400": _error_response(
        N_(
            "Cannot parse: the body is not the documented JSON (NaN/Infinity literals included), "
            "or the program or formula is not valid (line and col say where)."
        )
    ),
    "405": _error_response(
        N_("Wrong method for this path (the Allow header lists the right one).")
    ),
    "413": _error_response(N_("Too large: the body, the program, or a limit such as tensor size.")),
    "422": _error_response(
        N_("Valid syntax, but the engine refuses it: shape mismatch, backward twice, a limit …")
    ),
}
