"""One self-contained HTML page per run: summary, plots and scenario.

    python -m fabricsim_analysis.report RESULT.h5 -o REPORT.html     (or: fabricsim report)

The page needs no other file and no network: plots are PNG images embedded as base64 data
URIs, the style sheet is inline. Every plot is an <img> with a fixed id (PLOTS) inside a
<figure> with a caption; a plot that does not apply to the run is listed under "Not in this
run" with the reason. The page is written to a temporary name beside REPORT.html and renamed
onto it when complete. Exit codes: 0 written, 2 bad input (no such file, not a result
file, an output that may not be written), 1 anything else (a failed write).
"""
from __future__ import annotations

import argparse
import base64
import html
import io
import math
import os
import sys
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .loader import PS_PER_US, Result, load
from .plots import (expert_heatmap, fct_cdf, link_heatmap, queue_series, step_bounds,
                    step_timeline)
from .series import link_series
from .sweep import summarize

BAD_INPUT = 2


class NotInRun(Exception):
    """A plot that does not apply to this run; the message says why."""


# --- the plots ------------------------------------------------------------------------------

def _fct(r: Result) -> Tuple[Figure, str]:
    done = r.flows["fct_us"].dropna()
    if done.empty:
        raise NotInRun("no flow finished")
    return fct_cdf(r), (f"Completion times of the run's {len(done):,} finished (sub)flows "
                        f"(us): p50 {done.quantile(0.5):.3f} us, p99 {done.quantile(0.99):.3f} "
                        f"us, max {done.max():.3f} us.")


def upward_tier(r: Result) -> Tuple[str, str]:
    """The lowest switch-to-switch tier pair whose nodes are named <tier><n> (leaf -> spine,
    tor -> agg), tiers ranked by their first node id; NotInRun without one."""
    prefix = r.nodes.set_index("id")["name"].str.extract(r"^([a-z_]+)\d+$", expand=False)
    switch = r.nodes.set_index("id")["kind"] != "host"
    rank = {p: i for i, p in enumerate(dict.fromkeys(prefix[switch].dropna()))}
    pairs = {(prefix[s], prefix[d]) for s, d in zip(r.links["src"], r.links["dst"])
             if switch[s] and switch[d] and prefix[s] in rank and prefix[d] in rank
             and rank[prefix[s]] < rank[prefix[d]]}
    if not pairs:
        raise NotInRun("no switch-to-switch links between nodes named like leaf3 and spine0 "
                       "(a single tier of switches, or names with a plane suffix)")
    return min(pairs, key=lambda p: (rank[p[0]], rank[p[1]]))


def _heatmap(r: Result) -> Tuple[Figure, str]:
    tier = upward_tier(r)
    up = r.links[r.links["name"].str.match(rf"^{tier[0]}\d+->{tier[1]}\d+")]
    busiest = up.loc[up["busy_fraction"].idxmax()]
    return link_heatmap(r, tier=tier), (
        f"Busy fraction (0-1) over the whole run of each {tier[0]} -> {tier[1]} link "
        f"(rows: from {tier[0]}, columns: to {tier[1]}; parallel links averaged). Busiest: "
        f"{busiest['name']} at {busiest['busy_fraction']:.3f}; mean {up['busy_fraction'].mean():.3f}.")


def _queues(r: Result) -> Tuple[Figure, str]:
    series = link_series(r.path)
    if series.empty:
        why = ("the flow model has no queues" if r.attrs.get("model") == "flow"
               else "output.sample_interval was 0: no link time series")
        raise NotInRun(why)
    times = np.unique(series["time_ps"])
    interval = (times[1] - times[0]) / PS_PER_US if len(times) > 1 else float("nan")
    peak = series.groupby("link_id")["queue_bytes"].max().max()
    return queue_series(r), (f"Queue backlog (bytes) over time (us) of the 4 links with the "
                             f"largest backlog, sampled every {interval:g} us; the largest "
                             f"sampled backlog is {peak:,} bytes.")


def _timeline(r: Result) -> Tuple[Figure, str]:
    done = r.steps[r.steps["end_ps"] >= 0]
    if done.empty:
        raise NotInRun("no step finished")
    return step_timeline(r), (f"Each of the {len(done)} finished steps from its start to its "
                              f"end (us), a row per workload and step kind.")


def _bounds(r: Result) -> Tuple[Figure, str]:
    try:
        figure = step_bounds(r)
    except ValueError as e:
        raise NotInRun(str(e)) from None
    worst = r.steps.loc[r.steps["ratio"].idxmax()]
    return figure, (f"Duration of each finished step (us, bars) against its lower bound "
                    f"(black tick; docs/results.md). Furthest above its bound: step "
                    f"{worst['id']} ({worst['kind']}), {worst['ratio']:.3f}x.")


