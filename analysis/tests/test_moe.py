"""The /moe part of load(): a 3-iteration, 2-layer MoE run on tiny.yaml's 4 hosts with Zipf
skew and a capacity factor of 1, so some tokens are dropped."""
import numpy as np
import pytest

from fabricsim_analysis import load

EXPERTS, TOP_K, TOKENS, HOSTS = 8, 2, 64, 4
MOE = ("workload.0={kind: moe, experts: 8, top_k: 2, tokens_per_gpu: 64, hidden: 64, "
       "layers: 2, iterations: 3, capacity_factor: 1.0, load: {dist: zipf, s: 1.5}}")


@pytest.fixture(scope="session")
def moe_file(run_sim):
    return run_sim("moe", MOE)


def test_cubes_have_iteration_layer_shapes(moe_file):
    data = load(moe_file).moe_data[0]
    assert data["expert_tokens"].shape == (3, 2, EXPERTS)
    assert data["gpu_tokens"].shape == (3, 2, HOSTS)
    for key in ("dropped_tokens", "max_over_mean", "gini", "gpu_max_over_mean"):
        assert data[key].shape == (3, 2), key


def test_tokens_are_conserved_and_some_dropped(moe_file):
    r = load(moe_file)
    data = r.moe_data[0]
    # 4 GPUs x 64 tokens x top-2 = 512 routed per layer = processed + dropped.
    routed = data["expert_tokens"].sum(axis=2)
    assert (routed == HOSTS * TOKENS * TOP_K).all()
    assert (data["gpu_tokens"].sum(axis=2) + data["dropped_tokens"] == routed).all()
    assert data["dropped_tokens"].sum() > 0
    np.testing.assert_array_equal(r.moe[0], data["expert_tokens"])


def test_layer_table_matches_the_cubes(moe_file):
    r = load(moe_file)
    table = r.moe_layers
    assert len(table) == 6
    row = table[(table.iteration == 2) & (table.layer == 1)].iloc[0]
    tokens = r.moe_data[0]["expert_tokens"][2, 1]
    assert row.max_over_mean == pytest.approx(tokens.max() / tokens.mean())
    assert row.routed == HOSTS * TOKENS * TOP_K
    assert 0 < row.gini < 1 - 1 / EXPERTS


def test_permutation_has_an_empty_layer_table(ecmp_file):
    r = load(ecmp_file)
    assert r.moe_data == {} and r.moe_layers.empty
