//! `cluster`: the five analyst queries on the local engine and on Ballista clusters of one
//! and two local executors (scheduler and executors as processes on loopback), on the same
//! archive, in one run. Prints medians, ratios to local, and the per-row cost that the
//! README's sizing estimate is made from.
//!
//! ```sh
//! cargo build --profile bench-fast --locked -p tracelab-cli -p tracelab-bench -p tracelab-cluster
//! target/bench-fast/tracelab gen-sample --out /tmp/bench200k --sessions 200000
//! target/bench-fast/tracelab compact /tmp/bench200k
//! target/bench-fast/cluster /tmp/bench200k
//! ```

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use tracelab_bench::ANALYST_QUERIES;
use tracelab_cluster::LocalCluster;
use tracelab_core::progress::CancelToken;
use tracelab_core::query::{Engine, QueryEngine};
use tracelab_core::storage::Location;

const RUNS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median milliseconds of each analyst query on `engine` (after one warm-up run each).
async fn medians(location: &Location, engine: &Engine) -> Result<Vec<f64>> {
    let q = QueryEngine::open_at(location, engine).await?;
    let cancel = CancelToken::new();
    let mut out = Vec::new();
    for (_, sql) in ANALYST_QUERIES {
        q.sql(sql, 1_000_000, &cancel).await?;
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let start = Instant::now();
            q.sql(sql, 1_000_000, &cancel).await?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        out.push(median(times));
    }
    Ok(out)
}

fn main() -> Result<()> {
    let path = PathBuf::from(std::env::args().nth(1).context("usage: cluster ARCHIVE")?);
    let archive = tracelab_core::archive::Archive::open(&path)?;
    let counts = archive.manifest().counts;
    let location = Location::Folder(path.clone());
    let bins = std::env::current_exe()?
        .parent()
        .context("no binary folder")?
        .to_path_buf();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    println!(
        "archive {}: {} sessions, {} events, {} segments; {cores} cores; medians of {RUNS} runs\n",
        path.display(),
        counts.sessions,
        counts.events,
        archive.manifest().segments.len()
    );
    let local = rt.block_on(medians(&location, &Engine::Local))?;
    let mut clusters = Vec::new();
    for executors in [1, 2] {
        let cluster = LocalCluster::start(&bins, executors, cores, &[])?;
        let engine: Engine = cluster.engine().parse().map_err(anyhow::Error::msg)?;
        clusters.push(rt.block_on(medians(&location, &engine))?);
    }
    println!(
        "{:<42} {:>10} {:>14} {:>8} {:>14} {:>8}",
        "query", "local ms", "1 executor ms", "ratio", "2 executors ms", "ratio"
    );
    for (i, (what, sql)) in ANALYST_QUERIES.iter().enumerate() {
        let (l, one, two) = (local[i], clusters[0][i], clusters[1][i]);
        println!(
            "{what:<42} {l:>10.1} {one:>14.1} {:>8.2} {two:>14.1} {:>8.2}",
            one / l,
            two / l
        );
        let rows = if sql.contains("FROM events") {
            counts.events
        } else {
            counts.sessions
        };
        println!(
            "{:<42} {:>10.1} {:>14.1} {:>8} {:>14.1}   ns per scanned row",
            "",
            l * 1e6 / rows as f64,
            one * 1e6 / rows as f64,
            "",
            two * 1e6 / rows as f64
        );
    }
    Ok(())
}
