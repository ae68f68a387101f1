"""Reads one fabricsim result file (HDF5, schema_version 2; 1 still loads) into pandas."""
from __future__ import annotations

import dataclasses
import glob
import os
import re
import warnings
from typing import Dict, List, Union

import h5py
import numpy as np
import pandas as pd

from .flow_bounds import app_flow_bounds

#: The newest result-file layout this package understands (root attribute `schema_version`).
SCHEMA_VERSION = 2

PS_PER_US = 1e6

# Column order of each table as fabricsim writes it. A table missing from the file (an
# older writer) comes back empty with these columns; columns a newer writer adds follow.
_COLUMNS = {
    "topology/nodes": ["id", "kind", "name"],
    "topology/links": ["id", "name", "src", "dst", "rate_bps", "latency_ps"],
    "topology/hosts": ["id", "port", "node", "edge", "uplink", "downlink"],
    "topology/paths": ["path_id", "hop", "node", "link"],
    "app_flows": ["id", "src", "dst", "bytes", "start_ps", "end_ps", "subflows", "step_id"],
    "flows": ["id", "src", "dst", "bytes", "start_ps", "end_ps", "step_id", "app_flow",
              "path_id", "packets", "retransmits", "reordered_packets", "max_reorder", "probes",
              "timeouts"],
    "steps": ["id", "workload", "kind", "layer", "iteration", "start_ps", "end_ps", "bound_ps",
              "bound_by", "bound_node"],
    "links/summary": ["link_id", "tx_bytes", "busy_fraction", "max_queue_bytes", "drops",
                      "dropped_bytes", "ecn_marks", "lost_bytes"],
    "links/events": ["time_ps", "link_id", "kind", "value"],
    "routing/decisions": ["flow_id", "app_flow", "subflow", "path_id", "fraction", "bytes"],
    "routing/packets": ["flow_id", "reverse", "path_id"],
    "routing/hops": ["flow_id", "reverse", "link_id"],
}

PathLike = Union[str, "os.PathLike[str]"]


@dataclasses.dataclass
class Result:
    """One run. Tables are DataFrames with one row per node/link/flow/step; times are
    integer picoseconds in `*_ps` columns and float microseconds in `*_us` columns."""

    attrs: Dict[str, object]  # root attributes, strings decoded (docs/results.md)
    nodes: pd.DataFrame  # id, kind (host/leaf/spine), name
    links: pd.DataFrame  # topology links (with name) + /links/summary columns (merged on id)
    # /flows (one row per subflow) + src_node, dst_node, finished, fct_ps, fct_us
    flows: pd.DataFrame
    # /steps + duration_ps/_us (NaN when unfinished), bound_us, ratio = duration / bound
    steps: pd.DataFrame
    overrides: Dict[str, str]  # the run's --set overrides, "key.path" -> value text
    moe: Dict[int, np.ndarray]  # workload -> expert_tokens [iterations x layers x experts]
    path: str = ""
    # workload -> every /moe/w<k> dataset by name (expert_tokens, gpu_tokens, dropped_tokens,
    # max_over_mean, gini, gpu_max_over_mean)
    moe_data: Dict[int, Dict[str, np.ndarray]] = dataclasses.field(default_factory=dict)
    # one row per (workload, iteration, layer): routed, dropped_tokens, max_over_mean, gini,
    # gpu_max_over_mean
    moe_layers: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    # /app_flows (one row per workload flow) + src_node, dst_node, finished, fct_ps, fct_us,
    # bound_ps / bound_us (a lower bound on fct: flow_bounds.py) and ratio = fct / bound
    app_flows: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    # /topology/hosts: host index (id) -> node, edge (node of its switch), uplink, downlink
    hosts: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    # one row per path: path_id, src, dst (edge switch node ids), hops (links), nodes
    # ("leaf0 spine1 leaf1"), links (tuple of link ids)
    paths: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    # /topology/paths as stored, one row per node a path crosses, + name (of the node)
    path_hops: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    # /links/events (scenario `events:`): time_ps, link_id, kind (down/up/rate), value (the
    # link's rate from then on, bit/s; 0 while down) + time_us, name (of the link); empty
    # when no link changed
    link_events: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    # /routing/decisions (routing.record: flows or packets): flow_id, app_flow, subflow,
    # path_id, fraction, bytes + nodes (the path's switch names); empty when not recorded
    decisions: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    # /routing/packets and /routing/hops (routing.record: packets): flow_id, reverse and the
    # chosen path_id (per packet) or link_id (per hop), per flow and direction in call order
    packet_choices: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    hop_choices: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)


_OVERRIDE_START = re.compile(r"^\s*[\w.\-]+\s*=")


