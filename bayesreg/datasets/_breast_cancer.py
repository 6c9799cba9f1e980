"""The Wisconsin diagnostic breast cancer data of Wolberg, Street and Mangasarian."""

from __future__ import annotations

from typing import Literal, overload

from bayesreg.datasets._loading import BREAST_CANCER, ArrayPair, FramePair, load_table

__all__ = ["load_breast_cancer"]


@overload
def load_breast_cancer(*, standardize: bool = ..., as_frame: Literal[False] = ...) -> ArrayPair: ...
@overload
def load_breast_cancer(*, standardize: bool = ..., as_frame: Literal[True]) -> FramePair: ...
def load_breast_cancer(
    *, standardize: bool = False, as_frame: bool = False
) -> ArrayPair | FramePair:
    """Load the Wisconsin diagnostic breast cancer data: 569 tumours, 30 features, 0/1 label.

    Each row describes the cell nuclei in a digitized image of a fine-needle aspirate
    of a breast mass: ten nuclear measurements (radius, texture, perimeter, area,
    smoothness, compactness, concavity, concave points, symmetry, fractal dimension),
    each summarized over the nuclei of the image by its mean, its standard error and
    its "worst" value (mean of the three largest).

    Parameters
    ----------
    standardize : bool, default False
        Replace each feature by its z-score ``(x − mean) / sd`` (sd with divisor
        n − 1). The raw features differ in scale by four orders of magnitude (area in
        the thousands, fractal dimension below 0.1), and a penalty treats every
        coefficient alike, so penalized fits normally use standardized features.
    as_frame : bool, default False
        Return a pandas DataFrame (the 30 feature names of scikit-learn, e.g.
        ``"mean radius"``, ``"radius error"``, ``"worst radius"``) and a Series
        ``malignant`` instead of NumPy arrays.

    Returns
    -------
    X : ndarray of shape (569, 30) or DataFrame
        Columns 0–9 the means, 10–19 the standard errors, 20–29 the worst values.
    y : ndarray of shape (569,) or Series
        ``1.0`` for a malignant tumour (212 rows), ``0.0`` for a benign one (357 rows):
        a logistic model then gives the probability of malignancy. This is the
        reverse of scikit-learn's ``load_breast_cancer``, where 0 = malignant.

    Raises
    ------
    InputTypeError
        If ``standardize`` or ``as_frame`` is not a bool.

    Notes
    -----
    Source: W. N. Street, W. H. Wolberg and O. L. Mangasarian (1993), "Nuclear
    feature extraction for breast tumor diagnosis", *IS&T/SPIE Electronic Imaging*
    1905, 861–870; UCI Machine Learning Repository, "Breast Cancer Wisconsin
    (Diagnostic)" (1995), licensed CC BY 4.0. The table bundled as
    ``bayesreg/datasets/data/breast_cancer.csv`` is converted from the copy shipped
    with scikit-learn (BSD-3-Clause), with a header of feature names and the label
    recoded as above.

    Examples
    --------
    >>> from bayesreg.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(standardize=True)
    >>> X.shape, int(y.sum())
    ((569, 30), 212)
    """
    return load_table(BREAST_CANCER, scale=standardize, as_frame=as_frame)
