use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use tracelab_core::scrub::{Counts, Scrubber};

use crate::text::thousands;

#[derive(clap::Args)]
pub struct Args {
    /// A text or JSONL file (a canonical export, say); standard input when absent.
    input: Option<PathBuf>,
    /// Write the scrubbed text here instead of standard output.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// A TOML rule file that adds rules to the built-in ones or disables them by name.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Print the built-in rule file and exit.
    #[arg(long)]
    print_rules: bool,
    /// Print the counts per kind as JSON on standard error.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<()> {
    if args.print_rules {
        out!("{}", tracelab_core::scrub::DEFAULT_RULES)?;
        return Ok(());
    }
    let scrubber = match &args.rules {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            Scrubber::from_toml(&text).with_context(|| format!("{}", path.display()))?
        }
        None => Scrubber::builtin(),
    };
    let input: Box<dyn Read> = match &args.input {
        Some(path) => Box::new(
            std::fs::File::open(path)
                .with_context(|| format!("{}: cannot open", path.display()))?,
        ),
        None => Box::new(std::io::stdin()),
    };
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout())),
    };
    let mut counts = Counts::default();
    // Line by line, so a file of any size scrubs in bounded memory; a private key block
    // spanning lines is still found inside JSONL, where its newlines are escaped.
    let mut reader = BufReader::new(input);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        out.write_all(scrubber.scrub(&line, &mut counts).as_bytes())?;
    }
    out.flush()?;
    if args.json {
        eprintln!("{}", serde_json::to_string(&counts)?);
    } else {
        eprintln!("Redacted {} value(s).", thousands(counts.total()));
        for (kind, n) in &counts.per_kind {
            eprintln!("  {kind:<24}{:>10}", thousands(*n));
        }
    }
    Ok(())
}
