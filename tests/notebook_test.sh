#!/usr/bin/env bash
# ctest notebook.<name>: runs the small sweep scenarios/sweeps/<sweep>.yaml with
# `fabricsim sweep`, then executes analysis/notebooks/<name>.ipynb on it with nbclient (the
# notebook's own asserts and any error in a cell fail the test).
#   tests/notebook_test.sh SOURCE_DIR FABRICSIM NOTEBOOK SWEEP
set -euo pipefail
source_dir=$1 fabricsim=$2 notebook=$3 sweep=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$fabricsim" sweep "$source_dir/scenarios/sweeps/$sweep.yaml" -o "$work/sweep" --quiet
FABRICSIM_SWEEP="$work/sweep" FABRICSIM_FIGURES="$work/figures" \
  PYTHONPATH="$source_dir/analysis${PYTHONPATH:+:$PYTHONPATH}" PYDEVD_DISABLE_FILE_VALIDATION=1 \
  /usr/bin/python3 - "$source_dir/analysis/notebooks/$notebook.ipynb" <<'PY'
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

path = Path(sys.argv[1])
notebook = nbformat.read(path, as_version=4)
NotebookClient(notebook, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": str(path.parent)}}).execute()
figures = sorted(p.name for p in Path(__import__("os").environ["FABRICSIM_FIGURES"]).glob("*.png"))
assert figures, "the notebook saved no figure"
print(f"{path.name}: {len(notebook.cells)} cells ran; figures: {', '.join(figures)}")
PY
