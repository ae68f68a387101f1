"""load() on files made by the real binary from tiny.yaml (2 leaves x 2 spines, 2 hosts per
leaf, 100 Gb/s and 1 us per link, a 1 MiB permutation)."""
import numpy as np
import pytest

from fabricsim_analysis import SCHEMA_VERSION, load

MIB = 1 << 20
# 1 MiB at 100 Gb/s: 8 * 2^20 bits / 1e11 bit/s = 83.88608 us of serialization.
SERIALIZE_US = MIB * 8 / 100e9 * 1e6
HOSTS, LEAVES, SPINES = 4, 2, 2
# Each host has an up and a down link; each leaf-spine cable is two directed links.
LINKS = 2 * HOSTS + 2 * LEAVES * SPINES


def test_root_attributes_are_decoded(ecmp_file):
    r = load(ecmp_file)
    assert r.attrs["schema_version"] == SCHEMA_VERSION == 2
    assert r.attrs["name"] == "analysis-tiny"
    assert r.attrs["model"] == "flow"
    assert r.attrs["status"] == "complete"
    assert r.attrs["seed"] == 1
    assert "analysis-tiny" in r.attrs["scenario_yaml"]
    for key in ("name", "model", "status", "git_sha", "fabricsim_version", "overrides"):
        assert isinstance(r.attrs[key], str), key
    assert r.attrs["sim_end_ps"] > 0 and r.attrs["events"] > 0


def test_nodes_table(ecmp_file):
    nodes = load(ecmp_file).nodes
    assert list(nodes.columns) == ["id", "kind", "name"]
    assert nodes["kind"].value_counts().to_dict() == {"host": HOSTS, "leaf": LEAVES,
                                                      "spine": SPINES}
    assert list(nodes["id"]) == list(range(len(nodes)))
    assert all(isinstance(n, str) and n for n in nodes["name"])


def test_links_merge_topology_with_summary(ecmp_file):
    r = load(ecmp_file)
    links = r.links
    assert list(links.columns) == ["id", "name", "src", "dst", "rate_bps", "latency_ps",
                                   "tx_bytes", "busy_fraction", "max_queue_bytes", "drops",
                                   "dropped_bytes", "ecn_marks", "lost_bytes"]
    assert links.shape == (LINKS, 13)
    assert (links["rate_bps"] == 100e9).all() and (links["latency_ps"] == 1_000_000).all()
    assert links["tx_bytes"].notna().all()
    # Every host sends one 1 MiB flow and receives one: 1 MiB on each host up/down link.
    kind = r.nodes.set_index("id")["kind"]
    host_links = (links["src"].map(kind) == "host") | (links["dst"].map(kind) == "host")
    assert host_links.sum() == 2 * HOSTS
    assert (links.loc[host_links, "tx_bytes"] == MIB).all()
    # The merge kept each summary row on its own link: busy = tx * 8 / (rate * sim_end)
    # (tx_bytes is rounded to whole bytes, hence the tolerance).
    sim_end_s = r.attrs["sim_end_ps"] * 1e-12
    expected = links["tx_bytes"] * 8 / (links["rate_bps"] * sim_end_s)
    assert np.allclose(links["busy_fraction"], expected, rtol=1e-6)


def test_flows_have_fct_equal_end_minus_start(ecmp_file):
    flows = load(ecmp_file).flows
    for c in ("id", "src", "dst", "bytes", "start_ps", "end_ps", "step_id", "app_flow",
              "path_id", "src_node", "dst_node", "src_name", "dst_name", "finished", "fct_ps",
              "fct_us"):
        assert c in flows.columns, c
    assert flows["finished"].all()
    assert (flows["fct_ps"] == flows["end_ps"] - flows["start_ps"]).all()
    assert np.allclose(flows["fct_us"], flows["fct_ps"] / 1e6)
    # Four application flows of 1 MiB each, however they were split.
    per_app = flows.groupby("app_flow")["bytes"].sum()
    assert len(per_app) == HOSTS and (per_app == MIB).all()


def test_fct_within_analytic_bounds(ecmp_file):
    fct = load(ecmp_file).flows["fct_us"]
    # At least serialization at the full 100 Gb/s plus two 1 us hops (same leaf). No link
    # carries more than two flows, so max-min gives each at least 50 Gb/s: at most twice the
    # serialization plus four hops.
    assert (fct >= SERIALIZE_US + 2 - 1e-3).all()
    assert (fct <= 2 * SERIALIZE_US + 4 + 1e-3).all()


def test_steps_have_duration(ecmp_file):
    r = load(ecmp_file)
    steps = r.steps
    assert list(steps.columns[:10]) == ["id", "workload", "kind", "layer", "iteration",
                                        "start_ps", "end_ps", "bound_ps", "bound_by",
                                        "bound_node"]
    assert list(steps["kind"]) == ["permutation"]
    assert (steps["duration_ps"] == steps["end_ps"] - steps["start_ps"]).all()
    # The step ends with its last flow.
    assert steps["end_ps"].max() == r.flows["end_ps"].max()
    assert steps["duration_us"].iloc[0] == pytest.approx(steps["duration_ps"].iloc[0] / 1e6)


def test_overrides_parsed_from_the_run(spray_file, plain_file):
    assert load(spray_file).overrides == {"routing.policy": "spray"}
    assert load(plain_file).overrides == {}


def test_permutation_writes_no_moe(ecmp_file):
    assert load(ecmp_file).moe == {}


def test_link_events_table_names_the_links_that_changed(run_sim):
    r = load(run_sim("spine-down", "routing.policy=spray",
                     "events=[{at: 5us, node: spine0, action: down}]"))
    events = r.link_events
    assert len(events) == 2 * LEAVES  # each leaf's cable to spine0, both directions
    assert set(events["kind"]) == {"down"}
    assert list(events["value"]) == [0] * len(events)
    assert list(events["time_us"]) == [5.0] * len(events)
    assert all("spine0" in name for name in events["name"])
    assert r.attrs["status"] == "complete"  # sprayed traffic went on over spine1


def test_link_events_table_is_empty_without_events(ecmp_file):
    events = load(ecmp_file).link_events
    assert events.empty
    assert {"time_ps", "link_id", "kind", "value", "time_us", "name"} <= set(events.columns)
