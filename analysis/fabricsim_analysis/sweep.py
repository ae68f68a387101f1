"""Many result files -> one DataFrame, keyed by each run's --set overrides.

Either a list (or glob) of result files, or a `fabricsim sweep` folder: its index.csv names
every run, with its status and overrides, and the result files of the finished ones."""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Union

import numpy as np
import pandas as pd

from .loader import PS_PER_US, PathLike, Result, expand_paths, load

Paths = Union[PathLike, List[PathLike]]

#: Summary columns of load_sweep, after `file` and the override columns.
SUMMARY_COLUMNS = ["status", "flows", "app_flows", "sim_end_us", "bound_us", "max_step_us",
                   "max_step_ratio",
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


def chained_bound_us(result: Result) -> float:
    """The largest, over the workloads, of the sum of a workload's step bounds (us), when each
    of its steps started no earlier than the previous one ended (a chain: rounds of a collective
    in one chunk, the layers of a MoE model); then the run cannot end before it. NaN when some
    workload's steps overlapped, did not finish, or have no bound."""
    sums = []
    for _, steps in result.steps.groupby("workload"):
        steps = steps.sort_values("start_ps", kind="stable")
        starts, ends = steps["start_ps"].to_numpy(), steps["end_ps"].to_numpy()
        chained = (starts[1:] >= ends[:-1]).all()
        if not chained or (steps["end_ps"] < 0).any() or steps["bound_ps"].isna().any():
            return float("nan")
        sums.append(float(steps["bound_ps"].sum()) / PS_PER_US)
    return max(sums) if sums else float("nan")


def summarize(result: Result) -> Dict[str, object]:
    """The summary metrics of one run (the non-override columns of load_sweep)."""
    fct = result.flows["fct_us"].dropna()
    app_fct = result.app_flows["fct_us"].dropna()
    return {
        "status": result.attrs.get("status"),
        "flows": len(result.flows),
        "app_flows": len(result.app_flows),
        "sim_end_us": result.attrs["sim_end_ps"] / PS_PER_US,
        "bound_us": chained_bound_us(result),
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


#: Columns of a sweep's index.csv before its override columns (the SWEEP CONTRACT).
INDEX_COLUMNS = ["run", "status", "rank", "wall_s", "result", "error"]
#: Index statuses whose runs may have left a result file to load.
LOADED_STATUSES = ("complete", "failed")


def index_path(paths: Paths) -> Optional[str]:
    """The index.csv `paths` names (a sweep folder holding one, or the file itself), else
    None: `paths` is then result files or a glob."""
    if not isinstance(paths, (str, os.PathLike)):
        return None
    path = os.fspath(paths)
    if os.path.isdir(path):
        index = os.path.join(path, "index.csv")
        if not os.path.isfile(index):
            raise FileNotFoundError(f"{path} is a folder without an index.csv: not a sweep "
                                    f"folder (give result files or a glob instead)")
        return index
    return path if path.endswith(".csv") else None


def read_index(index: str) -> pd.DataFrame:
    """index.csv as written by `fabricsim sweep`: `run` (int), `status`, `rank` and `wall_s`
    (numbers, NaN while unknown), `result` and `error` (text; NaN when empty), then one column
    per override key with numbers where the text parses and NaN where it is empty."""
    table = pd.read_csv(index, dtype=str, keep_default_na=False)
    missing = [c for c in INDEX_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{index}: not a sweep index: no column {', '.join(missing)} "
                         f"(header must start with {','.join(INDEX_COLUMNS)})")
    out = pd.DataFrame({"run": table["run"].astype("int64"), "status": table["status"]})
    for column in ("rank", "wall_s"):
        out[column] = pd.to_numeric(table[column].replace("", np.nan))
    for column in ("result", "error"):
        out[column] = table[column].replace("", np.nan)
    for key in table.columns[len(INDEX_COLUMNS):]:
        out[key] = [to_number(v) if v != "" else np.nan for v in table[key]]
    return out


def _index_result(folder: str, row: pd.Series) -> Optional[str]:
    """The result file of one index row to load, or None (not run yet, bad input, or a
    failed run that left no file). A complete run must have its file."""
    if row["status"] not in LOADED_STATUSES:
        return None
    path = None if pd.isna(row["result"]) else os.path.join(folder, row["result"])
    if path is not None and os.path.isfile(path):
        return path
    if row["status"] == "complete":
        raise FileNotFoundError(f"run {row['run']} is complete in {folder}/index.csv but its "
                                f"result {path or '(none given)'} is missing")
    return None


def _index_runs(index: str):
    """(index table, override keys, [(row, result path or None)]) of a sweep index."""
    table = read_index(index)
    folder = os.path.dirname(index) or "."
    keys = list(table.columns[len(INDEX_COLUMNS):])
    return table, keys, [(row, _index_result(folder, row)) for _, row in table.iterrows()]


def _load_index_sweep(index: str) -> pd.DataFrame:
    """One row per run of the index: `run`, `status` (the index's), `rank`, `wall_s`, `file`
    (NaN without one), `error`, the override columns, then SUMMARY_COLUMNS but `status`
    (NaN for runs without a result file)."""
    table, keys, runs = _index_runs(index)
    metrics = [c for c in SUMMARY_COLUMNS if c != "status"]
    rows = []
    for row, path in runs:
        summary = summarize(load(path)) if path else {}
        rows.append({"run": row["run"], "status": row["status"], "rank": row["rank"],
                     "wall_s": row["wall_s"], "file": path if path else np.nan,
                     "error": row["error"], **{k: row[k] for k in keys},
                     **{c: summary.get(c, np.nan) for c in metrics}})
    columns = ["run", "status", "rank", "wall_s", "file", "error"] + keys + metrics
    return pd.DataFrame(rows, columns=columns)


def load_sweep(paths: Paths) -> pd.DataFrame:
    """One row per run.

    Result files (a list, or a glob string "results/sweep-*.h5"): `file`, one column per
    override key recorded in the files (numbers where they parse; NaN where a run did not set
    that key), then SUMMARY_COLUMNS.

    A `fabricsim sweep` folder (or its index.csv): every run of the index, in its order:
    `run`, `status` (pending, running, complete, failed, bad_input), `rank`, `wall_s`,
    `file`, `error`, the index's override columns, then SUMMARY_COLUMNS but `status`. Complete
    and failed runs are loaded from their result file; the others keep NaN metrics."""
    index = index_path(paths)
    if index is not None:
        return _load_index_sweep(index)
    rows = []
    override_keys: List[str] = []
    for path in expand_paths(paths):
        result = load(path)
        overrides = _override_values(result)
        override_keys += [k for k in overrides if k not in override_keys]
        rows.append({"file": path, **overrides, **summarize(result)})
    return pd.DataFrame(rows, columns=_ordered(override_keys, SUMMARY_COLUMNS))


def _load_index_flows(index: str) -> pd.DataFrame:
    """Every flow of the index's runs that have a result file: `run`, `file`, the override
    columns, then the columns of Result.flows."""
    _, keys, runs = _index_runs(index)
    frames = []
    for row, path in runs:
        if path is None:
            continue
        flows = load(path).flows
        front = pd.DataFrame({"run": row["run"], "file": path, **{k: row[k] for k in keys}},
                             index=flows.index)
        frames.append(pd.concat([front, flows], axis=1))
    if not frames:
        raise ValueError(f"{index}: no run has a result file yet")
    return pd.concat(frames, ignore_index=True)


def load_flows_sweep(paths: Paths) -> pd.DataFrame:
    """Every flow of every file (the columns of Result.flows), with `file` and the run's
    override columns in front, so flows can be grouped by swept parameter. A sweep folder
    (or its index.csv) gives the flows of its runs that have a result file, with `run`,
    `file` and the index's override columns in front."""
    index = index_path(paths)
    if index is not None:
        return _load_index_flows(index)
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
