"""Schema 2 tables on real runs of tiny.yaml (2 leaves x 2 spines x 2 hosts, 100 Gb/s and
1 us per link, a 1 MiB permutation): /app_flows, step bounds, paths, link names, hosts, and
the run's command line; and a schema 1 file still loading."""
import re
import socket

import h5py
import numpy as np
import pytest

from fabricsim_analysis import load

MIB = 1 << 20
# 1 MiB at 100 Gb/s: 83.88608 us.
SERIALIZE_US = MIB * 8 / 100e9 * 1e6


@pytest.fixture(scope="module")
def split_file(run_sim):
    return run_sim("split2", "routing.policy=split", "routing.subflows=2")


def test_app_flows_are_one_row_per_demand_ending_with_the_last_subflow(split_file):
    r = load(split_file)
    apps, flows = r.app_flows, r.flows
    # Four hosts, one 1 MiB demand each; cross-leaf ones split in two, local ones whole.
    assert len(apps) == 4 and (apps["bytes"] == MIB).all()
    cross = apps["src"] // 2 != apps["dst"] // 2
    assert (apps.loc[cross, "subflows"] == 2).all() and (apps.loc[~cross, "subflows"] == 1).all()
    assert len(flows) == apps["subflows"].sum()
    per_app = flows.groupby("app_flow").agg(bytes=("bytes", "sum"), end_ps=("end_ps", "max"),
                                            n=("id", "count"))
    assert (per_app["bytes"].to_numpy() == apps["bytes"].to_numpy()).all()
    assert (per_app["end_ps"].to_numpy() == apps["end_ps"].to_numpy()).all()
    assert (per_app["n"].to_numpy() == apps["subflows"].to_numpy()).all()
    assert apps["finished"].all()
    assert np.allclose(apps["fct_us"], (apps["end_ps"] - apps["start_ps"]) / 1e6)


def test_steps_carry_their_bound_and_the_ratio_to_it(ecmp_file, spray_file):
    for path in (ecmp_file, spray_file):
        steps = load(path).steps
        # One permutation step: 1 MiB on a host link plus a flow's latency (2 or 4 hops).
        bound_us = steps["bound_us"].iloc[0]
        assert bound_us in (pytest.approx(SERIALIZE_US + 2), pytest.approx(SERIALIZE_US + 4))
        assert steps["bound_by"].iloc[0] in ("host_uplink", "host_downlink")
        assert (steps["ratio"] >= 1).all()
        assert steps["ratio"].iloc[0] == pytest.approx(steps["duration_ps"].iloc[0] /
                                                       steps["bound_ps"].iloc[0])
    # Spraying keeps every flow at its host rate: the step ends at its bound.
    assert load(spray_file).steps["ratio"].iloc[0] == pytest.approx(1.0)


def test_paths_list_the_nodes_they_cross(ecmp_file):
    r = load(ecmp_file)
    paths = r.paths.set_index("path_id")
    # Per leaf one path within it, per ordered pair of leaves one path per spine: 2 + 2 x 2.
    assert len(paths) == 6
    within = paths[paths["hops"] == 0]
    assert list(within["nodes"]) == ["leaf0", "leaf1"]
    across = paths[paths["hops"] == 2]
    assert all(re.fullmatch(r"leaf\d spine\d leaf\d", n) for n in across["nodes"])
    assert all(len(links) == 2 for links in across["links"])
    # A flow's path runs from its source host's edge switch to its destination's.
    edge = r.hosts.set_index("id")["edge"]
    for _, f in r.flows.iterrows():
        p = paths.loc[f["path_id"]]
        assert p["src"] == edge[f["src"]] and p["dst"] == edge[f["dst"]]
    assert set(r.path_hops.columns) >= {"path_id", "hop", "node", "link", "name"}


