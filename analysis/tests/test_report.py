"""The HTML report (fabricsim_analysis/report.py) on real runs of tiny.yaml: every plot that
applies is an embedded PNG with its id, the others are listed with a reason, and the page
references nothing outside itself."""
import base64
import re
import subprocess
from html.parser import HTMLParser

import h5py
import pytest

from fabricsim_analysis import load
from fabricsim_analysis.report import PLOTS, NotInRun, main, render, upward_tier

from conftest import SCENARIO

PLOT_IDS = [plot_id for plot_id, _, _ in PLOTS]
MOE = ("workload.0={kind: moe, experts: 8, top_k: 2, tokens_per_gpu: 64, hidden: 64, "
       "layers: 2, iterations: 2, load: {dist: zipf, s: 1.2}}")


class Page(HTMLParser):
    """Every tag with its attributes, and the text of the page."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.text = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def images(self):
        return {a["id"]: a["src"] for t, a in self.tags if t == "img" and "id" in a}

    def missing(self):
        return [a["id"][len("missing-"):] for t, a in self.tags
                if t == "li" and a.get("id", "").startswith("missing-")]


def report_of(path, tmp_path):
    out = tmp_path / "report.html"
    assert main([str(path), "-o", str(out)]) == 0
    assert not list(tmp_path.glob("*.partial"))
    return out.read_text(encoding="utf-8")


def assert_self_contained(text):
    page = Page(text)
    for tag, attrs in page.tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or value.startswith("data:"), (tag, key, value)
        assert tag not in ("link", "script", "iframe", "object"), tag
    assert not re.search(r"https?://", text), "the page names a network address"
    assert "url(" not in text, "CSS refers to another file"


@pytest.fixture(scope="module")
def moe_packet_file(run_sim):
    # A MoE run in the packet model, sampled: every plot applies.
    return run_sim("report-moe-packet", MOE, "model=packet", "output.sample_interval=2us")


def test_every_plot_of_a_sampled_moe_packet_run(moe_packet_file, tmp_path):
    text = report_of(moe_packet_file, tmp_path)
    page = Page(text)
    images = page.images()
    assert list(images) == PLOT_IDS
    for plot_id, src in images.items():
        assert src.startswith("data:image/png;base64,"), plot_id
        png = base64.b64decode(src.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000, plot_id
    assert page.missing() == []
    assert text.count("<figcaption>") == len(PLOT_IDS)
    assert_self_contained(text)


def test_a_flow_model_moe_run_lists_the_queue_plot_as_missing(run_sim, tmp_path):
    path = run_sim("report-moe-flow", MOE)
    page = Page(report_of(path, tmp_path))
    assert list(page.images()) == [p for p in PLOT_IDS if p != "queue-series"]
    assert page.missing() == ["queue-series"]
    assert "the flow model has no queues" in "".join(page.text)


def test_summary_and_scenario_come_from_the_file(ecmp_file, tmp_path):
    r = load(ecmp_file)
    text = report_of(ecmp_file, tmp_path)
    page = Page(text)
    words = "".join(page.text)
    assert set(page.missing()) == {"queue-series", "expert-heatmap"}
    assert "no MoE workload" in words
    # The resolved scenario, as stored, is on the page (HTML-escaped, then read back).
    assert r.attrs["scenario_yaml"].strip() in words
    busiest = r.links.loc[r.links["busy_fraction"].idxmax()]
    assert f"{busiest['name']}: busy fraction {busiest['busy_fraction']:.3f}" in words
    step = r.steps.iloc[0]
    assert f"{step['duration_us']:,.3f} us vs bound {step['bound_us']:,.3f} us" in words
    assert f"p50 {r.flows['fct_us'].median():.3f} us" in words
    assert "status" in words and "complete" in words


def test_a_failed_run_still_gets_a_page(fabricsim, tmp_path):
    # host0's own link is down from the start: its flows never end, the run exits 1.
    result = tmp_path / "failed.h5"
    done = subprocess.run([fabricsim, "run", str(SCENARIO), "-o", str(result), "--quiet",
                           "--set", "events=[{at: 0us, node: host0, action: down}]"])
    assert done.returncode == 1
    page = Page(report_of(result, tmp_path))
    assert set(page.missing()) == {"queue-series", "step-timeline", "step-bounds",
                                   "expert-heatmap"}
    words = "".join(page.text)
    assert "incomplete" in words and "unfinished" in words


def test_bad_input_exits_2_and_writes_nothing(tmp_path, ecmp_file, capsys):
    out = tmp_path / "r.html"
    assert main([str(tmp_path / "nothing.h5"), "-o", str(out)]) == 2
    assert "no such result file" in capsys.readouterr().err
    junk = tmp_path / "junk.h5"
    junk.write_text("not HDF5")
    assert main([str(junk), "-o", str(out)]) == 2
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = [1]
    assert main([str(tmp_path / "other.h5"), "-o", str(out)]) == 2
    assert "not a fabricsim result file" in capsys.readouterr().err
    assert main([str(ecmp_file), "-o", str(tmp_path)]) == 2
    assert main([str(ecmp_file), "-o", str(ecmp_file)]) == 2
    assert "is the result file itself" in capsys.readouterr().err
    assert not out.exists()


def test_render_names_each_plot_once(ecmp_file):
    text = render(load(ecmp_file))
    for plot_id in PLOT_IDS:
        assert len(re.findall(rf'id="(missing-)?{plot_id}"', text)) == 1, plot_id


def test_the_heatmap_takes_the_lowest_switch_tier(run_sim, ecmp_file):
    assert upward_tier(load(ecmp_file)) == ("leaf", "spine")
    fat_tree = load(run_sim("report-fat-tree", "topology={kind: fat_tree, k: 4}"))
    assert upward_tier(fat_tree) == ("tor", "agg")
    # Switches of a two-plane fabric are named leaf0.p1: no heatmap, and the page says why.
    planes = load(run_sim("report-planes", "topology.planes=2"))
    with pytest.raises(NotInRun, match="plane suffix"):
        upward_tier(planes)
    assert "missing-link-heatmap" in render(planes)
