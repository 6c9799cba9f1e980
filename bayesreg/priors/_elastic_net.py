"""The elastic-net density, written once: normalizer, moments, sampler, PyTensor log-density.

The elastic-net prior with L1 weight ``a ≥ 0`` and L2 weight ``c > 0`` has density

    p(w) = exp(−a|w| − c w²/2) / Z(a, c),
    Z(a, c) = 2 · √(π/(2c)) · erfcx(a/√(2c)),

because ∫₀^∞ exp(−a w − c w²/2) dw = e^{a²/(2c)} √(π/(2c)) erfc(a/√(2c)) (complete the
square) and ``erfcx(x) = e^{x²} erfc(x)``. Writing ``Z`` with ``erfcx`` keeps
``log Z = ½ log(2π/c) + log erfcx(a/√(2c))`` finite for every ``a/√(2c)``:
``erfcx(x) ~ 1/(x√π)`` for large ``x``, where ``e^{x²}`` and ``erfc(x)`` would overflow and
underflow.

On each half-line the density is a Gaussian kernel: ``|w|`` follows N(−a/c, 1/c)
truncated to [0, ∞), and the sign of ``w`` is + or − with probability ½.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import integrate, special, stats

from bayesreg.core.types import FloatArray
from bayesreg.errors import InputValueError

__all__ = [
    "ELASTIC_NET_OP_NAME",
    "log_normalizer",
    "logpdf",
    "pymc_l1_term",
    "pymc_variable",
    "pytensor_logp",
    "pytensor_logp_degenerate",
    "random",
    "sample",
    "second_moment",
]


# Name of the PyMC CustomDist random-variable op that carries this density; the exact
# MAP recognizes the prior in a model graph by it.
ELASTIC_NET_OP_NAME = "ElasticNetPrior"

# Above this ratio α = a/√c the closed-form second moment loses digits to cancellation
# (relative error about eps·α⁴); beyond it the moment is integrated numerically.
_CLOSED_FORM_MAX_RATIO = 10.0


def log_normalizer(a: float, c: float) -> float:
    """``log Z(a, c) = ½ log(2π/c) + log erfcx(a/√(2c))``."""
    ratio = a / math.sqrt(2.0 * c)
    return 0.5 * math.log(2.0 * math.pi / c) + math.log(float(special.erfcx(ratio)))


def logpdf(w: ArrayLike, a: float, c: float) -> FloatArray:
    """``log p(w) = −a|w| − c w²/2 − log Z(a, c)``, elementwise."""
    values = np.asarray(w, dtype=np.float64)
    result: FloatArray = -a * np.abs(values) - 0.5 * c * values**2 - log_normalizer(a, c)
    return result


def second_moment(a: float, c: float) -> float:
    """``E[w²]``, the variance (the density is symmetric about 0).

    With α = a/√c and the inverse Mills ratio λ(α) = φ(α)/(1 − Φ(α)) = √(2/π)/erfcx(α/√2),
    the truncated-normal moments give

        E[w²] = (1/c) · (1 + α² − α λ(α)).

    For α > 10 the bracket cancels (it tends to 2/α²); there the moment is computed as
    E[w²] = J₂/(a² J₀) with J_k = ∫₀^∞ t^k exp(−t − t²/(2α²)) dt (substitute w = t/a),
    integrals of smooth, exponentially decaying functions.
    """
    ratio = a / math.sqrt(c)
    if ratio <= _CLOSED_FORM_MAX_RATIO:
        mills = math.sqrt(2.0 / math.pi) / float(special.erfcx(ratio / math.sqrt(2.0)))
        return (1.0 + ratio**2 - ratio * mills) / c
    curvature = 1.0 / ratio**2

    def moment(power: int) -> float:
        value, _ = integrate.quad(
            lambda t: t**power * math.exp(-t - 0.5 * curvature * t * t), 0.0, math.inf
        )
        return float(value)

    return moment(2) / (a**2 * moment(0))


def sample(a: ArrayLike, c: ArrayLike, size: Any, rng: np.random.Generator) -> FloatArray:
    """Draw ``w``: ``|w|`` ~ N(−a/c, 1/c) truncated to [0, ∞), with a random sign.

    ``a`` and ``c`` may be arrays broadcasting to ``size``.
    """
    l1 = np.asarray(a, dtype=np.float64)
    l2 = np.asarray(c, dtype=np.float64)
    scale = 1.0 / np.sqrt(l2)
    magnitude = stats.truncnorm.rvs(
        l1 * scale, np.inf, loc=-l1 / l2, scale=scale, size=size, random_state=rng
    )
    sign = rng.choice(np.array([-1.0, 1.0]), size=np.shape(magnitude))
    draws: FloatArray = sign * np.asarray(magnitude, dtype=np.float64)
    return draws


def random(a: Any, c: Any, rng: np.random.Generator | None = None, size: Any = None) -> FloatArray:
    """The ``random`` function of the PyMC ``CustomDist`` (parameters arrive as arrays)."""
    if np.any((np.asarray(a) == 0.0) & (np.asarray(c) == 0.0)):
        raise InputValueError(
            "a prior with flat (improper) entries (scale = inf: both weights 0) has no "
            "draws; give every coefficient a finite scale to sample from the prior."
        )
    generator = rng if rng is not None else np.random.default_rng()
    if np.any(np.asarray(c) == 0.0):
        # c = 0: Laplace(0, 1/a) entries, drawn exactly (the truncated normal degenerates)
        laplace = generator.laplace(0.0, 1.0 / np.where(np.asarray(a) > 0, a, 1.0), size)
        return np.where(
            np.asarray(c) == 0.0,
            laplace,
            sample(a, np.where(np.asarray(c) > 0, c, 1.0), size, generator),
        )
    return sample(a, c, size, generator)


def pytensor_logp(value: Any, a: Any, c: Any) -> Any:
    """The ``logp`` of the PyMC ``CustomDist``: ``−a|w| − c w²/2 − log Z(a, c)`` in PyTensor."""
    import pytensor.tensor as pt

    # No standalone constant term (such as log 2): PyTensor's rewrites fold it into a float32
    # literal, an error of about 2e-9 in the log-density.
    log_z = 0.5 * pt.log(2.0 * np.pi / c) + pt.log(pt.erfcx(a / pt.sqrt(2.0 * c)))
    return -a * pt.abs(value) - 0.5 * c * value**2 - log_z


def pytensor_logp_degenerate(value: Any, a: Any, c: Any) -> Any:
    """The ``logp`` with per-entry weights that may vanish (per-coefficient scale priors).

    Elementwise: ``−a|w| − c w²/2 − log Z(a, c)`` for ``c > 0``; the Laplace density
    ``−a|w| + log(a/2)`` for ``c = 0 < a``; and 0, the improper flat density, for
    ``a = c = 0``. ``a`` and ``c`` are constants, so the branches not taken (evaluated at
    the placeholder weight 1) do not reach the value or its derivatives.
    """
    import pytensor.tensor as pt

    smooth = pt.gt(c, 0.0)
    kinked = pt.gt(a, 0.0)
    c_safe = pt.switch(smooth, c, 1.0)
    a_safe = pt.switch(kinked, a, 1.0)
    log_z_enet = 0.5 * pt.log(2.0 * np.pi / c_safe) + pt.log(pt.erfcx(a / pt.sqrt(2.0 * c_safe)))
    log_z_laplace = pt.log(2.0 / a_safe)
    log_z = pt.switch(smooth, log_z_enet, pt.switch(kinked, log_z_laplace, 0.0))
    return -a * pt.abs(value) - 0.5 * c * value**2 - log_z


def pymc_variable(
    name: str, a: Any, c: Any, *, degenerate: bool, dims: Any = None, shape: Any = None
) -> Any:
    """The PyMC ``CustomDist`` of this density, named by :data:`ELASTIC_NET_OP_NAME`,
    with weights ``a``, ``c`` (per entry when arrays); ``degenerate`` takes the ``logp``
    that allows ``c = 0`` and ``a = c = 0`` (:func:`pytensor_logp_degenerate`)."""
    import pymc as pm

    return pm.CustomDist(
        name,
        a,
        c,
        logp=pytensor_logp_degenerate if degenerate else pytensor_logp,
        random=random,
        signature="(),()->()",
        class_name=ELASTIC_NET_OP_NAME,
        dims=dims,
        shape=shape,
    )


def pymc_l1_term(rv: Any) -> tuple[Any, Any] | None:
    """``(0, a)`` for a random variable of this ``CustomDist`` (found by its op name), else None."""
    import pytensor.tensor as pt
    from pymc.distributions.custom import CustomDistRV

    node = rv.owner
    if node is None or not isinstance(node.op, CustomDistRV):
        return None
    if node.op.name != ELASTIC_NET_OP_NAME:
        return None
    l1, _ = node.op.dist_params(node)
    weight = pt.cast(l1, "float64")
    return pt.zeros(()), weight