def _experts(r: Result) -> Tuple[Figure, str]:
    if not r.moe:
        raise NotInRun("no MoE workload")
    workload = min(r.moe)
    cube = r.moe[workload]
    layers = r.moe_layers
    first = layers[(layers["workload"] == workload) & (layers["iteration"] == 0)]
    ratio = float(first["max_over_mean"].max())
    return expert_heatmap(r, workload=workload, iteration=0), (
        f"Tokens routed to each expert [layer x expert] in iteration 0 of MoE workload "
        f"{workload} (layers: {cube.shape[1]}, experts: {cube.shape[2]}, iterations "
        f"recorded: {cube.shape[0]}); the hottest expert gets {ratio:.2f}x its layer's mean.")


#: (id, title, maker) of every plot, in page order.
PLOTS: List[Tuple[str, str, Callable[[Result], Tuple[Figure, str]]]] = [
    ("fct-cdf", "Flow completion times", _fct),
    ("link-heatmap", "Link utilisation", _heatmap),
    ("queue-series", "Queues over time", _queues),
    ("step-timeline", "Step timeline", _timeline),
    ("step-bounds", "Steps against their bounds", _bounds),
    ("expert-heatmap", "Expert load", _experts),
]


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# --- the summary ----------------------------------------------------------------------------

def _us(value: float) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:,.3f} us"


def _step_text(step: pd.Series) -> str:
    where = f"workload {step['workload']}"
    if step["layer"] >= 0:
        where += f", layer {step['layer']}"
    where += f", iteration {step['iteration']}"
    if math.isnan(step["duration_us"]):
        return f"step {step['id']} ({step['kind']}, {where}): unfinished"
    text = f"step {step['id']} ({step['kind']}, {where}): {_us(step['duration_us'])}"
    if step["bound_ps"] > 0:
        text += (f" vs bound {_us(step['bound_us'])} ({step['ratio']:.3f}x, "
                 f"by {step['bound_by']})")
    return text


def summary_rows(r: Result) -> List[Tuple[str, str]]:
    """(label, text) rows of the run's summary table."""
    a, s = r.attrs, summarize(r)
    rows = [("status", str(a.get("status"))),
            ("model, seed", f"{a.get('model')}, {a.get('seed')}"),
            ("simulated time", _us(s["sim_end_us"])),
            ("events, wall time", f"{a.get('events', 0):,}, {a.get('wall_seconds', 0):.3f} s"),
            ("flows (subflows), application flows",
             f"{s['flows']:,} ({int(r.flows['finished'].sum()):,} finished), "
             f"{s['app_flows']:,}"),
            ("FCT p50 / p99 (flows)", f"{_us(s['fct_p50_us'])} / {_us(s['fct_p99_us'])}"),
            ("FCT p99 (application flows)", _us(s["app_fct_p99_us"]))]
    ratio = r.app_flows["ratio"].dropna()
    if len(ratio):
        rows.append(("application flow FCT / bound", f"median {ratio.median():.3f}x, "
                                                     f"max {ratio.max():.3f}x"))
    steps = r.steps
    if len(steps):
        rows.append(("steps", f"{len(steps):,} ({int((steps['end_ps'] >= 0).sum()):,} finished)"))
        longest = steps["duration_us"].fillna(np.inf).idxmax()
        rows.append(("longest step", _step_text(steps.loc[longest])))
        if steps["ratio"].notna().any():
            rows.append(("furthest above its bound", _step_text(steps.loc[steps["ratio"].idxmax()])))
    if len(r.links) and r.links["busy_fraction"].notna().any():
        busiest = r.links.loc[r.links["busy_fraction"].idxmax()]
        rows.append(("busiest link", f"{busiest['name']}: busy fraction "
                                     f"{busiest['busy_fraction']:.3f}, {busiest['tx_bytes']:,} bytes"))
    if a.get("model") == "packet":
        rows.append(("drops, retransmits, ECN marks, timeouts",
                     f"{s['drops']:,}, {s['retransmits']:,}, {s['ecn_marks']:,}, "
                     f"{s['timeouts']:,}"))
    rows.append(("overrides", ", ".join(f"{k}={v}" for k, v in r.overrides.items()) or "none"))
    if a.get("warnings"):
        rows.append(("warnings", str(a["warnings"])))
    rows += [("command line", str(a.get("command_line", "—"))),
             ("fabricsim", f"{a.get('fabricsim_version', '?')} ({a.get('git_sha', '?')})"),
             ("started (UTC), host", f"{a.get('start_time_utc', '—')}, {a.get('host_name', '—')}"),
             ("result file", os.path.abspath(r.path))]
    return rows


def _table(rows: Sequence[Sequence[str]], header: Optional[Sequence[str]] = None,
           table_id: str = "") -> str:
    head = "" if header is None else \
        "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table id="{table_id}">{head}{body}</table>'


