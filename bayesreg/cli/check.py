"""``bayesreg check``: the equivalence report for a user's CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.validation import check_binary_target

if TYPE_CHECKING:
    import pandas as pd

    from bayesreg.priors import Prior
    from bayesreg.pymc.equivalence import EquivalenceReport

__all__ = ["check_csv", "prior_from_options", "read_table", "scale_argument"]


def scale_argument(text: str) -> float | tuple[float, ...]:
    """``--scale``: one number, or comma-separated numbers (one per predictor; ``inf`` flat).

    Only the parsing is done here; the prior checks the values (each > 0, ``inf`` allowed
    in a vector) and its error names the scale.
    """
    parts = [part.strip() for part in text.split(",")]
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number or comma-separated numbers (inf allowed); got {text!r}"
        ) from None
    # the values themselves are checked by the prior, whose error names the scale
    return values[0] if len(values) == 1 else tuple(values)


def read_table(path: Path, target: str) -> tuple[pd.DataFrame, pd.Series]:
    """Read ``path`` and split it into numeric predictors and the ``target`` column."""
    import pandas as pd

    if not path.is_file():
        raise DataError(f"DATA.csv: no such file {str(path)!r}; pass the path of a CSV file.")
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise DataError(f"DATA.csv: {str(path)!r} is empty; it needs a header and rows.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"DATA.csv: {str(path)!r} could not be read as CSV ({exc}).") from None
    if frame.shape[0] == 0:
        raise DataError(f"DATA.csv: {str(path)!r} has a header but no rows.")
    if target not in frame.columns:
        shown = ", ".join(repr(str(c)) for c in frame.columns[:12])
        raise DataError(
            f"--target: no column {target!r} in {str(path)!r}; its columns are {shown}."
        )
    non_numeric = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if non_numeric:
        raise DataError(
            f"DATA.csv: column(s) {', '.join(repr(c) for c in non_numeric)} are not numeric; "
            "encode or drop them before checking."
        )
    missing = [str(c) for c in frame.columns if frame[c].isna().any()]
    if missing:
        raise DataError(
            f"DATA.csv: column(s) {', '.join(repr(c) for c in missing)} have missing values; "
            "drop or impute those rows before checking."
        )
    return frame.drop(columns=[target]), frame[target]


def prior_from_options(
    prior_name: str,
    *,
    scale: float | tuple[float, ...] | None,
    l1: float | None,
    l2: float | None,
    alpha: float | None,
    l1_ratio: float | None,
    n_samples: int,
    noise: float | None,
    likelihood: str = "gaussian",
    positive: bool = False,
) -> Prior:
    """Build the prior named on the command line from its scale or from a penalty.

    A penalty ``--alpha`` names a prior only through σ (``alpha = σ²(l1 + l2)/n``), so
    with the Gaussian likelihood it needs the fixed ``noise``; the Bernoulli likelihood
    and Poisson likelihoods have none and the conversion takes σ = 1. ``positive``
    truncates the Gaussian prior to the half-normal and the Laplace prior to the
    exponential (``GaussianPrior(τ, positive=True)``, ``LaplacePrior(b, positive=True)``).
    """
    from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior, prior_from_penalty

    if positive and prior_name == "elastic-net":
        raise InputValueError(
            f"--positive: --prior {prior_name} has no sign-constrained form; use --prior "
            "gaussian (half-normal: non-negative ridge) or laplace (exponential: non-negative "
            "lasso)."
        )
    if alpha is not None:
        if scale is not None or l1 is not None or l2 is not None:
            raise InputValueError("--alpha: give either --alpha or the prior's own parameters.")
        if noise is None and likelihood == "gaussian":
            raise InputValueError(
                "--alpha: a penalty is a prior only at a given noise σ (alpha = "
                "σ²(l1 + l2)/n); give --noise σ, or give the prior's own parameters (--scale, "
                "--l1/--l2) to let σ be estimated."
            )
        default_ratio = {"gaussian": 0.0, "laplace": 1.0}.get(prior_name)
        ratio = l1_ratio if l1_ratio is not None else default_ratio
        if ratio is None:
            raise InputValueError("--l1-ratio: required with --prior elastic-net and --alpha.")
        expected = {"gaussian": 0.0, "laplace": 1.0}.get(prior_name)
        if expected is not None and ratio != expected:
            raise InputValueError(
                f"--l1-ratio: {prior_name} means l1_ratio = {expected:g}; got {ratio:g}. "
                "Use --prior elastic-net for a mix."
            )
        prior = prior_from_penalty(alpha, ratio, n_samples, noise=1.0 if noise is None else noise)
        if positive and isinstance(prior, GaussianPrior | LaplacePrior):
            return type(prior)(prior.scale, positive=True)
        return prior
    if l1_ratio is not None:
        raise InputValueError("--l1-ratio: only meaningful together with --alpha.")
    if prior_name == "elastic-net":
        if scale is not None:
            raise InputValueError(
                "--scale: the elastic-net prior takes --l1 and --l2 (or --alpha), not --scale."
            )
        if l1 is None or l2 is None:
            raise InputValueError(
                "--l1/--l2: the elastic-net prior needs both (or --alpha with --l1-ratio)."
            )
        return ElasticNetPrior(l1=l1, l2=l2)
    if scale is None:
        raise InputValueError(f"--scale: required for --prior {prior_name} (or give --alpha).")
    family = GaussianPrior if prior_name == "gaussian" else LaplacePrior
    return family(scale, positive=positive)


def check_csv(
    path: Path,
    *,
    target: str,
    prior_name: str,
    scale: float | tuple[float, ...] | None = None,
    l1: float | None = None,
    l2: float | None = None,
    alpha: float | None = None,
    l1_ratio: float | None = None,
    noise: float | None = None,
    likelihood: str = "gaussian",
    fit_intercept: bool = True,
    offset: str | None = None,
    exposure: str | None = None,
    positive: bool = False,
    weights: str | None = None,
) -> EquivalenceReport:
    """Equivalence report (exact MAP vs penalized solution) for a CSV file.

    ``noise`` is the fixed σ of the Gaussian likelihood; None makes σ free (the report
    compares at the joint MAP σ̂) and is required with the Bernoulli and Poisson
    likelihoods, which have no noise. ``--alpha`` with the Gaussian likelihood needs a
    fixed ``noise``. With the Poisson likelihood the target column holds counts, and
    the column named by ``offset`` (the log-rate's known term) or ``exposure`` (t > 0,
    offset log t) is taken out of the predictors and used as the offset. The column
    named by ``weights`` is taken out of the predictors too and gives the observation
    weights s_i (the prior's penalty is then stated at n = Σs). ``scale`` may hold one
    scale per remaining predictor column (``inf``: a flat prior), and ``positive``
    truncates the prior to ``w ≥ 0``.
    """
    from bayesreg.pymc.equivalence import check_equivalence

    X, y = read_table(path, target)
    if likelihood != "gaussian" and noise is not None:
        raise InputValueError(
            f"--noise: got {noise:g}, but the {likelihood.capitalize()} likelihood has no "
            "noise; omit --noise."
        )
    if likelihood == "bernoulli":
        check_binary_target(y.to_numpy(dtype=float), f"--target: column {target!r}")
    sample_weight = None
    if weights is not None:
        if alpha is not None:
            raise InputValueError(
                "--alpha: with --weights the penalty is stated at n = Σs; give the prior's own "
                "parameters (--scale, --l1/--l2) instead."
            )
        X, sample_weight = _take_column(X, weights, "--weights", target)
    X, shift = _split_offset(X, target, likelihood, offset, exposure)
    if likelihood == "poisson":
        _check_counts(y.to_numpy(dtype=float), target)
    if isinstance(scale, tuple) and len(scale) != X.shape[1]:
        columns = ", ".join(repr(str(c)) for c in X.columns)
        raise InputValueError(
            f"--scale: {len(scale)} scales for {X.shape[1]} predictor columns ({columns}); "
            "give one scale, or one per predictor column in that order."
        )
    prior = prior_from_options(
        prior_name,
        scale=scale,
        l1=l1,
        l2=l2,
        alpha=alpha,
        l1_ratio=l1_ratio,
        n_samples=int(X.shape[0]),
        noise=noise,
        likelihood=likelihood,
        positive=positive,
    )
    return check_equivalence(
        X,
        y,
        prior,
        noise=noise,
        likelihood=likelihood,
        fit_intercept=fit_intercept,
        offset=shift,
        weights=sample_weight,
    )


def _take_column(
    X: pd.DataFrame, column: str, option: str, target: str
) -> tuple[pd.DataFrame, FloatArray]:
    """Take the predictor ``column`` (named by ``option``) out of ``X``; its values."""
    if column == target or column not in X.columns:
        raise DataError(
            f"{option}: no predictor column {column!r} (it must be a column of the file "
            f"other than the target {target!r})."
        )
    return X.drop(columns=[column]), X[column].to_numpy(dtype=float)


def _split_offset(
    X: pd.DataFrame, target: str, likelihood: str, offset: str | None, exposure: str | None
) -> tuple[pd.DataFrame, FloatArray | None]:
    """Take the ``--offset`` or ``--exposure`` column out of the predictors."""
    if offset is None and exposure is None:
        return X, None
    option = "--offset" if offset is not None else "--exposure"
    if offset is not None and exposure is not None:
        raise InputValueError("--offset/--exposure: give one of them (offset = log exposure).")
    if likelihood != "poisson":
        raise InputValueError(
            f"{option}: only meaningful with --likelihood poisson; got --likelihood {likelihood}."
        )
    column = str(offset if offset is not None else exposure)
    X, values = _take_column(X, column, option, target)
    if exposure is not None:
        bad = np.flatnonzero(~(values > 0.0))
        if bad.size:
            raise DataError(
                f"--exposure: column {column!r} must be > 0 (its log is the offset); row "
                f"{int(bad[0])} holds {float(values[bad[0]])!r}."
            )
        values = np.log(values)
    return X, values


def _check_counts(y: FloatArray, target: str) -> None:
    """The Poisson target: integers ≥ 0."""
    bad = np.flatnonzero((y < 0.0) | (y != np.floor(y)))
    if bad.size:
        raise DataError(
            f"--target: column {target!r} must hold counts (integers ≥ 0) for --likelihood "
            f"poisson; row {int(bad[0])} holds {float(y[bad[0]])!r}."
        )
