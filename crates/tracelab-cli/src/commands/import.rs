use std::path::PathBuf;

use anyhow::Result;
use tracelab_core::archive::Archive;
use tracelab_core::import::{import_with, Format, ImportOptions, ImportSummary};
use tracelab_core::progress::CancelToken;
use tracelab_core::search;

use crate::progress::Bar;
use crate::text::thousands;

#[derive(clap::Args)]
pub struct Args {
    /// Trace files, folders (searched recursively) or bundles (.gz, .zip, .tar.gz).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The archive to import into; created if the folder is new or empty.
    #[arg(long)]
    into: PathBuf,
    /// Input format: auto (decide from each file's content), canonical, parquet, claude-code,
    /// codex, swe-agent, mini-swe-agent, openhands, inspect-ai, otel, tau-bench.
    #[arg(long, default_value = "auto")]
    format: Format,
    /// Outcomes to attach: a CSV (with a header) or JSONL file of `session_id` or `task_id`
    /// with `outcome` and/or `score`. Wins over outcomes found in the traces.
    #[arg(long, value_name = "SIDECAR")]
    outcomes: Option<PathBuf>,
    /// Print the import summary as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    for input in args.inputs.iter().chain(&args.outcomes) {
        if !input.exists() {
            anyhow::bail!("{}: no such file or directory", input.display());
        }
    }
    let mut archive = Archive::open_or_create(&args.into)?;
    let options = ImportOptions {
        format: args.format,
        outcomes: args.outcomes.clone(),
    };
    let summary = import_with(
        &mut archive,
        &args.inputs,
        &options,
        &Bar::new(true),
        &CancelToken::new(),
    )?;
    // Keep an existing search index in step with the new parts; a missing one is built by
    // the first search.
    if archive
        .root()
        .join(search::SEARCH_DIR)
        .join("meta.json")
        .exists()
    {
        search::update(&archive, false, &Bar::new(false), &CancelToken::new())?;
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&summary)?)?;
    } else {
        out!("{}", render(&summary, &args.into))?;
    }
    Ok(())
}

/// The summary a user reads at a glance: one row per source format, then what was skipped
/// and where the quarantine is.
fn render(s: &ImportSummary, into: &std::path::Path) -> String {
    let mut out = format!(
        "Read {} records from {} file(s): {} imported, {} quarantined.\n",
        thousands(s.records_read),
        s.sources.len(),
        thousands(s.imported),
        thousands(s.quarantined)
    );
    if !s.by_format.is_empty() {
        let header = ["format", "files", "sessions", "events", "quarantined"];
        let mut rows: Vec<[String; 5]> = s
            .by_format
            .iter()
            .map(|(name, f)| {
                [
                    name.clone(),
                    thousands(f.files),
                    thousands(f.sessions),
                    thousands(f.events),
                    thousands(f.quarantined),
                ]
            })
            .collect();
        if rows.len() > 1 {
            let total = |g: fn(&tracelab_core::import::FormatSummary) -> u64| {
                thousands(s.by_format.values().map(g).sum())
            };
            rows.push([
                "total".into(),
                total(|f| f.files),
                total(|f| f.sessions),
                total(|f| f.events),
                total(|f| f.quarantined),
            ]);
        }
        let width = |i: usize| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        };
        let w: Vec<usize> = (0..5).map(width).collect();
        let line = |cells: [&str; 5]| {
            let mut l = format!("  {:<w$}", cells[0], w = w[0]);
            for (cell, w) in cells.iter().zip(&w).skip(1) {
                l.push_str(&format!("  {cell:>w$}"));
            }
            l + "\n"
        };
        out.push('\n');
        out.push_str(&line(header));
        for r in &rows {
            out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
        }
        out.push('\n');
    }
    for (kind, n) in &s.quarantined_by_kind {
        out.push_str(&format!("  {:>8}  quarantined: {kind}\n", thousands(*n)));
    }
    let already = s
        .skipped
        .iter()
        .filter(|k| k.reason == "already_imported")
        .count();
    let not_traces: Vec<&str> = s
        .skipped
        .iter()
        .filter(|k| k.reason == "not_a_trace")
        .map(|k| k.uri.as_str())
        .collect();
    if already > 0 {
        out.push_str(&format!(
            "Skipped {} file(s) already in the archive (same sha256).\n",
            thousands(already as u64)
        ));
    }
    if !not_traces.is_empty() {
        let shown: Vec<&str> = not_traces.iter().take(3).copied().collect();
        let more = not_traces.len().saturating_sub(shown.len());
        out.push_str(&format!(
            "Skipped {} file(s) that are not traces: {}{}\n",
            thousands(not_traces.len() as u64),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    let empty = s.skipped.iter().filter(|k| k.reason == "empty").count();
    if empty > 0 {
        out.push_str(&format!(
            "Skipped {} empty file(s).\n",
            thousands(empty as u64)
        ));
    }
    if s.outcomes_applied > 0 {
        out.push_str(&format!(
            "Outcomes from reports or --outcomes: {} session(s).\n",
            thousands(s.outcomes_applied)
        ));
    }
    if s.quarantined > 0 || s.archive.quarantined > 0 {
        out.push_str(&format!(
            "Quarantined records (file, line, reason, raw bytes): {}/\n",
            s.quarantine_dir.display()
        ));
        for source in s.sources.iter().filter(|s| s.quarantine_file.is_some()) {
            out.push_str(&format!(
                "  {}  ← {}\n",
                into.join(source.quarantine_file.as_deref().unwrap_or_default())
                    .display(),
                source.uri
            ));
        }
    }
    out.push_str(&format!(
        "{} now holds {} sessions and {} events.\n",
        into.display(),
        thousands(s.archive.sessions),
        thousands(s.archive.events)
    ));
    out
}
