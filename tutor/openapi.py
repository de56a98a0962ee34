"""The OpenAPI 3.1 document of the REST API, as served at ``/api/v1/openapi.json``.

It describes what the service really does — the tests validate every answer the test client
gets against it, and schemathesis fuzzes the live app from it — including the error
responses: one shape for 400/404/405/413/422/500.
"""

from __future__ import annotations

from functools import cache

from .examples import seed

REF = "#/components/schemas/"
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
_SHAPE = {"type": "array", "items": {"type": "integer", "minimum": 0}}


def _ref(name: str) -> dict:
    return {"$ref": REF + name}


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


SCHEMAS: dict[str, dict] = {
    "Number": {
        "description": 'A number; non-finite numbers are the strings "nan", "inf", "-inf".',
        "oneOf": [{"type": "number"}, {"type": "string", "enum": ["nan", "inf", "-inf"]}],
    },
    "Tensor": {
        "description": "A 0-d value is a plain number (shape []); others are nested lists.",
        "oneOf": [_ref("Number"), {"type": "array", "items": _ref("Tensor")}],
    },
    "InputTensor": {
        "description": "A finite number, or a rectangular nested list of them.",
        "oneOf": [{"type": "number"}, {"type": "array", "items": _ref("InputTensor")}],
    },
    "ProgramRequest": {
        "type": "object",
        "required": ["program"],
        "additionalProperties": False,
        "properties": {
            "program": {
                "type": "string",
                "description": "A graph program: PyTorch-flavoured Python (Contract 2).",
            }
        },
    },
    "ExpressionRequest": {
        "type": "object",
        "required": ["expression", "values"],
        "additionalProperties": False,
        "properties": {
            "expression": {"type": "string", "description": "A formula, e.g. Y - x1*w1*w2."},
            "values": {
                "type": "object",
                "description": "Leaf values by name.",
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": _ref("InputTensor"),
            },
            "requires_grad": {
                "type": "array",
                "description": "Leaves that need gradients (default: every name in values).",
                "items": {"type": "string"},
            },
        },
    },
    "ExplainRequest": {"oneOf": [_ref("ProgramRequest"), _ref("ExpressionRequest")]},
    "Step": {
        "type": "object",
        "description": (
            "One step of the chain-rule derivation: its kind (start, node_gradient, use, cut, "
            "derivation, accumulation, substitution, simplification, evaluation, check, …), "
            "its data fields, its renderings and its nested steps."
        ),
        "required": ["kind", "text", "latex", "mathml", "children"],
        "properties": {
            "kind": {"type": "string"},
            "text": {"type": "string"},
            "latex": {"type": "string"},
            "mathml": {"type": "string", "description": "HTML with presentation MathML."},
            "children": {"type": "array", "items": _ref("Step")},
        },
    },
    "Gradient": {
        "type": "object",
        "required": ["leaf", "shape", "numeric", "symbolic", "latex", "value", "agrees", "steps"],
        "properties": {
            "leaf": {"type": "string"},
            "shape": _SHAPE,
            "numeric": {"description": "The engine's .grad.", **_ref("Tensor")},
            "symbolic": {
                "type": ["string", "null"],
                "description": (
                    "The closed form in sympy's str form; null when no closed form was "
                    "derived within the budget (then note says why)."
                ),
            },
            "latex": {"type": ["string", "null"]},
            "compact": {
                "type": "boolean",
                "description": "true when the closed form keeps intermediate names.",
            },
            "definitions": {
                "type": "array",
                "description": "The intermediate names a compact closed form keeps.",
                "items": {
                    "type": "object",
                    "required": ["name", "symbolic", "latex"],
                    "properties": {
                        "name": {"type": "string"},
                        "symbolic": {"type": "string"},
                        "latex": {"type": "string"},
                    },
                },
            },
            "value": {
                "description": "The closed form evaluated at the leaves.",
                "oneOf": [_ref("Tensor"), {"type": "null"}],
            },
            "agrees": {"type": "boolean", "description": "value agrees with numeric."},
            "max_difference": _ref("Number"),
            "numerical": {
                "description": "Central differences in float64, the third witness.",
                "oneOf": [_ref("Tensor"), {"type": "null"}],
            },
            "agrees_numerical": {"type": ["boolean", "null"]},
            "max_difference_numerical": {"oneOf": [_ref("Number"), {"type": "null"}]},
            "steps": {"type": "array", "items": _ref("Step")},
            "note": {"type": ["string", "null"]},
        },
    },
    "NoGradient": {
        "type": "object",
        "description": "A leaf whose .grad stayed None, and why.",
        "required": ["leaf", "reason"],
        "properties": {
            "leaf": {"type": "string"},
            "reason": {"type": "string"},
            "cuts": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Node": {
        "type": "object",
        "required": ["id", "label", "kind"],
        "properties": {
            "id": {"type": "string"},
            "label": {"type": "string"},
            "kind": {"type": "string", "enum": ["leaf", "constant", "literal", "op"]},
            "op": {"type": ["string", "null"]},
            "inputs": {"type": "array", "items": {"type": "string"}},
            "grad_fn": {"type": ["string", "null"]},
            "shape": _SHAPE,
            "dtype": {"type": "string"},
            "value": {"oneOf": [_ref("Tensor"), {"type": "null"}]},
            "grad": {"oneOf": [_ref("Tensor"), {"type": "null"}]},
            "requires_grad": {"type": "boolean"},
            "no_grad": {"type": "boolean"},
            "cut": {"type": ["string", "null"]},
            "line": {"type": "integer"},
            "col": {"type": "integer"},
            "symbolic": {"type": ["string", "null"], "description": "Its definition."},
            "latex": {"type": ["string", "null"]},
        },
    },
    "Edge": {
        "type": "object",
        "required": ["source", "target"],
        "properties": {
            "source": {"type": "string"},
            "target": {"type": "string"},
            "position": {"type": "integer", "minimum": 0},
            "cut": {"enum": ["detach", "no_grad", None]},
            "local": {
                "description": "The local derivative ∂target/∂source (null where none flows).",
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["symbolic", "value"],
                        "properties": {
                            "symbolic": {"type": ["string", "null"]},
                            "latex": {"type": ["string", "null"]},
                            "value": {"oneOf": [_ref("Tensor"), {"type": "null"}]},
                            "text": {"type": "string"},
                        },
                    },
                ],
            },
        },
    },
    "Graph": {
        "type": "object",
        "required": ["nodes", "edges"],
        "properties": {
            "nodes": {"type": "array", "items": _ref("Node")},
            "edges": {"type": "array", "items": _ref("Edge")},
            "backward_calls": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["root"],
                    "properties": {
                        "root": {"type": "string"},
                        "gradient": {"oneOf": [_ref("Tensor"), {"type": "null"}]},
                        "line": {"type": "integer"},
                        "grads_after": {"type": "object"},
                    },
                },
            },
        },
    },
    "Explanation": {
        "type": "object",
        "required": ["output", "gradients", "graph"],
        "properties": {
            "output": {"type": "string", "description": "What the program printed."},
            "gradients": {
                "type": "array",
                "description": "One per leaf that received a gradient, in first-use order.",
                "items": _ref("Gradient"),
            },
            "no_gradient": {"type": "array", "items": _ref("NoGradient")},
            "graph": _ref("Graph"),
            "mode": {"type": "string", "description": "How the closed forms were derived."},
            "tolerance": {"type": "object", "additionalProperties": {"type": "string"}},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "line": {"type": "integer", "minimum": 1},
                    "col": {"type": "integer", "minimum": 1},
                },
            }
        },
    },
}

