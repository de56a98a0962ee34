"""The OpenAPI schemas and paths of answer checking and worksheets."""

from __future__ import annotations

from ...checking import KINDS
from ...worksheet.sheet import FORMAT, MAX_PROBLEMS, MAX_SEED, MAX_VERSION
from . import explain_schema
from .parts import ERRORS, NAME_PATTERN, ref

_CHECK_FIELDS = {
    "wrt": {"type": "string", "pattern": NAME_PATTERN, "description": "The leaf, e.g. x1."},
    "answer": {
        "type": "string",
        "description": "The student's closed form (-w1*w2), or for kind value a number or list.",
    },
    "kind": {
        "enum": list(KINDS),
        "description": (
            "closed_form (default): a formula in the problem's names (for a gradient that "
            "differs element by element, a matrix form over its tensors such as X.T @ G, "
            "checked by value); matrix_form: a formula over whole tensors as PyTorch writes "
            "it, 2/3 * X.T @ (X @ W - Y), checked by value; value: a number."
        ),
    },
}
_BOX_KINDS = ["closed_form", "matrix_form", "value", "number", "output"]


def _explained(request: str) -> dict:
    """The properties of an explain request that a check request shares (not ``order``)."""
    properties = explain_schema.SCHEMAS[request]["properties"]
    return {k: v for k, v in properties.items() if k != "order"}


def _query(name: str, low: int, high: int, required: bool = True, default: int | None = None):
    schema = {"type": "integer", "minimum": low, "maximum": high}
    if default is not None:
        schema["default"] = default
    return {"name": name, "in": "query", "required": required, "schema": schema}


SCHEMAS = {
    "CheckProgramRequest": {
        "type": "object",
        "required": ["program", "wrt", "answer"],
        "additionalProperties": False,
        "properties": {**_explained("ProgramRequest"), **_CHECK_FIELDS},
    },
    "CheckExpressionRequest": {
        "type": "object",
        "required": ["expression", "values", "wrt", "answer"],
        "additionalProperties": False,
        "properties": {**_explained("ExpressionRequest"), **_CHECK_FIELDS},
    },
    "CheckRequest": {"oneOf": [ref("CheckProgramRequest"), ref("CheckExpressionRequest")]},
    "CheckResult": {
        "type": "object",
        "required": ["correct", "expected", "feedback"],
        "properties": {
            "correct": {"type": "boolean"},
            "expected": {"type": "string", "description": "The key: closed form or value."},
            "feedback": {"type": "string", "description": "What is right, or the likely mistake."},
            "diagnosis": {
                "type": "string",
                "description": (
                    "correct, sign_error, other_leaf, missing_path, missing_mean, wrong_local, "
                    "missing_accumulation, not_equivalent, value_not_closed_form, wrong_value, …"
                ),
            },
            "method": {"type": ["string", "null"], "description": "symbolic, numeric, tolerance."},
            "counterexample": {
                "description": "Values where the answer and the key differ.",
                "oneOf": [{"type": "object"}, {"type": "null"}],
            },
        },
    },
    "WorksheetProblem": {
        "type": "object",
        "required": ["number", "kind", "prompt", "shown", "input", "boxes", "key"],
        "properties": {
            "number": {"type": "integer", "minimum": 1},
            "kind": {"enum": ["closed_form", "matrix_form", "value", "graph", "output"]},
            "prompt": {"type": "string"},
            "shown": {"type": "string", "description": "The formula or program the student reads."},
            "given": {"type": "string", "description": "A formula's values, as shown."},
            "input": {
                "description": "The explain request behind the problem (POST it to /api/v1/check).",
                "oneOf": [ref("ProgramRequest"), ref("ExpressionRequest")],
            },
            "wrt": {"type": ["string", "null"]},
            "boxes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "label", "kind"],
                    "properties": {
                        "id": {"type": "string"},
                        "label": {"type": "string"},
                        "kind": {"enum": _BOX_KINDS},
                    },
                },
            },
            "key": {
                "type": "object",
                "required": ["answers", "verdict", "steps"],
                "properties": {
                    "answers": {"type": "array", "items": {"type": "object"}},
                    "verdict": {
                        "type": "object",
                        "required": ["agrees", "agrees_numerical", "leaves"],
                        "properties": {
                            "agrees": {"type": "boolean"},
                            "agrees_numerical": {"type": "boolean"},
                            "leaves": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                    "steps": {
                        "type": "array",
                        "description": "The chain rule at the leaf, unsimplified, then simplified.",
                        "items": {"type": "object", "required": ["kind", "text", "latex"]},
                    },
                },
            },
        },
    },
    "Worksheet": {
        "type": "object",
        "required": ["format", "parameters", "title", "level", "tolerance", "problems"],
        "properties": {
            "format": {"const": FORMAT},
            "parameters": {"type": "object"},
            "title": {"type": "string"},
            "level": {"type": "object"},
            "tolerance": {"type": "string"},
            "problems": {"type": "array", "items": ref("WorksheetProblem")},
        },
    },
}

PATHS = {
    "/api/v1/check": {
        "post": {
            "operationId": "check",
            "summary": "Check a student's answer for one gradient",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": ref("CheckRequest"),
                        "example": {
                            "expression": "Y - x1*w1*w2",
                            "values": {"x1": 2, "w1": 5, "w2": 6, "Y": 10},
                            "requires_grad": ["x1", "w1", "w2"],
                            "wrt": "x1",
                            "answer": "-w1*w2",
                        },
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "The verdict and feedback.",
                    "content": {"application/json": {"schema": ref("CheckResult")}},
                },
                **ERRORS,
            },
        }
    },
    "/api/v1/worksheet": {
        "get": {
            "operationId": "worksheet",
            "summary": "A seeded worksheet with its answer key (same parameters, same bytes)",
            "parameters": [
                _query("seed", 0, MAX_SEED),
                _query("problems", 1, MAX_PROBLEMS),
                _query("level", 1, 5),
                _query("version", 1, MAX_VERSION, required=False, default=1),
            ],
            "responses": {
                "200": {
                    "description": "The worksheet and its key.",
                    "content": {"application/json": {"schema": ref("Worksheet")}},
                },
                "400": ERRORS["400"],
                "405": ERRORS["405"],
            },
        }
    },
}
