#!/usr/bin/env bash
# Spraying against singlepath ECMP and application-level splitting, across expert-load skew,
# on the quickstart MoE layer (256 GPUs, 16 x 16 leaf-spine, 400 Gb/s).
# Each run is one `fabricsim run` with --set overrides; runs go in parallel with xargs -P,
# then the analysis package loads every result into one DataFrame keyed by the overrides.
#
#   scenarios/sweeps/spray_vs_split.sh            # 3 policies x 3 skews, 2 at a time (~3 min on
#                                                 # 2 cores; split's runs carry ~9x the flows)
#   JOBS=4 SKEWS="0 0.5" TOKENS=1024 scenarios/sweeps/spray_vs_split.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

SCENARIO=${SCENARIO:-scenarios/quickstart.yaml}
OUT=${OUT:-results/sweeps/spray_vs_split}
POLICIES=${POLICIES:-"ecmp spray split"}
SKEWS=${SKEWS:-"0 0.3 0.6"}
TOKENS=${TOKENS:-256}

. scenarios/sweeps/policy_skew_grid.sh
run_policy_skew_grid

PYTHONPATH=analysis /usr/bin/python3 - "$OUT" <<'PY'
import sys
from fabricsim_analysis import load_sweep

df = load_sweep(f"{sys.argv[1]}/*.h5")
table = df.pivot_table(index="workload.0.skew.s", columns="routing.policy", values="max_step_us")
print("longest step (dispatch or combine), us, by Zipf exponent and routing policy:")
print(table.round(1).to_string())
PY