def parse_overrides(text: str) -> Dict[str, str]:
    """Parses the `overrides` attribute, one "key.path=value" per line, into a dict.
    Blank lines are ignored; a key given twice keeps its last value, as in the run. A line
    that does not start with "key.path=" continues the value above it: a --set value given
    on several lines (`--set 'topology={kind: leaf_spine,<newline> leaves: 4}'`)."""
    out: Dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if not line.strip():
            continue
        if key is not None and not _OVERRIDE_START.match(line):
            out[key] += "\n" + line.rstrip()
            continue
        key, sep, value = line.strip().partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"bad override line {line.strip()!r}: expected key.path=value")
        out[key] = value.strip()
    return out


def _decode(value):
    """HDF5 attribute value -> plain Python (str for strings, int/float for scalars)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return [_decode(v) for v in value.tolist()]
    return value


def _read_table(f: h5py.File, name: str) -> pd.DataFrame:
    """A group of equal-length 1-D datasets -> DataFrame, strings decoded to str."""
    expected = _COLUMNS[name]
    if name not in f:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in expected})
    group = f[name]
    order = [c for c in expected if c in group] + sorted(c for c in group if c not in expected)
    columns = {}
    for c in order:
        ds = group[c]
        if h5py.check_string_dtype(ds.dtype) is not None:
            columns[c] = ds.asstr()[()].astype(object)
        else:
            columns[c] = ds[()]
    return pd.DataFrame(columns, columns=order)


def _elapsed_ps(df: pd.DataFrame) -> pd.Series:
    """end_ps - start_ps, NaN where the run ended before end_ps was reached (end_ps < 0)."""
    return (df["end_ps"] - df["start_ps"]).where(df["end_ps"] >= 0).astype("float64")


def _read_moe(f: h5py.File) -> Dict[int, Dict[str, np.ndarray]]:
    """Every dataset of each /moe/w<k> group, by workload k (older files: expert_tokens only)."""
    moe: Dict[int, Dict[str, np.ndarray]] = {}
    if "moe" not in f:
        return moe
    for name, group in f["moe"].items():
        if name.startswith("w") and name[1:].isdigit() and "expert_tokens" in group:
            moe[int(name[1:])] = {key: group[key][()] for key in group}
    return dict(sorted(moe.items()))


MOE_LAYER_COLUMNS = ["workload", "iteration", "layer", "routed", "dropped_tokens",
                     "max_over_mean", "gini", "gpu_max_over_mean"]


def _moe_layers(moe: Dict[int, Dict[str, np.ndarray]]) -> pd.DataFrame:
    """The per-layer cubes of every workload flattened into one row per (iteration, layer)."""
    frames = []
    for workload, data in moe.items():
        iterations, layers, _ = data["expert_tokens"].shape
        it, layer = np.meshgrid(np.arange(iterations), np.arange(layers), indexing="ij")
        frame = {"workload": workload, "iteration": it.ravel(), "layer": layer.ravel(),
                 "routed": data["expert_tokens"].sum(axis=2).ravel()}
        for key in MOE_LAYER_COLUMNS[4:]:
            frame[key] = data[key].ravel() if key in data else np.nan
        frames.append(pd.DataFrame(frame))
    if not frames:
        return pd.DataFrame(columns=MOE_LAYER_COLUMNS)
    return pd.concat(frames, ignore_index=True)[MOE_LAYER_COLUMNS]


def _upgrade_v1(flows: pd.DataFrame) -> pd.DataFrame:
    """schema_version 1 called /flows/app_flow `subflow_of`."""
    if "subflow_of" in flows.columns and "app_flow" not in flows.columns:
        flows = flows.rename(columns={"subflow_of": "app_flow"})
    return flows


def _app_flows_from(flows: pd.DataFrame) -> pd.DataFrame:
    """/app_flows rebuilt from the subflows, for files written before it existed."""
    columns = _COLUMNS["app_flows"]
    if flows.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in columns})
    grouped = flows.assign(unfinished=flows["end_ps"] < 0).groupby("app_flow", sort=True)
    out = grouped.agg(src=("src", "first"), dst=("dst", "first"), bytes=("bytes", "sum"),
                      start_ps=("start_ps", "min"), end_ps=("end_ps", "max"),
                      subflows=("id", "count"), step_id=("step_id", "first"),
                      unfinished=("unfinished", "any"))
    out.loc[out["unfinished"], "end_ps"] = -1
    return out.drop(columns="unfinished").rename_axis("id").reset_index()[columns]


def _hosts_from(nodes: pd.DataFrame) -> pd.DataFrame:
    """Host index -> node id for files without /topology/hosts: the hosts in node order."""
    node = nodes.loc[nodes["kind"] == "host", "id"].to_numpy()
    return pd.DataFrame({"id": np.arange(len(node)), "node": node})


def _add_timing(df: pd.DataFrame) -> None:
    df["finished"] = df["end_ps"] >= 0
    df["fct_ps"] = _elapsed_ps(df)
    df["fct_us"] = df["fct_ps"] / PS_PER_US


def _add_host_nodes(df: pd.DataFrame, hosts: pd.DataFrame, nodes: pd.DataFrame) -> None:
    """src_node / dst_node (node ids) and src_name / dst_name beside the host indices."""
    node_of = hosts.drop_duplicates("id").set_index("id")["node"]  # a row per port
    name_of = nodes.set_index("id")["name"]
    for end in ("src", "dst"):
        df[f"{end}_node"] = df[end].map(node_of)
        df[f"{end}_name"] = df[f"{end}_node"].map(name_of)


def _add_bounds(table: pd.DataFrame, elapsed: str) -> None:
    """bound_us and ratio = elapsed / bound (NaN when unfinished or without a bound)."""
    if "bound_ps" not in table.columns:
        table["bound_ps"] = np.nan
    bound = table["bound_ps"].astype("float64")
    table["bound_us"] = bound / PS_PER_US
    table["ratio"] = table[elapsed] / bound.where(bound > 0)


def _paths(hops: pd.DataFrame) -> pd.DataFrame:
    """One row per path from the per-hop rows of /topology/paths."""
    columns = ["path_id", "src", "dst", "hops", "nodes", "links"]
    if hops.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    ordered = hops.sort_values(["path_id", "hop"])
    grouped = ordered.groupby("path_id", sort=True)
    out = pd.DataFrame({
        "src": grouped["node"].first(),
        "dst": grouped["node"].last(),
        "hops": grouped["hop"].max(),
        "nodes": grouped["name"].agg(" ".join),
        "links": grouped["link"].agg(lambda ls: tuple(int(l) for l in ls if l >= 0)),
    }).reset_index()
    return out[columns]


def load(path: PathLike) -> Result:
    """Reads a result file written by `fabricsim run` into a Result of DataFrames."""
    path = os.fspath(path)
    with h5py.File(path, "r") as f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        if "schema_version" not in attrs:
            raise ValueError(f"{path}: not a fabricsim result file (no schema_version)")
        if attrs["schema_version"] > SCHEMA_VERSION:
            warnings.warn(f"{path}: schema_version {attrs['schema_version']} is newer than "
                          f"{SCHEMA_VERSION}; unknown columns are passed through as-is")
        nodes = _read_table(f, "topology/nodes")
        summary = _read_table(f, "links/summary").rename(columns={"link_id": "id"})
        links = _read_table(f, "topology/links").merge(summary, on="id", how="left")
        hosts = _read_table(f, "topology/hosts") if "topology/hosts" in f else _hosts_from(nodes)
        path_hops = _read_table(f, "topology/paths")
        flows = _upgrade_v1(_read_table(f, "flows"))
        app_flows = _read_table(f, "app_flows") if "app_flows" in f else _app_flows_from(flows)
        steps = _read_table(f, "steps")
        link_events = _read_table(f, "links/events")
        moe_data = _read_moe(f)
        decisions = _read_table(f, "routing/decisions")
        packet_choices = _read_table(f, "routing/packets")
        hop_choices = _read_table(f, "routing/hops")

    name_of = nodes.set_index("id")["name"]
    if "name" not in links.columns:  # schema_version 1: names from the nodes
        links.insert(1, "name", links["src"].map(name_of) + "->" + links["dst"].map(name_of))
    path_hops["name"] = path_hops["node"].map(name_of)
    link_events["time_us"] = link_events["time_ps"] / PS_PER_US
    link_events["name"] = link_events["link_id"].map(links.set_index("id")["name"])
    for table in (flows, app_flows):
        _add_host_nodes(table, hosts, nodes)
        _add_timing(table)
    steps["duration_ps"] = _elapsed_ps(steps)
    steps["duration_us"] = steps["duration_ps"] / PS_PER_US
    _add_bounds(steps, "duration_ps")
    overrides = parse_overrides(str(attrs.get("overrides", "")))
    paths = _paths(path_hops)
    app_flows["bound_ps"] = app_flow_bounds(app_flows, hosts, links, paths)
    _add_bounds(app_flows, "fct_ps")
    decisions["nodes"] = decisions["path_id"].map(paths.set_index("path_id")["nodes"])
    return Result(attrs=attrs, nodes=nodes, links=links, flows=flows, steps=steps,
                  overrides=overrides,
                  moe={w: data["expert_tokens"] for w, data in moe_data.items()}, path=path,
                  moe_data=moe_data, moe_layers=_moe_layers(moe_data), app_flows=app_flows,
                  hosts=hosts, paths=paths, path_hops=path_hops,
                  link_events=link_events, decisions=decisions, packet_choices=packet_choices,
                  hop_choices=hop_choices)


def expand_paths(paths: Union[PathLike, List[PathLike]]) -> List[str]:
    """A glob string (or one path) -> the sorted matching files; a list -> itself."""
    if isinstance(paths, (str, os.PathLike)):
        pattern = os.fspath(paths)
        matches = sorted(glob.glob(pattern))
        if not matches:
            raise FileNotFoundError(f"no result files match {pattern!r}")
        return matches
    out = [os.fspath(p) for p in paths]
    if not out:
        raise ValueError("no result files given")
    return out
