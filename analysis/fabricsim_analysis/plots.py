"""Plot helpers: each takes loaded data and returns a matplotlib Figure (no pyplot state, so
they work headless and in notebooks alike).

    >>> from fabricsim_analysis import load, load_flows_sweep, plots
    >>> fig = plots.fct_cdf(load_flows_sweep("results/perm-*.h5"), by="policy")
    >>> fig.savefig("fct.png")
    >>> plots.link_heatmap(load("results/perm-ecmp-1.h5"))   # shown inline in Jupyter
"""
from __future__ import annotations

import os
import re
from typing import Iterable, Optional, Tuple, Union

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .loader import Result
from .series import link_series


#: Largest width and height (inches) of a heatmap, so 256 experts or 64 spines stay on a page.
MAX_MAP_SIZE = (12.0, 9.0)


def _map_size(rows: int, columns: int, per_row: float, per_column: float) -> Tuple[float, float]:
    return (min(3 + per_column * columns, MAX_MAP_SIZE[0]),
            min(2 + per_row * rows, MAX_MAP_SIZE[1]))


def _column(df: pd.DataFrame, by: str) -> str:
    """`by` itself, or the one override column whose last part is `by` ("policy" ->
    "routing.policy")."""
    if by in df.columns:
        return by
    matches = [c for c in df.columns if isinstance(c, str) and c.split(".")[-1] == by]
    if len(matches) != 1:
        raise KeyError(f"no column {by!r} (or a single '<section>.{by}') to group by; "
                       f"columns: {', '.join(map(str, df.columns))}")
    return matches[0]


def _groups(df: pd.DataFrame, by: str):
    """(label, rows) per value of `by`, in order of first appearance."""
    column = _column(df, by)
    return column, [(str(k), g) for k, g in df.groupby(column, sort=False, dropna=False)]


def fct_cdf(flows: Union[Result, pd.DataFrame], by: Optional[str] = "policy",
            column: str = "fct_us") -> Figure:
    """CDF of flow completion times (us), one step line per value of `by` (a column of
    `load_flows_sweep`, e.g. "policy" for routing.policy). A Result, or by=None, gives one
    line. Unfinished flows (NaN) are left out."""
    if isinstance(flows, Result):
        flows, by = flows.flows, None
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    title, groups = ("all flows", [("all flows", flows)]) if by is None else _groups(flows, by)
    for label, rows in groups:
        x = np.sort(rows[column].dropna().to_numpy())
        y = np.arange(1, len(x) + 1) / len(x)
        ax.plot(x, y, drawstyle="steps-post", label=f"{label} ({len(x)} flows)")
    ax.set_xlabel(f"flow completion time ({column.rsplit('_', 1)[-1]})")
    ax.set_ylabel("fraction of flows")
    ax.set_ylim(0, 1.02)
    ax.grid(True, alpha=0.3)
    ax.legend(title=title)
    return fig


def _tier_index(names: pd.Series, tier: str) -> pd.Series:
    """Number of each node named <tier><number> (e.g. spine3 -> 3), NaN for other nodes."""
    number = names.str.extract(rf"^{re.escape(tier)}(\d+)$", expand=False)
    return pd.to_numeric(number)


def link_matrix(result: Result, tier: Tuple[str, str] = ("leaf", "spine"),
                value: str = "busy_fraction") -> pd.DataFrame:
    """[tier[0] node x tier[1] node] of `value` on the links from one to the other (mean over
    parallel links; NaN where no link), rows and columns in node-number order."""
    ends = result.links["name"].str.split("->", n=1, expand=True)
    links = result.links.assign(src=ends[0], dst=ends[1],
                                si=_tier_index(ends[0], tier[0]), di=_tier_index(ends[1], tier[1]))
    links = links.dropna(subset=["si", "di"])
    if links.empty:
        raise ValueError(f"no links from a {tier[0]}<n> node to a {tier[1]}<n> node in "
                         f"{result.path or 'the result'}")
    matrix = links.pivot_table(index="si", columns="di", values=value, aggfunc="mean")
    matrix.index = [f"{tier[0]}{int(i)}" for i in matrix.index]
    matrix.columns = [f"{tier[1]}{int(i)}" for i in matrix.columns]
    return matrix


