"""The bundled RAND HIE count data: its form, its documented subsample rule, its source."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayesreg.datasets import load_randhie
from bayesreg.errors import InputTypeError

FEATURES = ["lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp"]
DATA = Path(__file__).parents[2] / "bayesreg" / "datasets" / "data" / "randhie.csv"


def test_randhie_shapes_counts_and_exposure() -> None:
    X, y, time = load_randhie(exposure=True)
    assert X.shape == (2019, 9)
    assert y.shape == time.shape == (2019,)
    assert np.all(np.isfinite(X))
    # counts: integers ≥ 0; the exposure a fraction of a year
    assert np.all(y >= 0.0)
    assert np.array_equal(y, np.round(y))
    assert np.all((time > 0.0) & (time <= 1.0))
    X_only, y_only = load_randhie()
    assert np.array_equal(X_only, X)
    assert np.array_equal(y_only, y)


def test_randhie_frame_names_and_standardization() -> None:
    frame, target, time = load_randhie(as_frame=True, exposure=True)
    assert list(frame.columns) == FEATURES
    assert target.name == "mdvis"
    assert time.name == "time"
    Z, y = load_randhie(standardize=True)
    X, y_raw = load_randhie()
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0, ddof=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(Z, (X - X.mean(axis=0)) / X.std(axis=0, ddof=1), rtol=1e-12)
    assert np.array_equal(y, y_raw)  # the counts are never scaled


def test_randhie_rejects_non_bool_options() -> None:
    with pytest.raises(InputTypeError, match="exposure"):
        load_randhie(exposure="yes")  # type: ignore[call-overload]
    with pytest.raises(InputTypeError, match="standardize"):
        load_randhie(standardize=1)  # type: ignore[call-overload]


def test_randhie_is_every_tenth_row_of_statsmodels_copy() -> None:
    """The documented subsample rule, against statsmodels' files (a test-only dependency)."""
    from statsmodels.datasets import randhie

    bundled = pd.read_csv(DATA)
    assert np.array_equal(bundled["source_row"], 1 + 10 * np.arange(2019))
    source_dir = Path(randhie.__file__).parent
    full = pd.read_csv(source_dir / "randhie.csv")
    rows = full.iloc[bundled["source_row"].to_numpy() - 1].reset_index(drop=True)
    for column in [*FEATURES, "mdvis"]:
        np.testing.assert_array_equal(bundled[column].to_numpy(), rows[column].to_numpy())
    extract = pd.read_csv(source_dir / "src" / "randhie.csv")
    time = extract["time"].to_numpy()[bundled["source_row"].to_numpy() - 1]
    np.testing.assert_array_equal(bundled["time"].to_numpy(), time)
