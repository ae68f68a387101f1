#!/usr/bin/env bash
# Packet model on two 1024-host fabrics: a permutation with dctcp on a k = 16 fat-tree
# (bench/scenarios/perm-ft1024.yaml: 6-link host-to-host routes across pods) and on a
# 32 x 32 leaf-spine (bench/scenarios/perm-ls1024.yaml: 4-link routes), both 400 Gb/s hosts,
# non-blocking, same bytes per flow (BYTES, default 24MB: 5,953 packets of 4,032 B payload),
# with spray and ecmp. Per run: flows, data packets delivered (each packet of each completed
# flow once: /flows/packets - /flows/retransmits, read from the result as bench/packet.sh
# does), retransmissions and drops (summary), events and the run loop's wall time (the
# summary's `events: ..., wall time: ... s` line, parsed as bench/flow.sh does), events per
# delivered data packet, delivered data packets per wall second, and the peak RSS of the
# whole process (/usr/bin/time). Each row is the fastest of RUNS runs (default 3); the
# simulation itself is deterministic, so only the times differ between runs.
#   bench/packet_fabrics.sh
#   CASES="ft:spray ls:spray" BYTES=2MB RUNS=1 bench/packet_fabrics.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
CASES=${CASES:-"ft:spray ft:ecmp ls:spray ls:ecmp"}
BYTES=${BYTES:-24MB}
RUNS=${RUNS:-3}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf "%-8s %-6s %6s %10s %6s %6s %10s %10s %11s %8s %9s\n" \
  fabric policy flows data_pkts retx drops events ev_per_pkt pkts_per_s wall_s peak_MiB
for c in $CASES; do
  IFS=: read -r fabric policy <<< "$c"
  case $fabric in
    ft) scenario=bench/scenarios/perm-ft1024.yaml; label=ft-k16 ;;
    ls) scenario=bench/scenarios/perm-ls1024.yaml; label=ls-32x32 ;;
    *) echo "unknown fabric $fabric (ft or ls)" >&2; exit 2 ;;
  esac
  best=""
  for ((r = 0; r < RUNS; r++)); do
    /usr/bin/time -f "%M" -o "$out/rss" "$FABRICSIM" run "$scenario" -o "$out/r.h5" \
      --set routing.policy="$policy" --set workload.0.bytes="$BYTES" > "$out/summary"
    grep -q "): complete$" "$out/summary" || { echo "$c: run incomplete" >&2; cat "$out/summary" >&2; exit 1; }
    read -r ev wall <<< "$(sed -n 's/.*events: \([0-9]*\) (\([0-9.e+]*\) events\/s), wall time: \([0-9.]*\) s.*/\1 \3/p' "$out/summary")"
    read -r retx drops <<< "$(sed -n 's/.*packets: \([0-9]*\) retransmitted, [0-9]* reordered, \([0-9]*\) dropped.*/\1 \2/p' "$out/summary")"
    if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN {exit !(a < b)}'; then
      best=$wall
      read -r flows pkts <<< "$(/usr/bin/python3 -c '
import h5py, sys
with h5py.File(sys.argv[1]) as f:
    done = f["flows/end_ps"][:] >= 0
    sent = f["flows/packets"][:].astype("int64") - f["flows/retransmits"][:]
    print(len(f["flows/id"]), int(sent[done].sum()))
' "$out/r.h5")"
      row=$(awk -v c="$label" -v p="$policy" -v f="$flows" -v n="$pkts" -v x="$retx" -v d="$drops" \
        -v e="$ev" -v w="$wall" -v r="$(cat "$out/rss")" 'BEGIN {
          printf "%-8s %-6s %6d %10d %6d %6d %10d %10.2f %11.0f %8.3f %9.1f",
                 c, p, f, n, x, d, e, e / n, n / w, w, r / 1024 }')
    fi
  done
  echo "$row"
done
