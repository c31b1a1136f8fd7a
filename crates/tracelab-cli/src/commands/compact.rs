use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use tracelab_core::archive::Archive;

use crate::progress::Bar;
use crate::text::thousands;

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    archive: PathBuf,
    /// Print {"sessions", "events", "segments_before", "segments_after"}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let mut archive = Archive::open(&args.archive)?;
    let started = Instant::now();
    let bar = Bar::new(false);
    let done = crate::runtime()?.block_on(archive.compact(&bar))?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&done)?)?;
    } else {
        outln!(
            "Compacted {}: {} sessions and {} events, {} segments became {} (one per day), in {:.1}s.",
            args.archive.display(),
            thousands(done.sessions),
            thousands(done.events),
            done.segments_before,
            done.segments_after,
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(())
}
