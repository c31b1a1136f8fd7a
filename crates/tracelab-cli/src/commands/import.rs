use std::path::PathBuf;

use anyhow::Result;
use tracelab_core::archive::Archive;
use tracelab_core::import::{import, Format, ImportSummary};
use tracelab_core::progress::CancelToken;

use crate::progress::Bar;
use crate::text::thousands;

#[derive(clap::Args)]
pub struct Args {
    /// Trace files or folders (searched recursively).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The archive to import into; created if the folder is new or empty.
    #[arg(long)]
    into: PathBuf,
    /// Input format: auto (decide from content) or canonical.
    #[arg(long, default_value = "auto")]
    format: Format,
    /// Print the import summary as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    for input in &args.inputs {
        if !input.exists() {
            anyhow::bail!("{}: no such file or directory", input.display());
        }
    }
    let mut archive = Archive::open_or_create(&args.into)?;
    let summary = import(
        &mut archive,
        &args.inputs,
        args.format,
        &Bar::new(true),
        &CancelToken::new(),
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", render(&summary, &args.into));
    }
    Ok(())
}

fn render(s: &ImportSummary, into: &std::path::Path) -> String {
    let mut out = format!(
        "Read {} records from {} file(s): {} imported, {} quarantined.\n",
        thousands(s.records_read),
        s.sources.len(),
        thousands(s.imported),
        thousands(s.quarantined)
    );
    for (kind, n) in &s.quarantined_by_kind {
        out.push_str(&format!("  {:>8}  {kind}\n", thousands(*n)));
    }
    for source in s.sources.iter().filter(|s| s.quarantine_file.is_some()) {
        out.push_str(&format!(
            "Quarantine of {}: {}\n",
            source.uri,
            into.join(source.quarantine_file.as_deref().unwrap_or_default())
                .display()
        ));
    }
    out.push_str(&format!(
        "{} now holds {} sessions and {} events.\n",
        into.display(),
        thousands(s.archive.sessions),
        thousands(s.archive.events)
    ));
    out
}
