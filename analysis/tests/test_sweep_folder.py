"""load_sweep / load_flows_sweep on a sweep folder (DIR/index.csv + DIR/runs/run-NNNN.h5),
made by hand with `fabricsim run --set` so it does not depend on `fabricsim sweep`."""
import csv
import math
import subprocess

import pytest

from fabricsim_analysis import load, load_flows_sweep, load_sweep
from fabricsim_analysis.sweep import SUMMARY_COLUMNS, summarize

from conftest import SCENARIO

HEADER = ["run", "status", "rank", "wall_s", "result", "error", "routing.policy", "seed"]
METRICS = [c for c in SUMMARY_COLUMNS if c != "status"]
# A host whose own link is down from the start: its flow never ends, the run fails (exit 1)
# and still writes its result file.
HOST_DOWN = "events=[{at: 0us, node: host0, action: down}]"


def write_index(folder, rows):
    with open(folder / "index.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)


def run_into(fabricsim, folder, run, *overrides, exit_code=0):
    out = folder / "runs" / f"run-{run:04d}.h5"
    command = [fabricsim, "run", str(SCENARIO), "-o", str(out), "--quiet"]
    for o in overrides:
        command += ["--set", o]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == exit_code, done.stderr
    return f"runs/run-{run:04d}.h5"


@pytest.fixture(scope="module")
def sweep_folder(fabricsim, tmp_path_factory):
    """Six runs of policy x seed in every index status; runs 0-2 have result files."""
    folder = tmp_path_factory.mktemp("sweep")
    r0 = run_into(fabricsim, folder, 0, "routing.policy=ecmp", "seed=1")
    r1 = run_into(fabricsim, folder, 1, "routing.policy=spray", "seed=1")
    r2 = run_into(fabricsim, folder, 2, "routing.policy=ecmp", "seed=2", HOST_DOWN, exit_code=1)
    write_index(folder, [
        [0, "complete", 0, "0.012", r0, "", "ecmp", "1"],
        [1, "complete", 1, "0.010", r1, "", "spray", "1"],
        [2, "failed", 0, "0.011", r2, "exit code 1: run failed", "ecmp", "2"],
        [3, "running", 1, "", "", "", "spray", "2"],
        [4, "failed", 0, "0.500", "", "killed by signal 9", "ecmp", "3"],
        [5, "pending", "", "", "", "", "spray", "3"],
    ])
    return folder


def test_one_row_per_run_in_index_order(sweep_folder):
    sweep = load_sweep(sweep_folder)
    assert list(sweep.columns) == ["run", "status", "rank", "wall_s", "file", "error",
                                   "routing.policy", "seed"] + METRICS
    assert list(sweep["run"]) == [0, 1, 2, 3, 4, 5]
    assert list(sweep["status"]) == ["complete", "complete", "failed", "running", "failed",
                                     "pending"]
    assert list(sweep["routing.policy"]) == ["ecmp", "spray"] * 3
    assert list(sweep["seed"]) == [1, 1, 2, 2, 3, 3]
    assert all(isinstance(v, int) for v in sweep["seed"])
    assert list(sweep["rank"].iloc[:5]) == [0, 1, 0, 1, 0] and math.isnan(sweep["rank"].iloc[5])
    assert sweep["wall_s"].iloc[0] == pytest.approx(0.012) and math.isnan(sweep["wall_s"].iloc[3])
    assert sweep["error"].iloc[4] == "killed by signal 9" and math.isnan(sweep["error"].iloc[0])


def test_runs_with_a_result_file_carry_its_summary(sweep_folder):
    sweep = load_sweep(sweep_folder)
    for run in (0, 1, 2):
        path = sweep_folder / "runs" / f"run-{run:04d}.h5"
        row = sweep.iloc[run]
        assert row["file"] == str(path)
        expected = summarize(load(path))
        for column in METRICS:
            if isinstance(expected[column], float) and math.isnan(expected[column]):
                assert math.isnan(row[column]), column
            else:
                assert row[column] == pytest.approx(expected[column]), column
    # Spraying meets the permutation's bound; the failed run's step never finished.
    assert sweep["max_step_ratio"].iloc[1] == pytest.approx(1.0)
    assert sweep["sim_end_us"].iloc[2] > 0 and math.isnan(sweep["max_step_us"].iloc[2])


def test_runs_without_a_result_file_keep_nan_metrics(sweep_folder):
    rest = load_sweep(sweep_folder).iloc[3:]
    assert rest["file"].isna().all()
    assert rest[METRICS].isna().all().all()


def test_the_index_path_gives_the_same_table(sweep_folder):
    by_folder = load_sweep(sweep_folder)
    by_index = load_sweep(str(sweep_folder / "index.csv"))
    assert by_index.equals(by_folder)


def test_flows_of_the_runs_with_files_keyed_by_run_and_overrides(sweep_folder):
    flows = load_flows_sweep(sweep_folder)
    assert list(flows.columns[:4]) == ["run", "file", "routing.policy", "seed"]
    assert sorted(flows["run"].unique()) == [0, 1, 2]
    for run in (0, 1, 2):
        one = load(sweep_folder / "runs" / f"run-{run:04d}.h5").flows
        rows = flows[flows["run"] == run]
        assert len(rows) == len(one)
        assert list(rows["bytes"]) == list(one["bytes"])
    assert (flows.groupby("run")["bytes"].sum() == 4 << 20).all()
    # In the failed run the flows out of and into host0 never finished.
    stuck = flows[(flows["run"] == 2) & ~flows["finished"]]
    assert len(stuck) == 2
    assert ((stuck["src"] == 0) | (stuck["dst"] == 0)).all()


def test_a_complete_run_without_its_file_is_an_error(tmp_path):
    (tmp_path / "runs").mkdir()
    write_index(tmp_path, [[0, "complete", 0, "0.1", "runs/run-0000.h5", "", "ecmp", "1"]])
    with pytest.raises(FileNotFoundError, match="run 0 is complete .* missing"):
        load_sweep(tmp_path)


def test_a_folder_without_an_index_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="without an index.csv"):
        load_sweep(tmp_path)


def test_an_index_of_pending_runs_keeps_quoted_values_as_text(tmp_path):
    with open(tmp_path / "index.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER[:6] + ["workload.0", "routing.subflows"])
        writer.writerow([0, "pending", "", "", "", "", "{kind: permutation, bytes: 1MiB}", "4"])
        writer.writerow([1, "bad_input", 0, "0.001", "", "bad value 'x'", "{kind: x}", "auto"])
    sweep = load_sweep(tmp_path / "index.csv")
    assert list(sweep["workload.0"]) == ["{kind: permutation, bytes: 1MiB}", "{kind: x}"]
    assert list(sweep["routing.subflows"]) == [4, "auto"]
    assert sweep[METRICS].isna().all().all()
    with pytest.raises(ValueError, match="no run has a result file"):
        load_flows_sweep(tmp_path)
