//! `tracelab`: the command-line face of the Tracelab engine. Each verb lives in
//! `commands/`, parses nothing itself beyond its flags, and calls one engine function.
//! Exit codes: 0 ok, 1 failure, 2 bad usage (clap's own).

/// `print!` / `println!` to standard output that return the write's error instead of
/// panicking: a reader that went away (`tracelab search A q --json | head`) then ends the
/// command quietly through `main`'s broken-pipe rule.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)
    }};
}
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

mod commands;
mod engine;
mod progress;
mod text;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Look inside agent traces and turn them into training data.
#[derive(Parser)]
#[command(name = "tracelab", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import trace files or folders into an archive (created if new).
    Import(commands::import::Args),
    /// Export an archive as canonical JSONL (one session per line, with its events).
    Export(commands::export::Args),
    /// Show what an archive holds: counts by source, harness version, model and outcome.
    Info(commands::info::Args),
    /// Generate a realistic sample archive with a planted regression story.
    GenSample(commands::gen_sample::Args),
    /// Run one read-only SQL statement over the archive (DataFusion).
    Query(commands::query::Args),
    /// Full-text search over every step of every session.
    Search(commands::search::Args),
    /// Bring the search index up to date, or rebuild it from the events table.
    Index(commands::index::Args),
    /// Rewrite the archive one segment per day (hive folders date=YYYY-MM-DD), for clusters and time filters.
    Compact(commands::compact::Args),
    /// Count sessions by every dimension (harness, version, model, outcome, slice, repo, task, config keys, tags).
    Facets(commands::facets::Args),
    /// Compare two cohorts: success rates with intervals, the difference and its p-value, metrics, a paired analysis on shared tasks.
    Compare(commands::compare::Args),
    /// Rank harness changes by their effect on the success rate, holding the others fixed.
    Attribute(commands::attribute::Args),
    /// When each new harness version, model or config value appeared and took over, per slice.
    Rollouts(commands::rollouts::Args),
    /// Success rate or a metric per day or week, split by a dimension, with intervals.
    Timeseries(commands::timeseries::Args),
    /// Check every session against benchmark corpora (SWE-bench and others) for contamination.
    Decontam(commands::decontam::Args),
    /// Replace secrets and e-mail addresses in a text or JSONL file by typed placeholders.
    Scrub(commands::scrub::Args),
    /// Build training sets: balanced preference pairs, KTO and SFT sets, split without leakage, decontaminated, scrubbed, in TRL, OpenAI, OpenRLHF and verl layouts.
    Curate(commands::curate::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(args) => commands::import::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Info(args) => commands::info::run(args),
        Command::GenSample(args) => commands::gen_sample::run(args),
        Command::Query(args) => commands::query::run(args),
        Command::Search(args) => commands::search::run(args),
        Command::Index(args) => commands::index::run(args),
        Command::Compact(args) => commands::compact::run(args),
        Command::Facets(args) => commands::facets::run(args),
        Command::Compare(args) => commands::compare::run(args),
        Command::Attribute(args) => commands::attribute::run(args),
        Command::Rollouts(args) => commands::rollouts::run(args),
        Command::Timeseries(args) => commands::timeseries::run(args),
        Command::Decontam(args) => commands::decontam::run(args),
        Command::Scrub(args) => commands::scrub::run(args),
        Command::Curate(args) => commands::curate::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`tracelab export A | head`): stop quietly, as `cat` does.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // One line: what failed, naming the file, without a backtrace.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The async runtime for the engine's DataFusion work.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<tracelab_core::Error>()
            .is_some_and(tracelab_core::Error::is_broken_pipe)
            || cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
