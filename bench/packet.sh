#!/usr/bin/env bash
# Packet-model benchmark: permutations of 2 MB flows at 128 and 1024 hosts and an all-to-all of
# 64 KiB among 1024 hosts in groups of 64, with spray and ecmp. For each run: data packets
# sent (retransmissions included, from /flows/packets), events, events per data packet, data
# packets per wall second, wall seconds, peak RSS and peak RSS per flow.
# CASES="perm-128:spray:dctcp ..." picks runs (case:policy:transport).
set -euo pipefail
cd "$(dirname "$0")/.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
big=(--set topology.leaves=32 --set topology.spines=32 --set topology.hosts_per_leaf=32)
default_cases=""
for c in perm-128 perm-1024; do
  for t in ideal dctcp; do
    for p in spray ecmp; do default_cases+="$c:$p:$t "; done
  done
done
default_cases+="a2a-1024:spray:dctcp a2a-1024:ecmp:dctcp"
printf "%-9s %-6s %-6s %7s %10s %10s %10s %12s %8s %9s %10s\n" \
  case policy transp flows data_pkts events ev_per_pkt pkts_per_s wall_s peak_MiB B_per_flow
for run in ${CASES:-$default_cases}; do
  IFS=: read -r name policy transport <<< "$run"
  case $name in
    perm-128) args=(bench/scenarios/perm-packet.yaml) ;;
    perm-1024) args=(bench/scenarios/perm-packet.yaml "${big[@]}") ;;
    a2a-1024) args=(bench/scenarios/a2a-packet.yaml) ;;
    *) echo "unknown case $name" >&2; exit 2 ;;
  esac
  /usr/bin/time -f "%M" -o "$out/rss" "$FABRICSIM" run "${args[@]}" -o "$out/r.h5" --quiet \
    --set routing.policy="$policy" --set transport.kind="$transport" > /dev/null
  read -r flows pkts events wall <<< "$(/usr/bin/python3 -c '
import h5py, sys
with h5py.File(sys.argv[1]) as f:
    print(len(f["flows/id"]), int(f["flows/packets"][:].sum()), f.attrs["events"], f.attrs["wall_seconds"])
' "$out/r.h5")"
  awk -v c="$name" -v p="$policy" -v t="$transport" -v f="$flows" -v n="$pkts" -v e="$events" \
    -v w="$wall" -v r="$(cat "$out/rss")" 'BEGIN {
      printf "%-9s %-6s %-6s %7d %10d %10d %10.2f %12.0f %8.3f %9.1f %10.0f\n",
             c, p, t, f, n, e, e / n, n / w, w, r / 1024, r * 1024 / f }'
done
