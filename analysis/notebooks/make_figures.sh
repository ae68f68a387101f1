#!/usr/bin/env bash
# The full version of every notebook: runs its sweep in scenarios/sweeps/ into OUT (a second
# call resumes: complete runs are kept), executes the notebook on it, and saves its figures in
# docs/figures/ (shown in the README) and the executed notebook in OUT/.
#
#   analysis/notebooks/make_figures.sh [OUT]          # OUT defaults to results/notebooks
#   LAUNCH="mpirun --allow-run-as-root --oversubscribe -np 2" analysis/notebooks/make_figures.sh
#   NOTEBOOKS="failures" analysis/notebooks/make_figures.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${1:-$root/results/notebooks}")
fabricsim=${FABRICSIM:-$root/build/sim/app/fabricsim}
declare -A sweep_of=([routing]=routing-256gpu [expert-imbalance]=expert-imbalance
  [failures]=failures)
for notebook in ${NOTEBOOKS:-routing expert-imbalance failures}; do
  sweep=${sweep_of[$notebook]}
  ${LAUNCH:-} "$fabricsim" sweep "$root/scenarios/sweeps/$sweep.yaml" -o "$out/$sweep"
  FABRICSIM_SWEEP="$out/$sweep" FABRICSIM_FIGURES="$root/docs/figures" \
    PYTHONPATH="$root/analysis${PYTHONPATH:+:$PYTHONPATH}" PYDEVD_DISABLE_FILE_VALIDATION=1 \
    /usr/bin/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=3600 \
    --output-dir "$out" "$root/analysis/notebooks/$notebook.ipynb"
done
