#!/usr/bin/env bash
# ctest notebook.<name>: runs the small sweep scenarios/sweeps/<sweep>.yaml with
# `fabricsim sweep`, then executes analysis/notebooks/<name>.ipynb on it (jupyter nbconvert,
# nbclient underneath): an error in any cell, the notebook's own asserts included, fails the
# test, and so does a notebook that saves no figure.
#   tests/notebook_test.sh SOURCE_DIR FABRICSIM NOTEBOOK SWEEP
set -euo pipefail
source_dir=$1 fabricsim=$2 notebook=$3 sweep=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$fabricsim" sweep "$source_dir/scenarios/sweeps/$sweep.yaml" -o "$work/sweep" --quiet
FABRICSIM_SWEEP="$work/sweep" FABRICSIM_FIGURES="$work/figures" \
  PYTHONPATH="$source_dir/analysis${PYTHONPATH:+:$PYTHONPATH}" PYDEVD_DISABLE_FILE_VALIDATION=1 \
  /usr/bin/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
  --output-dir "$work" "$source_dir/analysis/notebooks/$notebook.ipynb"
figures=("$work"/figures/*.png)
[[ -e "${figures[0]}" ]] || { echo "$notebook.ipynb saved no figure" >&2; exit 1; }
echo "$notebook.ipynb ran on $sweep; figures: ${figures[*]##*/}"
