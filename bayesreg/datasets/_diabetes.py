"""The diabetes data of Efron, Hastie, Johnstone and Tibshirani (2004)."""

from __future__ import annotations

from typing import Literal, overload

from bayesreg.datasets._loading import DIABETES, ArrayPair, FramePair, load_table

__all__ = ["load_diabetes"]


@overload
def load_diabetes(*, scaled: bool = ..., as_frame: Literal[False] = ...) -> ArrayPair: ...
@overload
def load_diabetes(*, scaled: bool = ..., as_frame: Literal[True]) -> FramePair: ...
def load_diabetes(*, scaled: bool = True, as_frame: bool = False) -> ArrayPair | FramePair:
    """Load the diabetes data: 442 patients, 10 baseline variables, disease progression.

    Parameters
    ----------
    scaled : bool, default True
        Center each column and scale it to unit Euclidean norm, as in Efron et al.
        (2004), the R package ``lars`` and Park & Casella (2008). With ``False`` the
        raw measurements are returned (age in years, sex coded 1/2, BMI, mean blood
        pressure and six blood serum measurements).
    as_frame : bool, default False
        Return a pandas DataFrame (columns ``age, sex, bmi, bp, s1, ..., s6``) and a
        Series ``y`` instead of NumPy arrays.

    Returns
    -------
    X : ndarray of shape (442, 10) or DataFrame
    y : ndarray of shape (442,) or Series
        A quantitative measure of disease progression one year after baseline, raw
        (not centered).

    Notes
    -----
    Source: B. Efron, T. Hastie, I. Johnstone and R. Tibshirani (2004), "Least Angle
    Regression", *Annals of Statistics* 32(2), 407-499; the data were published by
    the authors with the paper and are distributed in the R package ``lars`` and in
    scikit-learn (BSD-3-Clause), whose raw copy is the one bundled here
    (``bayesreg/datasets/data/diabetes.csv``).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> X.shape, y.shape
    ((442, 10), (442,))
    >>> np.allclose(X.mean(axis=0), 0.0), np.allclose(np.linalg.norm(X, axis=0), 1.0)
    (True, True)
    >>> frame, target = load_diabetes(as_frame=True)
    >>> list(frame.columns[:4]), target.name
    (['age', 'sex', 'bmi', 'bp'], 'y')
    """
    return load_table(DIABETES, scale=scaled, as_frame=as_frame)
