"""The plot helpers on real runs of tiny.yaml: each figure holds the data it claims to show."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from fabricsim_analysis import (compare_bars, expert_heatmap, fct_cdf, link_heatmap, link_series,
                                load, load_flows_sweep, load_sweep, queue_series, step_bounds,
                                step_timeline)
from fabricsim_analysis.plots import keep

MOE = ("workload.0={kind: moe, experts: 8, top_k: 2, tokens_per_gpu: 64, hidden: 64, "
       "layers: 2, iterations: 3, capacity_factor: 1.0, load: {dist: zipf, s: 1.5}}")


@pytest.fixture(scope="module")
def moe_result(run_sim):
    return load(run_sim("plots-moe", MOE))


@pytest.fixture(scope="module")
def incast_result(run_sim):
    # Synchronized all-to-all: 3-to-1 incasts, so some queues build up.
    return load(run_sim("plots-incast", "model=packet", "output.sample_interval=2us",
                        "workload.0.kind=all_to_all", "workload.0.order=synchronized"))


def test_fct_cdf_has_a_line_per_policy_reaching_one(spray_file, ecmp_file):
    flows = load_flows_sweep([spray_file, ecmp_file])
    fig = fct_cdf(flows, by="policy")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    for line, policy in zip(ax.lines, ["spray", "ecmp"]):
        assert line.get_label().startswith(policy)
        expected = np.sort(flows.loc[flows["routing.policy"] == policy, "fct_us"].to_numpy())
        np.testing.assert_allclose(line.get_xdata(), expected)
        y = line.get_ydata()
        assert y[-1] == 1.0 and (np.diff(y) > 0).all()
    assert "(us)" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()][0].startswith("spray")


def test_fct_cdf_of_one_result_is_one_line(ecmp_file):
    r = load(ecmp_file)
    line, = fct_cdf(r).axes[0].lines
    assert len(line.get_xdata()) == len(r.flows)


def test_fct_cdf_names_the_columns_when_the_group_is_unknown(ecmp_file):
    with pytest.raises(KeyError, match="routing.policy"):
        fct_cdf(load_flows_sweep([ecmp_file]), by="colour")


@pytest.mark.parametrize("tier", [("leaf", "spine"), ("spine", "leaf")])
def test_link_heatmap_shows_each_link_busy_fraction(ecmp_file, tier):
    r = load(ecmp_file)
    fig = link_heatmap(r, tier=tier)
    ax, colorbar = fig.axes
    busy = r.links.set_index("name")["busy_fraction"]
    expected = [[busy[f"{tier[0]}{i}->{tier[1]}{j}"] for j in range(2)] for i in range(2)]
    np.testing.assert_allclose(ax.images[0].get_array(), expected)
    assert busy.loc[busy.index.str.startswith(tier[0])].max() > 0
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{tier[0]}0", f"{tier[0]}1"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"{tier[1]}0", f"{tier[1]}1"]
    assert "busy fraction" in colorbar.get_ylabel()


def test_link_heatmap_rejects_a_tier_without_links(ecmp_file):
    with pytest.raises(ValueError, match="core"):
        link_heatmap(load(ecmp_file), tier=("leaf", "core"))


def test_compare_bars_are_the_policy_means_with_the_bound(spray_file, ecmp_file, run_sim):
    ecmp_seed2 = run_sim("plots-ecmp-seed2", "routing.policy=ecmp", "seed=2")
    sweep = load_sweep([spray_file, ecmp_file, ecmp_seed2])
    fig = compare_bars(sweep, metric="max_step_us", by="policy", bound=87.9)
    ax = fig.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    means = sweep.groupby("routing.policy")["max_step_us"].mean()
    assert heights == pytest.approx([means["spray"], means["ecmp"]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["spray", "ecmp"]
    bound, = [line for line in ax.lines if line.get_label().startswith("bound")]
    assert list(bound.get_ydata()) == [87.9, 87.9]
    assert ax.get_ylabel() == "max_step_us (us)"


def test_compare_bars_without_bound_draws_no_line(spray_file):
    ax = compare_bars(load_sweep([spray_file])).axes[0]
    assert not [line for line in ax.lines if line.get_label().startswith("bound")]


def test_queue_series_plots_the_sampled_backlog(incast_result):
    series = link_series(incast_result.path)
    assert series["queue_bytes"].max() > 0, "the incast builds a queue"
    busiest = series.groupby("link_id")["queue_bytes"].max().idxmax()
    name = incast_result.links.set_index("id").loc[busiest, "name"]
    for fig in (queue_series(incast_result, links=[name]), queue_series(series, links=[busiest])):
        line, = fig.axes[0].lines
        rows = series[series["link_id"] == busiest]
        np.testing.assert_allclose(line.get_xdata(), rows["time_us"])
        np.testing.assert_array_equal(line.get_ydata(), rows["queue_bytes"])
    default = queue_series(incast_result, top=3).axes[0]
    assert len(default.lines) == 3
    assert default.lines[0].get_label() == name
    assert default.get_ylabel() == "queue (bytes)" and default.get_xlabel() == "time (us)"


def test_queue_series_needs_a_series(ecmp_file):
    with pytest.raises(ValueError, match="packet-model"):
        queue_series(load(ecmp_file))


def test_step_timeline_has_a_bar_per_step(moe_result):
    steps = moe_result.steps
    ax = step_timeline(moe_result).axes[0]
    rows = list(steps.groupby(["workload", "kind"], sort=False))
    assert {"dispatch", "combine"} <= set(steps["kind"])
    assert len(ax.collections) == len(rows)
    for collection, (_, group) in zip(ax.collections, rows):
        extents = [path.get_extents() for path in collection.get_paths()]
        np.testing.assert_allclose([e.x0 for e in extents], group["start_ps"] / 1e6)
        np.testing.assert_allclose([e.x1 for e in extents], group["end_ps"] / 1e6)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == list(dict.fromkeys(steps["kind"]))


def test_expert_heatmap_is_the_iteration_token_matrix(moe_result):
    fig = expert_heatmap(moe_result, workload=0, iteration=2)
    ax, colorbar = fig.axes
    np.testing.assert_array_equal(ax.images[0].get_array(), moe_result.moe[0][2])
    assert ax.images[0].get_array().shape == (2, 8)
    assert (ax.get_xlabel(), ax.get_ylabel(), colorbar.get_ylabel()) == ("expert", "layer",
                                                                        "tokens")
    with pytest.raises(IndexError):
        expert_heatmap(moe_result, iteration=3)
    with pytest.raises(KeyError, match="workload 1"):
        expert_heatmap(moe_result, workload=1)


def test_step_bounds_draws_each_duration_and_its_bound(moe_result):
    steps = moe_result.steps[moe_result.steps["bound_ps"] > 0]
    ax = step_bounds(moe_result).axes[0]
    bars = sorted(ax.patches, key=lambda p: p.get_x())
    assert len(bars) == len(steps) > 1
    np.testing.assert_allclose([b.get_height() for b in bars], steps["duration_us"])
    ticks, = ax.collections  # the bounds: one horizontal segment per bar
    np.testing.assert_allclose([seg[0][1] for seg in ticks.get_segments()], steps["bound_us"])
    assert (steps["duration_us"] >= steps["bound_us"]).all()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == f"{steps['id'].iloc[0]}\n{steps['ratio'].iloc[0]:.2f}x"


def test_step_bounds_needs_a_bounded_step(ecmp_file):
    r = load(ecmp_file)
    r.steps["bound_ps"] = 0
    with pytest.raises(ValueError, match="no finished step with a bound"):
        step_bounds(r)


def test_keep_saves_a_png_only_when_given_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fig = Figure()
    fig.add_subplot().plot([0, 1], [0, 1])
    assert keep(fig, "line") is fig
    assert list(tmp_path.iterdir()) == []
    folder = tmp_path / "figures"
    assert keep(fig, "line", folder) is fig
    saved = folder / "line.png"
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
