"""The two faces of a prior: its density and its negative log-density (the penalty)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy import optimize

from bayesreg.errors import InputTypeError
from bayesreg.plots._style import ELASTIC_NET, GAUSSIAN, LAPLACE
from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior, Prior
from bayesreg.validation import check_l1_ratio, check_positive

__all__ = ["matched_variance_priors", "plot_prior_densities"]

GAUSSIAN_COLOR = GAUSSIAN.color
LAPLACE_COLOR = LAPLACE.color
ELASTIC_NET_COLOR = ELASTIC_NET.color


def _elastic_net_with_variance(variance: float, l1_fraction: float) -> ElasticNetPrior:
    """The prior ∝ exp(−a|w| − c w²/2) with a/(a + c) = r and Var(w) = v.

    With a = r k and c = (1 − r) k the variance decreases strictly from ∞ (k → 0) to 0
    (k → ∞), so one k matches v. It is at most min(1/c, 2/a²) (each term alone would
    give that variance; the other only pulls mass towards 0), so
    k_hi = min(1/((1 − r) v), √(2/v)/r) has Var ≤ v; halving k until Var ≥ v brackets
    the root, which brentq then finds in log k.
    """

    def log_variance_excess(log_k: float) -> float:
        k = math.exp(log_k)
        prior = ElasticNetPrior(l1_fraction * k, (1.0 - l1_fraction) * k)
        return math.log(prior.variance()) - math.log(variance)

    upper = math.log(
        min(1.0 / ((1.0 - l1_fraction) * variance), math.sqrt(2.0 / variance) / l1_fraction)
    )
    lower = upper - math.log(2.0)
    while log_variance_excess(lower) < 0.0:
        lower -= math.log(2.0)
    log_k = float(optimize.brentq(log_variance_excess, lower, upper, xtol=1e-14, rtol=1e-14))
    k = math.exp(log_k)
    return ElasticNetPrior(l1_fraction * k, (1.0 - l1_fraction) * k)


def matched_variance_priors(
    *, variance: float = 1.0, l1_fraction: float = 0.5
) -> tuple[GaussianPrior, LaplacePrior, Prior]:
    """Gaussian, Laplace and elastic-net priors that all have variance ``v``.

    * Gaussian(0, τ) with τ² = v;
    * Laplace(0, b) with 2b² = v;
    * elastic net ∝ exp(−a|w| − c w²/2) with ``a/(a + c) = l1_fraction`` (its
      ``l1_ratio`` in the package's penalty) and (a, c) scaled so that Var(w) = v,
      found by a 1-D root find on the exact variance. ``l1_fraction = 0`` gives the
      Gaussian and ``l1_fraction = 1`` the Laplace prior.

    Parameters
    ----------
    variance : float, default 1.0
        v > 0.
    l1_fraction : float, default 0.5
        r in [0, 1].

    Returns
    -------
    (GaussianPrior, LaplacePrior, prior)
        The third is an ElasticNetPrior (or the Gaussian/Laplace prior at r = 0 or 1).

    Examples
    --------
    >>> from bayesreg.plots import matched_variance_priors
    >>> gaussian, laplace, elastic_net = matched_variance_priors(variance=2.0)
    >>> round(gaussian.variance(), 12), round(laplace.variance(), 12)
    (2.0, 2.0)
    >>> round(elastic_net.variance(), 9)
    2.0
    """
    v = check_positive(variance, "variance")
    r = check_l1_ratio(l1_fraction, "l1_fraction")
    gaussian = GaussianPrior(math.sqrt(v))
    laplace = LaplacePrior(math.sqrt(v / 2.0))
    mixed: Prior = (
        gaussian if r == 0.0 else laplace if r == 1.0 else _elastic_net_with_variance(v, r)
    )
    return gaussian, laplace, mixed


def plot_prior_densities(
    *, variance: float = 1.0, l1_fraction: float = 0.5, fig: Figure | None = None
) -> Figure:
    """Gaussian, Laplace and elastic-net priors of equal variance, and their penalties.

    Left: the densities p(w). At equal variance the Laplace density is taller at 0 and
    has heavier tails than the Gaussian: more mass near 0 and more room for a few large
    coefficients. Right: the negative log-densities ``−log p(w) + log p(0)``, which are
    the penalties of the MAP estimate up to a factor: with n samples and noise σ the
    penalty term of the objective is ``alpha · P(w) = (σ²/n) · (−log p(w)) + const``.

    * Gaussian(0, τ): ``w²/(2τ²)`` — ridge, smooth at 0;
    * Laplace(0, b): ``|w|/b`` — lasso, a kink at 0 that produces exact zeros in the MAP
      estimate;
    * elastic net: ``a|w| + c w²/2`` — both.

    Parameters
    ----------
    variance : float, default 1.0
        The common prior variance v (Gaussian τ² = v, Laplace 2b² = v, elastic net
        matched numerically, see :func:`matched_variance_priors`).
    l1_fraction : float, default 0.5
        ``a/(a + c)`` of the elastic-net prior, in [0, 1].
    fig : matplotlib Figure, optional
        A figure to draw two new panels in; a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure
        With two Axes: densities, then negative log-densities.

    Examples
    --------
    >>> from bayesreg.plots import plot_prior_densities
    >>> fig = plot_prior_densities(variance=1.0, l1_fraction=0.5)
    >>> len(fig.axes)
    2
    """
    gaussian, laplace, mixed = matched_variance_priors(variance=variance, l1_fraction=l1_fraction)
    if fig is None:
        fig = plt.figure(figsize=(10.0, 4.2), layout="constrained")
    elif not isinstance(fig, Figure):
        raise InputTypeError(f"fig must be a matplotlib Figure or None; got {type(fig).__name__}.")
    density_ax, penalty_ax = fig.subplots(1, 2)

    half_width = 4.0 * math.sqrt(check_positive(variance, "variance"))
    grid = np.linspace(-half_width, half_width, 801)
    curves = (
        (gaussian, GAUSSIAN, f"Gaussian (ridge), τ = {gaussian.scale:.3g}"),
        (laplace, LAPLACE, f"Laplace (lasso), b = {laplace.scale:.3g}"),
        (mixed, ELASTIC_NET, f"elastic net, l1_ratio = {l1_fraction:g}"),
    )
    for prior, role, label in curves:
        log_density = prior.logpdf(grid)
        density_ax.plot(grid, np.exp(log_density), **role.line(lw=2), label=label)
        penalty = log_density[grid.size // 2] - log_density  # −log p(w) + log p(0)
        penalty_ax.plot(grid, penalty, **role.line(lw=2), label=label)

    density_ax.set_xlabel("coefficient w")
    density_ax.set_ylabel("prior density p(w)")
    density_ax.set_title(f"Densities, all with variance {variance:g}")
    density_ax.legend(fontsize=9)
    density_ax.set_ylim(bottom=0.0)
    penalty_ax.set_xlabel("coefficient w")
    penalty_ax.set_ylabel("−log p(w) + log p(0)")
    penalty_ax.set_title("Penalty face: −log prior = penalty + const")
    penalty_ax.set_ylim(-0.2, float(gaussian.logpdf(0.0) - gaussian.logpdf(half_width)) * 0.75)
    penalty_ax.annotate(
        "kink at 0 (Laplace, elastic net):\nexact zeros in the MAP",
        xy=(0.0, 0.0),
        xytext=(0.0, 0.7 * penalty_ax.get_ylim()[1]),
        ha="center",
        arrowprops={"arrowstyle": "->", "lw": 0.8},
        fontsize=9,
    )
    return fig
