#!/usr/bin/env bash
# Side-by-side throughput of `tracelab decontam` and allenai's decon (PyPI `decontaminate`),
# both checking one archive's sessions against SWE-bench Verified + Lite problem statements.
#
# Usage: scripts/bench-decon.sh [ARCHIVE] [TRACELAB]
#   ARCHIVE   default sample-data/archive
#   TRACELAB  default $TRACELAB, else target/bench-fast/tracelab
# Env: BENCHMARKS_DIR (crates/tracelab-core/corpora), DECON_TOKENIZER (cl100k), DECON_NGRAM (13),
#      THREADS (2, decon's worker threads and training shards). Work files: target/tmp/bench-decon.
# Export and conversion are not timed; decon's time is its Python process (index + detection).
set -euo pipefail
cd "$(dirname "$0")/.."

ARCHIVE=${1:-sample-data/archive}
TRACELAB=${2:-${TRACELAB:-target/bench-fast/tracelab}}
BENCH=${BENCHMARKS_DIR:-crates/tracelab-core/corpora}
SLIM=("$BENCH/swebench_verified.slim.jsonl" "$BENCH/swebench_lite.slim.jsonl")
TOKENIZER=${DECON_TOKENIZER:-cl100k}
NGRAM=${DECON_NGRAM:-13}
THREADS=${THREADS:-2}
VENV=.venv-decon
WORK=target/tmp/bench-decon
TO_DECON=crates/tracelab-bench/decon/to_decon.py

[[ -x $TRACELAB ]] || { echo "no tracelab binary at $TRACELAB" >&2; exit 1; }

# decon ships a cp312 wheel only.
if ! "$VENV/bin/python" -c 'import decon' 2>/dev/null; then
  PY312=$(command -v python3.12 || ls ~/.pyenv/versions/3.12*/bin/python3.12 | tail -1)
  "$PY312" -m venv "$VENV"
  "$VENV/bin/pip" install -q decontaminate==0.3.0.post4
fi
PY=$VENV/bin/python

# timed NAME CMD...: runs CMD, leaves "seconds max_rss_kb" in $WORK/NAME.time.
timed() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$WORK/$name.time" "$@"
}

rm -rf "$WORK" && mkdir -p "$WORK"
echo "exporting $ARCHIVE ..."
"$TRACELAB" export "$ARCHIVE" --out "$WORK/sessions.jsonl" >/dev/null
read -r SESSIONS BYTES < <("$PY" "$TO_DECON" training "$WORK/sessions.jsonl" "$WORK/training" \
  --shards "$THREADS" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["sessions"], d["text_bytes"])')
"$PY" "$TO_DECON" evals "$WORK/evals" "${SLIM[@]}" >/dev/null
rm "$WORK/sessions.jsonl"

echo "running decon ($TOKENIZER $NGRAM-grams, $THREADS threads) ..."
timed decon "$PY" -c '
import decon, sys
training, evals, report, tokenizer, ngram, threads = sys.argv[1:]
decon.detect(decon.Config(training_dir=training, evals_dir=evals, report_output_dir=report,
    tokenizer=tokenizer, ngram_size=int(ngram), worker_threads=int(threads)))
' "$WORK/training" "$WORK/evals" "$WORK/report" "$TOKENIZER" "$NGRAM" "$THREADS" >"$WORK/decon.log"
# Contaminated documents: distinct (file, line) in decon's reports.
DECON_HITS=$("$PY" -c 'import glob, json, sys
print(len({(r["training_file"], r["training_line"])
           for p in glob.glob(sys.argv[1] + "/*.jsonl") for r in map(json.loads, open(p))}))' "$WORK/report")

echo "running tracelab decontam ..."
timed tracelab "$TRACELAB" decontam "$ARCHIVE" --benchmarks "${SLIM[@]}" --json >"$WORK/tracelab.json"
OUR_HITS=$(jq '.sessions.sessions.problem_statement' "$WORK/tracelab.json")

echo
printf '%-10s %9s %11s %8s %10s %6s\n' tool seconds sessions/s 'MB/s' 'max RSS' hits
row() {
  local secs rss
  read -r secs rss <"$WORK/$1.time"
  awk -v t="$1" -v s="$secs" -v r="$rss" -v n="$SESSIONS" -v b="$BYTES" -v h="$2" 'BEGIN {
    printf "%-10s %9.2f %11.0f %8.1f %7.0f MB %6d\n", t, s, n / s, b / 1e6 / s, r / 1024, h }'
}
row decon "$DECON_HITS"
row tracelab "$OUR_HITS"
read -r D _ <"$WORK/decon.time"
read -r T _ <"$WORK/tracelab.time"
awk -v d="$D" -v t="$T" 'BEGIN { printf "\ndecon / tracelab wall time: %.2fx\n", d / t }'
echo "$SESSIONS sessions, $(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB of text;" \
  "hits: decon's contaminated documents vs tracelab's sessions with problem_statement hits"
