#!/usr/bin/env bash
# `fabricsim report` hands its words to Python and passes its exit code through: --help is
# the module's, a missing result exits 2, an interpreter that cannot start exits 2 with a
# message naming it, and any other code comes back unchanged.
#   tests/report_command.sh FABRICSIM
set -euo pipefail
fabricsim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

out=$("$fabricsim" report --help) || fail "--help exited $?"
grep -q "^usage: fabricsim report .*-o REPORT.html RESULT.h5" <<<"$out" || fail "help: $out"

set +e
err=$("$fabricsim" report "$work/none.h5" -o "$work/r.html" 2>&1); code=$?
[ $code -eq 2 ] && grep -q "no such result file" <<<"$err" || fail "missing result: $code $err"
err=$(FABRICSIM_PYTHON="$work/no-python" "$fabricsim" report x.h5 -o r.html 2>&1); code=$?
[ $code -eq 2 ] && grep -q "cannot run Python '$work/no-python' (FABRICSIM_PYTHON" <<<"$err" \
  || fail "no interpreter: $code $err"
# A stand-in interpreter that records its PYTHONPATH and exits 7.
printf '#!/bin/sh\necho "$PYTHONPATH" >"%s/path"\nexit 7\n' "$work" >"$work/python"
chmod +x "$work/python"
PYTHONPATH=/elsewhere FABRICSIM_PYTHON="$work/python" "$fabricsim" report x.h5 -o r.html
code=$?
set -e
[ $code -eq 7 ] || fail "exit code not passed through: $code"
grep -q "/analysis:/elsewhere$\|/share/fabricsim/python:/elsewhere$" "$work/path" \
  || fail "PYTHONPATH: $(cat "$work/path")"
echo "fabricsim report: help, exit 2 on bad input and no interpreter, exit 7 passed through," \
  "PYTHONPATH $(cat "$work/path")"
