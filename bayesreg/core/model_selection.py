"""Training, cross-validation and test error along a penalty path, kept apart.

For the solution ``(w0, w)`` of a path at each alpha, the error on rows ``(X, y)`` is

    Gaussian:   the mean squared error  1/n ||y − w0 − X w||²
    Bernoulli:  the mean log loss       1/n Σ_i [log(1 + exp(η_i)) − y_i η_i],  η = w0 + X w

Three curves answer three questions. The training error (rows the path was fitted on)
only falls as alpha falls. The K-fold cross-validation error (fitted and scored on the
training rows alone, :func:`~bayesreg.core.cv.cross_validate`) chooses alpha. The test
error (rows never used to fit or choose anything) judges that choice; choosing alpha on
the test rows would make the test error an optimistic estimate, so nothing here does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from bayesreg.core.cv import cross_validate
from bayesreg.core.objective import bernoulli_loss, gaussian_loss
from bayesreg.core.results import PathFit
from bayesreg.core.types import FloatArray, freeze_fields
from bayesreg.errors import DataError, InputTypeError
from bayesreg.validation import as_design, as_target, check_choice

__all__ = ["TrainTestError", "train_test_error"]


def _errors_on(path: PathFit, X: Any, y: Any, role: str, gaussian: bool) -> FloatArray:
    """Error of each solution of ``path`` on rows ``(X, y)`` (argument names end in ``role``)."""
    design = as_design(X, f"X_{role}")
    target = as_target(y, design.shape[0], f"y_{role}")
    if design.shape[1] != path.coefs.shape[1]:
        raise DataError(
            f"X_{role} has {design.shape[1]} columns but the path has "
            f"{path.coefs.shape[1]} coefficients; pass the features the path was fitted on."
        )
    # gaussian_loss is 1/(2n)||r||², so the mean squared error is twice it.
    return np.array(
        [
            2.0 * gaussian_loss(design, target, coef, intercept)
            if gaussian
            else bernoulli_loss(design, target, coef, intercept)
            for coef, intercept in zip(path.coefs, path.intercepts, strict=True)
        ]
    )


@dataclass(frozen=True)
class TrainTestError:
    """Training, cross-validation and test error of every solution along a penalty path.

    Attributes
    ----------
    alphas : ndarray of shape (k,)
        The path's alphas, in the path's order; every other array follows it.
    train_error : ndarray of shape (k,)
        Error of the path's solutions on the rows they were fitted on.
    cv_error, cv_std_error : ndarray of shape (k,)
        K-fold cross-validation error on the training rows (mean over folds) and its
        standard error ``sd / √K``.
    test_error : ndarray of shape (k,)
        Error of the path's solutions on the held-out test rows.
    alpha_cv : float
        The alpha with the lowest cross-validation error: the choice made without the
        test rows.
    metric : str
        ``"mean squared error"`` (Gaussian) or ``"mean log loss"`` (Bernoulli).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import lasso_path
    >>> from bayesreg.core import train_test_error
    >>> from bayesreg.datasets import load_prostate
    >>> X_train, y_train = load_prostate(split="train", standardize=True)
    >>> X_test, y_test = load_prostate(split="test", standardize=True)
    >>> path = lasso_path(X_train, y_train, n_alphas=30)
    >>> errors = train_test_error(path, X_train, y_train, X_test, y_test, random_seed=0)
    >>> errors.metric, errors.train_error.shape, errors.test_error.shape
    ('mean squared error', (30,), (30,))
    >>> at_cv = errors.test_error[errors.alphas == errors.alpha_cv]
    >>> bool(errors.test_error_at_cv == at_cv[0])
    True
    """

    alphas: FloatArray
    train_error: FloatArray
    cv_error: FloatArray
    cv_std_error: FloatArray
    test_error: FloatArray
    alpha_cv: float
    metric: str

    def __post_init__(self) -> None:
        freeze_fields(self, "alphas", "train_error", "cv_error", "cv_std_error", "test_error")
        object.__setattr__(self, "alpha_cv", float(self.alpha_cv))

    @property
    def test_error_at_cv(self) -> float:
        """The test error at ``alpha_cv``: an honest estimate of the chosen model's error."""
        return float(self.test_error[int(np.argmax(self.alphas == self.alpha_cv))])


