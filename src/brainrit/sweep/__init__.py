"""Parameter sweeps, uncertainty and sensitivity analysis on Dask.

``brainrit.sweep.design`` builds the sample values (random, Latin hypercube, Sobol'–Saltelli, grid,
one-at-a-time), ``brainrit.sweep.engine`` runs them on dask.distributed and streams the outcomes to
Parquet, ``brainrit.sweep.analysis`` turns the Parquet parts into percentiles, a tornado plot and
variance-based sensitivity indices. Heavy dependencies (dask, pyarrow, scipy) load on first use.
"""

from brainrit.sweep.design import Parameter, SweepPlan, make_plan, parse_parameters

__all__ = ["Parameter", "SweepPlan", "make_plan", "parse_parameters"]