def test_links_are_named_and_hosts_map_to_nodes(ecmp_file):
    r = load(ecmp_file)
    name = r.nodes.set_index("id")["name"]
    assert (r.links["name"] == r.links["src"].map(name) + "->" + r.links["dst"].map(name)).all()
    assert "host0->leaf0" in set(r.links["name"])
    assert list(r.hosts.columns) == ["id", "port", "node", "edge", "uplink", "downlink"]
    assert (r.hosts["node"].map(name) == [f"host{i}" for i in range(4)]).all()
    assert list(r.hosts["edge"].map(name)) == ["leaf0", "leaf0", "leaf1", "leaf1"]
    uplinks = r.links.set_index("id").loc[r.hosts["uplink"], "name"]
    assert list(uplinks) == ["host0->leaf0", "host1->leaf0",
                             "host2->leaf1", "host3->leaf1"]
    flows = r.flows
    assert (flows["src_name"] == flows["src"].map(lambda h: f"host{h}")).all()


def test_root_attributes_record_the_command_line_time_and_host(spray_file):
    attrs = load(spray_file).attrs
    assert " run " in attrs["command_line"]
    assert attrs["command_line"].endswith("--quiet --set routing.policy=spray")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", attrs["start_time_utc"])
    assert attrs["host_name"] == socket.gethostname()


def test_a_schema_1_file_still_loads(tmp_path):
    # Version 1 had /flows/subflow_of and no /app_flows, link names, hosts, paths or bounds.
    path = tmp_path / "v1.h5"
    with h5py.File(path, "w") as f:
        f.attrs["schema_version"] = 1
        f.attrs["sim_end_ps"] = 30
        for key, values in {"id": [0, 1, 2], "kind": ["host", "host", "leaf"],
                            "name": ["host0", "host1", "leaf0"]}.items():
            f[f"topology/nodes/{key}"] = values
        for key, values in {"id": [0, 1], "src": [0, 2], "dst": [2, 1],
                            "rate_bps": [100, 100], "latency_ps": [1, 1]}.items():
            f[f"topology/links/{key}"] = values
        flows = {"id": [0, 1, 2], "src": [0, 0, 1], "dst": [1, 1, 0], "bytes": [5, 5, 7],
                 "start_ps": [0, 0, 0], "end_ps": [10, 20, -1], "step_id": [0, 0, 0],
                 "subflow_of": [0, 0, 1], "path_id": [0, 0, 0]}
        for key, values in flows.items():
            f[f"flows/{key}"] = values
        for key, values in {"id": [0], "workload": [0], "kind": ["permutation"], "layer": [-1],
                            "iteration": [0], "start_ps": [0], "end_ps": [-1]}.items():
            f[f"steps/{key}"] = values
    r = load(path)
    assert list(r.flows["app_flow"]) == [0, 0, 1]
    assert list(r.app_flows["subflows"]) == [2, 1]
    assert list(r.app_flows["bytes"]) == [10, 7]
    assert list(r.app_flows["end_ps"]) == [20, -1]
    assert list(r.links["name"]) == ["host0->leaf0", "leaf0->host1"]
    assert list(r.flows["dst_name"]) == ["host1", "host1", "host0"]
    assert r.steps["ratio"].isna().all()
    assert r.app_flows["bound_ps"].isna().all() and r.app_flows["ratio"].isna().all()
    assert r.paths.empty


# Lower bounds of application flows (fabricsim_analysis/flow_bounds.py): a flow of B bytes
# needs B over its hosts' link rate plus the latency of the shortest route.
def test_app_flow_bounds_on_a_permutation_are_met_by_spraying(spray_file):
    apps = load(spray_file).app_flows
    local = apps["src"] // 2 == apps["dst"] // 2
    # 1 MiB at 100 Gb/s, plus 2 host links (same leaf) or 2 host + 2 fabric links of 1 us.
    assert (apps["bound_ps"] == np.where(local, 83_886_080 + 2_000_000,
                                         83_886_080 + 4_000_000)).all()
    assert np.allclose(apps["bound_us"], apps["bound_ps"] / 1e6)
    assert np.allclose(apps["ratio"], 1.0)


