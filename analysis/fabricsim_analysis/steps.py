"""Step-level views of a result: time per step kind and per training iteration.

    >>> from fabricsim_analysis import load, iteration_times, step_kinds
    >>> r = load("results/moe.h5")
    >>> iteration_times(r)   # per workload and iteration: span, communication, compute
    >>> step_kinds(r)        # per workload and step kind: count, total and mean duration
"""
import pandas as pd

from .loader import PS_PER_US, Result

COMPUTE_KINDS = {"compute"}


def step_kinds(result: Result) -> pd.DataFrame:
    """One row per (workload, kind): count, total_us and mean_us of the step durations."""
    grouped = result.steps.groupby(["workload", "kind"])["duration_us"]
    return grouped.agg(count="count", total_us="sum", mean_us="mean").reset_index()


def iteration_times(result: Result) -> pd.DataFrame:
    """One row per (workload, iteration): start_us, end_us, span_us (first start to last end),
    and the summed durations of communication steps (comm_us) and compute steps (compute_us)."""
    steps = result.steps.assign(is_compute=result.steps["kind"].isin(COMPUTE_KINDS))
    rows = []
    for (workload, iteration), group in steps.groupby(["workload", "iteration"]):
        start, end = group["start_ps"].min(), group["end_ps"].max()
        rows.append({
            "workload": workload,
            "iteration": iteration,
            "start_us": start / PS_PER_US,
            "end_us": end / PS_PER_US,
            "span_us": (end - start) / PS_PER_US,
            "comm_us": group.loc[~group["is_compute"], "duration_us"].sum(),
            "compute_us": group.loc[group["is_compute"], "duration_us"].sum(),
        })
    return pd.DataFrame(rows)