def train_test_error(
    path: PathFit,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    likelihood: Literal["gaussian", "bernoulli"] = "gaussian",
    n_folds: int = 10,
    fit_intercept: bool = True,
    random_seed: int | np.random.Generator | None = None,
) -> TrainTestError:
    """Training, K-fold cross-validation and test error of each solution of a path.

    For each alpha of ``path`` (fitted on ``X_train, y_train``):

    * the training error of the path's solution on the training rows;
    * the cross-validation error ``CV(α) = mean_k e_k(α)``: the training rows are split
      into ``n_folds`` folds, the problem at α is fitted on all folds but k and scored
      on fold k (:func:`~bayesreg.core.cv.cross_validate` on the path's grid and
      ``l1_ratio``);
    * the test error of the path's solution on the test rows.

    Errors are mean squared errors (Gaussian) or mean log losses
    ``1/n Σ [log(1 + exp(η_i)) − y_i η_i]`` (Bernoulli; half the binomial deviance that
    ``cross_validate`` reports). ``alpha_cv`` minimizes ``CV``: alpha is chosen on the
    training rows, and the test error only judges that choice.

    Parameters
    ----------
    path : PathFit
        Fitted on ``(X_train, y_train)``, e.g. by ``ridge_path`` or ``lasso_path``.
    X_train, y_train, X_test, y_test : array-like
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"
    n_folds : int, default 10
        K of the cross-validation, between 2 and the number of training rows.
    fit_intercept : bool, default True
        Whether the path was fitted with an intercept (the folds are fitted the same way).
    random_seed : int, numpy.random.Generator or None
        Seeds the assignment of training rows to folds.

    Returns
    -------
    TrainTestError
        Every curve in the order of ``path.alphas``.

    Examples
    --------
    The ridge path of the prostate data's ESL split:

    >>> from bayesreg.datasets import load_prostate
    >>> X_train, y_train = load_prostate(split="train", standardize=True)
    >>> X_test, y_test = load_prostate(split="test", standardize=True)
    >>> import numpy as np
    >>> from bayesreg.core.ridge import ridge_path
    >>> path = ridge_path(X_train, y_train, np.geomspace(1e-3, 1e2, 40))
    >>> from bayesreg.core.model_selection import train_test_error
    >>> errors = train_test_error(path, X_train, y_train, X_test, y_test, random_seed=0)
    >>> bool(np.all(np.diff(errors.train_error[::-1]) >= -1e-12))  # grows with alpha
    True
    """
    if not isinstance(path, PathFit):
        raise InputTypeError(f"path must be a PathFit; got {type(path).__name__}.")
    family = check_choice(likelihood, "likelihood", ("gaussian", "bernoulli"))
    gaussian = family == "gaussian"
    train_error = _errors_on(path, X_train, y_train, "train", gaussian)
    test_error = _errors_on(path, X_test, y_test, "test", gaussian)
    cv = cross_validate(
        X_train,
        y_train,
        l1_ratio=path.l1_ratio,
        alphas=path.alphas,
        n_folds=n_folds,
        likelihood="gaussian" if gaussian else "bernoulli",
        fit_intercept=fit_intercept,
        random_seed=random_seed,
    )
    # cross_validate sorts the grid decreasingly; put its curves back in the path's order.
    # The binomial deviance is twice the mean log loss.
    to_metric = 1.0 if gaussian else 0.5
    rank = np.argsort(-path.alphas, kind="stable")
    cv_error = np.empty_like(path.alphas)
    cv_std_error = np.empty_like(path.alphas)
    cv_error[rank] = to_metric * cv.mean_error
    cv_std_error[rank] = to_metric * cv.std_error
    return TrainTestError(
        alphas=path.alphas,
        train_error=train_error,
        cv_error=cv_error,
        cv_std_error=cv_std_error,
        test_error=test_error,
        alpha_cv=cv.alpha_min,
        metric="mean squared error" if gaussian else "mean log loss",
    )
