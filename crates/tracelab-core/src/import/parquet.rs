//! Parquet in our own schema: another Tracelab archive (a folder with `manifest.json`),
//! read segment by segment, so merging archives never holds more than one segment.
//! Sessions keep the `source_format` and `source_uri` they were first imported with.

use std::path::Path;

use crate::archive::Archive;
use crate::error::Result;
use crate::record::Trajectory;

/// Calls `f` with each segment's sessions (with their steps) of the archive at `dir`.
pub fn for_each_segment(
    dir: &Path,
    mut f: impl FnMut(Vec<Trajectory>) -> Result<()>,
) -> Result<()> {
    let archive = Archive::open(dir)?;
    for segment in archive.trajectories() {
        f(segment?)?;
    }
    Ok(())
}
