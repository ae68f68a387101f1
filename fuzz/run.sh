#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, in build-fuzz/) and runs each on a seed
# corpus drawn from the repository's scenarios and fixtures.
#   fuzz/run.sh [RUNS [TARGET...]]   RUNS executions per target (default 1000000); targets:
#                                    fuzz_scenario fuzz_units fuzz_connection_matrix fuzz_moe_trace
# FUZZ_MAX_SECONDS=N stops each target after N seconds even if RUNS were not reached.
# The growing corpus stays in build-fuzz/corpus/<target>/; crashes go to
# build-fuzz/crashes/<target>/ (each one should become a regression test under tests/).
# fuzz_moe_trace decodes in-process, where libhdf5's own crashes on malformed files still
# show; fabricsim reads traces in a child process that turns them into exit 2. So that target
# runs with -fork=1 -ignore_crashes=1 (it goes on past them), and every crash it saves is
# replayed through the child (FABRICSIM_FUZZ_ISOLATED=1): "isolated ok" means refused with an
# error; "ISOLATED CRASH" is a crash outside libhdf5's reach and a bug of ours.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-1000000}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(fuzz_scenario fuzz_units fuzz_connection_matrix fuzz_moe_trace)

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFABRICSIM_FUZZ=ON -DFABRICSIM_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"

# seed_files TARGET: the repository files that seed TARGET, one per line.
seed_files() {
  case "$1" in
    fuzz_scenario) find scenarios tests/scenarios topologies -name '*.yaml' ;;
    fuzz_connection_matrix) find scenarios tests/scenarios -name '*.cm' ;;
    fuzz_moe_trace) find scenarios tests -name '*.h5' ;;
  esac
}

# HDF5 sizes its buffers from the file's headers: a corrupt header asks malloc for exabytes,
# which fails (and HDF5 reports an error) in an ordinary build; ASan must do the same.
export ASAN_OPTIONS="${ASAN_OPTIONS:-allocator_may_return_null=1}"
# HDF5's own leak on that error path is not ours (tests/lsan_suppressions.txt).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan_suppressions.txt}"

for target in "${targets[@]}"; do
  seeds="build-fuzz/corpus/$target/seeds" corpus="build-fuzz/corpus/$target/work"
  crashes="build-fuzz/crashes/$target"
  mkdir -p "$seeds" "$corpus" "$crashes"
  if [[ "$target" == fuzz_units ]]; then
    n=0
    while IFS= read -r line; do printf '%s' "$line" >"$seeds/unit$((n++))"; done <fuzz/seeds/units.txt
  else
    seed_files "$target" | while IFS= read -r f; do cp "$f" "$seeds/$(echo "$f" | tr / _)"; done
  fi
  mode=()
  [[ "$target" == fuzz_moe_trace ]] && mode=(-fork=1 -ignore_crashes=1)
  echo "fuzz: $target, $runs runs, $(ls "$seeds" | wc -l) seeds"
  build-fuzz/fuzz/"$target" "${mode[@]}" -runs="$runs" -max_total_time="${FUZZ_MAX_SECONDS:-0}" -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$corpus" "$seeds" 2>&1 | grep -E '^(stat::|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written|INFO: (fuzzed|exiting)|CRASH|#[0-9]+: cov)' |
    awk '/^#[0-9]+: cov/ { last = $0; next } { print } END { if (last) print last }' || true
  echo "fuzz: $target corpus $(ls "$corpus" | wc -l) files, crashes $(ls "$crashes" | wc -l)"
  if [[ "$target" == fuzz_moe_trace ]]; then
    for crash in "$crashes"/*; do
      [[ -e "$crash" ]] || continue
      if FABRICSIM_FUZZ_ISOLATED=1 build-fuzz/fuzz/"$target" "$crash" >/dev/null 2>&1; then
        echo "fuzz: isolated ok: $crash"
      else
        echo "fuzz: ISOLATED CRASH: $crash"
      fi
    done
  fi
done
