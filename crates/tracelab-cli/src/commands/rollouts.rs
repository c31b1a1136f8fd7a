use std::path::PathBuf;

use anyhow::Result;
use tracelab_core::archive::Archive;
use tracelab_core::diagnose::{self, attribution::check_dimensions, rollout};
use tracelab_core::query::{Filter, QueryEngine};

use crate::text::printable_line;

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    archive: PathBuf,
    /// Only sessions this filter selects.
    #[arg(long = "where", value_name = "FILTER")]
    filter: Option<Filter>,
    /// Only these dimensions (harness_version, model, config.KEY), comma-separated.
    #[arg(long, value_delimiter = ',')]
    dims: Vec<String>,
    /// Print [{"dimension", "slice", "from", "to", "first_seen", "majority_at"}].
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    check_dimensions(&args.dims)?;
    let archive = Archive::open(&args.archive)?;
    let filter = args.filter.unwrap_or_default();
    let rollouts = crate::runtime()?.block_on(async {
        let engine = QueryEngine::open(&archive).await?;
        let dims = rollout::candidate_dimensions(&engine, &filter, &args.dims).await?;
        diagnose::rollouts(&engine, &filter, &dims).await
    })?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&rollouts)?)?;
        return Ok(());
    }
    if rollouts.is_empty() {
        outln!("No rollout detected: no new value took over a slice.")?;
    } else {
        outln!(
            "{:<28}{:<10}{:<24}{:<24}{:<18}majority from",
            "dimension",
            "slice",
            "from",
            "to",
            "first seen"
        )?;
    }
    for r in &rollouts {
        outln!(
            "{:<28}{:<10}{:<24}{:<24}{:<18}{}",
            printable_line(&r.dimension),
            printable_line(&r.slice),
            printable_line(&r.from),
            printable_line(&r.to),
            r.first_seen.format("%Y-%m-%d %H:%M"),
            r.majority_at.format("%Y-%m-%d")
        )?;
    }
    Ok(())
}
