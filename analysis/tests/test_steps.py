"""Step views over a real run: two permutation jobs, one of them starting 5 us late."""
import pytest

from fabricsim_analysis import iteration_times, load, step_kinds


@pytest.fixture(scope="module")
def two_jobs(run_sim):
    return load(run_sim("two-jobs", "workload.1={kind: permutation, bytes: 1MiB, start: 5us}"))


def test_step_kinds_count_each_kind_per_workload(two_jobs):
    kinds = step_kinds(two_jobs)
    assert list(kinds["workload"]) == [0, 1]
    assert list(kinds["kind"]) == ["permutation", "permutation"]
    assert list(kinds["count"]) == [1, 1]
    assert kinds["total_us"].tolist() == pytest.approx(two_jobs.steps["duration_us"].tolist())


def test_iteration_times_span_the_steps_and_split_comm_from_compute(two_jobs):
    it = iteration_times(two_jobs)
    assert len(it) == 2
    late = it[it["workload"] == 1].iloc[0]
    assert late["start_us"] == pytest.approx(5.0)
    assert late["span_us"] == pytest.approx(late["end_us"] - late["start_us"])
    assert late["compute_us"] == 0
    assert late["comm_us"] == pytest.approx(late["span_us"])
