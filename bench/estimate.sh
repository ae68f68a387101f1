#!/usr/bin/env bash
# The resource estimate against what runs use: per case, the state `validate` estimates and the
# peak RSS of the run (/usr/bin/time). The estimate is meant to be an upper bound within ~2x.
#   bench/estimate.sh                        # all cases
#   CASES="a2a-256 perm-packet" bench/estimate.sh
# Cases: quickstart (scenarios/quickstart.yaml) and the files of bench/scenarios/ by name;
# NAME:g=G sets the all-to-all group size.
set -euo pipefail
cd "$(dirname "$0")/.."
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
CASES=${CASES:-"quickstart a2a-256 a2a-1024:g=256 a2a-1024:g=512 a2a-packet:g=16 a2a-packet perm-packet moe-4096"}
[[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf "%-18s %12s %14s %14s %6s\n" case flows estimate_MiB peak_RSS_MiB ratio
for c in $CASES; do
  name=${c%%:*}; extra=(); scenario=bench/scenarios/$name.yaml
  [[ $name == quickstart ]] && scenario=scenarios/quickstart.yaml
  [[ $c == *:g=* ]] && extra=(--set "workload.0.group_size=${c##*:g=}")
  line=$("$FABRICSIM" validate "$scenario" "${extra[@]}" | tail -1)
  flows=$(sed -n 's/# resource estimate: \([0-9,]*\) flows.*/\1/p' <<< "$line")
  estimate=$(sed -n 's/.*about \([0-9.]*\) \([GM]iB\) of state.*/\1 \2/p' <<< "$line" |
             awk '{print $2 == "GiB" ? $1 * 1024 : $1}')
  /usr/bin/time -f "%M" -o "$out/rss" "$FABRICSIM" run "$scenario" "${extra[@]}" --quiet -o "$out/r.h5"
  rss=$(awk '{print $1 / 1024}' "$out/rss")
  printf "%-18s %12s %14.1f %14.1f %6.2f\n" "$c" "$flows" "$estimate" "$rss" "$(awk "BEGIN {print $estimate / $rss}")"
done
