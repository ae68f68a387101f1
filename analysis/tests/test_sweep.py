"""load_sweep / load_flows_sweep over runs of tiny.yaml with different --set values."""
import math

import pytest

from fabricsim_analysis import load, load_flows_sweep, load_sweep

SUMMARY = ["flows", "app_flows", "sim_end_us", "bound_us", "max_step_us", "max_step_ratio", "fct_p50_us",
           "fct_p99_us", "app_fct_p99_us", "max_busy_fraction", "retransmits",
           "reordered_packets", "probes", "timeouts", "drops", "ecn_marks"]
# 1 MiB at 100 Gb/s plus four 1 us hops: a cross-leaf flow that keeps its full host rate.
SPRAY_BOUND_US = (1 << 20) * 8 / 100e9 * 1e6 + 4


def test_one_row_per_file_keyed_by_override(spray_file, ecmp_file):
    sweep = load_sweep([spray_file, ecmp_file])
    assert len(sweep) == 2
    assert list(sweep.columns) == ["file", "routing.policy", "status"] + SUMMARY
    assert list(sweep["routing.policy"]) == ["spray", "ecmp"]
    assert list(sweep["file"]) == [str(spray_file), str(ecmp_file)]
    assert (sweep["status"] == "complete").all()
    assert not sweep[SUMMARY].isna().any().any()


def test_summary_metrics_match_the_tables(ecmp_file):
    row = load_sweep([ecmp_file]).iloc[0]
    r = load(ecmp_file)
    assert row["flows"] == len(r.flows)
    assert row["app_flows"] == len(r.app_flows)
    assert row["max_step_ratio"] == pytest.approx(r.steps["ratio"].max())
    assert row["max_step_ratio"] >= 1
    assert row["sim_end_us"] == pytest.approx(r.attrs["sim_end_ps"] / 1e6)
    assert row["max_step_us"] == pytest.approx(r.steps["duration_us"].max())
    assert row["fct_p50_us"] == pytest.approx(r.flows["fct_us"].median())
    assert r.flows["fct_us"].min() <= row["fct_p99_us"] <= r.flows["fct_us"].max()
    assert row["max_busy_fraction"] == pytest.approx(r.links["busy_fraction"].max())


RING = ("workload.0.kind=all_reduce", "workload.0.algorithm=ring", "workload.0.bytes=4MiB",
        "routing.policy=spray")


def test_bound_of_a_chain_of_rounds_is_the_sum_of_their_bounds(run_sim):
    # Ring all-reduce of 4 MiB on 4 hosts: 2 (N - 1) = 6 rounds, each host sending 1 MiB to
    # its successor; two of the four ring hops cross leaves (4 links of 1 us), so each round
    # needs 1 MiB at 100 Gb/s plus 4 us, and the sprayed fluid run meets it.
    row = load_sweep([run_sim("ring", *RING)]).iloc[0]
    round_us = (1 << 20) * 8 / 100e9 * 1e6 + 4
    assert row["bound_us"] == pytest.approx(6 * round_us)
    assert row["sim_end_us"] == pytest.approx(row["bound_us"])


def test_no_chained_bound_when_steps_overlap(run_sim):
    # In 4 chunks the ring's rounds pipeline: a round of one chunk starts before the previous
    # round of another ends, so summing the bounds would not bound the run.
    path = run_sim("ring-chunks", *RING, "workload.0.chunks=4")
    steps = load(path).steps.sort_values("start_ps")
    assert (steps["start_ps"].to_numpy()[1:] < steps["end_ps"].to_numpy()[:-1]).any()
    assert math.isnan(load_sweep([path]).iloc[0]["bound_us"])


