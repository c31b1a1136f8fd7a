use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use tracelab_core::progress::CancelToken;
use tracelab_core::sample::{generate, SampleOptions};

use crate::progress::Bar;
use crate::text::thousands;

#[derive(clap::Args)]
pub struct Args {
    /// The new archive folder (must not exist yet, or be empty).
    #[arg(long)]
    out: PathBuf,
    /// Number of sessions.
    #[arg(long, default_value_t = 10_000)]
    sessions: u64,
    /// Random seed; the same seed gives the same archive.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Print the archive's counts as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let options = SampleOptions {
        sessions: args.sessions,
        seed: args.seed,
    };
    let counts = generate(&args.out, options, &Bar::new(false), &CancelToken::new())?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&counts)?)?;
    } else {
        outln!(
            "Wrote {} sessions and {} events to {} in {:.1}s.",
            thousands(counts.sessions),
            thousands(counts.events),
            args.out.display(),
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(())
}
