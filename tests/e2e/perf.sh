#!/usr/bin/env bash
# The app's speed on a large archive, in a real window (README "Measured"):
#   target/bench-fast/tracelab gen-sample --out /tmp/bench-1m --sessions 1000000
#   bash tests/e2e/perf.sh /tmp/bench-1m
# Prints medians and writes target/e2e-perf.json. Uses the app `tests/e2e/run.sh` builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
archive=$(realpath "${1:?usage: perf.sh ARCHIVE}")
export TRACELAB_ARCHIVE="$archive"
export TRACELAB_APP="$(realpath "${TRACELAB_APP:-target/debug/tracelab-app}")"
XDG_CONFIG_HOME=$(mktemp -d)
export XDG_CONFIG_HOME
export WEBKIT_DISABLE_DMABUF_RENDERER=1
export WEBKIT_DISABLE_COMPOSITING_MODE=1
mkdir -p target
cd tests/e2e
xvfb-run -a -s "-screen 0 1440x900x24" npx wdio run wdio.conf.ts --spec ${PERF_SPEC:-perf/fast.perf.ts}
