use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use tracelab_core::archive::Archive;
use tracelab_core::decontam::{self, Check, Options, Severity};
use tracelab_core::progress::CancelToken;

use crate::text::{printable_line, thousands};

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    archive: PathBuf,
    /// Benchmark files: JSONL or Parquet with instance_id, repo, base_commit,
    /// problem_statement, patch (and test_patch, FAIL_TO_PASS, created_at when present), or
    /// the built-in corpora by name: swebench_verified, swebench_lite (the default: both).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    benchmarks: Vec<PathBuf>,
    /// Words per n-gram of the problem-statement check.
    #[arg(long, default_value_t = 13)]
    ngram: usize,
    /// Share of a problem statement's (or gold patch's) n-grams that makes a hit.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// Sessions that started before this date (YYYY-MM-DD) may have seen the benchmarks.
    #[arg(long, value_name = "DATE")]
    after: Option<String>,
    /// Treat repository-scope, same-files and time-cutoff warnings as drops.
    #[arg(long)]
    strict: bool,
    /// Write one JSON object per hit to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Print {"summary": {<check>: hits}, "hits": [{"session_id", "check", "benchmark", "instance_id", "score", "evidence"}]}.
    #[arg(long)]
    json: bool,
}

fn date(text: &str) -> Result<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("--after {text:?}: expected a date such as 2024-01-01"))?;
    Ok(day.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

pub fn run(args: Args) -> Result<()> {
    let options = Options {
        ngram: args.ngram,
        threshold: args.threshold,
        strict: args.strict,
        after: args.after.as_deref().map(date).transpose()?,
        ..Options::default()
    };
    let benchmarks: Vec<PathBuf> = if args.benchmarks.is_empty() {
        decontam::BUILTIN
            .iter()
            .map(|(name, _)| PathBuf::from(name))
            .collect()
    } else {
        args.benchmarks.clone()
    };
    let corpus = decontam::load_benchmarks(&benchmarks)?;
    let archive = Archive::open(&args.archive)?;
    let (hits, summary) = decontam::scan(&archive, &corpus, &options, &CancelToken::new())?;
    if let Some(path) = &args.report {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create", path.display()))?,
        );
        for hit in &hits {
            serde_json::to_writer(&mut out, hit)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    if args.json {
        let json = serde_json::json!({"summary": summary.hits, "hits": hits, "sessions": summary});
        let mut text = serde_json::to_string_pretty(&json)?;
        text.push('\n');
        std::io::stdout().lock().write_all(text.as_bytes())?;
        return Ok(());
    }
    let mut out = format!(
        "Checked {} sessions against {} benchmark instances ({}): {} sessions hit, {} to drop, {} never to be chosen.\n\n",
        thousands(summary.sessions_checked as u64),
        thousands(corpus.len() as u64),
        corpus.benchmarks().join(", "),
        thousands(summary.sessions_hit as u64),
        thousands(summary.sessions_dropped as u64),
        thousands(summary.sessions_never_chosen as u64),
    );
    out.push_str(&format!(
        "  {:<20}{:>10}{:>10}\n",
        "check", "hits", "sessions"
    ));
    for check in Check::ALL {
        out.push_str(&format!(
            "  {:<20}{:>10}{:>10}\n",
            check.as_str(),
            thousands(*summary.hits.get(&check).unwrap_or(&0) as u64),
            thousands(*summary.sessions.get(&check).unwrap_or(&0) as u64)
        ));
    }
    // Examples: the hits that drop a session first (warnings are counted above).
    let mut examples: Vec<_> = hits.iter().collect();
    examples.sort_by_key(|h| h.severity != Severity::Drop);
    for hit in examples.into_iter().take(8) {
        out.push_str(&format!(
            "\n  {} {} {} score {:.2}: {}",
            hit.session_id,
            hit.check.as_str(),
            hit.instance_id.as_deref().unwrap_or("-"),
            hit.score,
            printable_line(&hit.evidence.matched)
        ));
    }
    out.push('\n');
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}
