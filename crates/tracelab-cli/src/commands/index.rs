use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use tracelab_core::archive::Archive;
use tracelab_core::progress::CancelToken;
use tracelab_core::search;

use crate::progress::Bar;
use crate::text::thousands;

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    archive: PathBuf,
    /// Throw the index away and build it again from the events table.
    #[arg(long)]
    rebuild: bool,
}

pub fn run(args: Args) -> Result<()> {
    let archive = Archive::open(&args.archive)?;
    let started = Instant::now();
    let (_, added) = search::update(
        &archive,
        args.rebuild,
        &Bar::new(false),
        &CancelToken::new(),
    )?;
    outln!(
        "Search index of {} is up to date: {} events added in {:.1}s.",
        args.archive.display(),
        thousands(added),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
