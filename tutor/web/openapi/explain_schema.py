"""The OpenAPI schemas and path of explaining: ``POST /api/v1/explain`` and its answer."""

from __future__ import annotations

from ... import i18n
from ...examples import seed
from ...i18n import N_
from .parts import ERRORS, NAME_PATTERN, SHAPE, ref

LANG = {
    "enum": list(i18n.LOCALES),
    "default": i18n.DEFAULT,
    "description": N_(
        "The reader's language: en (English) or zh (Simplified Chinese). Without it, the "
        "request's Accept-Language header decides, and English is the default. Step texts, "
        "notes and messages are in that language; an error the engine raised keeps PyTorch's "
        "own words, with what they mean in explanation."
    ),
}

VERDICT = {"enum": ["agrees", "differs", "overflow", "not_checked"]}
# a closed form's value against the engine's: a Hessian entry's, a returned gradient's
VERDICT_OF_VALUE = {
    "agrees": {"type": ["boolean", "null"], "description": N_("value against numeric.")},
    "verdict": VERDICT,
    "reason": {"type": ["string", "null"]},
    "max_difference": {"oneOf": [ref("Number"), {"type": "null"}]},
}

SCHEMAS: dict[str, dict] = {
    "Number": {
        "description": N_('A number; non-finite numbers are the strings "nan", "inf", "-inf".'),
        "oneOf": [{"type": "number"}, {"type": "string", "enum": ["nan", "inf", "-inf"]}],
    },
    "Tensor": {
        "description": N_("A 0-d value is a plain number (shape []); others are nested lists."),
        "oneOf": [ref("Number"), {"type": "array", "items": ref("Tensor")}],
    },
    "InputTensor": {
        "description": N_("A finite number, or a rectangular nested list of them."),
        "oneOf": [{"type": "number"}, {"type": "array", "items": ref("InputTensor")}],
    },
    "ProgramRequest": {
        "type": "object",
        "required": ["program"],
        "additionalProperties": False,
        "properties": {
            "program": {
                "type": "string",
                "description": N_("A graph program: PyTorch-flavoured Python (Contract 2)."),
            },
            "order": {
                "enum": [1],
                "description": N_("1 (the default): a program explains first derivatives."),
            },
            "lang": LANG,
        },
    },
    "ExpressionRequest": {
        "type": "object",
        "required": ["expression", "values"],
        "additionalProperties": False,
        "properties": {
            "expression": {"type": "string", "description": N_("A formula, e.g. Y - x1*w1*w2.")},
            "values": {
                "type": "object",
                "description": N_("Leaf values by name."),
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": ref("InputTensor"),
            },
            "requires_grad": {
                "type": "array",
                "description": N_("Leaves that need gradients (default: every name in values)."),
                "items": {"type": "string"},
            },
            "order": {
                "enum": [1, 2],
                "default": 1,
                "description": N_(
                    "2: the second derivatives (the Hessian) too, in the answer's hessian. "
                    "Each leaf that requires grad must be a single number, at most 6 of them "
                    "(422 otherwise)."
                ),
            },
            "lang": LANG,
        },
    },
    "ExplainRequest": {"oneOf": [ref("ProgramRequest"), ref("ExpressionRequest")]},
    "Step": {
        "type": "object",
        "description": N_(
            "One step of the chain-rule derivation: its kind (start, node_gradient, use, cut, "
            "derivation, accumulation, substitution, simplification, evaluation, check, …), "
            "its data fields, its renderings and its nested steps."
        ),
        "required": ["kind", "text", "latex", "mathml", "children"],
        "properties": {
            "kind": {"type": "string"},
            "text": {"type": "string"},
            "latex": {"type": "string"},
            "mathml": {"type": "string", "description": N_("HTML with presentation MathML.")},
            "children": {"type": "array", "items": ref("Step")},
        },
    },
    "Gradient": {
        "type": "object",
        "required": [
            "leaf",
            "shape",
            "numeric",
            "symbolic",
            "latex",
            "value",
            "agrees",
            "verdict",
            "steps",
        ],
        "properties": {
            "leaf": {"type": "string"},
            "shape": SHAPE,
            "numeric": {"description": N_("The engine's .grad."), **ref("Tensor")},
            "symbolic": {
                "type": ["string", "null"],
                "description": N_(
                    "The closed form in sympy's str form; null when no closed form was "
                    "derived within the budget (then note says why)."
                ),
            },
            "latex": {"type": ["string", "null"]},
            "compact": {
                "type": "boolean",
                "description": N_("true when the closed form keeps intermediate names."),
            },
            "definitions": {
                "type": "array",
                "description": N_("The intermediate names a compact closed form keeps."),
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
                "description": N_("The closed form evaluated at the leaves."),
                "oneOf": [ref("Tensor"), {"type": "null"}],
            },
            "held": {
                "description": N_(
                    "The numbers the program had put in .grad (x.grad = ..., x.grad.mul_(...)) "
                    "before the backward calls counted in it: backward adds to them, so agrees "
                    "compares numeric with held + value. null when .grad held nothing."
                ),
                "oneOf": [ref("Tensor"), {"type": "null"}],
            },
            "agrees": {
                "type": ["boolean", "null"],
                "description": N_(
                    "Whether value (plus held) agrees with numeric; null when no verdict could "
                    "be taken (reason says why: a value not recorded, a closed form undefined "
                    "there, an overflow of the engine's dtype)."
                ),
            },
            "verdict": VERDICT,
            "reason": {"type": ["string", "null"], "description": N_("Why there is no verdict.")},
            "max_difference": {"oneOf": [ref("Number"), {"type": "null"}]},
            "numerical": {
                "description": N_("Central differences in float64, the third witness."),
                "oneOf": [ref("Tensor"), {"type": "null"}],
            },
            "agrees_numerical": {
                "type": ["boolean", "null"],
                "description": N_(
                    "Whether central differences agree with value; without a closed form "
                    "(value null), with numeric, the engine's .grad, within its dtype's "
                    "tolerance. null when central differences are no witness here."
                ),
            },
            "max_difference_numerical": {"oneOf": [ref("Number"), {"type": "null"}]},
            "numerical_reason": {
                "type": ["string", "null"],
                "description": N_("Why central differences are no witness (a kink, a NaN)."),
            },
            "steps": {"type": "array", "items": ref("Step")},
            "note": {"type": ["string", "null"]},
            "matrix": {
                "description": N_(
                    "The closed form over whole tensors (Xᵀ @ G, 1ᵀ @ G, ⊙ elementwise), "
                    "checked against the engine; null where no matrix rule applies."
                ),
                "oneOf": [{"type": "null"}, ref("MatrixForm")],
            },
        },
    },
    "SecondDerivative": {
        "type": "object",
        "description": N_(
            "One entry ∂²L/∂first∂second of the Hessian: the first derivative ∂L/∂first "
            "differentiated again by second, three ways."
        ),
        "required": ["first", "second", "symbolic", "numeric", "value", "agrees", "verdict"],
        "properties": {
            "first": {"type": "string", "description": N_("The leaf of the first derivative.")},
            "second": {"type": "string", "description": N_("The leaf it is differentiated by.")},
            "derivative": {
                "description": N_("∂L/∂first, the closed form that is differentiated again."),
                "oneOf": [{"type": "null"}, ref("Expression")],
            },
            "symbolic": {
                "type": ["string", "null"],
                "description": N_("The closed form (sympy's str form); null when not derived."),
            },
            "latex": {"type": ["string", "null"]},
            "numeric": {
                "description": N_("The engine's, by torch.autograd.grad with create_graph=True."),
                "oneOf": [ref("Number"), {"type": "null"}],
            },
            "value": {
                "description": N_("The closed form evaluated at the values."),
                "oneOf": [ref("Number"), {"type": "null"}],
            },
            **VERDICT_OF_VALUE,
            "numerical": {
                "description": N_(
                    "Central differences of the engine's first derivative (float64)."
                ),
                "oneOf": [ref("Number"), {"type": "null"}],
            },
            "agrees_numerical": {"type": ["boolean", "null"]},
            "max_difference_numerical": {"oneOf": [ref("Number"), {"type": "null"}]},
            "numerical_reason": {"type": ["string", "null"]},
            "steps": {"type": "array", "items": ref("Step")},
        },
    },
    "Expression": {
        "type": "object",
        "required": ["symbolic", "latex"],
        "properties": {"symbolic": {"type": "string"}, "latex": {"type": "string"}},
    },
    "Hessian": {
        "type": "object",
        "description": N_(
            'With "order": 2 only: the second derivatives of the result over the leaves. '
            "The matrices are full and symmetric, rows and columns in leaves order."
        ),
        "required": ["root", "leaves", "numeric", "value", "numerical", "entries"],
        "properties": {
            "root": {"type": "string"},
            "leaves": {"type": "array", "items": {"type": "string"}},
            "dtype": {"type": "string"},
            "numeric": {
                "description": N_("The engine's Hessian; null when the engine refused (notes)."),
                "oneOf": [{"type": "null"}, {"type": "array", "items": {"type": "array"}}],
            },
            "value": {
                "description": N_("The closed forms' values (null where none was derived)."),
                "type": "array",
                "items": {"type": "array"},
            },
            "numerical": {
                "description": N_("Central differences of the engine's first derivatives."),
                "type": "array",
                "items": {"type": "array"},
            },
            "symmetric": {
                "type": ["boolean", "null"],
                "description": N_("Whether the engine's matrix equals its transpose."),
            },
            "entries": {
                "type": "array",
                "description": N_("One per pair of leaves i <= j, the diagonal first."),
                "items": ref("SecondDerivative"),
            },
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
    "MatrixForm": {
        "type": "object",
        "required": ["text", "latex", "shape", "definitions"],
        "properties": {
            "text": {"type": "string", "description": N_("@ for matrix products, ⊙ elementwise.")},
            "latex": {"type": "string"},
            "shape": SHAPE,
            "definitions": {
                "type": "array",
                "description": N_("The program's named values the form keeps, in program order."),
                "items": {
                    "type": "object",
                    "required": ["name", "text", "latex", "shape"],
                    "properties": {
                        "name": {"type": "string"},
                        "text": {"type": "string"},
                        "latex": {"type": "string"},
                        "shape": SHAPE,
                    },
                },
            },
        },
    },
    "NoGradient": {
        "type": "object",
        "description": N_("A leaf whose .grad stayed None, and why."),
        "required": ["leaf", "reason"],
        "properties": {
            "leaf": {"type": "string"},
            "reason": {"type": "string"},
            "cuts": {"type": "array", "items": {"type": "object"}},
            "returned": {
                "type": "array",
                "items": ref("Returned"),
                "description": N_(
                    "The gradients torch.autograd.grad returned for this leaf instead of "
                    "filling its .grad, each beside its closed form."
                ),
            },
        },
    },
    "Returned": {
        "type": "object",
        "description": N_(
            "name = ∂of/∂wrt as torch.autograd.grad returned it (weighted by grad_outputs "
            "when they are given and not all ones: a vector-Jacobian product)."
        ),
        "required": ["name", "of", "wrt", "numeric", "symbolic", "value", "agrees", "verdict"],
        "properties": {
            "name": {"type": "string"},
            "of": {"type": "string"},
            "wrt": {"type": "string"},
            "grad_outputs": {"oneOf": [ref("Tensor"), {"type": "null"}]},
            "numeric": {
                "description": N_("The engine's result."),
                "oneOf": [ref("Tensor"), {"type": "null"}],
            },
            "symbolic": {"type": ["string", "null"]},
            "latex": {"type": ["string", "null"]},
            "value": {
                "description": N_("The closed form's value."),
                "oneOf": [ref("Tensor"), {"type": "null"}],
            },
            **VERDICT_OF_VALUE,
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
            "shape": SHAPE,
            "dtype": {"type": "string"},
            "value": {"oneOf": [ref("Tensor"), {"type": "null"}]},
            "grad": {
                "oneOf": [ref("Tensor"), {"type": "null"}],
                "description": N_(
                    ".grad when the program ended; for a leaf that an in-place change replaced "
                    "by a later version, .grad at that moment (a tensor has one .grad)"
                ),
            },
            "requires_grad": {"type": "boolean"},
            "no_grad": {"type": "boolean"},
            "cut": {"type": ["string", "null"]},
            "line": {"type": "integer"},
            "col": {"type": "integer"},
            "grad_changes": {
                "type": "array",
                "description": N_(
                    "For a leaf: [line, backward calls before it] of each statement that set, "
                    "changed or cleared its .grad outside backward while this node was its "
                    "latest version."
                ),
                "items": {"type": "array", "items": {"type": "integer"}},
            },
            "symbolic": {"type": ["string", "null"], "description": N_("Its definition.")},
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
            "cut": {"enum": ["detach", "no_grad", "grad", None]},
            "local": {
                "description": N_("The local derivative ∂target/∂source (null where none flows)."),
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["symbolic", "value"],
                        "properties": {
                            "symbolic": {"type": ["string", "null"]},
                            "latex": {"type": ["string", "null"]},
                            "value": {"oneOf": [ref("Tensor"), {"type": "null"}]},
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
            "nodes": {"type": "array", "items": ref("Node")},
            "edges": {"type": "array", "items": ref("Edge")},
            "backward_calls": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["root"],
                    "properties": {
                        "root": {"type": "string"},
                        "gradient": {"oneOf": [ref("Tensor"), {"type": "null"}]},
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
            "output": {"type": "string", "description": N_("What the program printed.")},
            "gradients": {
                "type": "array",
                "description": N_("One per leaf that received a gradient, in first-use order."),
                "items": ref("Gradient"),
            },
            "no_gradient": {"type": "array", "items": ref("NoGradient")},
            "hessian": ref("Hessian"),
            "graph": ref("Graph"),
            "mode": {"type": "string", "description": N_("How the closed forms were derived.")},
            "tolerance": {"type": "object", "additionalProperties": {"type": "string"}},
            "warnings": {
                "type": "array",
                "items": {"type": "string"},
                "description": N_(
                    "Where the program's own values went wrong: an operation outside its "
                    "domain (log of a negative number) or a result that overflowed its dtype."
                ),
            },
            "program_warnings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["line", "message", "category"],
                    "properties": {
                        "line": {"type": "integer", "minimum": 1},
                        "message": {"type": "string"},
                        "category": {"type": "string"},
                    },
                },
                "description": N_(
                    "What PyTorch warns of the program's code (a UserWarning, in its words), by "
                    "line, as running the program prints it: reading a non-leaf's .grad, "
                    "copying a tensor with torch.tensor(), a loss whose target broadcasts."
                ),
            },
            "notes": {
                "type": "array",
                "items": {"type": "string"},
                "description": N_("What the tutor could not derive within its budget, and why."),
            },
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
                    "explanation": {
                        "type": "string",
                        "description": N_(
                            "What an error the engine raised, or Python's syntax message, "
                            "means, in the reader's language (not in English, where message "
                            "says it): message keeps PyTorch's and Python's own words."
                        ),
                    },
                },
            }
        },
    },
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
    "hessian": {
        "summary": "Second derivatives of a formula (order 2)",
        "value": {"expression": "x**3*y + sin(x*y)", "values": {"x": 1.5, "y": -0.5}, "order": 2},
    },
}


PATHS = {
    "/api/v1/explain": {
        "post": {
            "operationId": "explain",
            "summary": N_("Explain a graph program or a formula"),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": ref("ExplainRequest"),
                        "examples": EXPLAIN_EXAMPLES,
                    }
                },
            },
            "responses": {
                "200": {
                    "description": N_("The explanation."),
                    "content": {"application/json": {"schema": ref("Explanation")}},
                },
                **ERRORS,
            },
        }
    },
}
