use std::path::PathBuf;

use anyhow::{Context, Result};
use tracelab_core::diagnose::{self, report::Report, Attribution, Bucket, Measure};
use tracelab_core::query::{Dimension, Filter};

use crate::engine::EngineArgs;
use crate::text::{num, printable_line, thousands};

#[derive(clap::Args)]
pub struct Args {
    /// The archive: a folder, or an s3://, gs://, az:// or file:// URL of one.
    archive: String,
    /// Only sessions this filter selects (syntax in the README).
    #[arg(long = "where", value_name = "FILTER")]
    filter: Option<Filter>,
    /// Only these dimensions (harness_version, model, config.KEY), comma-separated; default:
    /// every dimension with a detected rollout.
    #[arg(long, value_delimiter = ',')]
    dims: Vec<String>,
    /// Print {"method", "effects": [{"dimension", "from", "to", "effect_pp", "ci_low_pp", "ci_high_pp", "sessions", "first_seen", "slices", "confounded_with", "subgroup"}], "rollouts", "notes"}.
    #[arg(long)]
    json: bool,
    /// Also write a self-contained HTML report (charts as SVG) to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
}

pub fn run(args: Args) -> Result<()> {
    diagnose::attribution::check_dimensions(&args.dims)?;
    let filter = args.filter.clone().unwrap_or_default();
    let html = args.html.clone();
    let dims = args.dims.clone();
    let (attribution, series) = args.engine.run(&args.archive, |engine| async move {
        let attribution = diagnose::attribute(&engine, &filter, &dims).await?;
        let series = match &html {
            // Days when there are enough sessions per day to see anything, else weeks.
            Some(_) => Some(
                diagnose::time_series(
                    &engine,
                    &filter,
                    Measure::SuccessRate,
                    if attribution.sessions >= 100_000 {
                        Bucket::Day
                    } else {
                        Bucket::Week
                    },
                    Some(&Dimension::Column("slice")),
                )
                .await?,
            ),
            None => None,
        };
        Ok((attribution, series))
    })?;
    if let Some(path) = &args.html {
        let html = Report {
            title: "Which harness change cost what".into(),
            archive: args.archive.clone(),
            series: series.as_ref(),
            attribution: Some(&attribution),
            comparison: None,
        }
        .html();
        std::fs::write(path, html).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&attribution)?)?;
    } else {
        out!("{}", render(&attribution))?;
    }
    Ok(())
}

fn render(a: &Attribution) -> String {
    let mut out = format!(
        "{} sessions, {} with a known outcome\nmethod: {}\n\n",
        thousands(a.sessions),
        thousands(a.sessions_with_outcome),
        a.method
    );
    if !a.effects.is_empty() {
        out.push_str(&format!(
            "{:<4}{:<52}{:>9}  {:<18}{:>9}  {:<17}{}\n",
            "#", "change", "effect", "95% interval", "sessions", "first seen", "slices"
        ));
    }
    for (i, e) in a.effects.iter().enumerate() {
        out.push_str(&format!(
            "{:<4}{:<52}{:>6} pp  {:<18}{:>9}  {:<17}{}\n",
            i + 1,
            printable_line(&format!("{}: {} -> {}", e.dimension, e.from, e.to)),
            num(e.effect_pp, 1),
            format!("[{}, {}]", num(e.ci_low_pp, 1), num(e.ci_high_pp, 1)),
            thousands(e.sessions),
            e.first_seen.format("%Y-%m-%d %H:%M"),
            printable_line(&e.slices.join(","))
        ));
        if let Some(s) = &e.subgroup {
            out.push_str(&format!("    subgroup: {}\n", printable_line(s)));
        }
        if !e.confounded_with.is_empty() {
            out.push_str(&format!(
                "    confounded with: {} (one joint effect)\n",
                printable_line(&e.confounded_with.join("; "))
            ));
        }
        if let Some(n) = &e.note {
            out.push_str(&format!("    {}\n", printable_line(n)));
        }
    }
    for note in &a.notes {
        out.push_str(&format!("note: {}\n", printable_line(note)));
    }
    out
}
