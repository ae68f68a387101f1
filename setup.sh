#!/usr/bin/env bash
# One-step set-up for fabricsim on Debian 12: installs what is missing, builds, then
#   ./setup.sh run   runs the default scenario (scenarios/quickstart.yaml), writes an HDF5 result
#                    and prints a summary
#   ./setup.sh test  runs the whole test suite (C++ and Python)
#   ./setup.sh build only installs and builds
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(cmake make g++ git pkg-config
  libboost-graph-dev libboost-program-options-dev libyaml-cpp-dev libhdf5-dev
  libssl-dev libgtest-dev libgmock-dev python3 python3-h5py python3-pandas python3-pytest)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

build() {
  local werror=OFF
  [[ "${CI:-}" == "true" ]] && werror=ON
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFABRICSIM_WERROR="$werror" >/dev/null
  cmake --build build -j"$(nproc)"
}

command="${1:-run}"
case "$command" in
  build) install_missing; build ;;
  run)
    install_missing; build
    build/sim/app/fabricsim run scenarios/quickstart.yaml -o results/quickstart.h5 ;;
  test)
    install_missing; build
    ctest --test-dir build --output-on-failure -j"$(nproc)" ;;
  *) echo "usage: ./setup.sh [run|test|build]" >&2; exit 2 ;;
esac
