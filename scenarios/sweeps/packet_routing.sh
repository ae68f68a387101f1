#!/usr/bin/env bash
# Routing policies on the packet model with dctcp: runs the sweep packet-routing.yaml into
# OUT_DIR, then prints per expert-load skew and policy (mean over the seeds) the longest step,
# the FCT tail and the packet-level costs: reordering, retransmissions, probes, timeouts, drops,
# ECN marks.
#
#   scenarios/sweeps/packet_routing.sh OUT_DIR
#   LAUNCH="mpirun --allow-run-as-root --oversubscribe -np 2" scenarios/sweeps/packet_routing.sh OUT_DIR
#
# A second call with the same OUT_DIR resumes: complete runs are kept. Measured 2026-12-01 on
# 2 cores with one process: 24 runs in 1 min 51 s (docs/packet-model.md has the table).
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
here=$(dirname "$0")
${LAUNCH:-} "${FABRICSIM:-$here/../../build/sim/app/fabricsim}" sweep "$here/packet-routing.yaml" -o "$1"

PYTHONPATH="$here/../../analysis" /usr/bin/python3 - "$1" <<'PY'
import sys
import pandas as pd
from fabricsim_analysis import load_sweep

df = load_sweep(sys.argv[1])
columns = ["max_step_us", "fct_p99_us", "reordered_packets", "retransmits", "probes", "timeouts",
           "drops", "ecn_marks"]
table = df.groupby(["workload.0.skew.s", "routing.policy"])[columns].mean().sort_index()
pd.set_option("display.width", 160)
print("packet model, dctcp: longest step and FCT p99 in us; packet counts over the run; mean over seeds")
print(table.round(1).to_string())
PY
