#!/usr/bin/env bash
# Path-catalog benchmark: build time and peak memory of the equal-cost path catalog (every
# shortest path between every pair of ToRs, sim/topo/fabric_builder.cpp) of k-ary fat-trees
# with the defaults (k/2 hosts per ToR, one cable per switch pair, 400 Gb/s, 500 ns).
# `fabricsim info` builds the whole fabric, catalog included, and prints the stored paths and
# the catalog's memory (its CSR arrays, 4 bytes per entry). Per k: hosts, stored paths, wall
# time of the whole `info` command, its peak RSS (/usr/bin/time -f %M) and the catalog memory
# info prints; each the best (smallest) of RUNS runs. A fabric past the stored-path limit
# (kMaxPaths, sim/topo/limits.hpp) is refused before anything is built: its row is the
# refusal line info prints (exit 2); any other failure stops the script.
#   bench/catalog.sh                  # k = 2 (process baseline), 8, 16, 32
#   KS="16" RUNS=1 bench/catalog.sh
# bench/topology.sh times the same command on more topology shapes (leaf-spines, the 512-GPU
# k = 8), one run each.
set -euo pipefail
cd "$(dirname "$0")/.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
KS=${KS:-"2 8 16 32"}
RUNS=${RUNS:-3}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf "%4s %8s %12s %8s %10s %12s\n" k hosts paths wall_s peak_MiB catalog_MiB
for k in $KS; do
  # A topology file of the shape of topologies/fattree-k8-512gpu-400g.yaml, and a scenario
  # that includes it.
  printf "kind: fat_tree\nk: %s\nhost_link: {rate: 400Gbps, latency: 500ns}\nfabric_link: {rate: 400Gbps, latency: 500ns}\n" \
    "$k" > "$work/fattree-k$k.yaml"
  printf "name: catalog-k%s\ntopology: {file: fattree-k%s.yaml}\nworkload: [{kind: permutation}]\n" \
    "$k" "$k" > "$work/s-k$k.yaml"
  hosts=$((k * k * k / 4))
  best_wall="" best_rss="" refused=""
  for ((r = 0; r < RUNS; r++)); do
    start=$(date +%s%N)
    status=0
    /usr/bin/time -f "%M" -o "$work/rss" "$FABRICSIM" info "$work/s-k$k.yaml" > "$work/out" 2> "$work/err" || status=$?
    end=$(date +%s%N)
    if ((status == 2)) && grep -q "equal-cost paths" "$work/err"; then
      refused=$(grep -m1 "equal-cost paths" "$work/err" | sed "s|$work/||")
      break
    elif ((status != 0)); then
      echo "k = $k: fabricsim info failed (exit $status):" >&2; cat "$work/err" >&2; exit 1
    fi
    wall=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f", (e - s) / 1e9}')
    rss=$(awk '{printf "%.1f", $1 / 1024}' "$work/rss")
    if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN {exit !(a < b)}'; then best_wall=$wall; fi
    if [[ -z $best_rss ]] || awk -v a="$rss" -v b="$best_rss" 'BEGIN {exit !(a < b)}'; then best_rss=$rss; fi
  done
  if [[ -n $refused ]]; then
    printf "%4s %8s refused: %s\n" "$k" "$hosts" "$refused"
    continue
  fi
  [[ $(sed -n 's/.*hosts: \([0-9]*\),.*/\1/p' "$work/out") == "$hosts" ]] || { echo "k = $k: unexpected host count" >&2; exit 1; }
  paths=$(sed -n 's/.*(\([0-9]*\) stored, \([0-9.]*\) MiB).*/\1/p' "$work/out")
  mib=$(sed -n 's/.*(\([0-9]*\) stored, \([0-9.]*\) MiB).*/\2/p' "$work/out")
  printf "%4s %8s %12s %8s %10s %12s\n" "$k" "$hosts" "$paths" "$best_wall" "$best_rss" "$mib"
done
