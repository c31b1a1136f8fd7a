//! `bench-query`: Tracelab's query and search engine against the tools an analyst would use
//! instead, side by side in one run, on the same archive:
//!
//! 1. facet counts of every dimension, unfiltered and under a 3-term filter;
//! 2. the first page of a filtered, sorted session list;
//! 3. opening the longest session (about 2,000 events in a 1M-session sample);
//! 4. five analyst queries, in Tracelab (DataFusion) and in DuckDB on the same Parquet files;
//! 5. ten full-text searches, in Tracelab (Tantivy) and with ripgrep over the same sessions
//!    exported as canonical JSONL.
//!
//! Prints medians and ratios (a ratio below 1 means Tracelab is faster).
//!
//! A 1 M-session export is about as large as this machine's memory, so ripgrep's time over it
//! depends on how much of it the page cache holds. Each search is also timed with ripgrep over
//! the export's first gigabyte (held in the cache), scaled to the whole export: ripgrep's time
//! if all of it were cached, the comparison least favourable to Tracelab.
//!
//! ```sh
//! target/bench-fast/tracelab gen-sample --out /tmp/bench --sessions 1000000
//! cargo run --profile bench-fast -p tracelab-bench --bin query -- /tmp/bench
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use tracelab_bench::ANALYST_QUERIES;
use tracelab_core::archive::Archive;
use tracelab_core::progress::CancelToken;
use tracelab_core::query::{Filter, QueryEngine, Sort};
use tracelab_core::search::Searcher;

const RUNS: usize = 5;

/// Bytes of the export ripgrep reads from the page cache, to time it at that speed.
const SLICE_BYTES: u64 = 1 << 30;

/// Searches, with the ripgrep pattern that finds the same text in canonical JSONL.
const SEARCHES: [(&str, &str); 10] = [
    ("overloaded_error", "overloaded_error"),
    ("\"wall-clock limit\"", "wall-clock limit"),
    ("UnicodeDecodeError", "UnicodeDecodeError"),
    ("\"exit code 127\"", "exit code 127"),
    ("merge_asof", "merge_asof"),
    ("\"regression test\"", "regression test"),
    ("subclass", "subclass"),
    ("timezone", "timezone"),
    ("\"old_str was not found\"", "old_str` was not found"),
    ("readouterr", "readouterr"),
];

fn median_ms<T, E: Into<anyhow::Error>>(
    f: impl FnMut() -> std::result::Result<T, E>,
) -> Result<f64> {
    median_of(RUNS, f)
}

fn median_of<T, E: Into<anyhow::Error>>(
    runs: usize,
    mut f: impl FnMut() -> std::result::Result<T, E>,
) -> Result<f64> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f().map_err(Into::into)?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    Ok(times[runs / 2])
}

fn python() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

fn duckdb_medians(archive: &Path, statements: &[&str]) -> Result<Vec<f64>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/duckdb_queries.py");
    let mut child = Command::new(python())
        .arg(&script)
        .arg(archive)
        .arg(RUNS.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting Python for DuckDB (run scripts/install.sh for the venv)")?;
    serde_json::to_writer(child.stdin.take().unwrap(), statements)?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("DuckDB run failed");
    }
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)?;
    Ok(results
        .iter()
        .map(|r| r["median_ms"].as_f64().unwrap_or(f64::NAN))
        .collect())
}

fn ripgrep_ms(pattern: &str, jsonl: &Path, runs: usize) -> Result<f64> {
    median_of(runs, || {
        let status = Command::new("rg")
            .args(["--count", "--fixed-strings", "--", pattern])
            .arg(jsonl)
            .stdout(Stdio::null())
            .status()
            .context("running ripgrep (apt-get install ripgrep)")?;
        if status.code() == Some(2) {
            bail!("ripgrep failed");
        }
        Ok(())
    })
}

/// The first `bytes` of `jsonl` (whole lines), written beside it, again when it is older
/// than the export.
fn cached_slice(jsonl: &Path, bytes: u64) -> Result<PathBuf> {
    use std::io::{BufRead, Write};
    let slice = jsonl.with_extension("slice.jsonl");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(cut), Some(exported)) = (modified(&slice), modified(jsonl)) {
        if cut >= exported {
            return Ok(slice);
        }
    }
    let mut lines = std::io::BufReader::new(std::fs::File::open(jsonl)?);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&slice)?);
    let (mut written, mut line) = (0u64, Vec::new());
    while written < bytes {
        line.clear();
        if lines.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        out.write_all(&line)?;
        written += line.len() as u64;
    }
    out.flush()?;
    Ok(slice)
}

