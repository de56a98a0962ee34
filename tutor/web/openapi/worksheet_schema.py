"""The OpenAPI schemas and paths of answer checking and worksheets."""

from __future__ import annotations

from ... import i18n
from ...checking import KINDS
from ...i18n import N_
from ...worksheet.reveal import MAX_TRIES
from ...worksheet.sheet import FORMAT, MAX_PROBLEMS, MAX_SEED, MAX_VERSION
from . import explain_schema
from .parts import ERRORS, NAME_PATTERN, ref

_CHECK_FIELDS = {
    "wrt": {"type": "string", "pattern": NAME_PATTERN, "description": N_("The leaf, e.g. x1.")},
    "answer": {
        "type": "string",
        "description": N_(
            "The student's closed form (-w1*w2), or for kind value a number or list."
        ),
    },
    "kind": {
        "enum": list(KINDS),
        "description": N_(
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


_REVEAL = {
    "type": "string",
    "pattern": f"^(never|always|after-[1-{MAX_TRIES}])$",
    "default": "never",
    "description": N_(
        "When a student checking an answer is shown the expected one: never, after-N wrong "
        "tries, or always (the teacher's choice, signed into the links)."
    ),
}
_LANG = {
    "enum": list(i18n.LOCALES),
    "description": N_(
        "The sheet's language, en (English) or zh (Simplified Chinese): titles, questions, "
        "labels, the key's steps and every check's feedback. Without it, the request's "
        "Accept-Language header decides, and English is the default. The problems and "
        "their answers are the same in each language, and lang is not signed: a signed "
        "link stays valid with either."
    ),
}
_FORBIDDEN = {
    "description": N_(
        "The sig is not this service's signature of these parameters (or a try "
        "counter was not issued for this box of this sheet)."
    ),
    "content": {"application/json": {"schema": ref("Error")}},
}

SCHEMAS = {
    "HandoutCheckRequest": {
        "type": "object",
        "required": ["worksheet", "box", "answer"],
        "additionalProperties": False,
        "properties": {
            "worksheet": {
                "type": "object",
                "description": N_(
                    "The student link's query, every value a string: seed, problems, level, "
                    "version, reveal and sig, and lang when the link has it (the language "
                    "of the feedback and hints)."
                ),
                "additionalProperties": {"type": "string"},
            },
            "box": {"type": "string", "description": N_("The answer box's id, e.g. 3 or 2a.")},
            "answer": {"type": "string", "minLength": 1},
            "tries": {
                "type": "string",
                "description": N_("The token the previous check of this box answered with."),
            },
        },
    },
    "HandoutCheckResult": {
        "type": "object",
        "required": ["correct", "feedback", "diagnosis", "hints", "hints_left", "tries", "token"],
        "properties": {
            "correct": {"type": "boolean"},
            "feedback": {"type": "string"},
            "diagnosis": {"type": "string"},
            "method": {"type": ["string", "null"]},
            "hints": {
                "type": "array",
                "items": {"type": "string"},
                "description": N_(
                    "One more rung per wrong try, up to three: the rule or the paths, the local "
                    "derivative of one edge, the upstream value at its end."
                ),
            },
            "hints_left": {"type": "integer", "minimum": 0},
            "tries": {"type": "integer", "minimum": 0, "description": N_("Wrong tries so far.")},
            "token": {
                "type": "string",
                "description": N_("Send it with the next check of the box."),
            },
            "expected": {
                "type": "string",
                "description": N_("Only when the sheet's reveal setting allows it."),
            },
        },
    },
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
    "CheckRequest": {
        "oneOf": [
            ref("CheckProgramRequest"),
            ref("CheckExpressionRequest"),
            ref("HandoutCheckRequest"),
        ]
    },
    "CheckResult": {
        "type": "object",
        "required": ["correct", "expected", "feedback"],
        "properties": {
            "correct": {"type": "boolean"},
            "expected": {"type": "string", "description": N_("The key: closed form or value.")},
            "feedback": {
                "type": "string",
                "description": N_("What is right, or the likely mistake."),
            },
            "diagnosis": {
                "type": "string",
                "description": N_(
                    "correct, sign_error, other_leaf, missing_path, missing_mean, wrong_local, "
                    "missing_accumulation, not_equivalent, value_not_closed_form, wrong_value, …"
                ),
            },
            "method": {
                "type": ["string", "null"],
                "description": N_("symbolic, numeric, tolerance."),
            },
            "counterexample": {
                "description": N_("Values where the answer and the key differ."),
                "oneOf": [{"type": "object"}, {"type": "null"}],
            },
        },
    },
    "WorksheetProblem": {
        "type": "object",
        "required": ["number", "kind", "prompt", "shown", "input", "boxes"],
        "properties": {
            "number": {"type": "integer", "minimum": 1},
            "kind": {"enum": ["closed_form", "matrix_form", "value", "graph", "output"]},
            "prompt": {"type": "string"},
            "shown": {
                "type": "string",
                "description": N_("The formula or program the student reads."),
            },
            "given": {"type": "string", "description": N_("A formula's values, as shown.")},
            "input": {
                "description": N_(
                    "The explain request behind the problem (POST it to /api/v1/check)."
                ),
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
                "description": N_("Only with the teacher link's signature."),
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
                        "description": N_(
                            "The chain rule at the leaf, unsimplified, then simplified."
                        ),
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
            "parameters": {
                "type": "object",
                "description": N_("What regenerates the sheet; lang only when it is not en."),
                "required": ["seed", "problems", "level", "version", "reveal"],
                "properties": {
                    "seed": {"type": "integer"},
                    "problems": {"type": "integer"},
                    "level": {"type": "integer"},
                    "version": {"type": "integer"},
                    "reveal": _REVEAL,
                    "lang": _LANG,
                },
                "additionalProperties": False,
            },
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
            "summary": N_(
                "Check a student's answer: free practice, or a handed-out worksheet's box"
            ),
            "description": N_(
                "With a program or formula, wrt and answer (free practice) the answer includes "
                "the expected one. With worksheet (the student link's parameters and sig), box "
                "and answer, it has hints instead, one more per wrong try, and the expected "
                "answer only as the sheet's reveal setting allows; send each answer's token "
                "back with the next check of the box."
            ),
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
                    "description": N_("The verdict and feedback."),
                    "content": {
                        "application/json": {
                            "schema": {"anyOf": [ref("CheckResult"), ref("HandoutCheckResult")]}
                        }
                    },
                },
                **ERRORS,
                "403": _FORBIDDEN,
            },
        }
    },
    "/api/v1/worksheet": {
        "get": {
            "operationId": "worksheet",
            "summary": N_(
                "A worksheet, with its answer key when signed (same parameters, same bytes)"
            ),
            "description": N_(
                "Without sig, the sheet alone (no key in any problem). With sig, the teacher "
                "link's signature of the parameters, the sheet with its key; any other sig is "
                "403. The parameters are those of a link the worksheet page made: a sheet's "
                "numbers depend on the service's secret as well as on the seed."
            ),
            "parameters": [
                _query("seed", 0, MAX_SEED),
                _query("problems", 1, MAX_PROBLEMS),
                _query("level", 1, 5),
                _query("version", 1, MAX_VERSION, required=False, default=1),
                {"name": "reveal", "in": "query", "required": False, "schema": _REVEAL},
                {"name": "lang", "in": "query", "required": False, "schema": _LANG},
                {
                    "name": "sig",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": N_("The teacher link's signature: the key comes with it."),
                },
            ],
            "responses": {
                "200": {
                    "description": N_("The worksheet, and its key when signed."),
                    "content": {"application/json": {"schema": ref("Worksheet")}},
                },
                "400": ERRORS["400"],
                "403": _FORBIDDEN,
                "405": ERRORS["405"],
            },
        }
    },
}
