#!/usr/bin/env bash
# Completion time of each load balancer on the seed paper's 256-GPU fabric
# (paper-256gpu.yaml), per collective and model: the table in docs/routing.md.
#   scenarios/routing/compare.sh
#   POLICIES="ecmp planned" MODELS=flow scenarios/routing/compare.sh
# Collectives: all-to-all of 16 KiB per pair, halving-doubling all-reduce of 4 MiB, ring
# all-reduce of 32 MiB (what tests/engine/routing_comparison_test.cpp runs).
set -euo pipefail
cd "$(dirname "$0")/../.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
POLICIES=${POLICIES:-"ecmp split-2 split-4 split-8 spray reps ethereal planned"}
MODELS=${MODELS:-"flow packet"}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

collective() {
  case $1 in
    all-to-all) ;;
    halving-doubling) echo "--set workload.0.kind=all_reduce --set workload.0.algorithm=halving_doubling --set workload.0.bytes=4MiB" ;;
    ring) echo "--set workload.0.kind=all_reduce --set workload.0.algorithm=ring --set workload.0.bytes=32MiB" ;;
  esac
}

routing() {  # split-k is the artifact's mp-rdma-k
  case $1 in
    split-*) echo "--set routing.policy=split --set routing.subflows=${1#split-}" ;;
    *) echo "--set routing.policy=$1" ;;
  esac
}

printf "| collective | model |"; for p in $POLICIES; do printf " %s |" "$p"; done; echo
printf "|---|---|"; for _ in $POLICIES; do printf "%s" "---|"; done; echo
for c in all-to-all halving-doubling ring; do
  for m in $MODELS; do
    printf "| %s | %s |" "$c" "$m"
    for p in $POLICIES; do
      # shellcheck disable=SC2046
      out=$("$FABRICSIM" run scenarios/routing/paper-256gpu.yaml $(collective "$c") $(routing "$p") \
        --set model="$m" -o "$work/r.h5")
      t=$(sed -n 's/.*simulated time: \([0-9.]*\) us.*/\1/p' <<<"$out")
      printf " %s us |" "$t"
    done
    echo
  done
done
