#!/usr/bin/env bash
# Set-up command 1: installs what is missing, builds, and starts the Tracelab app on the
# bundled sample archive (or on the archive given as the first argument).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/install.sh
echo "==> building the UI"
(cd ui && npm run --silent build)
echo "==> building the app"
cargo build --workspace
exec target/debug/tracelab-app "${1:-sample-data/archive}"