fn row(what: &str, ours: f64, theirs: Option<(f64, &str)>) {
    match theirs {
        Some((t, who)) => println!(
            "{what:<44} {ours:>10.1} ms  {who:<8} {t:>10.1} ms  ratio {:>6.3}",
            ours / t
        ),
        None => println!("{what:<44} {ours:>10.1} ms"),
    }
}

/// The command line: `ARCHIVE [JSONL] [--set KEY=VALUE]... [--no-search] [--only-search]
/// [--rg-runs N] [--search QUERY]... [--query NAME]`.
struct Args {
    archive: PathBuf,
    jsonl: Option<PathBuf>,
    /// DataFusion settings to try (`datafusion.execution.batch_size=16384`).
    settings: Vec<String>,
    search: bool,
    /// Only the searches (5), skipping 1-4.
    only_search: bool,
    /// ripgrep passes over the whole export per search (1 by default): over a 1 M-session
    /// export (23 GB, more than the page cache) one pass reads the disk for 4-94 s. The
    /// cached gigabyte is read `RUNS` times regardless. 0: our side only, to compare builds.
    rg_runs: usize,
    /// Searches to run instead of the ten (to profile one): ripgrep looks for the text
    /// without quotes.
    searches: Vec<String>,
    /// Only the analyst queries whose name holds this (to profile one), skipping 1-3.
    query: Option<String>,
}

const USAGE: &str = "usage: query ARCHIVE [JSONL] [--set KEY=VALUE]... [--no-search] [--only-search] [--rg-runs N] [--search QUERY]... [--query NAME]";

fn args() -> Result<Args> {
    let mut positional = Vec::new();
    let (mut settings, mut search, mut only_search, mut rg_runs) = (Vec::new(), true, false, 1);
    let (mut searches, mut query) = (Vec::new(), None);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--set" => settings.push(it.next().context("--set KEY=VALUE")?),
            "--no-search" => search = false,
            "--only-search" => only_search = true,
            "--rg-runs" => rg_runs = it.next().context("--rg-runs N")?.parse()?,
            "--search" => searches.push(it.next().context("--search QUERY")?),
            "--query" => query = Some(it.next().context("--query NAME")?),
            _ => positional.push(PathBuf::from(a)),
        }
    }
    let mut positional = positional.into_iter();
    Ok(Args {
        archive: positional.next().context(USAGE)?,
        jsonl: positional.next(),
        settings,
        search,
        only_search,
        rg_runs,
        searches,
        query,
    })
}

fn main() -> Result<()> {
    let args = args()?;
    let archive_path = args.archive.clone();
    let archive = Archive::open(&archive_path)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let engine = rt.block_on(QueryEngine::open(&archive))?;
    for setting in &args.settings {
        let (key, value) = setting.split_once('=').context("--set KEY=VALUE")?;
        rt.block_on(engine.context().sql(&format!("SET {key} = '{value}'")))?;
        println!("set {key} = {value}");
    }
    println!(
        "archive {}: {} sessions, {} events; medians of {RUNS} runs\n",
        archive_path.display(),
        archive.manifest().counts.sessions,
        archive.manifest().counts.events
    );

    if !args.only_search {
        match &args.query {
            Some(name) => analyst_queries(&rt, &engine, &archive_path, name)?,
            None => queries(&rt, &engine, &archive_path)?,
        }
    }
    if !args.search {
        return Ok(());
    }
    let searches: Vec<(&str, &str)> = if args.searches.is_empty() {
        SEARCHES.to_vec()
    } else {
        args.searches
            .iter()
            .map(|q| (q.as_str(), q.trim_matches('"')))
            .collect()
    };
    search(&archive, &archive_path, args.jsonl, args.rg_runs, &searches)
}

/// 1-4: facets, a page, a session, and the analyst queries beside DuckDB.
fn queries(rt: &tokio::runtime::Runtime, engine: &QueryEngine, archive_path: &Path) -> Result<()> {
    let all = Filter::default();
    let three: Filter = "model=gpt-5-codex slice=cli outcome=failure"
        .parse()
        .unwrap();
    row(
        "1. facets, all dimensions, unfiltered",
        median_ms(|| rt.block_on(engine.facets(&all, 10)))?,
        None,
    );
    row(
        "1. facets, all dimensions, 3-term filter",
        median_ms(|| rt.block_on(engine.facets(&three, 10)))?,
        None,
    );
    let sort = Sort {
        column: "started_at".into(),
        descending: true,
    };
    let columns = tracelab_core::ipc::SESSION_LIST_COLUMNS;
    row(
        "2. first page (100) filtered, sorted",
        median_ms(|| rt.block_on(engine.sessions_page(&three, None, &sort, 0, 100, columns)))?,
        None,
    );
    let cancel = CancelToken::new();
    let longest = rt.block_on(engine.sql(
        "SELECT session_id, n_events FROM sessions ORDER BY n_events DESC LIMIT 1",
        1,
        &cancel,
    ))?;
    let batch = &longest.batches[0];
    let id = arrow::util::display::array_value_to_string(batch.column(0), 0)?;
    let n = batch
        .column(1)
        .as_any()
        .downcast_ref::<arrow::array::Int64Array>()
        .unwrap()
        .value(0);
    row(
        &format!("3. open one session ({n} events)"),
        median_ms(|| rt.block_on(engine.session_events(&id)))?,
        None,
    );

    println!();
    analyst_queries(rt, engine, archive_path, "")
}

