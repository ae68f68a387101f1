"""A lower bound on each application flow's completion time, from the fabric in the file.

No routing and neither model can deliver a flow of B bytes faster than its hosts' links
serialize it, plus the propagation of the shortest route between them:

    bound_ps = floor(B * 8 / C) (in ps) + min over routes of the route's latency

C is the smaller of the source's uplink rate and the destination's downlink rate (summed over
a host's ports on a fabric with several: `spray` on two planes has twice a host's
bandwidth). A route is the source port's uplink, a path of /topology/paths between the two
edge switches, and the destination port's downlink. Rates and latencies are those of
/topology/links (before any `events:` change them).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

PS_PER_S = 10**12


def _path_latency(paths: pd.DataFrame, latency: pd.Series) -> pd.DataFrame:
    """edge_src, edge_dst, path_ps: the smallest latency over the listed paths of each pair."""
    if paths.empty:
        return pd.DataFrame(columns=["edge_src", "edge_dst", "path_ps"])
    path_ps = [sum(int(latency[l]) for l in links) for links in paths["links"]]
    per_path = pd.DataFrame({"edge_src": paths["src"], "edge_dst": paths["dst"],
                             "path_ps": path_ps})
    return per_path.groupby(["edge_src", "edge_dst"], as_index=False)["path_ps"].min()


def _route_latency(pairs: pd.DataFrame, hosts: pd.DataFrame, links: pd.DataFrame,
                   paths: pd.DataFrame) -> pd.Series:
    """Shortest route latency (ps) of each (src, dst) host pair in `pairs`, over every port
    pair whose edge switches have a listed path; without one (a fabric too big for every path
    to be listed), the host links' latencies alone."""
    latency = links.set_index("id")["latency_ps"]
    ports = hosts.assign(up_ps=hosts["uplink"].map(latency),
                         down_ps=hosts["downlink"].map(latency))
    src = ports[["id", "edge", "up_ps"]].rename(columns={"id": "src", "edge": "edge_src"})
    dst = ports[["id", "edge", "down_ps"]].rename(columns={"id": "dst", "edge": "edge_dst"})
    routes = pairs.merge(src, on="src").merge(dst, on="dst")
    routes = routes.merge(_path_latency(paths, latency), on=["edge_src", "edge_dst"], how="left")
    hosts_only = routes["up_ps"] + routes["down_ps"]
    routes["route_ps"] = hosts_only + routes["path_ps"]
    best = routes.groupby(["src", "dst"])[["route_ps"]].min()
    fallback = routes.assign(h=hosts_only).groupby(["src", "dst"])["h"].min()
    best["route_ps"] = best["route_ps"].fillna(fallback)
    return pairs.merge(best, left_on=["src", "dst"], right_index=True, how="left")["route_ps"]


def app_flow_bounds(app_flows: pd.DataFrame, hosts: pd.DataFrame, links: pd.DataFrame,
                    paths: pd.DataFrame) -> pd.Series:
    """bound_ps (float, whole picoseconds) of each row of `app_flows`, NaN when the file has
    no host links (schema_version 1)."""
    if app_flows.empty or "uplink" not in hosts.columns:
        return pd.Series(np.nan, index=app_flows.index, dtype="float64")
    rate = links.set_index("id")["rate_bps"]
    up_bps = hosts.assign(r=hosts["uplink"].map(rate)).groupby("id")["r"].sum()
    down_bps = hosts.assign(r=hosts["downlink"].map(rate)).groupby("id")["r"].sum()
    bottleneck = np.minimum(app_flows["src"].map(up_bps), app_flows["dst"].map(down_bps))
    # Python integers: bytes * 8 * 10^12 passes int64 from about 1.1 MB on.
    serialize = [int(b) * 8 * PS_PER_S // int(c) for b, c in zip(app_flows["bytes"], bottleneck)]
    pairs = app_flows[["src", "dst"]].reset_index(drop=True)
    route = _route_latency(pairs, hosts, links, paths).to_numpy()
    return pd.Series(np.asarray(serialize, dtype="float64") + route, index=app_flows.index)
