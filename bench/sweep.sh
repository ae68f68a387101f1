#!/usr/bin/env bash
# Sweep throughput: one sweep (bench/sweeps/packet-256gpu.yaml, 16 packet-model runs) run by
# one process (no mpirun) and by `mpirun -np NP` (default 2), each into a fresh folder.
# Prints per case: ranks, runs, wall time, runs/s, the summed per-run wall times from the
# index, the CPU time of all processes (user + sys) and the parallel efficiency
# (speed-up / ranks). Needs a build with MPI (FABRICSIM_MPI=AUTO finds Debian's OpenMPI).
#   bench/sweep.sh                  NP=4 bench/sweep.sh        SWEEP=other.yaml bench/sweep.sh
set -euo pipefail
cd "$(dirname "$0")/.."
F=${FABRICSIM:-$PWD/build/sim/app/fabricsim}
SWEEP=${SWEEP:-bench/sweeps/packet-256gpu.yaml}
NP=${NP:-2}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# case_run LABEL LAUNCHER...: runs the sweep into $OUT/LABEL; prints "wall_s cpu_s".
case_run() {
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$OUT/$label.time" "$@" "$F" sweep "$SWEEP" -o "$OUT/$label" --quiet
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$OUT/$label.time"
}

# Sum of the index's wall_s column and the number of complete runs.
index_figures() {
  /usr/bin/python3 -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(len([r for r in rows if r["status"] == "complete"]), len(rows),
      "%.2f" % sum(float(r["wall_s"]) for r in rows))' "$OUT/$1/index.csv"
}

# row RANKS DONE RUNS WALL SUM CPU ONE_RANK_WALL
row() {
  awk -v r="$1" -v d="$2" -v n="$3" -v w="$4" -v s="$5" -v c="$6" -v w1="$7" 'BEGIN {
    printf "%-6s %9s %8.2f %8.3f %15.2f %8.2f %11.2f\n", r, d "/" n, w, d / w, s, c, w1 / w / r }'
}

printf "%-6s %9s %8s %8s %15s %8s %11s\n" ranks complete wall_s runs/s sum_run_wall_s cpu_s efficiency
read -r wall1 cpu1 < <(case_run one)
read -r done1 runs1 sum1 < <(index_figures one)
row 1 "$done1" "$runs1" "$wall1" "$sum1" "$cpu1" "$wall1"
read -r walln cpun < <(case_run mpi mpirun --allow-run-as-root --oversubscribe -np "$NP")
read -r donen runsn sumn < <(index_figures mpi)
row "$NP" "$donen" "$runsn" "$walln" "$sumn" "$cpun" "$wall1"
