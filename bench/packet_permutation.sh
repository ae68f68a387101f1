#!/usr/bin/env bash
# Packet-model benchmark: permutations of 2 MB flows at 128 and 1024 hosts, spray and ecmp.
# Prints data packets, events per data packet, data packets per wall second, wall time and
# peak RSS. Transport is `ideal` (no ACKs), so events per packet are data-path events only.
set -euo pipefail
cd "$(dirname "$0")/.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
big=(--set topology.leaves=32 --set topology.spines=32 --set topology.hosts_per_leaf=32)
printf "%-6s %-6s %12s %10s %12s %14s %8s %9s\n" hosts policy data_pkts events ev_per_pkt pkts_per_s wall_s peak_MiB
for hosts in 128 1024; do
  for policy in spray ecmp; do
    extra=(); [[ $hosts == 1024 ]] && extra=("${big[@]}")
    /usr/bin/time -f "%M" -o "$out/rss" "$FABRICSIM" run bench/scenarios/perm-packet.yaml -o "$out/r.h5" \
      --set routing.policy=$policy "${extra[@]}" > "$out/summary"
    read -r ev wall <<< "$(sed -n 's/.*events: \([0-9]*\) .*wall time: \([0-9.]*\) s.*/\1 \2/p' "$out/summary")"
    # 2 MB = 2,000,000 B of payload per flow in packets of 4,096 - 64 = 4,032 B: 497 packets.
    pkts=$((hosts * 497))
    awk -v h="$hosts" -v p="$policy" -v n="$pkts" -v e="$ev" -v w="$wall" -v r="$(cat "$out/rss")" \
      'BEGIN { printf "%-6s %-6s %12d %10d %12.2f %14.0f %8.3f %9.1f\n", h, p, n, e, e / n, n / w, w, r / 1024 }'
  done
done
