"""Outpatient visits in the RAND Health Insurance Experiment: a count data set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast, overload

from bayesreg.core.types import FloatArray
from bayesreg.datasets._loading import (
    RANDHIE,
    RANDHIE_EXPOSURE_COLUMN,
    ArrayPair,
    FramePair,
    load_table,
    read_csv,
)
from bayesreg.validation import check_bool

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_randhie"]

type ArrayTriple = tuple[FloatArray, FloatArray, FloatArray]
type FrameTriple = tuple[pd.DataFrame, pd.Series, pd.Series]


@overload
def load_randhie(
    *, standardize: bool = ..., as_frame: Literal[False] = ..., exposure: Literal[False] = ...
) -> ArrayPair: ...
@overload
def load_randhie(
    *, standardize: bool = ..., as_frame: Literal[True], exposure: Literal[False] = ...
) -> FramePair: ...
@overload
def load_randhie(
    *, standardize: bool = ..., as_frame: Literal[False] = ..., exposure: Literal[True]
) -> ArrayTriple: ...
@overload
def load_randhie(
    *, standardize: bool = ..., as_frame: Literal[True], exposure: Literal[True]
) -> FrameTriple: ...
def load_randhie(
    *, standardize: bool = False, as_frame: bool = False, exposure: bool = False
) -> ArrayPair | FramePair | ArrayTriple | FrameTriple:
    """Load the RAND Health Insurance Experiment visits: 2019 person-years, 9 predictors.

    A classic count regression (Cameron & Trivedi, 2005, ch. 20; Deb & Trivedi, 2002):
    the number of outpatient visits to a physician in a year, ``mdvis``, regressed on
    the insurance plan and the person's health. About 29% of the counts are 0, the mean
    is 2.9 and the largest 76. ``exposure=True`` adds each row's time eligible during
    the year (a fraction of a year, < 1 in 5 rows), whose log is the offset of a
    Poisson model of visits per year.

    Parameters
    ----------
    standardize : bool, default False
        Replace each predictor by its z-score ``(x − mean) / sd`` (sd with divisor
        n − 1) over the 2019 rows. The counts and the exposure are never scaled.
    as_frame : bool, default False
        Return a pandas DataFrame (columns ``lncoins, idp, lpi, fmde, physlm, disea,
        hlthg, hlthf, hlthp``) and a Series ``mdvis`` (and a Series ``time``) instead
        of NumPy arrays.
    exposure : bool, default False
        Also return the exposure ``time``, in (0, 1].

    Returns
    -------
    X : ndarray of shape (2019, 9) or DataFrame
        ``lncoins`` log(coinsurance rate + 1), coinsurance 0–100 (%); ``idp`` 1 for an
        individual deductible plan; ``lpi`` log(max(1, annual participation incentive
        payment)); ``fmde`` 0 if idp = 1, else log(max(1, MDE / (0.01 coinsurance))),
        MDE the maximum dollar expenditure; ``physlm`` 1 for a physical limitation;
        ``disea`` the number of chronic diseases (an index, not always an integer);
        ``hlthg``, ``hlthf``, ``hlthp`` 1 for self-rated good, fair, poor health
        (excellent is the omitted category).
    y : ndarray of shape (2019,) or Series
        ``mdvis``, the number of outpatient visits to a physician (integers ≥ 0).
    time : ndarray of shape (2019,) or Series
        Only with ``exposure=True``: the fraction of the year the person was eligible.

    Raises
    ------
    InputTypeError
        If ``standardize``, ``as_frame`` or ``exposure`` is not a bool.

    Notes
    -----
    **Subsample.** The bundled file ``bayesreg/datasets/data/randhie.csv`` holds every
    tenth row of the 20190 rows of statsmodels' ``randhie`` data set
    (``statsmodels/datasets/randhie/randhie.csv``, statsmodels 0.15.0): data rows 1, 11,
    21, …, 20181 (1-based, header not counted; the row number is the file's last column,
    ``source_row``), with the columns reordered (predictors, then ``mdvis``). The
    exposure ``time`` is the column of that name in the full extract statsmodels ships
    beside it (``randhie/src/randhie.csv``), whose rows are the same person-years in the
    same order (every shared column agrees). Rows are person-years, so one person can
    appear in several rows; the sample of every tenth row spreads over persons and
    years.

    Source: the RAND Health Insurance Experiment (RAND Corporation, 1974–1982,
    http://www.rand.org/health/projects/hie.html), as used in A. C. Cameron and
    P. K. Trivedi (2005), *Microeconometrics: Methods and Applications*, Cambridge
    University Press, and distributed with statsmodels, whose data set description
    states: "This is in the public domain." (``COPYRIGHT`` in
    ``statsmodels/datasets/randhie/data.py``).

    Examples
    --------
    >>> from bayesreg.datasets import load_randhie
    >>> X, y, time = load_randhie(exposure=True)
    >>> X.shape, y.shape, time.shape
    ((2019, 9), (2019,), (2019,))
    >>> int(y.max()), bool((y == y.round()).all())
    (76, True)
    """
    with_exposure = check_bool(exposure, "exposure")
    frame = check_bool(as_frame, "as_frame")
    table = load_table(RANDHIE, scale=standardize, as_frame=frame)
    if not with_exposure:
        return table
    header, body = read_csv(RANDHIE.filename)
    time: FloatArray = body[:, RANDHIE_EXPOSURE_COLUMN].copy()
    if not frame:
        X, y = cast("ArrayPair", table)
        return X, y, time
    import pandas as pd

    predictors, target = cast("FramePair", table)
    return predictors, target, pd.Series(time, name=header[RANDHIE_EXPOSURE_COLUMN])
