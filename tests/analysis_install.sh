#!/usr/bin/env bash
# The analysis package installs as a package: a venv made with --system-site-packages from
# Debian's Python, `pip install --no-deps --no-build-isolation -e analysis` (nothing fetched),
# then, from another folder and without PYTHONPATH, the package imports from the source tree
# and loads a result the fabricsim binary writes.
#   tests/analysis_install.sh SOURCE_DIR FABRICSIM
set -euo pipefail
source=$1 fabricsim=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
"$work/venv/bin/pip" install --quiet --no-index --no-deps --no-build-isolation -e "$source/analysis"
"$work/venv/bin/pip" show fabricsim-analysis | grep "^Version: 0.1.0$" >/dev/null
cat >"$work/run.yaml" <<YAML
topology: {leaves: 2, spines: 2, hosts_per_leaf: 2}
workload:
  - {kind: all_to_all, bytes: 64KiB}
YAML
"$fabricsim" run "$work/run.yaml" -o "$work/run.h5" --quiet
cd "$work"
unset PYTHONPATH
"$work/venv/bin/python" - "$source" "$work/run.h5" <<'PY'
import pathlib, sys
import fabricsim_analysis
source, result = pathlib.Path(sys.argv[1]).resolve(), sys.argv[2]
where = pathlib.Path(fabricsim_analysis.__file__).resolve()
assert where.is_relative_to(source / "analysis"), f"imported from {where}, not the source tree"
r = fabricsim_analysis.load(result)
assert len(r.flows) == 12, len(r.flows)  # 4 hosts, all pairs
assert r.flows.finished.all()
print(f"fabricsim_analysis from {where.parent}: {len(r.flows)} flows loaded")
PY
