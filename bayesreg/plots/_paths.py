"""Coefficient paths over the penalty strength, and training versus test error."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import NDArray

from bayesreg.core.objective import bernoulli_loss, gaussian_loss
from bayesreg.core.results import PathFit
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.plots._common import axes_or_new, feature_labels, feature_styles, vector
from bayesreg.validation import (
    as_design,
    as_target,
    check_alphas,
    check_bool,
    check_choice,
)

__all__ = [
    "PosteriorBands",
    "TrainTestError",
    "plot_path",
    "plot_train_test_error",
    "train_test_error",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PosteriorBands:
    """Posterior credible bands of every coefficient along a penalty path.

    Attributes
    ----------
    lower, upper : ndarray of shape (k, n_features)
        ``lower[i, j] ≤ upper[i, j]`` bound the credible interval of coefficient j under
        the prior that matches ``alphas[i]`` of the path (same order as ``path.alphas``).
    prob : float, default 0.94
        The credible probability, shown in the legend.
    """

    lower: FloatArray
    upper: FloatArray
    prob: float = 0.94

    def __post_init__(self) -> None:
        lower = np.array(self.lower, dtype=np.float64, copy=True)
        upper = np.array(self.upper, dtype=np.float64, copy=True)
        if lower.ndim != 2 or lower.shape != upper.shape:
            raise DataError(
                f"lower and upper must be 2-D arrays of one shape (k, n_features); got "
                f"shapes {lower.shape} and {upper.shape}."
            )
        if not (np.all(np.isfinite(lower)) and np.all(np.isfinite(upper))):
            raise DataError("lower and upper must hold finite numbers only.")
        if np.any(lower > upper):
            raise DataError("every lower bound must be ≤ its upper bound; swap the arrays.")
        prob = float(self.prob)
        if not 0.0 < prob < 1.0:
            raise InputValueError(f"prob must lie in (0, 1); got {self.prob!r}.")
        for name, array in (("lower", lower), ("upper", upper)):
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        object.__setattr__(self, "prob", prob)


def _path_title(l1_ratio: float) -> str:
    if l1_ratio == 1.0:
        return "Lasso path (Laplace prior: MAP estimates)"
    if l1_ratio == 0.0:
        return "Ridge path (Gaussian prior: MAP estimates)"
    return f"Elastic-net path, l1_ratio = {l1_ratio:g}"


def plot_path(
    path: PathFit,
    *,
    posterior_bands: PosteriorBands | None = None,
    ax: Axes | None = None,
    feature_names: Any = None,
    log_alpha: bool = True,
) -> Axes:
    """Draw each coefficient of a penalty path against the penalty strength alpha.

    Each line is ``w_j(alpha)``, the minimizer of
    ``1/(2n) ||y − w0 − X w||² + alpha · [r ||w||₁ + (1 − r)/2 ||w||²]`` (the MAP
    estimate under the matching prior). Large alpha (strong prior) shrinks every
    coefficient to 0; the lasso sets them exactly to 0 one by one, ridge only shrinks.
    With ``posterior_bands`` each line gets a shaded credible band in its colour: the
    posterior's spread around the path, which the MAP alone does not show.

    Parameters
    ----------
    path : PathFit
        From ``ridge_path`` or ``lasso_path``.
    posterior_bands : PosteriorBands, optional
        Credible intervals with the shape of ``path.coefs``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    feature_names : sequence of str, optional
        One name per coefficient (default ``x0, x1, ...``).
    log_alpha : bool, default True
        Log scale for alpha (then every alpha must be > 0).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.core.ridge import ridge_path
    >>> from bayesreg.datasets import load_prostate
    >>> from bayesreg.plots import plot_path
    >>> X, y = load_prostate(split="train", standardize=True)
    >>> path = ridge_path(X, y, np.geomspace(1e-3, 1e3, 60))
    >>> ax = plot_path(path, feature_names=["lcavol", "lweight", "age", "lbph",
    ...                                     "svi", "lcp", "gleason", "pgg45"])
    >>> len(ax.get_lines()) >= 8
    True
    """
    if not isinstance(path, PathFit):
        raise InputTypeError(
            f"path must be a PathFit (from ridge_path or lasso_path); got {type(path).__name__}."
        )
    log_scale = check_bool(log_alpha, "log_alpha")
    n_features = path.coefs.shape[1]
    names = feature_labels(feature_names, n_features)
    if posterior_bands is not None:
        if not isinstance(posterior_bands, PosteriorBands):
            raise InputTypeError(
                "posterior_bands must be a PosteriorBands or None; got "
                f"{type(posterior_bands).__name__}."
            )
        if posterior_bands.lower.shape != path.coefs.shape:
            raise DataError(
                f"posterior_bands has shape {posterior_bands.lower.shape} but the path's "
                f"coefficients have shape {path.coefs.shape}; give one band per alpha and "
                "coefficient."
            )
    if log_scale and np.any(path.alphas <= 0.0):
        raise InputValueError(
            "the path contains alpha ≤ 0, which a log axis cannot show; pass "
            "log_alpha=False or drop those alphas."
        )
    axes = axes_or_new(ax, figsize=(8.0, 4.8))
    order = np.argsort(path.alphas)
    alphas = path.alphas[order]
    styles = feature_styles(n_features)
    for j, (name, (color, line_style)) in enumerate(zip(names, styles, strict=True)):
        axes.plot(alphas, path.coefs[order, j], color=color, ls=line_style, lw=1.8, label=name)
        if posterior_bands is not None:
            axes.fill_between(
                alphas,
                posterior_bands.lower[order, j],
                posterior_bands.upper[order, j],
                color=color,
                alpha=0.15,
                lw=0,
            )
    axes.axhline(0.0, color="black", lw=0.6)
    if log_scale:
        axes.set_xscale("log")
    # alpha_max is drawn when it lies in the plotted range (up to rounding at its ends)
    if math.isfinite(path.alpha_max) and alphas[0] <= path.alpha_max <= alphas[-1] * (1 + 1e-9):
        axes.axvline(path.alpha_max, color="0.4", ls=":", lw=1.2, label="alpha_max (all w = 0)")
    if posterior_bands is not None:
        axes.fill_between(
            [], [], [], color="0.5", alpha=0.3, label=f"{posterior_bands.prob:.0%} credible band"
        )
    axes.set_xlabel("penalty strength alpha" + (" (log scale)" if log_scale else ""))
    axes.set_ylabel("coefficient w_j")
    axes.set_title(_path_title(path.l1_ratio))
    axes.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=9,
        ncols=max(1, math.ceil(n_features / 16)),
    )
    return axes


@dataclass(frozen=True)
class TrainTestError:
    """Training and test error of every solution along a penalty path.

    Attributes
    ----------
    alphas : ndarray of shape (k,)
    train_error, test_error : ndarray of shape (k,)
    metric : str
        ``"mean squared error"`` (Gaussian) or ``"mean log loss"`` (Bernoulli).
    """

    alphas: FloatArray
    train_error: FloatArray
    test_error: FloatArray
    metric: str


def train_test_error(
    path: PathFit,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    likelihood: str = "gaussian",
) -> TrainTestError:
    """Error on the training and on the test rows of each solution of a path.

    For the solution ``(w0, w)`` at each alpha the error on rows ``(X, y)`` is

    * Gaussian: the mean squared error ``1/n ||y − w0 − X w||²``;
    * Bernoulli: the mean log loss ``1/n Σ [log(1 + exp(η_i)) − y_i η_i]``, η = w0 + X w.

    Small alpha fits the training rows closely but generalizes poorly (overfitting: low
    training, high test error); large alpha shrinks too much (underfitting: both high).

    Parameters
    ----------
    path : PathFit
        Fitted on ``(X_train, y_train)``, e.g. by ``ridge_path`` or ``lasso_path``.
    X_train, y_train, X_test, y_test : array-like
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"

    Returns
    -------
    TrainTestError

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.core.ridge import ridge_path
    >>> from bayesreg.datasets import load_prostate
    >>> from bayesreg.plots import train_test_error
    >>> X_train, y_train = load_prostate(split="train", standardize=True)
    >>> X_test, y_test = load_prostate(split="test", standardize=True)
    >>> path = ridge_path(X_train, y_train, np.geomspace(1e-3, 1e2, 40))
    >>> errors = train_test_error(path, X_train, y_train, X_test, y_test)
    >>> bool(np.all(np.diff(errors.train_error[::-1]) >= -1e-12))  # grows with alpha
    True
    """
    if not isinstance(path, PathFit):
        raise InputTypeError(f"path must be a PathFit; got {type(path).__name__}.")
    gaussian = check_choice(likelihood, "likelihood", ("gaussian", "bernoulli")) == "gaussian"
    errors = []
    for X, y, role in ((X_train, y_train, "train"), (X_test, y_test, "test")):
        design = as_design(X, f"X_{role}")
        target = as_target(y, design.shape[0], f"y_{role}")
        if design.shape[1] != path.coefs.shape[1]:
            raise DataError(
                f"X_{role} has {design.shape[1]} columns but the path has "
                f"{path.coefs.shape[1]} coefficients; pass the features the path was fitted on."
            )
        # gaussian_loss is 1/(2n)||r||², so the mean squared error is twice it.
        errors.append(
            np.array(
                [
                    2.0 * gaussian_loss(design, target, coef, intercept)
                    if gaussian
                    else bernoulli_loss(design, target, coef, intercept)
                    for coef, intercept in zip(path.coefs, path.intercepts, strict=True)
                ]
            )
        )
    return TrainTestError(
        alphas=path.alphas.copy(),
        train_error=errors[0],
        test_error=errors[1],
        metric="mean squared error" if gaussian else "mean log loss",
    )


def plot_train_test_error(
    alphas: Any,
    train_error: Any,
    test_error: Any,
    *,
    ax: Axes | None = None,
    metric: str = "mean squared error",
) -> Axes:
    """Training and test error against alpha: overfitting on the left, underfitting on the right.

    The training error of the penalized fit grows with alpha (a stronger prior pulls
    the fit away from the data); the test error is typically U-shaped. Left of its
    minimum the model overfits (small penalty, training error well below test error);
    right of it it underfits (large penalty, both errors high). The alpha with the
    lowest test error is marked.

    Parameters
    ----------
    alphas : array-like of shape (k,)
        Penalty strengths, > 0 (log axis), in any order.
    train_error, test_error : array-like of shape (k,)
        The errors at each alpha, e.g. from :func:`train_test_error`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    metric : str, default "mean squared error"
        Name of the error, for the y-axis label.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.plots import plot_train_test_error
    >>> alphas = np.geomspace(1e-3, 1e2, 30)
    >>> train = 1.0 - 0.9 / (1.0 + alphas)
    >>> test = train + 0.3 / (1.0 + 10 * alphas)
    >>> ax = plot_train_test_error(alphas, train, test)
    """
    grid = check_alphas(alphas)
    if np.any(grid <= 0.0):
        raise InputValueError("alphas must be > 0 for the log axis; drop alpha = 0.")
    train = vector(train_error, "train_error", grid.size)
    test = vector(test_error, "test_error", grid.size)
    axes = axes_or_new(ax, figsize=(7.0, 4.5))
    order = np.argsort(grid)
    grid, train, test = grid[order], train[order], test[order]
    best = int(np.argmin(test))

    axes.axvspan(grid[0], grid[best], color="tab:red", alpha=0.06, lw=0)
    axes.axvspan(grid[best], grid[-1], color="tab:blue", alpha=0.06, lw=0)
    axes.plot(grid, train, color="tab:blue", lw=2, marker=".", label="training error")
    axes.plot(grid, test, color="tab:red", lw=2, marker=".", label="test error")
    axes.axvline(grid[best], color="black", ls="--", lw=1)
    axes.plot(
        grid[best],
        test[best],
        marker="o",
        ms=9,
        mfc="none",
        mec="black",
        ls="none",
        label=f"lowest test error, alpha = {grid[best]:.3g}",
    )
    axes.set_xscale("log")
    axes.set_xlim(grid[0], grid[-1])
    # region names at the top of each side of the best alpha (log-midpoints)
    for left, right, text in (
        (grid[0], grid[best], "overfitting\n(small penalty)"),
        (grid[best], grid[-1], "underfitting\n(large penalty)"),
    ):
        if right > left:
            axes.text(
                math.sqrt(left * right),
                0.97,
                text,
                transform=axes.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=9,
                color="0.3",
            )
    axes.set_xlabel("penalty strength alpha (log scale)")
    axes.set_ylabel(metric)
    axes.set_title("Training and test error along the path")
    axes.legend(loc="best", fontsize=9)
    return axes
