use std::path::PathBuf;

use anyhow::Result;
use serde_json::json;
use tracelab_core::archive::Archive;
use tracelab_core::query::{Filter, QueryEngine};
use tracelab_core::search::{SearchResult, Searcher};

use crate::text::{printable_line, thousands};

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    archive: PathBuf,
    /// Terms, "phrases", AND / OR / NOT, field scopes (tool_name:bash, role:assistant,
    /// kind:tool_result),.
    query: String,
    /// Only sessions this filter selects, e.g. "model=gpt-5-codex outcome=failure cost<0.5"
    /// (syntax in the README).
    #[arg(long = "where", value_name = "FILTER")]
    filter: Option<Filter>,
    /// Best hits to show.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Print {"total_sessions", "total_hits", "hits": [{"session_id", "seq", "snippet", ...}], "sessions"}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let archive = Archive::open(&args.archive)?;
    let within = match args.filter.as_ref().filter(|f| !f.is_empty()) {
        Some(filter) => Some(
            crate::runtime()?
                .block_on(async { QueryEngine::open(&archive).await?.session_ids(filter).await })?,
        ),
        None => None,
    };
    let result = Searcher::open(&archive)?.search(&args.query, within.as_deref(), args.limit)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&to_json(&result))?)?;
    } else {
        out!("{}", render(&result, &args.query))?;
    }
    Ok(())
}

fn to_json(r: &SearchResult) -> serde_json::Value {
    json!({
        "total_sessions": r.total_sessions,
        "total_hits": r.total_hits,
        "hits": r.hits,
        "sessions": r.sessions,
    })
}

fn render(r: &SearchResult, query: &str) -> String {
    let mut out = format!(
        "{} steps in {} sessions match {}\n",
        thousands(r.total_hits),
        thousands(r.total_sessions),
        printable_line(query)
    );
    for hit in &r.hits {
        let what = hit
            .tool_name
            .as_deref()
            .or(hit.kind.as_deref())
            .unwrap_or("");
        out.push_str(&format!(
            "{}  #{:<4} {:<12} {}\n",
            hit.session_id,
            hit.seq,
            what,
            printable_line(&hit.snippet)
        ));
    }
    out
}
