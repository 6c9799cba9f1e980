"""``bayesreg demo --quick``: the report folder, its numbers, its page and its atomic writing.

The full demo runs once per module, in-process through ``bayesreg.cli.main.main``, replacing
an existing report with ``--force``; the tests then read what it wrote. The numbers in
``summary.json`` are checked against the mathematics they claim (alpha = σ²/(n b), the
lasso's exact zeros from scikit-learn, the theorem that the joint MAP's coefficients are
the lasso at σ̂λ/n) rather than against stored values.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import re
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.linear_model import Lasso

import bayesreg.cli._sections
import bayesreg.plots
import bayesreg.posterior
from bayesreg.cli._html import figure, png_data_uri
from bayesreg.cli._posterior import _sample_until_sound
from bayesreg.cli._sections import MAX_DOUBLINGS, DemoSettings, load_demo_data
from bayesreg.cli.demo import run_demo
from bayesreg.cli.main import main
from bayesreg.datasets import load_diabetes
from bayesreg.errors import InputTypeError
from bayesreg.priors import LaplacePrior

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SIGMA = 54.0  # the demo's fixed noise sd on the diabetes data


@dataclass(frozen=True)
class DemoRun:
    code: int
    folder: Path  # the parent of the report folder
    out: Path
    stdout: str
    stderr: str
    summary: dict[str, Any]
    # per call of plots.plot_cv_curve: the alpha of each marked choice, by its gid
    cv_marks: list[dict[str, float]]


def _strict_json(text: str) -> Any:
    def reject(constant: str) -> None:
        raise ValueError(f"summary.json holds {constant}, which is not JSON")

    return json.loads(text, parse_constant=reject)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    folder = tmp_path_factory.mktemp("demo")
    out = folder / "report"
    out.mkdir()
    # a previous report, which --force must replace as a whole
    (out / "index.html").write_text("<p>old report</p>", encoding="utf-8")
    (out / "summary.json").write_text("{}", encoding="utf-8")
    (out / "stale.png").write_bytes(PNG_SIGNATURE)
    stdout, stderr = io.StringIO(), io.StringIO()
    cv_marks: list[dict[str, float]] = []
    draw = bayesreg.plots.plot_cv_curve

    def recording_draw(*args: Any, **kwargs: Any) -> Any:
        # what the saved figure shows: the vertical lines of the choices, read back
        axes = draw(*args, **kwargs)
        marks = {
            str(line.get_gid()): float(np.asarray(line.get_xdata())[0])
            for line in axes.get_lines()
            if line.get_gid()
        }
        cv_marks.append(marks)
        return axes

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bayesreg.plots, "plot_cv_curve", recording_draw)
        with redirect_stdout(stdout), redirect_stderr(stderr):
            code = main(["demo", "--quick", "--force", "--out", str(out)])
    summary_path = out / "summary.json"
    summary = _strict_json(summary_path.read_text("utf-8")) if code == 0 else {}
    return DemoRun(code, folder, out, stdout.getvalue(), stderr.getvalue(), summary, cv_marks)


class _Links(HTMLParser):
    """Every tag name, every src/href attribute (with its tag) and the images of a page.

    ``images`` holds, per ``img``, its ``src``, its ``data-file`` and the ``id`` of the
    section it sits in.
    """

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.references: list[tuple[str, str]] = []
        self.images: list[tuple[str, str | None, str | None]] = []
        self.section: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "section":
            self.section = values.get("id")
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.references.append((tag, value))
        if tag == "img":
            self.images.append((values.get("src") or "", values.get("data-file"), self.section))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.section = None


def _embedded_png(source: str) -> bytes:
    """The bytes of a ``data:image/png;base64,...`` URI (strict base64)."""
    prefix = "data:image/png;base64,"
    assert source.startswith(prefix), source[:60]
    return base64.b64decode(source[len(prefix) :], validate=True)


@pytest.mark.slow
def test_demo_writes_the_report_and_replaces_the_old_one(demo_run: DemoRun) -> None:
    assert demo_run.code == 0, demo_run.stderr
    figures = demo_run.summary["figures"]
    assert len(figures) == 6
    assert "lambda_cv.png" in figures
    assert sorted(p.name for p in demo_run.out.iterdir()) == sorted(
        ["index.html", "summary.json", *figures]
    )
    for name in figures:
        content = (demo_run.out / name).read_bytes()
        assert content.startswith(PNG_SIGNATURE)
        assert len(content) > 10_000  # a drawn figure, not an empty canvas
    # the temporary folder was renamed into place, the retired report deleted
    assert [p.name for p in demo_run.folder.iterdir()] == ["report"]


@pytest.mark.slow
def test_demo_html_is_one_self_contained_file(demo_run: DemoRun) -> None:
    page = (demo_run.out / "index.html").read_text("utf-8")
    links = _Links()
    links.feed(page)
    assert "script" not in links.tags
    assert "link" not in links.tags  # no external style sheet
    # no network address anywhere a browser would fetch from (script, link, img, style)
    for tag, reference in links.references:
        assert not reference.lower().startswith(("http://", "https://", "//")), (tag, reference)
        assert reference.startswith(("#", "data:image/png;base64,")), (tag, reference)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:|//)", page)
    assert not re.search(r"@import|url\(", page)  # the inline style sheet loads nothing
    assert not re.search(r"mathjax|katex", page, re.IGNORECASE)  # math is Unicode text
    # every image is embedded, decodes to a PNG, and is byte for byte the file beside it
    assert sorted(str(item[1]) for item in links.images) == sorted(demo_run.summary["figures"])
    for source, filename, _ in links.images:
        png = _embedded_png(source)
        assert png.startswith(PNG_SIGNATURE)
        assert png == (demo_run.out / str(filename)).read_bytes()
        assert f"<code>{filename}</code>" in page  # the caption names the file for reuse
    for heading in ("1. The MAP under a prior", "2. pm.find_MAP", "3. Beyond the MAP", "4. "):
        assert heading in page


@pytest.mark.slow
def test_demo_equivalence_rows_follow_the_prior_penalty_table(demo_run: DemoRun) -> None:
    rows = {row["penalty"]: row for row in demo_run.summary["equivalence"]}
    assert set(rows) == {"ridge", "lasso", "elastic net", "L1 logistic", "L1 Poisson"}
    for row in rows.values():
        assert row["ok"] is True
        assert row["support_match"] is True
        # the verdict's bound rtol·max(1, ‖coef‖∞), with rtol = 1e-8 and |coef| < 30 here
        assert row["max_abs_diff"] <= 3e-7
    n = 442
    # Normal(0, τ) with τ² = 8: alpha = σ²/(nτ²); Laplace(0, 2): alpha = σ²/(n b)
    assert rows["ridge"]["alpha"] == pytest.approx(SIGMA**2 / (n * 8.0), rel=1e-12)
    assert rows["ridge"]["l1_ratio"] == 0.0
    assert rows["lasso"]["alpha"] == pytest.approx(SIGMA**2 / (n * 2.0), rel=1e-12)
    assert rows["lasso"]["l1_ratio"] == 1.0
    assert rows["elastic net"]["l1_ratio"] == pytest.approx(0.5, rel=1e-12)
    # equal prior variance: ridge keeps every coefficient, the Laplace prior does not
    assert rows["ridge"]["n_nonzero"] == 10
    assert rows["lasso"]["n_nonzero"] < rows["elastic net"]["n_nonzero"] <= 10
    logistic = rows["L1 logistic"]
    assert logistic["likelihood"] == "bernoulli"
    assert logistic["alpha"] == pytest.approx(1.0 / (569 * 0.5), rel=1e-12)  # σ = 1, b = 0.5
    counts = rows["L1 Poisson"]
    assert counts["likelihood"] == "poisson"
    assert counts["alpha"] == pytest.approx(1.0 / (2019 * 0.05), rel=1e-12)  # σ = 1, b = 0.05
    assert counts["l1_ratio"] == 1.0


@pytest.mark.slow
def test_demo_exact_map_beats_pm_find_map(demo_run: DemoRun) -> None:
    result = demo_run.summary["find_map"]
    exact, pymc = result["exact_map"], result["pymc_find_map"]
    assert exact["max_abs_error"] <= 1e-8
    assert exact["kkt_residual"] <= 1e-8
    assert pymc["max_abs_error"] > 1e3 * max(exact["max_abs_error"], 1e-12)
    assert pymc["kkt_residual"] > 1e3 * max(exact["kkt_residual"], 1e-12)
    # an independent oracle for the zeros: scikit-learn's Lasso on the same data
    X_unit, y = load_diabetes()
    X = X_unit * math.sqrt(X_unit.shape[0])
    oracle = Lasso(alpha=result["alpha"], tol=1e-12, max_iter=100_000).fit(X, y)
    oracle_zeros = int(np.count_nonzero(oracle.coef_ == 0.0))
    assert oracle_zeros > 0
    assert exact["n_exact_zeros"] == oracle_zeros == result["lasso"]["n_exact_zeros"]
    assert pymc["n_exact_zeros"] < oracle_zeros
    assert exact["objective_excess"] <= 1e-9 * 3000.0  # F is of the order of var(y)/2
    assert pymc["objective_excess"] > 0.0


@pytest.mark.slow
def test_demo_posterior_is_not_sparse_but_its_mode_is(demo_run: DemoRun) -> None:
    posterior = demo_run.summary["posterior"]
    joint = posterior["joint_map"]
    assert joint["n_exact_zeros"] > 0
    # the joint MAP's coefficients are the lasso at alpha = σ̂λ/n
    assert joint["alpha"] == pytest.approx(joint["noise"] * posterior["lam"] / 442, rel=1e-12)
    assert joint["max_abs_diff_to_lasso"] <= 1e-8
    for run in posterior["runs"].values():
        assert run["n_exact_zeros_of_mean"] == 0
        assert run["diagnostics_ok"] is True
        assert run["divergences"] == 0
    # NUTS and Gibbs sample one posterior: their means differ by Monte Carlo error only;
    # the largest of ten |z| exceeds 4 with probability below 1e-3
    assert posterior["max_mean_z"] < 4.0
    nuts, gibbs = (posterior["runs"][key]["mean"] for key in ("nuts", "gibbs"))
    assert nuts.keys() == gibbs.keys()


@pytest.mark.slow
def test_demo_lambda_three_ways(demo_run: DemoRun) -> None:
    result = demo_run.summary["lambda"]
    rows = {row["method"]: row for row in result["rows"]}
    assert len(rows) == 4
    mcem = rows["empirical Bayes (MCEM)"]
    # Park & Casella (2008) report λ = 0.237 (3 decimals) for these data
    assert abs(mcem["lam"] - result["published_lam"]) <= 0.0005 + 4.0 * result["mcem_lam_se"]
    hyper = rows["hyperprior (median)"]
    assert hyper["lam_lower"] < hyper["lam"] < hyper["lam_upper"]
    for row in rows.values():
        # alpha = σλ/n on the unit-norm scaling
        assert row["alpha"] == pytest.approx(row["noise"] * row["lam"] / 442, rel=1e-12)
        assert 0 <= row["n_nonzero"] <= 10


@pytest.mark.slow
def test_demo_lambda_figure_marks_the_table_alphas(demo_run: DemoRun) -> None:
    assert (demo_run.out / "lambda_cv.png").read_bytes().startswith(PNG_SIGNATURE)
    page = (demo_run.out / "index.html").read_text("utf-8")
    links = _Links()
    links.feed(page)
    # the figure sits in section 4, after its table ("Choosing λ")
    sections = {filename: section for _, filename, section in links.images}
    assert sections["lambda_cv.png"] == "lambda"
    lambda_section = page[page.index('<section id="lambda">') :]
    assert lambda_section.index("<table>") < lambda_section.index('data-file="lambda_cv.png"')
    assert "1-SE" in lambda_section
    assert "noise band" in lambda_section
    # the alphas drawn are exactly the table's, as written to summary.json
    table = {row["method"]: row["alpha"] for row in demo_run.summary["lambda"]["rows"]}
    assert set(table) == {
        "cross-validation (min)",
        "cross-validation (1-SE)",
        "empirical Bayes (MCEM)",
        "hyperprior (median)",
    }
    assert demo_run.cv_marks  # the figure was drawn by plots.plot_cv_curve
    for marks in demo_run.cv_marks:
        assert marks == table
    assert table["cross-validation (min)"] <= table["cross-validation (1-SE)"]


def test_report_figures_are_embedded_not_linked() -> None:
    png = PNG_SIGNATURE + b"rest of the file"
    block = figure(png, "A <caption>", alt='a "title"', filename="plot.png")
    links = _Links()
    links.feed(block)
    ((source, filename, _),) = links.images
    assert _embedded_png(source) == png
    assert filename == "plot.png"
    assert "A &lt;caption&gt;" in block
    assert 'alt="a &quot;title&quot;"' in block
    assert png_data_uri(png) == "data:image/png;base64," + base64.b64encode(png).decode()
    with pytest.raises(ValueError, match="PNG signature"):
        png_data_uri(b"GIF89a")
    with pytest.raises(binascii.Error):
        _embedded_png("data:image/png;base64,@@@")


@pytest.mark.slow
def test_demo_prints_a_summary_and_one_progress_line_per_step(demo_run: DemoRun) -> None:
    # ridge, lasso, elastic net, L1 logistic and L1 Poisson
    assert demo_run.stdout.count("EQUIVALENT") == 5
    assert "NOT EQUIVALENT" not in demo_run.stdout
    assert "pm.find_MAP" in demo_run.stdout
    assert f"report: {demo_run.out / 'index.html'}" in demo_run.stdout
    progress = [line for line in demo_run.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 6
    for index, line in enumerate(progress, start=1):
        assert re.fullmatch(rf"\[{index}/6\] .+ \.\.\. \d+\.\d s", line), line
    assert "Traceback" not in demo_run.stderr
    assert demo_run.summary["warnings"] == []


def _interrupt(*args: object) -> None:
    raise KeyboardInterrupt


def test_interrupted_demo_leaves_no_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bayesreg.cli._sections, "equivalence_cases", _interrupt)
    out = tmp_path / "report"
    assert main(["demo", "--quick", "--out", str(out)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_interrupted_forced_demo_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bayesreg.cli._sections, "equivalence_cases", _interrupt)
    out = tmp_path / "report"
    out.mkdir()
    for name in ("index.html", "summary.json"):
        (out / name).write_text("previous", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        run_demo(out, force=True, quick=True)
    assert [p.name for p in tmp_path.iterdir()] == ["report"]
    assert (out / "index.html").read_text("utf-8") == "previous"


def test_run_demo_checks_its_arguments(tmp_path: Path) -> None:
    with pytest.raises(InputTypeError, match="out must be a path"):
        run_demo(42)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match="force"):
        run_demo(tmp_path / "report", force="yes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@dataclass(frozen=True)
class _FakeDiagnostics:
    ok: bool


def test_a_poor_posterior_run_is_redrawn_twice_as_long(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []
    warned: list[bool] = []
    verdicts = iter([False, True])

    def fake_sample(*args: object, draws: int, random_seed: int, **kwargs: object) -> str:
        calls.append((draws, random_seed))
        return "tree"

    def fake_check(tree: object, *, warn: bool) -> _FakeDiagnostics:
        warned.append(warn)
        return _FakeDiagnostics(ok=next(verdicts))

    monkeypatch.setattr(bayesreg.posterior, "sample_posterior", fake_sample)
    monkeypatch.setattr(bayesreg.posterior, "check_diagnostics", fake_check)
    settings = DemoSettings.for_run(quick=True, seed=5)
    data = load_demo_data()
    _, diagnostics, length, attempts = _sample_until_sound(
        data, LaplacePrior(1.0), "gibbs", 100, settings, stream=1
    )
    assert diagnostics.ok is True
    assert (length, attempts) == (200, 2)
    assert [draws for draws, _ in calls] == [100, 200]
    assert calls[0][1] != calls[1][1]  # each redraw has its own seed
    assert warned == [False, False]  # only the last allowed run may warn

    # poor every time: MAX_DOUBLINGS redraws, the last one warns, and its verdict is kept
    calls.clear()
    warned.clear()
    verdicts = iter([False] * (MAX_DOUBLINGS + 1))
    _, diagnostics, length, attempts = _sample_until_sound(
        data, LaplacePrior(1.0), "gibbs", 100, settings, stream=1
    )
    assert diagnostics.ok is False
    assert attempts == MAX_DOUBLINGS + 1
    assert length == 100 * 2**MAX_DOUBLINGS
    assert warned == [False] * MAX_DOUBLINGS + [True]


def test_demo_seeds_are_independent_streams() -> None:
    settings = DemoSettings.for_run(quick=True, seed=3)
    seeds = {settings.seed_for(stream, attempt) for stream in range(4) for attempt in range(3)}
    assert len(seeds) == 12
    assert settings.seed_for(2, 1) == DemoSettings.for_run(quick=False, seed=3).seed_for(2, 1)
    assert settings.seed_for(0) != DemoSettings.for_run(quick=True, seed=4).seed_for(0)


def test_demo_seed_option_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--seed", "-1", "--out", str(tmp_path / "report")])
    assert exit_info.value.code == 2
    assert "--seed: must be an integer >= 0; got '-1'" in capsys.readouterr().err
    with pytest.raises(InputTypeError, match=r"seed must be an integer ≥ 0; got 1\.5"):
        run_demo(tmp_path / "report", seed=1.5)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
