"""The ``bayesreg`` command: ``check`` (MAP against penalized estimate on a CSV) and ``demo``.

- :mod:`bayesreg.cli.main` — the argument parser and :func:`main`, the console entry point;
- :mod:`bayesreg.cli.check` — ``bayesreg check``;
- :mod:`bayesreg.cli.demo` — ``bayesreg demo`` and :func:`run_demo`, the report's driver;
  its steps are computed in ``_sections`` and ``_posterior``, drawn in ``_figures`` and
  written by ``_summary`` (summary.json, README) and ``_report_html`` on the page of ``_html``.
"""

from __future__ import annotations

__all__: list[str] = []
