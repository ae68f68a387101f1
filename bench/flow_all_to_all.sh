#!/usr/bin/env bash
# Flow-model benchmark: all-to-all at 256 and 1024 GPUs. Prints, per case, the flows, the
# simulated time, events, events/s, wall time and peak RSS (from /usr/bin/time).
#   bench/flow_all_to_all.sh              # all cases
#   CASES="a2a-256:ecmp" bench/flow_all_to_all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
CASES=${CASES:-"a2a-256:ecmp a2a-256:spray a2a-1024-g64:ecmp a2a-1024-g64:spray a2a-1024:ecmp"}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf "%-14s %-6s %10s %12s %10s %12s %9s %10s\n" case policy flows sim_time_us events events/s wall_s peak_MiB
for c in $CASES; do
  name=${c%%:*}; policy=${c##*:}; extra=()
  if [[ $name == a2a-1024-g64 ]]; then scenario=a2a-1024; extra=(--set workload.0.group_size=64)
  else scenario=$name; fi
  cmd=("$FABRICSIM" run "bench/scenarios/$scenario.yaml" -o "$out/r.h5" --set "routing.policy=$policy" "${extra[@]}")
  /usr/bin/time -f "%M" -o "$out/rss" "${cmd[@]}" > "$out/summary"
  flows=$(sed -n 's/.*flows: \([0-9]*\),.*/\1/p' "$out/summary")
  sim=$(sed -n 's/.*simulated time: \([0-9.]*\) us.*/\1/p' "$out/summary")
  events=$(sed -n 's/.*events: \([0-9]*\) (\([0-9.e+]*\) events\/s), wall time: \([0-9.]*\) s.*/\1 \2 \3/p' "$out/summary")
  read -r ev rate wall <<< "$events"
  printf "%-14s %-6s %10s %12s %10s %12s %9s %10.1f\n" "$name" "$policy" "$flows" "$sim" "$ev" "$rate" "$wall" "$(awk "{print \$1 / 1024}" "$out/rss")"
done
