#!/usr/bin/env bash
# Topology build benchmark: `fabricsim info` builds the fabric (graph, path catalog) and
# prints it. Per case: hosts, equal-cost paths numbered, catalog memory, wall time and peak
# RSS (/usr/bin/time) of the whole command.
#   bench/topology.sh                       # all cases
#   CASES="ft-k16" bench/topology.sh
# Cases: ls-1024 (32 x 32 leaf-spine, 32 hosts per leaf), ls-4096 (64 x 64 x 64),
# ft-k8 (k = 8 fat-tree, 128 hosts), ft512 (topologies/fattree-k8-512gpu-400g.yaml),
# ft-k16 (1,024 hosts), ft-k32 (8,192 hosts, 65 M paths), ft-k48 (27,648 hosts, 749 M paths).
set -euo pipefail
cd "$(dirname "$0")/.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
CASES=${CASES:-"ls-1024 ls-4096 ft-k8 ft512 ft-k16 ft-k32 ft-k48"}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

topology() {
  case $1 in
    ls-1024) echo "{kind: leaf_spine, leaves: 32, spines: 32, hosts_per_leaf: 32}" ;;
    ls-4096) echo "{kind: leaf_spine, leaves: 64, spines: 64, hosts_per_leaf: 64}" ;;
    ft-k8) echo "{kind: fat_tree, k: 8}" ;;
    ft512) echo "{file: $PWD/topologies/fattree-k8-512gpu-400g.yaml}" ;;
    ft-k16) echo "{kind: fat_tree, k: 16}" ;;
    ft-k32) echo "{kind: fat_tree, k: 32}" ;;
    ft-k48) echo "{kind: fat_tree, k: 48}" ;;
    *) echo "unknown case $1" >&2; exit 2 ;;
  esac
}

printf "%-8s %8s %12s %11s %8s %10s\n" case hosts paths catalog_MiB wall_s peak_MiB
for c in $CASES; do
  printf "name: %s\ntopology: %s\nworkload: [{kind: permutation}]\n" "$c" "$(topology "$c")" > "$work/s.yaml"
  if /usr/bin/time -f "%e %M" -o "$work/time" "$FABRICSIM" info "$work/s.yaml" > "$work/out" 2> "$work/err"; then
    read -r wall rss < "$work/time"
    hosts=$(sed -n 's/.*hosts: \([0-9]*\),.*/\1/p' "$work/out")
    paths=$(sed -n 's/.* \([0-9]*\) in all (catalog \([0-9.]*\) MiB).*/\1/p' "$work/out")
    mib=$(sed -n 's/.* \([0-9]*\) in all (catalog \([0-9.]*\) MiB).*/\2/p' "$work/out")
    printf "%-8s %8s %12s %11s %8s %10.1f\n" "$c" "$hosts" "$paths" "$mib" "$wall" "$(awk "{print \$2 / 1024}" "$work/time")"
  else
    printf "%-8s refused: %s\n" "$c" "$(head -1 "$work/err")"
  fi
done
