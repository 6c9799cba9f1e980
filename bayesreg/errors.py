"""The one exception and warning hierarchy of bayesreg.

Every error a user can trigger is one of these classes. Each subclasses the
built-in exception a Python user already catches (``ValueError`` for bad
values, ``TypeError`` for bad types), so ``except ValueError`` keeps working.

A message names the argument, the value or shape received, what is allowed,
and, where it helps, how to fix the call.
"""

from __future__ import annotations

__all__ = [
    "BayesregError",
    "BayesregWarning",
    "ConvergenceWarning",
    "DataError",
    "DiagnosticsWarning",
    "InputTypeError",
    "InputValueError",
    "ModelStructureError",
]


class BayesregError(Exception):
    """Base class of every exception raised by bayesreg."""


class InputValueError(BayesregError, ValueError):
    """An argument has the right type but a value that is not allowed."""


class InputTypeError(BayesregError, TypeError):
    """An argument has a type that is not allowed."""


class DataError(InputValueError):
    """A data array (X, y, a CSV file) cannot be used as it is."""


class ModelStructureError(InputValueError):
    """A PyMC model has a structure the requested operation does not support."""


class BayesregWarning(UserWarning):
    """Base class of every warning issued by bayesreg."""


class ConvergenceWarning(BayesregWarning):
    """A solver stopped before its certificate reached the requested tolerance."""


class DiagnosticsWarning(BayesregWarning):
    """Posterior samples show poor diagnostics (divergences, R-hat, ESS)."""