ERRORS = {
    "400": _error_response(
        "Cannot parse: the body is not the documented JSON (NaN/Infinity literals included), "
        "or the program or formula is not valid (line and col say where)."
    ),
    "405": _error_response("Wrong method for this path (the Allow header lists the right one)."),
    "413": _error_response("Too large: the body, the program, or a limit such as tensor size."),
    "422": _error_response(
        "Valid syntax, but the engine refuses it: shape mismatch, backward twice, a limit …"
    ),
}

EXPLAIN_EXAMPLES = {
    "program": {"summary": "The tutorial's mean example", "value": {"program": seed("b")}},
    "expression": {
        "summary": "A formula with values",
        "value": {
            "expression": "Y - x1*w1*w2",
            "values": {"x1": 2, "w1": 5, "w2": 6, "Y": 10},
            "requires_grad": ["x1", "w1", "w2"],
        },
    },
}


@cache
def document() -> dict:
    """The OpenAPI document (built once; treat it as read-only)."""
    from . import worksheet_openapi  # it builds on the schemas above

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gradtutor API",
            "version": "1.0.0",
            "description": (
                "Explain small computation graphs: the output PyTorch would print, the "
                "engine's gradients beside sympy's closed forms, the chain-rule steps and "
                "the graph. JSON has no NaN: non-finite numbers are the strings "
                '"nan", "inf" and "-inf", and requests carrying NaN/Infinity are refused.'
            ),
        },
        "paths": {
            "/api/v1/explain": {
                "post": {
                    "operationId": "explain",
                    "summary": "Explain a graph program or a formula",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": _ref("ExplainRequest"),
                                "examples": EXPLAIN_EXAMPLES,
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The explanation.",
                            "content": {"application/json": {"schema": _ref("Explanation")}},
                        },
                        **ERRORS,
                    },
                }
            },
            **worksheet_openapi.PATHS,
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "405": ERRORS["405"],
                    },
                }
            },
        },
        "components": {"schemas": {**SCHEMAS, **worksheet_openapi.SCHEMAS}},
    }
