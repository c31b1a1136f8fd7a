"""Runs SQL statements in DuckDB over an archive's Parquet parts and prints the median
wall time of each, as JSON. Used by `bench-query`, side by side with Tracelab's engine.

Usage: duckdb_queries.py ARCHIVE RUNS < statements.json   (a JSON list of SQL strings)
"""
import json
import statistics
import sys
import time
from pathlib import Path

import duckdb


def main() -> None:
    archive, runs = Path(sys.argv[1]), int(sys.argv[2])
    statements = json.load(sys.stdin)
    manifest = json.loads((archive / "manifest.json").read_text())
    con = duckdb.connect()
    # The same files Tracelab reads: only the parts the manifest lists.
    for table, key in (("sessions", "sessions"), ("events", "events")):
        files = [str(archive / s[key]) for s in manifest["segments"]]
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({files!r})")
    results = []
    for sql in statements:
        times, rows = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            rows = len(con.execute(sql).fetchall())
            times.append((time.perf_counter() - start) * 1000)
        results.append({"median_ms": statistics.median(times), "rows": rows})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
