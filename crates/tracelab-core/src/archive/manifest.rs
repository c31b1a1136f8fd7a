//! `manifest.json`: what an archive holds. Readers open only the parts it lists, and it is
//! replaced atomically (temp file, fsync, rename, fsync of the folder), so an import killed
//! at any moment leaves the archive exactly as it was.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::schema::{Table, SCHEMA_VERSION};

/// The file name of the manifest inside an archive folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Marker in `format`, so a stray `manifest.json` of another tool is not taken for ours.
pub const FORMAT: &str = "tracelab-archive";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub schema_version: u32,
    pub counts: Counts,
    /// Sessions and their events, written together: a segment's events belong to its sessions.
    pub segments: Vec<Segment>,
    pub labels: Vec<LabelPart>,
    /// Every source imported, in order.
    pub sources: Vec<SourceRecord>,
    /// The number the next part file takes; part names never repeat within an archive.
    pub next_part: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub sessions: u64,
    pub events: u64,
    pub labels: u64,
    pub quarantined: u64,
}

/// A sessions part and the events part holding exactly those sessions' steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Path of the sessions part, relative to the archive.
    pub sessions: String,
    /// Path of the events part, relative to the archive; sorted by `(session_id, seq)`.
    pub events: String,
    pub sessions_rows: u64,
    pub events_rows: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelPart {
    pub file: String,
    pub rows: u64,
}

/// One imported input and how its records reconcile: `read = imported + quarantined`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    pub uri: String,
    pub sha256: Option<String>,
    pub format: String,
    pub records_read: u64,
    pub imported: u64,
    pub quarantined: u64,
    /// The quarantine file of this source, relative to the archive, when anything went there.
    pub quarantine_file: Option<String>,
    pub imported_at: String,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            format: FORMAT.into(),
            schema_version: SCHEMA_VERSION,
            counts: Counts::default(),
            segments: Vec::new(),
            labels: Vec::new(),
            sources: Vec::new(),
            next_part: 1,
        }
    }
}

impl Manifest {
    /// Reads the manifest of the archive at `root`.
    pub fn read(root: &Path) -> Result<Manifest> {
        let path = root.join(MANIFEST_FILE);
        let bytes = fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotAnArchive(root.to_path_buf()),
            _ => Error::io(&path, e),
        })?;
        Manifest::parse(&bytes, &path)
    }

    /// Parses and checks the bytes of a manifest read from `path` (a file or a URL).
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Manifest> {
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| Error::Corrupt {
            path: path.to_path_buf(),
            reason: format!("manifest is not valid: {e}"),
        })?;
        if manifest.format != FORMAT {
            return Err(Error::NotAnArchive(
                path.parent().unwrap_or(path).to_path_buf(),
            ));
        }
        if manifest.schema_version > SCHEMA_VERSION {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                reason: format!(
                    "archive schema version {} is newer than this Tracelab understands ({SCHEMA_VERSION}); upgrade Tracelab",
                    manifest.schema_version
                ),
            });
        }
        Ok(manifest)
    }

    /// The parts of `table`, relative to the archive, in manifest order.
    pub fn part_files(&self, table: Table) -> Vec<&str> {
        match table {
            Table::Sessions => self.segments.iter().map(|s| s.sessions.as_str()).collect(),
            Table::Events => self.segments.iter().map(|s| s.events.as_str()).collect(),
            Table::Labels => self.labels.iter().map(|l| l.file.as_str()).collect(),
        }
    }

    /// Replaces the manifest of the archive at `root` atomically.
    pub fn write_atomically(&self, root: &Path) -> Result<()> {
        let path = root.join(MANIFEST_FILE);
        let tmp = root.join(format!(".{MANIFEST_FILE}.tmp"));
        let mut text = serde_json::to_vec_pretty(self).expect("a manifest always serialises");
        text.push(b'\n');
        let mut file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        file.write_all(&text).map_err(|e| Error::io(&tmp, e))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        drop(file);
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        sync_dir(root)
    }
}

/// Makes a rename inside `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))
}
