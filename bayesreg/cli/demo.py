"""``bayesreg demo``: the package's whole idea on bundled data, printed and as a report.

1. The MAP under a Gaussian, Laplace or elastic-net prior is the ridge, lasso or
   elastic-net estimate (and L1 logistic regression for a Bernoulli likelihood).
2. ``pm.find_MAP`` next to the exact MAP of :func:`bayesreg.find_map`.
3. Posterior shrinkage under the Bayesian lasso, by NUTS and by Gibbs.
4. λ chosen by cross-validation, empirical Bayes and a hyperprior.
5. Figures: prior densities, constraint geometry, the lasso path with posterior bands,
   the MAP against the posterior mean, a forest plot, the cross-validation curve with
   the chosen alphas.

The report folder holds ``index.html`` (one self-contained file: the figures embedded as
``data:`` URIs, no external assets), the same figures as PNG files and ``summary.json``.
It is written into a hidden temporary folder next to ``out`` and renamed at the end, so
an interrupted run leaves no half-written report.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from bayesreg.cli._sections import SEED
from bayesreg.errors import BayesregWarning, InputTypeError, InputValueError
from bayesreg.validation import check_bool, check_nonneg_int

__all__ = ["run_demo"]

N_STEPS = 6
REPORT_FILES = ("index.html", "summary.json")


class _Progress:
    """One line per step on ``stream``: its number, its title and its elapsed time.

    Warnings issued inside a step are recorded (bayesreg's own for the report) and then
    issued again, so the caller's warning filters still apply to them.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.index = 0
        self.seconds: dict[str, float] = {}
        self.warnings: list[str] = []

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        self.index += 1
        print(f"[{self.index}/{N_STEPS}] {title} ...", end="", file=self.stream, flush=True)
        start = time.perf_counter()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                yield
        except BaseException:
            print(" failed", file=self.stream, flush=True)
            raise
        seconds = time.perf_counter() - start
        self.seconds[title] = seconds
        print(f" {seconds:.1f} s", file=self.stream, flush=True)
        for item in caught:
            if issubclass(item.category, BayesregWarning):
                self.warnings.append(f"{title}: {item.category.__name__}: {item.message}")
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)


@contextmanager
def _quiet_pymc() -> Iterator[None]:
    """Hide PyMC's informational log lines (sampler choice, chains) during the demo."""
    import pymc  # noqa: F401  (importing PyMC sets its logger's level; set ours after it)

    logger = logging.getLogger("pymc")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _holds_report(folder: Path) -> bool:
    return all((folder / name).is_file() for name in REPORT_FILES)


def _check_target(out: Path, force: bool) -> Path:
    """The absolute report folder, after checking that it may be (re)written."""
    target = out.expanduser().absolute()
    if not (target.exists() or target.is_symlink()):
        return target
    if not target.is_dir():
        raise InputValueError(
            f"--out: {str(out)!r} exists and is not a folder; pass the name of a folder for "
            "the report."
        )
    if not force:
        raise InputValueError(
            f"--out: the folder {str(out)!r} already exists; pass --force to replace it, or "
            "choose another --out."
        )
    if any(target.iterdir()) and not _holds_report(target):
        raise InputValueError(
            f"--out: {str(out)!r} is not empty and holds no bayesreg report (index.html and "
            "summary.json); --force replaces only a previous report. Choose another --out."
        )
    return target


