"""The recorded graph on sympy: local derivatives, adjoints, closed forms and numeric witnesses.

``nodes`` (one expression per node) → ``accumulate`` (the chain rule in three algebras) →
``closed`` (a leaf's closed form, ``canonical`` forms) checked by ``witness`` (float64
replay, central differences); ``elements`` works tensors element by element, ``evaluate``
turns expressions into numbers, and ``budget`` bounds all of it.
"""
