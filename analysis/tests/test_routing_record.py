"""/routing tables (routing.record) on real runs of tiny.yaml: one decision row per subflow
and path, matching /flows, with the path's switch names; empty tables when nothing was
recorded."""
from fabricsim_analysis import load


def test_recorded_decisions_match_the_flows_and_name_their_paths(run_sim):
    r = load(run_sim("split_recorded", "routing.policy=split", "routing.subflows=2",
                     "routing.record=flows"))
    d, flows = r.decisions, r.flows
    # split routes each subflow whole: one row per /flows row, with its bytes and path.
    assert len(d) == len(flows)
    merged = d.merge(flows, left_on="flow_id", right_on="id")
    assert (merged["bytes_x"] == merged["bytes_y"]).all()
    assert (merged["app_flow_x"] == merged["app_flow_y"]).all()
    assert (merged["path_id_x"] == merged["path_id_y"]).all()
    assert (d["fraction"] == 1.0).all()
    assert d["nodes"].str.match(r"^leaf\d( spine\d leaf\d)?$").all()
    assert r.attrs["schema_version"] == 2


def test_a_sprayed_flow_has_a_row_per_path_and_no_record_means_empty_tables(run_sim, ecmp_file):
    r = load(run_sim("spray_recorded", "routing.policy=spray", "routing.record=flows"))
    cross = r.flows[r.flows["src"] // 2 != r.flows["dst"] // 2]
    rows = r.decisions.groupby("flow_id")["fraction"].agg(["count", "sum"])
    assert (rows.loc[cross["id"], "count"] == 2).all()  # both spines, 1/2 each
    assert (rows["sum"] == 1.0).all()
    plain = load(ecmp_file)
    assert plain.decisions.empty and plain.packet_choices.empty and plain.hop_choices.empty
