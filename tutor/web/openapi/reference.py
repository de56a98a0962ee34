"""The OpenAPI document as the documentation page lists it, in the reader's language.

The document itself stays English (a machine contract); its descriptions are marked for
translation where they are written (``N_``) and translated here, each time the page is made.
A description with no translation yet keeps its English and says so (``lang``), so the page
marks it as English rather than passing it off as the page's language. A translation writes
the document's identifiers between backticks (`null`, `numeric`): the page shows them as code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ... import i18n
from . import document
from .parts import REF

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Said:
    """A description as shown: its text, and ``lang`` when that is not the page's language."""

    text: str
    lang: str | None = None

    @property
    def runs(self) -> list[tuple[str, bool]]:
        """The text in runs of (text, whether it is code): code is written `between backticks`.

        >>> Said("`value` 与 `numeric` 的比较。").runs
        [('value', True), (' 与 ', False), ('numeric', True), (' 的比较。', False)]
        """
        return [(run, k % 2 == 1) for k, run in enumerate(self.text.split("`")) if run]


@dataclass(frozen=True)
class Field:
    """One property of a schema: its name, its type as written in the document, and what it is."""

    name: str
    type: str
    required: bool
    description: Said | None


@dataclass(frozen=True)
class Schema:
    """One schema of ``components``: what it is, and its fields (none for a union or a list)."""

    name: str
    type: str
    description: Said | None
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Endpoint:
    """One method of one path: what it does, what it takes (a body's schema, query
    parameters) and what each status of its answer means."""

    method: str
    path: str
    summary: Said | None
    description: Said | None
    body: str | None
    parameters: tuple[Field, ...]
    responses: tuple[tuple[str, Said | None], ...]


def said(text: str | None) -> Said | None:
    """``text`` in the current language, or in English marked as such when not translated."""
    if text is None:
        return None
    shown = i18n.translate(text)
    untranslated = shown == text and i18n.current() != i18n.DEFAULT
    return Said(shown, i18n.DEFAULT if untranslated else None)


def type_of(schema: dict) -> str:
    """A schema's type in a few symbols: ``string | null``, ``Tensor``, ``Step[]``,
    ``"agrees" | "differs"``.

    >>> steps = {"type": "array", "items": {"$ref": REF + "Step"}}
    >>> type_of({"type": ["string", "null"]}), type_of(steps)
    ('string | null', 'Step[]')
    """
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF)
    if "enum" in schema or "const" in schema:
        return " | ".join(json.dumps(v) for v in schema.get("enum", [schema.get("const")]))
    if "oneOf" in schema or "anyOf" in schema:
        return " | ".join(type_of(s) for s in schema.get("oneOf", schema.get("anyOf")))
    kind = schema.get("type", "any")
    if kind == "array" and "items" in schema:
        items = type_of(schema["items"])
        return f"({items})[]" if " | " in items else f"{items}[]"
    return " | ".join(kind) if isinstance(kind, list) else kind


def _schema(name: str, schema: dict) -> Schema:
    required = set(schema.get("required", ()))
    fields = tuple(
        Field(key, type_of(value), key in required, said(value.get("description")))
        for key, value in schema.get("properties", {}).items()
    )
    kind = "object" if fields else type_of(schema)
    return Schema(name, kind, said(schema.get("description")), fields)


def _parameter(parameter: dict) -> Field:
    schema = parameter.get("schema", {})
    description = parameter.get("description", schema.get("description"))
    return Field(parameter["name"], type_of(schema), parameter["required"], said(description))


def _endpoint(method: str, path: str, operation: dict) -> Endpoint:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return Endpoint(
        method.upper(),
        path,
        said(operation.get("summary")),
        said(operation.get("description")),
        None if body is None else type_of(body["schema"]),
        tuple(_parameter(p) for p in operation.get("parameters", ())),
        tuple(
            (status, said(answer.get("description")))
            for status, answer in operation.get("responses", {}).items()
        ),
    )


def _endpoints(paths: dict) -> list[Endpoint]:
    return [
        _endpoint(method, path, operation)
        for path, item in paths.items()
        for method, operation in item.items()
        if method in METHODS
    ]


def reference() -> dict:
    """What the page lists: the document's description, its endpoints and its schemas."""
    spec = document()
    return {
        "description": said(spec["info"]["description"]),
        "endpoints": _endpoints(spec["paths"]),
        "schemas": [_schema(k, v) for k, v in spec["components"]["schemas"].items()],
    }
