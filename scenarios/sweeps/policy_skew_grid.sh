# Sourced by the sweep scripts here (run from the repository root): runs SCENARIO once per
# routing policy in POLICIES and Zipf exponent in SKEWS, TOKENS tokens per GPU, JOBS runs at a
# time (xargs -P), writing OUT/<policy>-s<skew>.h5. Extra arguments go to every run
# (e.g. --set model=packet).
FABRICSIM=${FABRICSIM:-build/sim/app/fabricsim}
JOBS=${JOBS:-$(nproc)}

run_policy_skew_grid() {
  [[ -x "$FABRICSIM" ]] || { echo "build first: ./setup.sh build" >&2; exit 2; }
  mkdir -p "$OUT"
  for policy in $POLICIES; do
    for s in $SKEWS; do
      echo "$FABRICSIM run $SCENARIO --quiet -o $OUT/$policy-s$s.h5 $*" \
           "--set routing.policy=$policy --set workload.0.skew.s=$s" \
           "--set workload.0.tokens_per_gpu=$TOKENS"
    done
  done | xargs -P "$JOBS" -I{} sh -c '{}'
}