def test_all_to_all_flows_share_the_host_link_three_ways(run_sim):
    apps = load(run_sim("a2a-spray", "workload.0.kind=all_to_all",
                        "routing.policy=spray")).app_flows
    # Each host's three flows share its 100 Gb/s uplink: 3 x 83.88608 us plus the latency.
    latency_us = np.where(apps["src"] // 2 == apps["dst"] // 2, 2, 4)
    assert np.allclose(apps["fct_us"], 3 * SERIALIZE_US + latency_us)
    assert np.allclose(apps["ratio"], (3 * SERIALIZE_US + latency_us) / (SERIALIZE_US + latency_us))


def test_a_host_on_two_planes_has_twice_the_rate(run_sim):
    apps = load(run_sim("planes-spray", "topology.planes=2", "routing.policy=spray")).app_flows
    latency_us = np.where(apps["src"] // 2 == apps["dst"] // 2, 2, 4)
    assert np.allclose(apps["bound_us"], SERIALIZE_US / 2 + latency_us)
    assert np.allclose(apps["ratio"], 1.0)


def _write_table(f, name, columns):
    for key, values in columns.items():
        f[f"{name}/{key}"] = values


def test_app_flow_bounds_take_the_slower_host_and_the_shortest_listed_path(tmp_path):
    # host0 (100 Gb/s, 1,000 ps links) on leaf0, host1 (30 Gb/s, 2,000 ps) on leaf1,
    # host2 (100 Gb/s, 1,000 ps) on leaf2. leaf0 -> leaf1 over spine0 (2 x 500 ps) or spine1
    # (2 x 3,000 ps); no path listed from leaf1 to leaf0 or from leaf0 to leaf2.
    path = tmp_path / "hand.h5"
    with h5py.File(path, "w") as f:
        f.attrs["schema_version"] = 2
        f.attrs["sim_end_ps"] = 300_000
        names = ["host0", "host1", "host2", "leaf0", "leaf1", "spine0", "spine1", "leaf2"]
        _write_table(f, "topology/nodes", {"id": list(range(8)), "name": names,
                                           "kind": ["host"] * 3 + ["leaf"] * 2 + ["spine"] * 2
                                           + ["leaf"]})
        ends = [(0, 3), (3, 0), (1, 4), (4, 1), (3, 5), (5, 4), (3, 6), (6, 4), (2, 7), (7, 2)]
        _write_table(f, "topology/links", {
            "id": list(range(10)), "name": [f"{names[s]}->{names[d]}" for s, d in ends],
            "src": [s for s, _ in ends], "dst": [d for _, d in ends],
            "rate_bps": [100e9, 100e9, 30e9, 30e9] + [100e9] * 6,
            "latency_ps": [1000, 1000, 2000, 2000, 500, 500, 3000, 3000, 1000, 1000]})
        _write_table(f, "topology/hosts", {"id": [0, 1, 2], "port": [0, 0, 0],
                                           "node": [0, 1, 2], "edge": [3, 4, 7],
                                           "uplink": [0, 2, 8], "downlink": [1, 3, 9]})
        _write_table(f, "topology/paths", {"path_id": [0, 1, 1, 1, 2, 2, 2],
                                           "hop": [0, 0, 1, 2, 0, 1, 2],
                                           "node": [3, 3, 5, 4, 3, 6, 4],
                                           "link": [-1, -1, 4, 5, -1, 6, 7]})
        _write_table(f, "app_flows", {"id": [0, 1, 2], "src": [0, 1, 0], "dst": [1, 0, 2],
                                      "bytes": [1000, 1000, 1000], "start_ps": [0, 0, 0],
                                      "end_ps": [300_000, -1, 82_000], "subflows": [1, 1, 1],
                                      "step_id": [0, 0, 0]})
    apps = load(path).app_flows
    # 1,000 B over 30 Gb/s is 266,666.67 ps, rounded down; then the route's latency: host
    # links 1,000 + 2,000 ps and the spine0 path's 1,000 ps (not spine1's 6,000 ps); with no
    # listed path, the host links alone (3,000 ps; 2,000 ps).
    assert list(apps["bound_ps"]) == [266_666 + 4_000, 266_666 + 3_000, 80_000 + 2_000]
    assert apps["ratio"].iloc[0] == pytest.approx(300_000 / 270_666)
    assert np.isnan(apps["ratio"].iloc[1])
    assert apps["ratio"].iloc[2] == 1.0
