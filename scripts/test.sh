#!/usr/bin/env bash
# Set-up command 2: installs what is missing and runs every test: formatting, clippy, the Rust
# tests, svelte-check and Vitest, DuckDB reading the sample archive, and the desktop app in a
# real WebKit window under Xvfb driven by WebdriverIO.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
step() { echo; echo "==> $* ($((SECONDS - started))s)"; }

source scripts/install.sh

step "UI build (the app embeds ui/dist)"
(cd ui && npm run --silent build)

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "scipy and statsmodels recompute the diagnosis statistics"
.venv/bin/python tests/interop/stats_reference.py target/stats-reference.json

step "datasets, TRL and DuckDB load a curated export of the sample archive"
rm -rf target/tmp/curated
target/debug/tracelab curate sample-data/archive --config sample-data/curate.toml --out target/tmp/curated >/dev/null
TRANSFORMERS_VERBOSITY=error HF_DATASETS_DISABLE_PROGRESS_BARS=1 HF_HUB_OFFLINE=1 \
  .venv/bin/python tests/interop/curated_export.py target/tmp/curated

step "svelte-check and Vitest; tsc on the end-to-end specs"
(cd ui && npm run --silent check && npm test --silent)
(cd tests/e2e && npm run --silent check)

step "DuckDB reads the sample archive"
.venv/bin/python tests/interop/duckdb_counts.py target/debug/tracelab sample-data/archive

step "desktop end-to-end test (tauri-driver + WebKitWebDriver under Xvfb)"
bash tests/e2e/run.sh

step "all tests passed"
