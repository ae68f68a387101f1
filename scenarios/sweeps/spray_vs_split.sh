#!/usr/bin/env bash
# Spraying against singlepath ECMP and application-level splitting, across expert-load skew:
# runs the sweep spray-vs-split.yaml into OUT_DIR, then prints the longest step per Zipf
# exponent and policy (mean over the seeds) from the sweep's index and result files.
#
#   scenarios/sweeps/spray_vs_split.sh OUT_DIR
#   LAUNCH="mpirun --allow-run-as-root --oversubscribe -np 2" scenarios/sweeps/spray_vs_split.sh OUT_DIR
#
# A second call with the same OUT_DIR resumes: complete runs are kept. Measured 2026-12-01 on
# 2 cores with one process: 18 runs in 6 min 30 s; longest step at skew 0 ecmp 394.7 us,
# split 386.3 us, spray 354.6 us; at skew 0.3 and 0.6 the hot experts' downlinks set it for
# every policy (1,195.7 us and 3,520.7 us).
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
here=$(dirname "$0")
${LAUNCH:-} "${FABRICSIM:-$here/../../build/sim/app/fabricsim}" sweep "$here/spray-vs-split.yaml" -o "$1"

PYTHONPATH="$here/../../analysis" /usr/bin/python3 - "$1" <<'PY'
import sys
from fabricsim_analysis import load_sweep

df = load_sweep(sys.argv[1])
table = df.pivot_table(index="workload.0.skew.s", columns="routing.policy", values="max_step_us")
print("longest step (dispatch or combine), us, by Zipf exponent and routing policy, mean over seeds:")
print(table.round(1).to_string())
PY
