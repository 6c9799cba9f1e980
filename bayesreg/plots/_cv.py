"""The cross-validation curve of a penalty path and the choices of alpha marked on it.

The curve and its choices are computed elsewhere (:func:`bayesreg.core.cv.cross_validate`,
:func:`bayesreg.posterior.choose_lambda`); this module only draws them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes

from bayesreg.core.results import CVResult
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.plots._common import axes_or_new, checked_on_log_axis
from bayesreg.plots._style import BAND_OPACITY, CV_ERROR, POSTERIOR_MEAN
from bayesreg.validation import check_positive

__all__ = ["CV_MIN_LABEL", "CV_ONE_SE_LABEL", "plot_cv_curve"]

#: the names (and ``gid`` of the vertical lines) of the two cross-validation choices
CV_MIN_LABEL = "cross-validation (min)"
CV_ONE_SE_LABEL = "cross-validation (1-SE)"
#: markers and line styles of the other choices, in turn (all in the posterior's colour)
CHOICE_MARKERS = ("s", "^", "v", "P", "h")
CHOICE_LINESTYLES = (":", "--", "-.")
#: room left and right of the outermost alpha, as a factor on the log axis
X_MARGIN = 1.25


def _checked_choices(choices: Mapping[str, float] | None) -> dict[str, float]:
    """``choices`` as a dict of names to alphas > 0, refusing the names of the CV choices."""
    if choices is None:
        return {}
    if not isinstance(choices, Mapping):
        raise InputTypeError(
            "choices must be a mapping of names to alphas (e.g. {'empirical Bayes': 0.03}) "
            f"or None; got {type(choices).__name__}."
        )
    checked = {}
    for name, value in choices.items():
        if not isinstance(name, str):
            raise InputTypeError(f"choices: every name must be a str; got {name!r}.")
        if name in (CV_MIN_LABEL, CV_ONE_SE_LABEL):
            raise InputValueError(
                f"choices: {name!r} is drawn from cv itself; pass only the other choices."
            )
        checked[name] = check_positive(value, f"choices[{name!r}]")
    return checked


def _error_at(alpha: float, grid: np.ndarray, error: np.ndarray) -> float | None:
    """The drawn curve's height at ``alpha`` (linear in log alpha), None outside the grid."""
    if not grid[0] <= alpha <= grid[-1]:
        return None
    return float(np.interp(math.log(alpha), np.log(grid), error))


