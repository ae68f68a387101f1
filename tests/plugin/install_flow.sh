#!/bin/sh
# The plug-in author's path end to end: install the build into a fresh prefix, check that
# every installed header compiles on its own there, build plugins/example standalone
# against the prefix with find_package(fabricsim), and run a scenario with the result
# through the installed fabricsim; /flows must show the policy's choices.
# Usage: install_flow.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
source=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/fabricsim_install_flow.XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null

for header in $(cd "$work/prefix/include/fabricsim" && find . -name '*.hpp' | sort); do
  echo "#include \"${header#./}\"" |
    c++ -std=c++20 -fsyntax-only -I "$work/prefix/include/fabricsim" -x c++ - ||
    { echo "installed header ${header#./} does not compile on its own"; exit 1; }
done

cmake -S "$source/plugins/example" -B "$work/rotate" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/rotate" >/dev/null
test -f "$work/rotate/libfabricsim_rotate.so"

cat >"$work/run.yaml" <<YAML
topology: {leaves: 2, spines: 4, hosts_per_leaf: 2}
routing: {plugin: rotate/libfabricsim_rotate.so, policy: rotate, params: {offset: 1}}
workload:
  - {kind: all_to_all, bytes: 64KiB}
output: {file: $work/out.h5}
YAML
"$work/prefix/bin/fabricsim" run "$work/run.yaml" --quiet

# Between the two leaves (hosts 0-1 and 2-3) the candidates are 4 consecutive path ids, the
# pair's first id being the smallest one its flows use; flow k takes the (k + 1) mod 4-th.
/usr/bin/python3 - "$work/out.h5" <<'PY'
import sys
import h5py
flows = h5py.File(sys.argv[1], "r")["flows"]
src, dst, app, path = (flows[c][:] for c in ("src", "dst", "app_flow", "path_id"))
across = [i for i in range(len(src)) if src[i] // 2 != dst[i] // 2]
assert len(across) == 8, across
for pair in {(src[i] // 2, dst[i] // 2) for i in across}:
    rows = [i for i in across if (src[i] // 2, dst[i] // 2) == pair]
    first = min(path[i] - (app[i] + 1) % 4 for i in rows)
    for i in rows:
        assert path[i] == first + (app[i] + 1) % 4, (pair, app[i], path[i], first)
print("install flow: %d flows between leaves routed by the installed plug-in" % len(across))
PY
