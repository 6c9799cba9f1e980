"""The one exception and warning hierarchy of bayesreg.

Every error a user can trigger is one of these classes. Each subclasses the
built-in exception a Python user already catches (``ValueError`` for bad
values, ``TypeError`` for bad types), so ``except ValueError`` keeps working.

A message names the argument, the value or shape received, what is allowed,
and, where it helps, how to fix the call.
"""

from __future__ import annotations

import os
import warnings

__all__ = [
    "BayesregError",
    "BayesregWarning",
    "ConvergenceWarning",
    "DataError",
    "DiagnosticsWarning",
    "InputTypeError",
    "InputValueError",
    "ModelStructureError",
    "warn",
]


class BayesregError(Exception):
    """Base class of every exception raised by bayesreg.

    Examples
    --------
    One ``except`` clause catches every error of the package:

    >>> import bayesreg
    >>> from bayesreg.errors import BayesregError
    >>> try:
    ...     bayesreg.lasso([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], alpha=-1.0)
    ... except BayesregError as error:
    ...     print(type(error).__name__)
    InputValueError
    """


class InputValueError(BayesregError, ValueError):
    """An argument has the right type but a value that is not allowed.

    Examples
    --------
    >>> import bayesreg
    >>> bayesreg.lasso([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], alpha=-1.0)
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputValueError: alpha must be a finite number ≥ 0; got -1.0.

    It is a ``ValueError``, so existing ``except ValueError`` clauses keep working:

    >>> from bayesreg.errors import InputValueError
    >>> issubclass(InputValueError, ValueError)
    True
    """


class InputTypeError(BayesregError, TypeError):
    """An argument has a type that is not allowed.

    Examples
    --------
    >>> import bayesreg
    >>> bayesreg.ridge([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], 0.1, fit_intercept="yes")
    Traceback (most recent call last):
    ...
    bayesreg.errors.InputTypeError: fit_intercept must be True or False; got 'yes' of type str.
    >>> from bayesreg.errors import InputTypeError
    >>> issubclass(InputTypeError, TypeError)
    True
    """


class DataError(InputValueError):
    """A data array (X, y, a CSV file) cannot be used as it is.

    Examples
    --------
    >>> import numpy as np
    >>> import bayesreg
    >>> bayesreg.lasso(np.ones((3, 2)), np.ones(4), alpha=0.1)
    Traceback (most recent call last):
    ...
    bayesreg.errors.DataError: y has 4 entries but X has 3 rows; they must have the same ...
    """


class ModelStructureError(InputValueError):
    """A PyMC model has a structure the requested operation does not support.

    Examples
    --------
    The horseshoe prior has no finite MAP, so it has no penalty:

    >>> from bayesreg.priors import HorseshoePrior
    >>> HorseshoePrior(1.0).penalty(100, noise=1.0)
    Traceback (most recent call last):
    ...
    bayesreg.errors.ModelStructureError: HorseshoePrior has no penalty (alpha, l1_ratio): ...
    """


class BayesregWarning(UserWarning):
    """Base class of every warning issued by bayesreg.

    Examples
    --------
    One filter silences (or, as here, raises) every warning of the package:

    >>> import warnings
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.errors import BayesregWarning
    >>> import bayesreg
    >>> X, y = load_diabetes()
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", BayesregWarning)
    ...     bayesreg.lasso(X, y, 0.001, max_iter=1)
    Traceback (most recent call last):
    ...
    bayesreg.errors.ConvergenceWarning: elastic_net(alpha=0.001, l1_ratio=1) stopped after ...
    """


class ConvergenceWarning(BayesregWarning):
    """A solver stopped before its certificate reached the requested tolerance.

    Examples
    --------
    The fit is still returned, with ``converged=False``:

    >>> import warnings
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.errors import ConvergenceWarning
    >>> import bayesreg
    >>> X, y = load_diabetes()
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", ConvergenceWarning)
    ...     fit = bayesreg.lasso(X, y, 0.001, max_iter=1)
    >>> fit.converged, caught[0].category.__name__
    (False, 'ConvergenceWarning')
    """


class DiagnosticsWarning(BayesregWarning):
    """Posterior samples show poor diagnostics (divergences, R-hat, ESS).

    Issued by :func:`bayesreg.posterior.check_diagnostics` and the summaries that call it.

    Examples
    --------
    A script that must not go on with a poorly mixed posterior turns it into an error:

    >>> import warnings
    >>> from bayesreg.errors import BayesregWarning, DiagnosticsWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", DiagnosticsWarning)
    ...     warnings.warn("R-hat up to 1.2", DiagnosticsWarning)
    Traceback (most recent call last):
    ...
    bayesreg.errors.DiagnosticsWarning: R-hat up to 1.2
    >>> issubclass(DiagnosticsWarning, BayesregWarning)
    True
    """


#: Frames in files below this folder are bayesreg's own; a warning skips them.
_PACKAGE_FOLDER = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message: str, category: type[Warning] = BayesregWarning) -> None:
    """Issue ``message`` as ``category``, attributed to the first caller outside bayesreg.

    Every warning of the package goes through here: the line a warning names is the line
    of the user's code that called into bayesreg, however deep inside the package it was
    raised (``warnings.warn``'s ``skip_file_prefixes``, so no call site counts frames).

    Examples
    --------
    >>> import warnings
    >>> from bayesreg.errors import ConvergenceWarning, warn
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("not certified", ConvergenceWarning)
    >>> caught[0].category.__name__, str(caught[0].message)
    ('ConvergenceWarning', 'not certified')
    """
    warnings.warn(message, category, skip_file_prefixes=(_PACKAGE_FOLDER,))
