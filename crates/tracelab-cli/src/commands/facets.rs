use std::path::PathBuf;

use anyhow::Result;
use tracelab_core::archive::Archive;
use tracelab_core::query::{Facets, Filter, QueryEngine};

use crate::text::{percent, printable_line, thousands};

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    archive: PathBuf,
    /// Only sessions this filter selects (syntax in the README).
    #[arg(long = "where", value_name = "FILTER")]
    filter: Option<Filter>,
    /// Values shown per dimension; the rest are summed as "other".
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Print {"total", "facets": [{"dimension", "values": [{"value", "count"}], "other", "distinct"}]}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let archive = Archive::open(&args.archive)?;
    let filter = args.filter.unwrap_or_default();
    let facets = crate::runtime()?.block_on(async {
        QueryEngine::open(&archive)
            .await?
            .facets(&filter, args.top)
            .await
    })?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&facets)?)?;
    } else {
        out!("{}", render(&facets))?;
    }
    Ok(())
}

fn render(f: &Facets) -> String {
    let mut out = format!("{} sessions\n", thousands(f.total));
    for facet in &f.facets {
        out.push_str(&format!(
            "\n{} ({} distinct)\n",
            facet.dimension, facet.distinct
        ));
        for v in &facet.values {
            out.push_str(&format!(
                "  {:<40} {:>10}  {:>6}\n",
                printable_line(&v.value),
                thousands(v.count),
                percent(v.count, f.total)
            ));
        }
        if facet.other > 0 {
            out.push_str(&format!(
                "  {:<40} {:>10}\n",
                "(other)",
                thousands(facet.other)
            ));
        }
    }
    out
}
