"""Load fabricsim HDF5 result files into pandas.

    >>> from fabricsim_analysis import load, load_sweep
    >>> r = load("results/run.h5")
    >>> r.flows.fct_us.describe()
    >>> sweep = load_sweep("results/sweep-*.h5")
    >>> series = link_series("results/packet-run.h5")
    >>> ds = link_dataset("results/packet-run.h5")   # xarray over (link, time)
    >>> sweep = load_sweep("DIR")                       # a `fabricsim sweep -o DIR` folder
    >>> fct_cdf(load_flows_sweep("results/sweep-*.h5"), by="policy").savefig("fct.png")

The file layout is documented in docs/results.md.
"""
from .loader import SCHEMA_VERSION, Result, load, parse_overrides
from .plots import (compare_bars, expert_heatmap, fct_cdf, link_heatmap, link_matrix,
                    queue_series, step_bounds, step_timeline)
from .series import link_dataset, link_series
from .steps import iteration_times, step_kinds
from .sweep import load_flows_sweep, load_sweep

__all__ = [
    "SCHEMA_VERSION",
    "Result",
    "compare_bars",
    "expert_heatmap",
    "fct_cdf",
    "iteration_times",
    "link_heatmap",
    "link_dataset",
    "link_matrix",
    "link_series",
    "load",
    "load_flows_sweep",
    "load_sweep",
    "parse_overrides",
    "queue_series",
    "step_bounds",
    "step_kinds",
    "step_timeline",
]