def _staging_folder(target: Path, out: Path) -> Path:
    """A new hidden folder next to ``target``, on the same file system (for the rename)."""
    blocking = next((parent for parent in target.parents if parent.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise InputValueError(
            f"--out: cannot create {str(out)!r}: {str(blocking)!r} is a file, not a folder; "
            "choose another location for --out."
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputValueError(
            f"--out: cannot write a report folder at {str(out)!r} ({reason}); choose a "
            "writable location for --out."
        ) from None


def _publish(staging: Path, target: Path, force: bool) -> None:
    """Rename the finished ``staging`` folder to ``target``, replacing it under ``force``."""
    if not target.exists():
        staging.rename(target)
        return
    if not force:
        raise InputValueError(
            f"--out: {str(target)!r} was created while the demo ran; pass --force to replace "
            "it, or choose another --out."
        )
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    target.rename(retired / target.name)
    try:
        staging.rename(target)
    except OSError:
        (retired / target.name).rename(target)
        retired.rmdir()
        raise
    shutil.rmtree(retired, ignore_errors=True)


def run_demo(
    out: Path | str, *, force: bool = False, quick: bool = False, seed: int = SEED
) -> dict[str, Any]:
    """Run the demonstration, print its summary and write the report folder ``out``.

    On the bundled diabetes data (columns with sd 1, noise σ = 54 fixed) the exact MAP
    under Normal(0, 2√2), Laplace(0, 2) and a matching elastic-net prior is compared
    with the ridge, lasso and elastic-net solutions at ``alpha = σ²/(nτ²)``,
    ``σ²/(nb)`` and ``σ²(a + c)/n``, and on the breast-cancer data the MAP of a logistic
    model under Laplace(0, 0.5) with L1 logistic regression at ``alpha = 1/(nb)``.
    ``pm.find_MAP`` is set against the exact MAP, the Bayesian lasso posterior is drawn by
    NUTS and by Gibbs, and λ is chosen three ways. Progress goes to standard error, one
    line per step; the summary to standard output.

    Parameters
    ----------
    out : path
        The report folder to create: ``index.html`` (self-contained, figures embedded),
        ``summary.json`` and the figures as PNG files.
    force : bool, default False
        Replace ``out`` if it exists (only a folder that is empty or holds a previous
        report).
    quick : bool, default False
        Shorter Monte Carlo runs (fewer draws, chains, folds and path points).
    seed : int, default 2008
        Seed of every random stream of the run (each sampler gets its own stream derived
        from it). The same seed reproduces the report's Monte Carlo numbers on the same
        machine and package versions; any seed gives sound diagnostics, because a
        posterior run whose R-hat or ESS is poor is drawn again with twice the draws.

    Returns
    -------
    dict
        The key numbers, as written to ``summary.json``.

    Raises
    ------
    InputValueError
        If ``out`` exists and ``force`` is False, exists and is not a report folder, or
        cannot be written.
    InputTypeError
        If ``out`` is not a path, ``force``/``quick`` is not a bool or ``seed`` is not an
        integer ≥ 0.

    Warns
    -----
    ConvergenceWarning, DiagnosticsWarning
        Passed on from the package's solvers and samplers (and listed in the report).
    """
    from bayesreg.cli._figures import save_figures
    from bayesreg.cli._posterior import (
        lambda_three_ways,
        lasso_path_with_bands,
        posterior_shrinkage,
    )
    from bayesreg.cli._report_html import render_report
    from bayesreg.cli._sections import (
        DemoSettings,
        compare_find_map,
        equivalence_cases,
        load_demo_data,
    )
    from bayesreg.cli._summary import DemoResults, summary_numbers, summary_text

    if not isinstance(out, str | Path):
        raise InputTypeError(f"out must be a path (str or pathlib.Path); got {type(out).__name__}.")
    replace = check_bool(force, "force")
    shorten = check_bool(quick, "quick")
    settings = DemoSettings.for_run(quick=shorten, seed=check_nonneg_int(seed, "seed"))
    target = _check_target(Path(out), replace)
    staging = _staging_folder(target, Path(out))
    progress = _Progress(sys.stderr)
    try:
        with _quiet_pymc():
            with progress.step("equivalence: ridge, lasso, elastic net, L1 logistic, L1 Poisson"):
                data = load_demo_data()
                equivalence = equivalence_cases(data)
            with progress.step("exact MAP vs pm.find_MAP"):
                comparison = compare_find_map(data)
            with progress.step("Bayesian lasso posterior by NUTS and Gibbs"):
                posterior = posterior_shrinkage(data, settings)
            with progress.step("λ three ways: cross-validation, empirical Bayes, hyperprior"):
                lambdas = lambda_three_ways(data, settings)
            with progress.step("lasso path with posterior bands"):
                path_bands = lasso_path_with_bands(data, settings)
            with progress.step("figures and report"):
                figures = save_figures(staging, data, posterior, path_bands, lambdas)
                results = DemoResults(
                    quick=shorten,
                    settings=settings,
                    equivalence=equivalence,
                    comparison=comparison,
                    posterior=posterior,
                    lambdas=lambdas,
                    figures=figures,
                    seconds=dict(progress.seconds),
                    warnings=tuple(progress.warnings),
                )
                summary = summary_numbers(results)
                (staging / "index.html").write_text(render_report(results), encoding="utf-8")
                (staging / "summary.json").write_text(
                    json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
                    encoding="utf-8",
                )
        _publish(staging, target, replace)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(summary_text(results))
    print(f"\nreport: {target / 'index.html'}")
    return summary
