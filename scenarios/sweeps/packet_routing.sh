#!/usr/bin/env bash
# Routing policies on the packet model with dctcp: the quickstart MoE layer (256 GPUs, 16 x 16
# leaf-spine, 400 Gb/s) with fewer tokens, one run per policy, in parallel with xargs -P; then
# one table of the longest step, the FCT tail and the packet-level costs (reordering,
# retransmissions, drops, ECN marks) per policy and expert-load skew.
#
#   scenarios/sweeps/packet_routing.sh        # 6 policies x 2 skews: ~40 s on 2 cores
#   POLICIES="ecmp spray" SKEWS="0.6" TOKENS=128 JOBS=2 scenarios/sweeps/packet_routing.sh
#
# Seen with the defaults (2026-12-01, 41 s on 2 cores): at skew 0 the per-packet policies end
# the longest step 8-9 % before ecmp and flowlet (108.7-110.2 us against 119.7 us) at the
# price of 2,800-5,300 reordered packets; at skew 0.6 (bound 892.6 us) adaptive, flowlet and
# ecmp land at 906-940 us, spray and spray_rr at 1,043-1,045 us, split at 1,145 us. split
# carries ~9x the flows: at skew 0 its first flights wait longer than the first probe timeout
# (706,479 probes, 171,009 needless resends, 132.0 us). docs/packet-model.md has the table.
set -euo pipefail
cd "$(dirname "$0")/../.."

SCENARIO=${SCENARIO:-scenarios/quickstart.yaml}
OUT=${OUT:-results/sweeps/packet_routing}
POLICIES=${POLICIES:-"ecmp spray spray_rr flowlet adaptive split"}
SKEWS=${SKEWS:-"0 0.6"}
TOKENS=${TOKENS:-64}

. scenarios/sweeps/policy_skew_grid.sh
run_policy_skew_grid --set model=packet --set transport.kind=dctcp --set output.sample_interval=0us

PYTHONPATH=analysis /usr/bin/python3 - "$OUT" <<'PY'
import sys
import pandas as pd
from fabricsim_analysis import load_sweep

df = load_sweep(f"{sys.argv[1]}/*.h5")
columns = ["max_step_us", "fct_p99_us", "reordered_packets", "retransmits", "probes", "timeouts",
           "drops", "ecn_marks"]
table = df.set_index(["workload.0.skew.s", "routing.policy"])[columns].sort_index()
pd.set_option("display.width", 160)
print("packet model, dctcp: longest step and FCT p99 in us; packet counts over the run")
print(table.round(1).to_string())
PY
