//! Canonical JSONL export: one session per line with its steps, segment by segment, so memory
//! stays bounded by one segment. `tracelab import --format canonical` reads it back into
//! identical tables.

use std::io::Write;
use std::path::Path;

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::import::canonical::to_line;
use crate::progress::{CancelToken, Progress};

/// Writes every session of `archive` to `out`; returns the number of sessions written.
/// `out_path` only names the destination in errors.
pub fn export(
    archive: &Archive,
    out: &mut dyn Write,
    out_path: &Path,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<u64> {
    progress.begin("exporting", Some(archive.manifest().counts.sessions));
    let mut written = 0u64;
    for segment in archive.trajectories() {
        let segment = segment?;
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        for t in &segment {
            out.write_all(to_line(t).as_bytes())
                .and_then(|_| out.write_all(b"\n"))
                .map_err(|e| Error::io(out_path, e))?;
        }
        written += segment.len() as u64;
        progress.advance(segment.len() as u64);
    }
    out.flush().map_err(|e| Error::io(out_path, e))?;
    progress.finish();
    Ok(written)
}
