//! Shared pieces of the benchmark binaries: timing, peak memory, and a deterministic corpus
//! generator. Each binary in `src/bin/` runs one comparison and prints a Markdown table.

pub mod corpus;

use std::time::Instant;

/// The five queries an analyst writes, run by every query benchmark (DuckDB, Ballista) and by
/// the tests that compare engines.
pub const ANALYST_QUERIES: [(&str, &str); 5] = [
    (
        "success rate by harness_version and day",
        "SELECT harness_version, date_trunc('day', started_at) AS day, \
         avg(CASE WHEN outcome = 'success' THEN 1.0 ELSE 0.0 END) AS success_rate, count(*) AS n \
         FROM sessions GROUP BY 1, 2 ORDER BY 1, 2",
    ),
    (
        "tool error rate by tool",
        "SELECT tool_name, count(*) AS results, \
         avg(CASE WHEN is_error THEN 1.0 ELSE 0.0 END) AS error_rate \
         FROM events WHERE kind = 'tool_result' GROUP BY 1 ORDER BY 1",
    ),
    (
        "p50/p95 tokens by model",
        "SELECT model, median(input_tokens + output_tokens) AS p50, \
         percentile_cont(0.95) WITHIN GROUP (ORDER BY input_tokens + output_tokens) AS p95 \
         FROM sessions GROUP BY 1 ORDER BY 1",
    ),
    (
        "cost by slice and week",
        "SELECT slice, date_trunc('week', started_at) AS week, sum(cost_usd) AS cost \
         FROM sessions GROUP BY 1, 2 ORDER BY 1, 2",
    ),
    (
        "sessions per repo and outcome",
        "SELECT repo, outcome, count(*) AS n FROM sessions GROUP BY 1, 2 ORDER BY 1, 2",
    ),
];

/// Peak resident set size of this process so far, in bytes (Linux `VmHWM`).
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Runs `f` and returns its result with the seconds it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

/// Bytes of every file under `dir`.
pub fn folder_bytes(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            total += if p.is_dir() {
                folder_bytes(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            };
        }
    }
    total
}

/// `1234567` bytes → `1.2 MB`.
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}