def plot_cv_curve(
    cv: CVResult, *, choices: Mapping[str, float] | None = None, ax: Axes | None = None
) -> Axes:
    """Draw the cross-validation error against alpha with the choices of alpha marked.

    The mean held-out error over the K folds is drawn against the penalty strength
    alpha (log axis) with a band of ± one standard error, the folds' spread divided by
    √K. Two choices come from the curve itself: ``alpha_min``, where the mean error is
    smallest (filled circle, dashed line), and ``alpha_1se``, the largest alpha whose
    mean error stays below the minimum plus its standard error (hollow circle,
    dash-dotted line; that bar is the dotted horizontal line). Near its minimum the
    curve is flat compared with its noise band, so ``alpha_min`` moves with the random
    folds, while the 1-SE choice asks only for an error indistinguishable from the
    best and is a sparser, more stable model. Other choices of alpha, for instance
    empirical Bayes or a hyperprior's posterior median, are marked in the posterior's
    colour, one marker each, on the curve where they fall inside its grid.

    Every choice is a vertical line whose ``gid`` is its name (``"cross-validation
    (min)"``, ``"cross-validation (1-SE)"`` and the keys of ``choices``), at exactly the
    alpha given.

    Parameters
    ----------
    cv : CVResult
        From :func:`bayesreg.core.cv.cross_validate` (or the ``cv`` of
        :func:`bayesreg.posterior.choose_lambda`); its alphas must be > 0 (log axis).
    choices : mapping of str to float, optional
        Other choices of alpha to mark, by name (each alpha > 0).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new Axes) with the curve, its band and one line per choice.

    Examples
    --------
    >>> from bayesreg import cross_validate
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.plots import plot_cv_curve
    >>> X, y = load_diabetes()
    >>> cv = cross_validate(X, y, n_alphas=30, n_folds=5, random_seed=0)
    >>> ax = plot_cv_curve(cv, choices={"empirical Bayes": 0.03})
    >>> marked = {line.get_gid(): line.get_xdata()[0] for line in ax.get_lines() if line.get_gid()}
    >>> sorted(marked)
    ['cross-validation (1-SE)', 'cross-validation (min)', 'empirical Bayes']
    >>> marked["cross-validation (min)"] == cv.alpha_min, marked["empirical Bayes"]
    (True, 0.03)
    >>> ax.get_xscale()
    'log'
    """
    cv = checked_on_log_axis(cv, CVResult, "cv", "bayesreg.core.cv.cross_validate")
    others = _checked_choices(choices)
    axes = axes_or_new(ax, figsize=(8.0, 4.8))
    order = np.argsort(cv.alphas)
    grid = cv.alphas[order]
    mean, spread = cv.mean_error[order], cv.std_error[order]
    n_folds = cv.fold_errors.shape[0]
    axes.fill_between(
        grid,
        mean - spread,
        mean + spread,
        color=CV_ERROR.color,
        alpha=BAND_OPACITY * 0.6,
        lw=0,
        label="± 1 standard error",
    )
    axes.plot(
        grid,
        mean,
        **CV_ERROR.line(lw=2, marker=CV_ERROR.marker, ms=3),
        label=f"{n_folds}-fold cross-validation error",
    )
    best = int(np.argmin(mean))
    axes.axhline(
        float(mean[best] + spread[best]),
        color=CV_ERROR.color,
        ls=":",
        lw=1.0,
        label="minimum + 1 SE (the 1-SE rule's bar)",
    )
    cv_marks = (
        (CV_MIN_LABEL, cv.alpha_min, "--", True, "CV minimum: alpha_min"),
        (CV_ONE_SE_LABEL, cv.alpha_1se, "-.", False, "1-SE rule: alpha_1se"),
    )
    for name, alpha, line_style, filled, text in cv_marks:
        axes.axvline(
            alpha,
            color=CV_ERROR.color,
            ls=line_style,
            lw=1.2,
            gid=name,
            label=f"{text} = {alpha:.3g}",
        )
        height = _error_at(alpha, grid, mean)
        if height is not None:
            axes.plot(
                alpha,
                height,
                marker="o",
                ms=9,
                ls="none",
                color=CV_ERROR.color,
                mfc=CV_ERROR.color if filled else "white",
                mew=1.5,
            )
    for index, (name, alpha) in enumerate(others.items()):
        marker = CHOICE_MARKERS[index % len(CHOICE_MARKERS)]
        axes.axvline(
            alpha,
            color=POSTERIOR_MEAN.color,
            ls=CHOICE_LINESTYLES[index % len(CHOICE_LINESTYLES)],
            lw=1.2,
            marker=marker,
            markevery=[],
            gid=name,
            label=f"{name}: alpha = {alpha:.3g}",
        )
        height = _error_at(alpha, grid, mean)
        if height is not None:
            axes.plot(alpha, height, **POSTERIOR_MEAN.point(marker=marker, ms=8, mec="white"))
    marked = [cv.alpha_min, cv.alpha_1se, *others.values()]
    axes.set_xscale("log")
    axes.set_xlim(
        min(float(grid[0]), min(marked) / X_MARGIN), max(float(grid[-1]), max(marked) * X_MARGIN)
    )
    axes.set_xlabel("penalty strength alpha (log scale)")
    scoring = "mean squared error" if cv.scoring == "mse" else "mean deviance"
    axes.set_ylabel(f"held-out {scoring}")
    axes.set_title("Cross-validation error and the choices of alpha")
    axes.legend(loc="upper left", fontsize=8, framealpha=0.9)
    return axes
