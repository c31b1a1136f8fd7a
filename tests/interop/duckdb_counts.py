"""DuckDB reads an archive's Parquet without Tracelab and counts what `tracelab info` counts.

Usage: duckdb_counts.py TRACELAB_BIN ARCHIVE. Exits non-zero on any difference.
"""
import json
import subprocess
import sys
from pathlib import Path

import duckdb


def main() -> int:
    tracelab, archive = sys.argv[1], Path(sys.argv[2])
    info = json.loads(subprocess.run([tracelab, "info", str(archive), "--json"],
                                     check=True, capture_output=True, text=True).stdout)
    manifest = json.loads((archive / "manifest.json").read_text())
    # Only the parts the manifest lists, as Tracelab's own readers do.
    sessions = [str(archive / s["sessions"]) for s in manifest["segments"]]
    events = [str(archive / s["events"]) for s in manifest["segments"]]
    con = duckdb.connect()
    n_sessions = con.execute("select count(*) from read_parquet(?)", [sessions]).fetchone()[0]
    n_events = con.execute("select count(*) from read_parquet(?)", [events]).fetchone()[0]
    by_outcome = dict(con.execute(
        "select coalesce(outcome, 'unknown'), count(*) from read_parquet(?) group by 1", [sessions]
    ).fetchall())
    distinct = con.execute(
        "select count(distinct session_id) from read_parquet(?)", [events]).fetchone()[0]
    config_keys = con.execute(
        "select count(*) from read_parquet(?) where config['reasoning_effort'] is not null",
        [sessions]).fetchone()[0]
    checks = {
        "sessions": (n_sessions, info["sessions"]),
        "events": (n_events, info["events"]),
        "by_outcome": (by_outcome, info["by_outcome"]),
        "sessions with events": (distinct, info["sessions"]),
        # Every sample session carries the reasoning_effort knob in its config map.
        "config map readable": (config_keys, info["by_source_format"].get("sample", 0)),
    }
    failed = [k for k, (duck, ours) in checks.items() if duck != ours]
    for k, (duck, ours) in checks.items():
        print(f"{'ok ' if k not in failed else 'BAD'} {k}: duckdb={duck} tracelab={ours}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
