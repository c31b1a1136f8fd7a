//! Import benchmark: a Claude-Code-like corpus of about 1 GB (`--size-mb`), imported by
//! `tracelab import` (the engine, in a child process so its peak memory is its own) and
//! converted by DuckDB (`read_json` → one zstd Parquet file, Python `duckdb` from `.venv`),
//! side by side on the same files. Prints a Markdown table for the README.
//!
//! ```sh
//! cargo run --profile bench-fast -p tracelab-bench --bin import -- --size-mb 1000
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use tracelab_bench::{corpus, folder_bytes, mb, peak_rss, timed};
use tracelab_core::archive::Archive;
use tracelab_core::import::{import_with, ImportOptions};
use tracelab_core::progress::{CancelToken, Silent};

const DUCKDB: &str = r#"
import duckdb, json, resource, sys, time
src, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
start = time.time()
con.execute(f"""COPY (SELECT * FROM read_json('{src}/**/*.jsonl', format='newline_delimited',
    union_by_name=true, maximum_object_size=268435456))
    TO '{out}' (FORMAT parquet, COMPRESSION zstd)""")
seconds = time.time() - start
rows = con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0]
print(json.dumps({"seconds": seconds, "rows": rows, "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
                  "version": duckdb.__version__,
                  "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"#;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        return child(Path::new(&args[2]), Path::new(&args[3]));
    }
    let mut size_mb = 1000u64;
    let mut dir = std::env::temp_dir().join("tracelab-bench-import");
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--size-mb" => size_mb = it.next().context("--size-mb N")?.parse()?,
            "--dir" => dir = PathBuf::from(it.next().context("--dir PATH")?),
            other => bail!("unknown argument {other} (known: --size-mb N, --dir PATH)"),
        }
    }
    let corpus_dir = dir.join(format!("corpus-{size_mb}mb"));
    if !corpus_dir.join("done").exists() {
        let _ = std::fs::remove_dir_all(&corpus_dir);
        eprintln!(
            "generating a {size_mb} MB Claude-Code-like corpus in {}",
            corpus_dir.display()
        );
        let (result, secs) = timed(|| corpus::generate(&corpus_dir, size_mb * 1_000_000, 42));
        let (sessions, _) = result?;
        eprintln!("  {sessions} sessions in {secs:.1} s");
        std::fs::write(corpus_dir.join("done"), sessions.to_string())?;
    }
    let bytes = folder_bytes(&corpus_dir.join("projects"));
    let files = count_files(&corpus_dir.join("projects"));
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);

    let archive = dir.join("archive");
    let _ = std::fs::remove_dir_all(&archive);
    eprintln!("tracelab import ...");
    let out = Command::new(std::env::current_exe()?)
        .args(["--child"])
        .arg(corpus_dir.join("projects"))
        .arg(&archive)
        .output()?;
    if !out.status.success() {
        bail!(
            "tracelab import failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let ours: Value = serde_json::from_slice(&out.stdout)?;
    let archive_bytes = folder_bytes(&archive);

    eprintln!("duckdb read_json -> parquet ...");
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    let parquet = dir.join("duckdb.parquet");
    let _ = std::fs::remove_file(&parquet);
    let out = Command::new(&python)
        .args(["-c", DUCKDB])
        .arg(corpus_dir.join("projects"))
        .arg(&parquet)
        .output()
        .with_context(|| {
            format!(
                "{}: run scripts/install.sh for the DuckDB venv",
                python.display()
            )
        })?;
    if !out.status.success() {
        bail!("duckdb failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or("");
    let duck: Value = serde_json::from_str(last).with_context(|| format!("duckdb said: {text}"))?;
    let parquet_bytes = std::fs::metadata(&parquet).map(|m| m.len()).unwrap_or(0);

    let secs = |v: &Value| v["seconds"].as_f64().unwrap_or(f64::NAN);
    let rss = |v: &Value| v["peak_rss"].as_u64().unwrap_or(0);
    let sessions = ours["sessions"].as_u64().unwrap_or(0);
    println!(
        "Import benchmark: {files} Claude-Code-like session files, {}, {cores} cores\n",
        mb(bytes)
    );
    println!("| tool | what it builds | seconds | MB/s | sessions/s | peak RSS | output |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| `tracelab import` | archive: {} sessions + {} events, sha256, quarantine | {:.1} | {:.0} | {:.0} | {} | {} |",
        sessions,
        ours["events"],
        secs(&ours),
        bytes as f64 / 1e6 / secs(&ours),
        sessions as f64 / secs(&ours),
        mb(rss(&ours)),
        mb(archive_bytes)
    );
    println!(
        "| DuckDB {} `read_json` → Parquet ({} threads) | one table of {} lines | {:.1} | {:.0} | {:.0} | {} | {} |",
        duck["version"].as_str().unwrap_or("?"),
        duck["threads"],
        duck["rows"],
        secs(&duck),
        bytes as f64 / 1e6 / secs(&duck),
        sessions as f64 / secs(&duck),
        mb(rss(&duck)),
        mb(parquet_bytes)
    );
    println!(
        "\nRatio (tracelab time / DuckDB time): {:.2}",
        secs(&ours) / secs(&duck)
    );
    Ok(())
}

/// The measured side: one import into a fresh archive; prints its figures as JSON.
fn child(corpus: &Path, archive: &Path) -> Result<()> {
    let mut a = Archive::open_or_create(archive)?;
    let (summary, seconds) = timed(|| {
        import_with(
            &mut a,
            &[corpus.to_path_buf()],
            &ImportOptions::default(),
            &Silent,
            &CancelToken::new(),
        )
    });
    let summary = summary?;
    println!(
        "{}",
        json!({"seconds": seconds, "sessions": summary.sessions, "events": summary.events,
               "quarantined": summary.quarantined, "peak_rss": peak_rss()})
    );
    Ok(())
}

fn count_files(dir: &Path) -> u64 {
    let mut n = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            n += if p.is_dir() { count_files(&p) } else { 1 };
        }
    }
    n
}
