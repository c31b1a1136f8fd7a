#!/usr/bin/env bash
# Installs what Tracelab needs on Debian 12 and is missing: system libraries for the Tauri
# app, WebKitWebDriver and Xvfb for the desktop tests, the UI's npm packages, tauri-driver,
# and a Python venv with DuckDB for the interoperability check. Idempotent: a second run
# installs nothing. Sourced by start.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  librsvg2-dev libxdo-dev libssl-dev webkit2gtk-driver xvfb xauth
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "error: cargo not found; install Rust (rustup) first" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "error: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

npm_ci() { # npm ci only when package-lock.json changed since the last install
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.tracelab-lock"; then
    echo "==> npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.tracelab-lock)
  fi
}
npm_ci ui
npm_ci tests/e2e

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

# DuckDB reads our Parquet (interop test); scipy and statsmodels check the diagnosis statistics;
# Hugging Face datasets and TRL's data utilities load curated exports. TRL goes in without its
# dependencies: its data utilities need transformers' tokenizers, not PyTorch (2.5 GB).
# moto's server is the S3-compatible endpoint the object-storage test starts.
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import duckdb, scipy, statsmodels, datasets, transformers, trl, moto' 2>/dev/null; then
  echo "==> Python venv with duckdb, scipy, statsmodels, datasets, transformers, trl, moto"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check duckdb scipy statsmodels \
    datasets==5.2.0 transformers==5.24.0 jinja2 'moto[server]==5.2.5'
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps trl==1.16.0
fi
