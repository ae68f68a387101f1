#!/usr/bin/env bash
# Flow-model benchmark: the exact fluid model on the cases of docs/flow-model.md. Prints, per
# case, the flows, the simulated time, events, events/s, wall time and peak RSS (/usr/bin/time).
#   bench/flow.sh                                  # all cases
#   CASES="a2a-256:ecmp moe-4096:ecmp" bench/flow.sh
# Cases: quickstart (scenarios/quickstart.yaml), a2a-256, a2a-1024 (all 1,047,552 pairs),
# a2a-1024-g64 (groups of 64), moe-4096 (one MoE layer on 4,096 GPUs), ft512 (all-to-all of
# 256 KiB on the paper's 512-GPU k = 8 fat-tree, bench/scenarios/ft512.yaml), each :policy.
set -euo pipefail
cd "$(dirname "$0")/.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
CASES=${CASES:-"quickstart:ecmp a2a-256:ecmp a2a-256:spray a2a-1024-g64:ecmp a2a-1024-g64:spray a2a-1024:ecmp moe-4096:ecmp ft512:ecmp ft512:spray"}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf "%-14s %-6s %10s %12s %10s %12s %9s %10s\n" case policy flows sim_time_us events events/s wall_s peak_MiB
for c in $CASES; do
  name=${c%%:*}; policy=${c##*:}; extra=(); scenario=bench/scenarios/$name.yaml
  case $name in
    quickstart) scenario=scenarios/quickstart.yaml ;;
    a2a-1024-g64) scenario=bench/scenarios/a2a-1024.yaml; extra=(--set workload.0.group_size=64) ;;
  esac
  cmd=("$FABRICSIM" run "$scenario" -o "$out/r.h5" --set "routing.policy=$policy" "${extra[@]}")
  /usr/bin/time -f "%M" -o "$out/rss" "${cmd[@]}" > "$out/summary"
  flows=$(sed -n 's/.*flows: \([0-9]*\),.*/\1/p' "$out/summary")
  sim=$(sed -n 's/.*simulated time: \([0-9.]*\) us.*/\1/p' "$out/summary")
  events=$(sed -n 's/.*events: \([0-9]*\) (\([0-9.e+]*\) events\/s), wall time: \([0-9.]*\) s.*/\1 \2 \3/p' "$out/summary")
  read -r ev rate wall <<< "$events"
  printf "%-14s %-6s %10s %12s %10s %12s %9s %10.1f\n" "$name" "$policy" "$flows" "$sim" "$ev" "$rate" "$wall" "$(awk "{print \$1 / 1024}" "$out/rss")"
done