def test_packet_totals_sum_the_flow_and_link_columns(run_sim):
    # A sprayed dctcp all-to-all sent synchronized (every host to the same destination at
    # once: 3-to-1 incasts) into 16 KiB buffers without ECN: drops and retransmits.
    path = run_sim("packet-dctcp", "model=packet", "transport.kind=dctcp", "routing.policy=spray",
                   "workload.0.kind=all_to_all", "workload.0.order=synchronized",
                   "switch.buffer_per_port=16KiB", "switch.ecn=off")
    row = load_sweep([path]).iloc[0]
    r = load(path)
    assert row["retransmits"] == r.flows["retransmits"].sum()
    assert row["reordered_packets"] == r.flows["reordered_packets"].sum()
    assert row["probes"] == r.flows["probes"].sum()
    assert row["timeouts"] == r.flows["timeouts"].sum()
    assert row["drops"] == r.links["drops"].sum()
    assert row["ecn_marks"] == 0
    assert row["drops"] > 0 and row["retransmits"] >= row["drops"]


@pytest.mark.parametrize("probe,probes,timeouts", [("on", 1, 0), ("off", 0, 1)])
def test_a_lost_one_packet_flow_is_recovered_by_the_probe_or_else_the_timer(run_sim, probe,
                                                                           probes, timeouts):
    # One-packet flows (4,000 B) sent synchronized into 4 KiB buffers: one packet is dropped,
    # and only a probe (or, with the probe off, the retransmission timer) can reveal it.
    path = run_sim(f"packet-tail-{probe}", "model=packet", "transport.kind=dctcp",
                   "routing.policy=spray", "workload.0.kind=all_to_all", "workload.0.bytes=4000B",
                   "workload.0.order=synchronized", "switch.buffer_per_port=4KiB",
                   "switch.ecn=off", f"transport.tail_loss_probe={probe}")
    row = load_sweep([path]).iloc[0]
    assert (row["drops"], row["retransmits"]) == (1, 1)
    assert (row["probes"], row["timeouts"]) == (probes, timeouts)


def test_flow_model_rows_have_no_packet_totals(ecmp_file):
    row = load_sweep([ecmp_file]).iloc[0]
    assert (row[["retransmits", "reordered_packets", "probes", "timeouts", "drops", "ecn_marks"]] == 0).all()


def test_spraying_is_never_slower_on_a_permutation(spray_file, ecmp_file):
    sweep = load_sweep([spray_file, ecmp_file]).set_index("routing.policy")
    # Spraying splits each cross-leaf flow evenly over both spines, so no uplink carries more
    # than 100 Gb/s and every flow runs at its host rate; ECMP can only do as well or worse.
    assert sweep.loc["spray", "max_step_us"] <= SPRAY_BOUND_US + 1e-3
    assert sweep.loc["spray", "max_step_us"] <= sweep.loc["ecmp", "max_step_us"] + 1e-6


def test_glob_string_and_numeric_overrides(run_sim):
    a = run_sim("seed-a", "seed=3", "routing.policy=spray")
    run_sim("seed-b", "seed=4", "routing.policy=spray")
    sweep = load_sweep(str(a.parent / "seed-*.h5"))
    assert len(sweep) == 2
    # "3" and "4" become numbers; "spray" stays text.
    assert list(sweep["seed"]) == [3, 4]
    assert all(isinstance(v, int) for v in sweep["seed"])
    assert list(sweep["routing.policy"]) == ["spray", "spray"]


def test_missing_override_is_nan(spray_file, plain_file):
    sweep = load_sweep([plain_file, spray_file])
    assert math.isnan(sweep["routing.policy"].iloc[0])
    assert sweep["routing.policy"].iloc[1] == "spray"


def test_glob_without_matches_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_sweep(str(tmp_path / "nothing-*.h5"))


def test_flows_sweep_concatenates_with_override_columns(spray_file, ecmp_file):
    flows = load_flows_sweep([spray_file, ecmp_file])
    n_spray, n_ecmp = len(load(spray_file).flows), len(load(ecmp_file).flows)
    assert len(flows) == n_spray + n_ecmp
    assert list(flows.columns[:2]) == ["file", "routing.policy"]
    assert "fct_us" in flows.columns and "app_flow" in flows.columns
    assert (flows["routing.policy"] == "spray").sum() == n_spray
    assert (flows.groupby("routing.policy")["bytes"].sum() == 4 << 20).all()
