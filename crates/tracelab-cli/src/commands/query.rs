use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use tracelab_core::progress::CancelToken;
use tracelab_core::query::DEFAULT_ROW_LIMIT;

use crate::engine::EngineArgs;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
    Parquet,
}

#[derive(clap::Args)]
pub struct Args {
    /// The archive: a folder, or an s3://, gs://, az:// or file:// URL of one.
    archive: String,
    /// One read-only SQL statement over the tables sessions, events, labels and the view
    /// tool_calls. DDL, DML, COPY and SET are refused.
    sql: String,
    /// Output: an aligned table, CSV, a JSON array of row objects, or Parquet (needs --out).
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    /// At most this many rows (the rest are cut off, with a note on stderr).
    #[arg(long, default_value_t = DEFAULT_ROW_LIMIT)]
    limit: usize,
    /// Write the result to this file instead of standard output.
    #[arg(long, short)]
    out: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
}

pub fn run(args: Args) -> Result<()> {
    let result = args.engine.run(&args.archive, |engine| async move {
        engine.sql(&args.sql, args.limit, &CancelToken::new()).await
    })?;
    let mut out: Box<dyn Write + Send> = match &args.out {
        Some(path) => Box::new(io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create", path.display()))?,
        )),
        None if matches!(args.format, OutputFormat::Parquet) => {
            bail!("--format parquet writes a file: add --out FILE.parquet")
        }
        None => Box::new(io::BufWriter::new(io::stdout())),
    };
    let batches = &result.batches;
    match args.format {
        OutputFormat::Table => {
            let table = arrow::util::pretty::pretty_format_batches(batches)?;
            writeln!(out, "{}", crate::text::printable(&table.to_string()))?;
        }
        OutputFormat::Csv => result.write_csv(&mut out)?,
        OutputFormat::Json => {
            let mut writer = arrow::json::ArrayWriter::new(&mut out);
            writer.write_batches(&batches.iter().collect::<Vec<_>>())?;
            writer.finish()?;
            if result.rows == 0 {
                write!(out, "[]")?;
            }
            writeln!(out)?;
        }
        OutputFormat::Parquet => result.write_parquet(&mut out)?,
    }
    out.flush()?;
    if result.truncated {
        eprintln!(
            "note: showing the first {} rows; raise --limit to see more",
            result.rows
        );
    }
    Ok(())
}
