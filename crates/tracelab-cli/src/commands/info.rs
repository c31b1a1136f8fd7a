use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use tracelab_core::archive::Archive;
use tracelab_core::summary::{summarize, ArchiveSummary};

use crate::text::{percent, thousands};

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    archive: PathBuf,
    /// Print JSON: {"sessions", "events", "quarantined", "by_outcome", "by_source_format", ...}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let archive = Archive::open(&args.archive)?;
    let summary = summarize(&archive)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&summary)?)?;
    } else {
        out!("{}", render(&summary))?;
    }
    Ok(())
}

fn render(s: &ArchiveSummary) -> String {
    let mut out = format!(
        "Archive      {}\nSessions     {}\nEvents       {}\nLabels       {}\nQuarantined  {}\nSources      {}\n",
        s.path,
        thousands(s.sessions),
        thousands(s.events),
        thousands(s.labels),
        thousands(s.quarantined),
        s.sources
    );
    let groups: [(&str, &BTreeMap<String, u64>); 4] = [
        ("outcome", &s.by_outcome),
        ("source format", &s.by_source_format),
        ("harness version", &s.by_harness_version),
        ("model", &s.by_model),
    ];
    for (title, counts) in groups {
        out.push_str(&format!("\nBy {title}\n"));
        let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0).max(8);
        for (value, n) in rows {
            out.push_str(&format!(
                "  {value:<width$}  {:>10}  {:>6}\n",
                thousands(*n),
                percent(*n, s.sessions)
            ));
        }
    }
    out
}
