"""The prostate cancer data of Stamey et al. (1989), as analysed in ESL (Hastie et al.)."""

from __future__ import annotations

from typing import Literal, overload

from bayesreg.datasets._loading import PROSTATE, ArrayPair, FramePair, load_table

__all__ = ["load_prostate"]

Split = Literal["train", "test"]


@overload
def load_prostate(
    *, split: Split | None = ..., standardize: bool = ..., as_frame: Literal[False] = ...
) -> ArrayPair: ...
@overload
def load_prostate(
    *, split: Split | None = ..., standardize: bool = ..., as_frame: Literal[True]
) -> FramePair: ...
def load_prostate(
    *, split: Split | None = None, standardize: bool = False, as_frame: bool = False
) -> ArrayPair | FramePair:
    """Load the prostate cancer data: 97 men, 8 clinical measures, log PSA.

    The data of Stamey et al. (1989) as analysed throughout Hastie, Tibshirani &
    Friedman, *The Elements of Statistical Learning* (ESL, 2nd ed. 2009, §3.2.1):
    the level of prostate-specific antigen in men about to undergo a radical
    prostatectomy, regressed on clinical measures.

    Parameters
    ----------
    split : {None, "train", "test"}, default None
        ``None`` returns all 97 rows; ``"train"`` the 67 rows ESL uses for fitting and
        ``"test"`` the 30 held-out rows (the ``train`` column of the original file).
    standardize : bool, default False
        Replace each predictor by its z-score ``(x − mean) / sd`` (sd with divisor
        n − 1), with the mean and sd of all 97 rows whatever ``split`` is: the
        scaling of ESL Tables 3.1–3.3. The target is never scaled.
    as_frame : bool, default False
        Return a pandas DataFrame (columns ``lcavol, lweight, age, lbph, svi, lcp,
        gleason, pgg45``, index = row number 1..97 of the original file) and a Series
        ``lpsa`` instead of NumPy arrays.

    Returns
    -------
    X : ndarray of shape (n_rows, 8) or DataFrame
        ``lcavol`` log cancer volume (log cm³), ``lweight`` log prostate weight (log g),
        ``age`` (years), ``lbph`` log amount of benign prostatic hyperplasia (log cm²),
        ``svi`` seminal vesicle invasion (0/1), ``lcp`` log capsular penetration
        (log cm), ``gleason`` Gleason score (6–9), ``pgg45`` percentage of Gleason
        scores 4 or 5 (0–100).
    y : ndarray of shape (n_rows,) or Series
        ``lpsa``, the log of the prostate-specific antigen level (log ng/mL).

    Raises
    ------
    InputValueError
        If ``split`` is not ``None``, ``"train"`` or ``"test"``.
    InputTypeError
        If ``standardize`` or ``as_frame`` is not a bool.

    Notes
    -----
    Ordinary least squares on the standardized training rows gives ESL Table 3.2:
    intercept 2.46, lcavol 0.68, lweight 0.26, age −0.14, lbph 0.21, svi 0.31,
    lcp −0.29, gleason −0.02, pgg45 0.27.

    Source: T. A. Stamey, J. N. Kabalin, J. E. McNeal, I. M. Johnstone, F. Freiha,
    E. A. Redwine and N. Yang (1989), "Prostate specific antigen in the diagnosis and
    treatment of adenocarcinoma of the prostate. II. Radical prostatectomy treated
    patients", *Journal of Urology* 141(5), 1076–1083. The table is the file
    ``prostate.data`` that the ESL authors publish on the book's website for teaching
    and research (no separate licence is stated there; the CRAN package
    ``ElemStatLearn`` distributed the same table under GPL ≥ 2), bundled as
    ``bayesreg/datasets/data/prostate.csv``. Row 32 has ``lweight`` = 3.804438; some
    older copies carry 6.107580 (an implausible 449 g prostate). Row 32 is a test row,
    so the training fits of ESL do not depend on it.

    Examples
    --------
    >>> from bayesreg.datasets import load_prostate
    >>> X, y = load_prostate()
    >>> X.shape, y.shape
    ((97, 8), (97,))
    >>> X_train, y_train = load_prostate(split="train", standardize=True)
    >>> X_train.shape
    (67, 8)
    """
    return load_table(PROSTATE, scale=standardize, as_frame=as_frame, split=split)
