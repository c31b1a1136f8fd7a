#!/usr/bin/env bash
# The desktop end-to-end test: the built app in a real WebKit window under Xvfb, driven by
# WebdriverIO through tauri-driver and WebKitWebDriver. Screenshots: target/e2e-screenshots/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

# The whole workspace with every target, as `cargo test --workspace` builds it: leaving out the
# test targets (or building one package alone) unifies features differently and rebuilds
# DataFusion and half the tree a second time (eight minutes on two cores).
cargo build --workspace --all-targets --locked
EXPECTED_SESSIONS=$(target/debug/tracelab info sample-data/archive --json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"])')
export EXPECTED_SESSIONS
export TRACELAB_APP="$PWD/target/debug/tracelab-app"
# A fresh config folder: the app starts as on first run and opens the bundled sample archive.
XDG_CONFIG_HOME=$(mktemp -d)
export XDG_CONFIG_HOME
# WebKitGTK's DMA-BUF renderer draws nothing under Xvfb; use the shared-memory path.
export WEBKIT_DISABLE_DMABUF_RENDERER=1
export WEBKIT_DISABLE_COMPOSITING_MODE=1
mkdir -p target/e2e-screenshots
cd tests/e2e
xvfb-run -a -s "-screen 0 1440x900x24" npm test --silent
