use std::path::PathBuf;

use anyhow::{anyhow, Result};
use tracelab_core::archive::Archive;
use tracelab_core::diagnose::{self, Bucket, Measure};
use tracelab_core::query::{Dimension, Filter, QueryEngine};

use crate::text::{num, printable_line, thousands};

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    archive: PathBuf,
    /// success_rate, tokens, cost, steps, duration or tool_error_rate.
    #[arg(long, default_value = "success_rate")]
    metric: String,
    /// day or week.
    #[arg(long, default_value = "week")]
    every: String,
    /// Split by a dimension: slice, model, harness_version, config.KEY, ...
    #[arg(long)]
    by: Option<String>,
    /// Only sessions this filter selects.
    #[arg(long = "where", value_name = "FILTER")]
    filter: Option<Filter>,
    /// Print {"metric", "bucket", "by", "points": [{"group", "start", "sessions", "n", "value", "ci_low", "ci_high"}]}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let measure = Measure::parse(&args.metric).ok_or_else(|| {
        anyhow!(
            "unknown metric `{}` (success_rate, tokens, cost, steps, duration, tool_error_rate)",
            args.metric
        )
    })?;
    let bucket = Bucket::parse(&args.every)
        .ok_or_else(|| anyhow!("unknown period `{}` (day or week)", args.every))?;
    let by = args.by.as_deref().map(Dimension::parse).transpose()?;
    let archive = Archive::open(&args.archive)?;
    let filter = args.filter.unwrap_or_default();
    let series = crate::runtime()?.block_on(async {
        let engine = QueryEngine::open(&archive).await?;
        diagnose::time_series(&engine, &filter, measure, bucket, by.as_ref()).await
    })?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&series)?)?;
        return Ok(());
    }
    let scale = if measure == Measure::SuccessRate {
        100.0
    } else {
        1.0
    };
    outln!(
        "{:<24}{:<12}{:>10}{:>10} {:>14}  95% interval",
        "group",
        "from",
        "sessions",
        "n",
        series.metric
    )?;
    for p in &series.points {
        outln!(
            "{:<24}{:<12}{:>10}{:>10} {:>14}  [{}, {}]",
            printable_line(&p.group),
            p.start.format("%Y-%m-%d"),
            thousands(p.sessions),
            thousands(p.n),
            num(p.value.map(|v| v * scale), 2),
            num(p.ci_low.map(|v| v * scale), 2),
            num(p.ci_high.map(|v| v * scale), 2)
        )?;
    }
    Ok(())
}
