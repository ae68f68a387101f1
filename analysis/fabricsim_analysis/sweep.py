"""Many result files -> one DataFrame, keyed by each run's --set overrides."""
from __future__ import annotations

from typing import Dict, List, Union

import numpy as np
import pandas as pd

from .loader import PS_PER_US, PathLike, Result, expand_paths, load

Paths = Union[PathLike, List[PathLike]]

#: Summary columns of load_sweep, after `file` and the override columns.
SUMMARY_COLUMNS = ["status", "flows", "app_flows", "sim_end_us", "max_step_us", "max_step_ratio",
                   "fct_p50_us", "fct_p99_us", "app_fct_p99_us", "max_busy_fraction",
                   "retransmits", "reordered_packets", "probes", "timeouts", "drops", "ecn_marks"]


def to_number(text: str):
    """"4" -> 4, "2.5" -> 2.5, "1e3" -> 1000.0; anything else ("spray", "1MiB") unchanged."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _override_values(result: Result) -> Dict[str, object]:
    return {k: to_number(v) for k, v in result.overrides.items()}


def _max_or_nan(series: pd.Series) -> float:
    return float(series.max()) if series.notna().any() else float("nan")


def summarize(result: Result) -> Dict[str, object]:
    """The summary metrics of one run (the non-override columns of load_sweep)."""
    fct = result.flows["fct_us"].dropna()
    app_fct = result.app_flows["fct_us"].dropna()
    return {
        "status": result.attrs.get("status"),
        "flows": len(result.flows),
        "app_flows": len(result.app_flows),
        "sim_end_us": result.attrs["sim_end_ps"] / PS_PER_US,
        "max_step_us": _max_or_nan(result.steps["duration_us"]),
        # The step furthest above its lower bound (duration / bound_ps).
        "max_step_ratio": _max_or_nan(result.steps["ratio"]),
        "fct_p50_us": float(fct.quantile(0.5)) if len(fct) else float("nan"),
        "fct_p99_us": float(fct.quantile(0.99)) if len(fct) else float("nan"),
        "app_fct_p99_us": float(app_fct.quantile(0.99)) if len(app_fct) else float("nan"),
        "max_busy_fraction": _max_or_nan(result.links["busy_fraction"]),
        # Packet-model totals (0 for the flow model).
        "retransmits": int(result.flows["retransmits"].sum()),
        "reordered_packets": int(result.flows["reordered_packets"].sum()),
        "probes": int(result.flows["probes"].sum()),
        "timeouts": int(result.flows["timeouts"].sum()),
        "drops": int(result.links["drops"].sum()),
        "ecn_marks": int(result.links["ecn_marks"].sum()),
    }


def _ordered(columns_seen: List[str], tail: List[str]) -> List[str]:
    return ["file"] + [c for c in columns_seen if c not in tail and c != "file"] + tail


def load_sweep(paths: Paths) -> pd.DataFrame:
    """One row per result file: `file`, one column per override key (numbers where they
    parse; NaN where a run did not set that key), then SUMMARY_COLUMNS.
    `paths` is a list of files or a glob string ("results/sweep-*.h5")."""
    rows = []
    override_keys: List[str] = []
    for path in expand_paths(paths):
        result = load(path)
        overrides = _override_values(result)
        override_keys += [k for k in overrides if k not in override_keys]
        rows.append({"file": path, **overrides, **summarize(result)})
    return pd.DataFrame(rows, columns=_ordered(override_keys, SUMMARY_COLUMNS))


def load_flows_sweep(paths: Paths) -> pd.DataFrame:
    """Every flow of every file (the columns of Result.flows), with `file` and the run's
    override columns in front, so flows can be grouped by swept parameter."""
    frames = []
    override_keys: List[str] = []
    flow_columns: List[str] = []
    for path in expand_paths(paths):
        result = load(path)
        overrides = _override_values(result)
        override_keys += [k for k in overrides if k not in override_keys]
        flow_columns += [c for c in result.flows.columns if c not in flow_columns]
        flows = result.flows.copy()
        flows["file"] = path
        for key, value in overrides.items():
            flows[key] = value
        frames.append(flows)
    df = pd.concat(frames, ignore_index=True)
    tail = [c for c in flow_columns if c not in override_keys]
    return df[_ordered(override_keys, tail)]
