"""Posterior credible bands along a penalty path.

:func:`~bayesreg.posterior.bayesian_path` gives, for a grid of priors with the noise σ
fixed, the highest-density interval of every coefficient under each prior; the prior
at grid point i is the penalty ``alpha_i`` whose penalized solution is the MAP. A path
is usually solved on a finer grid than the posterior is sampled on, so the bands are
carried onto the path's alphas by linear interpolation in ``log alpha`` (how a band
drawn through the sampled alphas on a log axis looks anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bayesreg.core.results import PathFit
from bayesreg.core.types import FloatArray, freeze_fields
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.validation import check_probability

__all__ = [
    "BAND_COLUMNS",
    "PosteriorBands",
    "band_features",
    "bands_along_path",
    "check_band_table",
]


#: the columns of bayesian_path's long table that a band needs
BAND_COLUMNS = ("alpha", "feature", "mean", "hdi_lower", "hdi_upper")
#: two l1_ratios closer than this are the same penalty family (prior.penalty rounds)
L1_RATIO_ATOL = 1e-9
#: the HDI probability of bayesian_path when its table does not say
DEFAULT_PROB = 0.95


@dataclass(frozen=True)
class PosteriorBands:
    """Posterior credible bands of every coefficient along a penalty path.

    Attributes
    ----------
    lower, upper : ndarray of shape (k, n_features)
        ``lower[i, j] ≤ upper[i, j]`` bound the credible interval of coefficient j under
        the prior that matches ``alphas[i]`` of the path (same order as ``path.alphas``).
    prob : float, default 0.95
        The credible probability, in (0, 1).

    Examples
    --------
    :func:`bands_along_path` returns one from the table of
    :func:`~bayesreg.posterior.bayesian_path`; exact posteriors of Gaussian priors here:

    >>> import numpy as np
    >>> from bayesreg.core.ridge import ridge_path
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import bands_along_path, bayesian_path
    >>> from bayesreg.priors import GaussianPrior
    >>> X, y = load_diabetes()
    >>> table = bayesian_path(X, y, [GaussianPrior(20.0), GaussianPrior(200.0)], noise=54.0)
    >>> alphas = np.geomspace(table["alpha"].min(), table["alpha"].max(), 5)
    >>> bands = bands_along_path(ridge_path(X, y, alphas), table)
    >>> bands.lower.shape, bands.prob, bool(np.all(bands.lower <= bands.upper))
    ((5, 10), 0.95, True)

    Bands can also be built from arrays; they are checked and read-only:

    >>> from bayesreg.posterior import PosteriorBands
    >>> band = PosteriorBands(lower=[[-1.0, 0.0]], upper=[[1.0, 2.0]], prob=0.9)
    >>> band.upper.shape, band.upper.flags.writeable
    ((1, 2), False)
    >>> PosteriorBands(lower=[[1.0]], upper=[[0.0]])
    Traceback (most recent call last):
        ...
    bayesreg.errors.DataError: every lower bound must be ≤ its upper bound; swap the arrays.
    """

    lower: FloatArray
    upper: FloatArray
    prob: float = DEFAULT_PROB

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
        prob = check_probability(self.prob, "prob")
        freeze_fields(self, "lower", "upper")
        object.__setattr__(self, "prob", prob)


def check_band_table(bands: Any, path: PathFit) -> pd.DataFrame:
    """``bands`` checked as the long table of ``bayesian_path`` for the family of ``path``.

    Requires the columns ``alpha, feature, mean, hdi_lower, hdi_upper``, at least one
    row, every alpha > 0 (a log axis), and, when the table has an ``l1_ratio`` column,
    the path's ``l1_ratio`` (the priors must be of the path's penalty family).

    Raises
    ------
    InputTypeError
        If ``bands`` is not a pandas DataFrame.
    DataError
        If a column is missing, the table is empty or the penalty families differ.
    InputValueError
        If an alpha is ≤ 0.
    """
    if not isinstance(bands, pd.DataFrame):
        raise InputTypeError(
            f"bands must be the pandas DataFrame returned by bayesian_path; got "
            f"{type(bands).__name__}."
        )
    missing = [name for name in BAND_COLUMNS if name not in bands.columns]
    if missing:
        raise DataError(
            f"bands lacks the column(s) {missing}; pass the DataFrame returned by "
            "bayesreg.posterior.bayesian_path."
        )
    if len(bands) == 0:
        raise DataError("bands is empty; pass the DataFrame returned by bayesian_path.")
    if np.any(bands["alpha"].to_numpy(dtype=np.float64) <= 0.0):
        raise InputValueError("bands contains alpha ≤ 0, which a log axis cannot show.")
    if "l1_ratio" in bands.columns:
        ratios = bands["l1_ratio"].to_numpy(dtype=np.float64)
        if not np.allclose(ratios, path.l1_ratio, rtol=0.0, atol=L1_RATIO_ATOL):
            raise DataError(
                f"bands was computed with l1_ratio {sorted(set(ratios.tolist()))} but the "
                f"path with l1_ratio {path.l1_ratio:g}; draw the posterior under priors of "
                "the path's family (LaplacePrior for a lasso path, GaussianPrior for ridge)."
            )
    return bands


def band_features(table: pd.DataFrame, path: PathFit) -> list[str]:
    """The features of a band table in order of first appearance, one per path coefficient."""
    features = [str(name) for name in pd.unique(table["feature"])]
    if len(features) != path.coefs.shape[1]:
        raise DataError(
            f"bands holds {len(features)} features but the path has "
            f"{path.coefs.shape[1]} coefficients; pass the path and bands of the same X."
        )
    return features


def bands_along_path(path: PathFit, bands: pd.DataFrame) -> PosteriorBands:
    """Carry the HDIs of ``bayesian_path`` onto every alpha of a path.

    With ``a_1 < ... < a_m`` the sampled alphas and ``l_j(a_i)``, ``u_j(a_i)`` the HDI
    bounds of coefficient j, the band at a path alpha ``a`` is the linear interpolation
    in ``log a`` between the two neighbouring sampled alphas (``np.interp``); outside
    ``[a_1, a_m]`` the nearest end's bounds are held.

    Parameters
    ----------
    path : PathFit
        The penalized path (any grid of alphas > 0); column j of ``path.coefs`` is the
        j-th feature of ``bands`` in order of first appearance.
    bands : pandas.DataFrame
        From :func:`bayesreg.posterior.bayesian_path` on the same X, y, one row per
        (prior, feature); ``bands.attrs["hdi_prob"]`` (default 0.95) is the probability.

    Returns
    -------
    PosteriorBands
        Of the shape of ``path.coefs``.

    Examples
    --------
    Two Gaussian priors sampled, a ridge path of nine alphas between them:

    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> from bayesreg.priors import GaussianPrior
    >>> priors = [GaussianPrior(20.0), GaussianPrior(200.0)]
    >>> from bayesreg.posterior import bayesian_path
    >>> table = bayesian_path(X, y, priors, noise=54.0)
    >>> import numpy as np
    >>> alphas = np.geomspace(table["alpha"].min(), table["alpha"].max(), 9)
    >>> from bayesreg.core.ridge import ridge_path
    >>> from bayesreg.posterior.bands import bands_along_path
    >>> bands_along_path(ridge_path(X, y, alphas), table).lower.shape
    (9, 10)
    """
    if not isinstance(path, PathFit):
        raise InputTypeError(f"path must be a PathFit; got {type(path).__name__}.")
    table = check_band_table(bands, path)
    features = band_features(table, path)
    if np.any(path.alphas <= 0.0):
        raise InputValueError("the path contains alpha ≤ 0, which has no log alpha.")
    log_path = np.log(path.alphas)
    interpolated = []
    for bound in ("hdi_lower", "hdi_upper"):
        # rows: sampled alphas increasing (np.interp needs them so), columns: features
        grid = table.pivot(index="alpha", columns="feature", values=bound)[features].sort_index()
        log_band = np.log(grid.index.to_numpy(dtype=np.float64))
        interpolated.append(
            np.column_stack(
                [np.interp(log_path, log_band, grid[name].to_numpy()) for name in features]
            )
        )
    return PosteriorBands(
        interpolated[0], interpolated[1], prob=table.attrs.get("hdi_prob", DEFAULT_PROB)
    )
