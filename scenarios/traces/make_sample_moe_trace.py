#!/usr/bin/python3
"""Writes scenarios/traces/sample_moe_trace.h5, the small MoE routing trace the tests and the
example scenarios replay. Layout (docs/traces.md):

  expert_ids     int16 [tokens, layers, top_k]  expert ids each token is routed to, per layer
  source_gpu     int32 [tokens]                 GPU the token starts on
  @experts       int (root attribute)           number of experts
  expert_counts  int64 [layers, experts]        tokens routed to each expert (a check, not read)

8 GPUs x 256 tokens each, 4 layers, top-2 over 16 experts. Expert popularity is Zipf-like,
p(rank r) ~ 1 / (r + 1)^s with s = 1.0, and each layer ranks the experts in its own random
order, so the hot expert differs from layer to layer. A token's top-k experts are distinct:
they are drawn without replacement by the Gumbel top-k trick (the k largest of
log p + Gumbel noise are a sample without replacement weighted by p).

Run with /usr/bin/python3 (needs h5py and numpy). The seed is fixed: the output is identical
every run.

  /usr/bin/python3 scenarios/traces/make_sample_moe_trace.py [output.h5]
"""
import pathlib
import sys

import h5py
import numpy as np

GPUS = 8
TOKENS_PER_GPU = 256
LAYERS = 4
TOP_K = 2
EXPERTS = 16
ZIPF_S = 1.0
SEED = 20240611


def route(rng):
    """expert_ids [tokens, layers, top_k] with Zipf-skewed, per-layer-shuffled popularity."""
    tokens = GPUS * TOKENS_PER_GPU
    ranks = np.arange(EXPERTS)
    weights = 1.0 / (ranks + 1.0) ** ZIPF_S
    ids = np.empty((tokens, LAYERS, TOP_K), dtype=np.int16)
    for layer in range(LAYERS):
        p = np.empty(EXPERTS)
        p[rng.permutation(EXPERTS)] = weights / weights.sum()  # expert -> popularity
        keys = np.log(p)[None, :] + rng.gumbel(size=(tokens, EXPERTS))
        ids[:, layer, :] = np.argsort(-keys, axis=1, kind="stable")[:, :TOP_K]
    return ids


def main():
    here = pathlib.Path(__file__).resolve().parent
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else here / "sample_moe_trace.h5"
    rng = np.random.default_rng(SEED)
    ids = route(rng)
    source = np.repeat(np.arange(GPUS, dtype=np.int32), TOKENS_PER_GPU)
    counts = np.zeros((LAYERS, EXPERTS), dtype=np.int64)
    for layer in range(LAYERS):
        counts[layer] = np.bincount(ids[:, layer, :].ravel(), minlength=EXPERTS)
    with h5py.File(out, "w", track_order=False) as f:
        f.attrs["experts"] = np.int32(EXPERTS)
        f.attrs["gpus"] = np.int32(GPUS)
        f.attrs["generator"] = "scenarios/traces/make_sample_moe_trace.py seed %d zipf s %g" % (SEED, ZIPF_S)
        f.create_dataset("expert_ids", data=ids, track_times=False)
        f.create_dataset("source_gpu", data=source, track_times=False)
        f.create_dataset("expert_counts", data=counts, track_times=False)
    hot = counts.max(axis=1) / counts.mean(axis=1)
    print("wrote %s: %d tokens, %d layers, top-%d of %d experts; hottest/mean per layer: %s"
          % (out, ids.shape[0], LAYERS, TOP_K, EXPERTS, " ".join("%.2f" % h for h in hot)))


if __name__ == "__main__":
    main()