def _worst_steps(r: Result, count: int = 10) -> str:
    steps = r.steps.sort_values("ratio", ascending=False, na_position="first").head(count)
    rows = [(s.id, s.workload, s.kind, s.layer, s.iteration, _us(s.start_ps / PS_PER_US),
             _us(s.duration_us), _us(s.bound_us), "—" if math.isnan(s.ratio) else f"{s.ratio:.3f}x",
             s.bound_by) for s in steps.itertuples()]
    return _table(rows, ["step", "workload", "kind", "layer", "iteration", "start", "duration",
                         "bound", "ratio", "bound by"], "steps")


def _busiest_links(r: Result, count: int = 10) -> str:
    links = r.links.sort_values("busy_fraction", ascending=False, kind="stable").head(count)
    rows = [(l.id, l.name, f"{l.rate_bps / 1e9:g} Gb/s", f"{l.busy_fraction:.3f}",
             f"{l.tx_bytes:,}", f"{l.max_queue_bytes:,}", f"{l.drops:,}")
            for l in links.itertuples()]
    return _table(rows, ["link", "name", "rate", "busy fraction", "sent (bytes)",
                         "max queue (bytes)", "drops (packets)"], "links")


STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 75em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #eef; } #summary td:first-child { font-weight: bold; white-space: nowrap; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #444; max-width: 60em; } pre { background: #f6f6f6; padding: 0.8em;
overflow-x: auto; } .missing { color: #666; }
"""


def render(r: Result) -> str:
    """The page of one run, as a string."""
    figures, missing = [], []
    for plot_id, title, make in PLOTS:
        try:
            figure, caption = make(r)
        except NotInRun as why:
            missing.append(f'<li id="missing-{plot_id}"><b>{html.escape(title)}</b> '
                           f'({plot_id}): not in this run: {html.escape(str(why))}</li>')
            continue
        figures.append(
            f'<figure><h3>{html.escape(title)}</h3><img id="{plot_id}" alt="{html.escape(title)}" '
            f'src="data:image/png;base64,{_png(figure)}"><figcaption>{html.escape(caption)}'
            f"</figcaption></figure>")
    name = html.escape(str(r.attrs.get("name", "run")))
    missing_html = (f'<h2>Not in this run</h2><ul id="not-in-this-run" class="missing">'
                    f'{"".join(missing)}</ul>') if missing else ""
    scenario = html.escape(str(r.attrs.get("scenario_yaml", "(not recorded)")))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>fabricsim report: {name}</title><style>{STYLE}</style></head><body>"
            f"<h1>fabricsim report: {name}</h1>"
            f"<h2>Summary</h2>{_table(summary_rows(r), table_id='summary')}"
            f'<h2>Plots</h2>{"".join(figures)}{missing_html}'
            f"<h2>Steps furthest above their bound</h2>{_worst_steps(r)}"
            f"<h2>Busiest links</h2>{_busiest_links(r)}"
            f'<h2>Scenario (resolved)</h2><pre id="scenario">{scenario}</pre>'
            f"</body></html>\n")


def write_report(result: Result, output: str) -> None:
    """Writes the page of `result` to `output`: a temporary name beside it, then a rename."""
    page = render(result)
    temporary = f"{output}.{os.getpid()}.partial"
    try:
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(page)
        os.replace(temporary, output)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _input_problem(result: str, output: str) -> Optional[str]:
    if not os.path.isfile(result):
        return f"{result}: no such result file"
    if os.path.isdir(output):
        return f"-o {output}: is a folder; name the HTML file to write"
    if os.path.exists(output) and os.path.samefile(result, output):
        return f"-o {output}: is the result file itself"
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        return f"-o {output}: folder {folder} does not exist"
    return None


def main(argv: Optional[Sequence[str]] = None, prog: Optional[str] = None) -> int:
    parser = argparse.ArgumentParser(
        prog=prog, description="Writes one self-contained HTML page (summary, plots, "
                               "scenario) for a fabricsim result file.")
    parser.add_argument("result", metavar="RESULT.h5", help="result file of `fabricsim run`")
    parser.add_argument("-o", "--output", metavar="REPORT.html", required=True,
                        help="HTML file to write (replaced if it exists)")
    args = parser.parse_args(argv)
    name = prog or "fabricsim_analysis.report"
    problem = _input_problem(args.result, args.output)
    if problem:
        print(f"{name}: {problem}", file=sys.stderr)
        return BAD_INPUT
    try:
        result = load(args.result)
    except (OSError, ValueError) as e:  # h5py raises OSError for a file that is not HDF5
        print(f"{name}: cannot read {args.result}: {e}", file=sys.stderr)
        return BAD_INPUT
    try:
        write_report(result, args.output)
    except OSError as e:
        print(f"{name}: cannot write {args.output}: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
