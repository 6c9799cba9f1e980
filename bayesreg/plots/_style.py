"""One visual language for every figure: a colour, a marker and a line per role.

The same thing looks the same in every figure of the package, the ``bayesreg demo``
report, the documentation and the notebooks:

* **kind of estimate → marker**: the MAP (penalized estimate) is a diamond, least
  squares a cross, the posterior mean a filled circle and the posterior median a
  hollow one, the true coefficient (simulated data) a star;
* **estimate or prior → colour**: MAP blue, posterior (mean, median, credible
  intervals and bands) vermillion, least squares black, truth reddish purple; the
  Gaussian prior (ridge) orange, the Laplace prior (lasso) blue, the elastic net green;
* **error curves**: training error sky blue, cross-validation error black (the curve
  that chooses alpha), test error reddish purple and dashed (evaluated only).

The colours are the Okabe–Ito palette, which stays distinguishable with the common
colour-vision deficiencies and in greyscale print by marker and line style.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bayesreg.errors import InputValueError

__all__ = [
    "BAND_OPACITY",
    "CREDIBLE_INTERVAL",
    "CV_ERROR",
    "ELASTIC_NET",
    "GAUSSIAN",
    "LAPLACE",
    "LEAST_SQUARES",
    "MAP",
    "POSTERIOR_MEAN",
    "POSTERIOR_MEDIAN",
    "ROLES",
    "TEST_ERROR",
    "TRAIN_ERROR",
    "TRUTH",
    "Role",
    "role",
]

# Okabe–Ito colours
_BLACK = "#000000"
_ORANGE = "#E69F00"
_SKY_BLUE = "#56B4E9"
_GREEN = "#009E73"
_BLUE = "#0072B2"
_VERMILLION = "#D55E00"
_PURPLE = "#CC79A7"

#: the shading of a credible band or interval (fraction of opacity)
BAND_OPACITY = 0.2


@dataclass(frozen=True)
class Role:
    """How one kind of quantity is drawn: colour, marker, line style and a default label.

    Attributes
    ----------
    color : str
        A matplotlib colour (hex).
    marker : str
        A matplotlib marker for a point estimate.
    linestyle : str
        A matplotlib line style for a curve of this quantity.
    label : str
        The legend text used when a figure does not say more.
    filled : bool
        Whether the marker is filled (False: white face, coloured edge).

    Examples
    --------
    :func:`role` returns the package's roles; ``point()`` and ``line()`` give the keyword
    arguments of ``Axes.plot``, which a figure may override:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from bayesreg.plots import Role, role
    >>> isinstance(role("posterior_median"), Role), role("posterior_median").filled
    (True, False)
    >>> role("map").line()
    {'color': '#0072B2', 'ls': '-'}
    >>> custom = Role("#000000", "s", ":", "my estimate")
    >>> fig, ax = plt.subplots()
    >>> lines = ax.plot([0.0, 1.0], [1.0, 2.0], **custom.point(ms=8), label=custom.label)
    >>> lines[0].get_marker(), lines[0].get_markersize()
    ('s', 8.0)
    >>> plt.close(fig)
    """

    color: str
    marker: str
    linestyle: str
    label: str
    filled: bool = True

    def point(self, **overrides: Any) -> dict[str, Any]:
        """Keyword arguments of ``Axes.plot`` for markers of this role (no line)."""
        style: dict[str, Any] = {
            "marker": self.marker,
            "ls": "none",
            "color": self.color,
            "mec": self.color,
            "mfc": self.color if self.filled else "white",
            "mew": 1.0 if self.filled else 1.5,
        }
        style.update(overrides)
        return style

    def line(self, **overrides: Any) -> dict[str, Any]:
        """Keyword arguments of ``Axes.plot`` for a curve of this role (no markers)."""
        style: dict[str, Any] = {"color": self.color, "ls": self.linestyle}
        style.update(overrides)
        return style


MAP = Role(_BLUE, "D", "-", "MAP (penalized estimate)")
LEAST_SQUARES = Role(_BLACK, "X", ":", "least squares")
POSTERIOR_MEAN = Role(_VERMILLION, "o", "-", "posterior mean")
POSTERIOR_MEDIAN = Role(_VERMILLION, "o", "-", "posterior median", filled=False)
CREDIBLE_INTERVAL = Role(_VERMILLION, "|", "-", "credible interval")
TRUTH = Role(_PURPLE, "*", "--", "true coefficient")
GAUSSIAN = Role(_ORANGE, "D", "-", "Gaussian prior (ridge)")
LAPLACE = Role(_BLUE, "D", "-", "Laplace prior (lasso)")
ELASTIC_NET = Role(_GREEN, "D", "--", "elastic-net prior")
TRAIN_ERROR = Role(_SKY_BLUE, ".", "-", "training error")
CV_ERROR = Role(_BLACK, ".", "-", "cross-validation error")
TEST_ERROR = Role(_PURPLE, ".", "--", "test error")

#: every role by its name, for code that chooses a role at run time
ROLES: dict[str, Role] = {
    "map": MAP,
    "least_squares": LEAST_SQUARES,
    "posterior_mean": POSTERIOR_MEAN,
    "posterior_median": POSTERIOR_MEDIAN,
    "credible_interval": CREDIBLE_INTERVAL,
    "truth": TRUTH,
    "gaussian": GAUSSIAN,
    "laplace": LAPLACE,
    "elastic_net": ELASTIC_NET,
    "train_error": TRAIN_ERROR,
    "cv_error": CV_ERROR,
    "test_error": TEST_ERROR,
}


def role(name: str) -> Role:
    """The package's style of one kind of quantity, to draw it like every figure does.

    Parameters
    ----------
    name : str
        One of ``"map"``, ``"least_squares"``, ``"posterior_mean"``,
        ``"posterior_median"``, ``"credible_interval"``, ``"truth"``, ``"gaussian"``,
        ``"laplace"``, ``"elastic_net"``, ``"train_error"``, ``"cv_error"``,
        ``"test_error"``.

    Returns
    -------
    Role
        Its colour, marker, line style and default label; ``point()`` and ``line()``
        give the keyword arguments of ``Axes.plot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from bayesreg.plots import role
    >>> role("map").color, role("map").marker
    ('#0072B2', 'D')
    >>> fig, ax = plt.subplots()
    >>> lines = ax.plot([0.5, 1.2], [0, 1], **role("truth").point(ms=10), label="truth")
    >>> plt.close(fig)
    """
    if name not in ROLES:
        raise InputValueError(f"name must be one of {sorted(ROLES)}; got {name!r}.")
    return ROLES[name]