/// 4: the analyst queries whose name holds `name`, beside DuckDB.
fn analyst_queries(
    rt: &tokio::runtime::Runtime,
    engine: &QueryEngine,
    archive_path: &Path,
    name: &str,
) -> Result<()> {
    let cancel = CancelToken::new();
    let chosen: Vec<(&str, &str)> = ANALYST_QUERIES
        .into_iter()
        .filter(|(what, _)| what.contains(name))
        .collect();
    if chosen.is_empty() {
        bail!("--query {name:?}: no analyst query's name holds it");
    }
    let mut ratios = Vec::new();
    for (what, sql) in chosen {
        // DuckDB's runs right before ours, query by query: this machine's speed drifts by
        // a third over minutes, and a ratio should compare runs made under the same drift.
        let duck_ms = duckdb_medians(archive_path, &[sql])?[0];
        let ours = median_ms(|| rt.block_on(engine.sql(sql, 1_000_000, &cancel)))?;
        ratios.push(ours / duck_ms);
        row(&format!("4. {what}"), ours, Some((duck_ms, "DuckDB")));
    }
    println!("   geometric mean ratio vs DuckDB: {:.3}", geomean(&ratios));
    Ok(())
}

/// 5: the searches beside ripgrep over the same sessions as canonical JSONL.
fn search(
    archive: &Archive,
    archive_path: &Path,
    jsonl: Option<PathBuf>,
    rg_runs: usize,
    searches: &[(&str, &str)],
) -> Result<()> {
    let cancel = CancelToken::new();
    let jsonl = match jsonl {
        Some(p) => p,
        None => {
            let p = archive_path.with_extension("jsonl");
            if !p.exists() && rg_runs > 0 {
                eprintln!("exporting {} for ripgrep (once)...", p.display());
                let mut out = std::io::BufWriter::new(std::fs::File::create(&p)?);
                tracelab_core::export::canonical::export(
                    archive,
                    &mut out,
                    &p,
                    &tracelab_core::progress::Silent,
                    &cancel,
                )?;
            }
            p
        }
    };
    let started = Instant::now();
    let searcher = Searcher::open(archive)?;
    println!(
        "\n   search index ready in {:.1}s (built once, then reused)",
        started.elapsed().as_secs_f64()
    );
    // The first search reads each segment's session ids into memory; the medians below reuse them.
    let (first, _) = searches[0];
    let (result, first_ms) = tracelab_bench::timed(|| searcher.search(first, None, 20));
    result?;
    row(
        &format!("5. first search after opening ({first})"),
        first_ms * 1000.0,
        None,
    );
    let slice = if rg_runs > 0 {
        let slice = cached_slice(&jsonl, SLICE_BYTES)?;
        let scale =
            std::fs::metadata(&jsonl)?.len() as f64 / std::fs::metadata(&slice)?.len() as f64;
        // Read once so the page cache holds it.
        ripgrep_ms("warm", &slice, 1)?;
        Some((slice, scale))
    } else {
        None
    };
    let (mut ratios, mut cached_ratios) = (Vec::new(), Vec::new());
    for &(query, pattern) in searches {
        let ours = median_ms(|| searcher.search(query, None, 20))?;
        let Some((slice, scale)) = &slice else {
            row(&format!("5. search {query}"), ours, None);
            continue;
        };
        let rg = ripgrep_ms(pattern, &jsonl, rg_runs)?;
        let cached = ripgrep_ms(pattern, slice, RUNS)? * scale;
        ratios.push(rg / ours);
        cached_ratios.push(cached / ours);
        row(&format!("5. search {query}"), ours, Some((rg, "ripgrep")));
        row(
            "     ripgrep at page-cache speed",
            ours,
            Some((cached, "ripgrep")),
        );
    }
    if !ratios.is_empty() {
        println!(
            "   geometric mean speed-up vs ripgrep: {:.0}x (vs ripgrep at page-cache speed: {:.0}x)",
            geomean(&ratios),
            geomean(&cached_ratios)
        );
    }
    Ok(())
}

fn geomean(values: &[f64]) -> f64 {
    (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp()
}
