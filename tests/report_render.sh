#!/usr/bin/env bash
# `fabricsim report` on a small quickstart (its MoE layer on a 4 x 4 leaf-spine of 16 GPUs):
# the page holds every plot that applies, as an embedded image with its id, and renders in
# headless Chromium to a screenshot that is not blank. Exits 77 (ctest SKIP_RETURN_CODE)
# after the page checks when Chromium is absent.
#   tests/report_render.sh SOURCE_DIR FABRICSIM
set -euo pipefail
source=$1 fabricsim=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One line: a result records each override on a line of its own.
link='{rate: 400Gbps, latency: 500ns}'
fabric="{kind: leaf_spine, leaves: 4, spines: 4, hosts_per_leaf: 4, host_link: $link, fabric_link: $link}"
"$fabricsim" run "$source/scenarios/quickstart.yaml" -o "$work/run.h5" --quiet --set "topology=$fabric" \
  --set workload.0.experts=32 --set workload.0.tokens_per_gpu=256
"$fabricsim" report "$work/run.h5" -o "$work/report.html"

# Every plot of a flow-model MoE run is an <img> with its id and a PNG inside; the queue
# plot is listed as not in this run.
/usr/bin/python3 - "$work/report.html" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
images = re.findall(r'<img id="([a-z-]+)" [^>]*src="data:image/png;base64,', text)
expected = ["fct-cdf", "link-heatmap", "step-timeline", "step-bounds", "expert-heatmap"]
assert images == expected, images
assert re.findall(r'<li id="missing-([a-z-]+)"', text) == ["queue-series"]
assert not re.search(r'(src|href)="(?!data:)', text), "the page refers to another file"
print(f"report: {len(images)} plots ({', '.join(images)}), {len(text):,} bytes")
PY

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "SKIP: chromium is not installed (apt-get install -y chromium), so the page was not rendered"
  exit 77
fi
# --no-sandbox: Chromium refuses to run as root with its sandbox.
if ! "$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
    --screenshot="$work/shot.png" --window-size=1280,4000 "file://$work/report.html" \
    >"$work/chromium.log" 2>&1; then
  cat "$work/chromium.log"
  exit 1
fi

# Not blank: text, tables and the plots' colours. Colourful pixels (channels far apart) come
# only from the plots, so they show that the images decoded.
/usr/bin/python3 - "$work/shot.png" <<'PY'
import sys
import matplotlib.image
import numpy as np
pixels = matplotlib.image.imread(sys.argv[1])[..., :3]
height, width, _ = pixels.shape
assert (width, height) == (1280, 4000), (width, height)
non_white = (pixels < 0.95).any(axis=2).mean()
colourful = (pixels.max(axis=2) - pixels.min(axis=2) > 0.25).mean()
colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
print(f"screenshot {width}x{height}: {non_white:.1%} not white, {colourful:.1%} colourful, "
      f"{colours:,} distinct colours")
assert non_white > 0.05 and colourful > 0.02 and colours > 500
PY