def link_heatmap(result: Result, tier: Tuple[str, str] = ("leaf", "spine"),
                 value: str = "busy_fraction") -> Figure:
    """Heatmap of link utilisation (busy fraction, 0..1) from tier[0] nodes (rows) to tier[1]
    nodes (columns), e.g. leaf -> spine; see link_matrix for the numbers."""
    matrix = link_matrix(result, tier, value)
    fig = Figure(figsize=_map_size(*matrix.shape, 0.4, 0.5), layout="constrained")
    ax = fig.add_subplot()
    limits = {"vmin": 0.0, "vmax": 1.0} if value == "busy_fraction" else {}
    image = ax.imshow(matrix.to_numpy(), aspect="auto", cmap="viridis", **limits)
    ax.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=90)
    ax.set_yticks(range(matrix.shape[0]), matrix.index)
    ax.set_xlabel(f"to {tier[1]}")
    ax.set_ylabel(f"from {tier[0]}")
    label = "busy fraction (0-1)" if value == "busy_fraction" else value
    fig.colorbar(image, ax=ax, label=label)
    ax.set_title(f"{tier[0]} -> {tier[1]} links")
    return fig


def compare_bars(sweep: pd.DataFrame, metric: str = "max_step_us", by: str = "policy",
                 bound: Optional[float] = None) -> Figure:
    """Bar per value of `by` (e.g. routing.policy) of the mean of `metric` over its runs
    (seeds), with the min..max over runs as an error bar, and `bound` (same unit as the
    metric) drawn as a dashed horizontal line."""
    _, groups = _groups(sweep, by)
    labels = [label for label, _ in groups]
    values = [rows[metric] for _, rows in groups]
    means = np.array([v.mean() for v in values])
    spread = np.array([[m - v.min() for m, v in zip(means, values)],
                       [v.max() - m for m, v in zip(means, values)]])
    fig = Figure(figsize=(2.5 + 0.8 * len(labels), 4), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(labels, means, yerr=spread, capsize=4, color="tab:blue")
    if bound is not None:
        ax.axhline(bound, color="tab:red", linestyle="--", label=f"bound {bound:.6g}")
        ax.legend()
    ax.set_xlabel(by)
    unit = metric.rsplit("_", 1)[-1]
    ax.set_ylabel(f"{metric} ({unit})" if unit in ("us", "ps", "bps", "bytes") else metric)
    ax.grid(True, axis="y", alpha=0.3)
    return fig


def queue_series(data: Union[Result, pd.DataFrame],
                 links: Optional[Iterable[Union[int, str]]] = None, top: int = 4) -> Figure:
    """Queue backlog (bytes) over time (us) of the chosen links, given by id or, with a Result,
    by name ("leaf0->spine1"); by default the `top` links with the largest backlog. `data` is
    a packet-model Result or a link_series DataFrame."""
    names = {}
    if isinstance(data, Result):
        names = dict(zip(data.links["id"], data.links["name"]))
        series = link_series(data.path)
    else:
        series = data
    if series.empty:
        raise ValueError("no link time series: it needs a packet-model run with "
                         "output.sample_interval > 0")
    if links is None:
        peaks = series.groupby("link_id")["queue_bytes"].max()
        chosen = list(peaks.sort_values(ascending=False, kind="stable").index[:top])
    else:
        ids = {name: i for i, name in names.items()}
        chosen = []
        for link in links:
            if isinstance(link, str) and link not in ids:
                raise KeyError(f"no link named {link!r} (names look like 'leaf0->spine1')")
            chosen.append(ids[link] if isinstance(link, str) else int(link))
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    for link in chosen:
        rows = series[series["link_id"] == link]
        ax.plot(rows["time_us"], rows["queue_bytes"], label=names.get(link, f"link {link}"))
    ax.set_xlabel("time (us)")
    ax.set_ylabel("queue (bytes)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig


def step_timeline(result: Result) -> Figure:
    """Gantt of the steps: a row per (workload, step kind), a bar from each step's start to
    its end (us), coloured by kind. Unfinished steps are left out."""
    steps = result.steps[result.steps["end_ps"] >= 0]
    kinds = list(dict.fromkeys(steps["kind"]))
    colours = {k: f"C{i % 10}" for i, k in enumerate(kinds)}
    rows = list(steps.groupby(["workload", "kind"], sort=False))
    fig = Figure(figsize=(8, 1 + 0.4 * len(rows)), layout="constrained")
    ax = fig.add_subplot()
    labelled = set()
    for y, ((_, kind), group) in enumerate(rows):
        start = group["start_ps"].to_numpy() / 1e6
        ax.broken_barh(list(zip(start, group["duration_us"])), (y - 0.4, 0.8),
                       facecolors=colours[kind], label=None if kind in labelled else kind)
        labelled.add(kind)
    ax.set_yticks(range(len(rows)), [f"w{w} {k}" for (w, k), _ in rows])
    ax.invert_yaxis()
    ax.set_xlabel("time (us)")
    ax.set_ylabel("workload, step kind")
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def expert_heatmap(result: Result, workload: int = 0, iteration: int = 0) -> Figure:
    """Tokens routed to each expert [layer x expert] in one iteration of a MoE workload."""
    if workload not in result.moe:
        raise KeyError(f"workload {workload} has no MoE data; MoE workloads: "
                       f"{sorted(result.moe) or 'none'}")
    cube = result.moe[workload]
    if not 0 <= iteration < cube.shape[0]:
        raise IndexError(f"iteration {iteration} out of range 0..{cube.shape[0] - 1}")
    tokens = cube[iteration]
    fig = Figure(figsize=_map_size(*tokens.shape, 0.3, 0.3), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(tokens, aspect="auto", cmap="magma")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # A tick on every layer when they fit (the locator puts fractions on a single layer).
    if tokens.shape[0] <= 32:
        ax.set_yticks(range(tokens.shape[0]))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("expert")
    ax.set_ylabel("layer")
    ax.set_title(f"workload {workload}, iteration {iteration}")
    fig.colorbar(image, ax=ax, label="tokens")
    return fig


def step_bounds(result: Result) -> Figure:
    """A bar per finished step with a bound: its duration (us), and the step's lower bound
    (bound_us) drawn as a black tick across the bar; the label under each bar is its ratio.
    Bars are in step order, coloured by kind."""
    steps = result.steps[(result.steps["end_ps"] >= 0) & (result.steps["bound_ps"] > 0)]
    if steps.empty:
        raise ValueError("no finished step with a bound to draw")
    kinds = list(dict.fromkeys(steps["kind"]))
    x = np.arange(len(steps))
    fig = Figure(figsize=(min(3 + 0.35 * len(steps), 14), 4), layout="constrained")
    ax = fig.add_subplot()
    for i, kind in enumerate(kinds):
        mine = (steps["kind"] == kind).to_numpy()
        ax.bar(x[mine], steps["duration_us"][mine], color=f"C{i % 10}", label=kind)
    ax.hlines(steps["bound_us"], x - 0.4, x + 0.4, colors="black", label="bound")
    if len(steps) <= 24:
        ax.set_xticks(x, [f"{s.id}\n{s.ratio:.2f}x" for s in steps.itertuples()])
        ax.set_xlabel("step id, duration / bound")
    else:
        ax.set_xlabel("step (in id order)")
    ax.set_ylabel("duration (us)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def keep(fig: Figure, name: str, folder: Optional[Union[str, "os.PathLike[str]"]] = None) -> Figure:
    """Returns `fig` (so a notebook cell shows it), after saving it as `folder`/`name`.png
    (100 dpi; the folder is created) when a folder is given. The notebooks pass
    $FABRICSIM_FIGURES, which make_figures.sh points at docs/figures."""
    if folder:
        os.makedirs(folder, exist_ok=True)
        fig.savefig(os.path.join(folder, f"{name}.png"), dpi=100)
    return fig
