#!/usr/bin/env bash
# Packet-model scaling: the sprayed dctcp permutation of 2 MB per host
# (bench/scenarios/perm-packet.yaml) on leaf-spines of 128 hosts (8 leaves x 16 hosts, 8 spines),
# 1024 (32 x 32 x 32) and 4096 (64 x 64 x 64). For each size: data packets sent
# (retransmissions included, from /flows/packets), events, events per data packet, data
# packets per wall second of the run loop (`wall_seconds` attribute), wall seconds, peak RSS
# of the process, and the rate over the 128-host rate. Each row is the fastest of RUNS runs
# (default 3; the simulation is deterministic, only the times differ).
# SIZES="128 4096" picks sizes (the ratio column needs 128 among them).
set -euo pipefail
cd "$(dirname "$0")/.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
RUNS=${RUNS:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf "%6s %10s %10s %10s %12s %8s %9s %9s\n" \
  hosts data_pkts events ev_per_pkt pkts_per_s wall_s peak_MiB vs_128
base_rate=""
for hosts in ${SIZES:-128 1024 4096}; do
  case $hosts in
    128) args=() ;;
    1024) args=(--set topology.leaves=32 --set topology.spines=32 --set topology.hosts_per_leaf=32) ;;
    4096) args=(--set topology.leaves=64 --set topology.spines=64 --set topology.hosts_per_leaf=64) ;;
    *) echo "unknown size $hosts (128, 1024 or 4096)" >&2; exit 2 ;;
  esac
  best_wall="" best_rss=""
  for ((r = 0; r < RUNS; ++r)); do
    /usr/bin/time -f "%M" -o "$out/rss" "$FABRICSIM" run bench/scenarios/perm-packet.yaml \
      "${args[@]}" --set routing.policy=spray --set transport.kind=dctcp -o "$out/r.h5" \
      --quiet > /dev/null
    read -r pkts events wall <<< "$(/usr/bin/python3 -c '
import h5py, sys
with h5py.File(sys.argv[1]) as f:
    print(int(f["flows/packets"][:].sum()), f.attrs["events"], f.attrs["wall_seconds"])
' "$out/r.h5")"
    rss=$(cat "$out/rss")
    if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$wall
    fi
    if [[ -z $best_rss ]] || ((rss < best_rss)); then best_rss=$rss; fi
  done
  rate=$(awk -v n="$pkts" -v w="$best_wall" 'BEGIN { printf "%.0f", n / w }')
  [[ $hosts == 128 ]] && base_rate=$rate
  awk -v h="$hosts" -v n="$pkts" -v e="$events" -v w="$best_wall" -v r="$best_rss" \
    -v rate="$rate" -v base="$base_rate" 'BEGIN {
      ratio = base != "" ? sprintf("%.2f", rate / base) : "-"
      printf "%6d %10d %10d %10.2f %12.0f %8.3f %9.1f %9s\n",
             h, n, e, e / n, rate, w, r / 1024, ratio }'
done
