use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use tracelab_core::archive::Archive;
use tracelab_core::export::canonical;
use tracelab_core::progress::CancelToken;

use crate::progress::Bar;

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    archive: PathBuf,
    /// Where to write canonical JSONL; standard output when omitted or `-`.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let archive = Archive::open(&args.archive)?;
    let cancel = CancelToken::new();
    match args.out.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let file = File::create(&path)
                .with_context(|| format!("{}: cannot create", path.display()))?;
            let mut out = BufWriter::new(file);
            let n = canonical::export(&archive, &mut out, &path, &Bar::new(false), &cancel)?;
            eprintln!("Wrote {n} sessions to {}.", path.display());
        }
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            canonical::export(
                &archive,
                &mut out,
                std::path::Path::new("<stdout>"),
                &Bar::new(false),
                &cancel,
            )?;
            out.flush()?;
        }
    }
    Ok(())
}
