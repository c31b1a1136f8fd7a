//! A trace archive: a folder of zstd Parquet parts listed by an atomically replaced
//! `manifest.json` (layout in `ARCHITECTURE.md`).
//!
//! ```no_run
//! use tracelab_core::archive::Archive;
//! let archive = Archive::open("sample-data/archive")?;
//! println!("{} sessions", archive.manifest().counts.sessions);
//! # Ok::<(), tracelab_core::Error>(())
//! ```

mod append;
mod compact;
pub mod manifest;
mod part;
mod read;

use std::fs;
use std::path::{Path, PathBuf};

pub use append::Append;
pub use compact::Compaction;
pub use manifest::{Counts, Manifest, Segment, SourceRecord};
pub use read::{TableScan, TrajectoryReader};

use crate::error::{Error, Result};
use crate::quarantine::QUARANTINE_DIR;
use crate::schema::Table;

/// An open archive. One process appends at a time; any number may read.
#[derive(Debug, Clone)]
pub struct Archive {
    root: PathBuf,
    manifest: Manifest,
}

impl Archive {
    /// Opens an existing archive. Fails with [`Error::NotFound`] or [`Error::NotAnArchive`].
    pub fn open(root: impl AsRef<Path>) -> Result<Archive> {
        let root = root.as_ref();
        let meta = fs::metadata(root).map_err(|e| Error::io(root, e))?;
        if !meta.is_dir() {
            return Err(Error::NotAnArchive(root.to_path_buf()));
        }
        let manifest = Manifest::read(root)?;
        Ok(Archive {
            root: root.to_path_buf(),
            manifest,
        })
    }

    /// Opens the archive at `root`, or creates an empty one if the folder is new or empty.
    pub fn open_or_create(root: impl AsRef<Path>) -> Result<Archive> {
        let root = root.as_ref();
        if root.join(manifest::MANIFEST_FILE).exists() {
            return Archive::open(root);
        }
        if root.exists() {
            if !root.is_dir() {
                return Err(Error::NotAnArchive(root.to_path_buf()));
            }
            let mut entries = fs::read_dir(root).map_err(|e| Error::io(root, e))?;
            if entries.next().is_some() {
                return Err(Error::BadInput {
                    path: root.to_path_buf(),
                    reason:
                        "folder is not empty and holds no archive; choose a new or empty folder"
                            .into(),
                });
            }
        }
        fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        for table in Table::ALL {
            let dir = root.join(table.name());
            fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        let manifest = Manifest::default();
        manifest.write_atomically(root)?;
        Ok(Archive {
            root: root.to_path_buf(),
            manifest,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Starts an append. Leftovers of an append that was killed (temporary files, parts the
    /// manifest never listed) are removed first, so readers of the folder see only real data.
    pub fn append(&mut self) -> Result<Append<'_>> {
        self.remove_unlisted_files()?;
        Ok(Append::new(self))
    }

    fn remove_unlisted_files(&self) -> Result<()> {
        let mut listed = std::collections::HashSet::new();
        for s in &self.manifest.segments {
            listed.insert(s.sessions.clone());
            listed.insert(s.events.clone());
        }
        for l in &self.manifest.labels {
            listed.insert(l.file.clone());
        }
        for s in &self.manifest.sources {
            listed.extend(s.quarantine_file.clone());
        }
        let dirs = Table::ALL.iter().map(|t| t.name()).chain([QUARANTINE_DIR]);
        for dir_name in dirs {
            self.remove_unlisted_in(dir_name, &listed)?;
        }
        Ok(())
    }

    /// Removes our leftovers in `<root>/<relative>` and its partition folders (`date=...`).
    fn remove_unlisted_in(
        &self,
        relative: &str,
        listed: &std::collections::HashSet<String>,
    ) -> Result<()> {
        let Ok(entries) = fs::read_dir(self.root.join(relative)) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.contains('=') && entry.path().is_dir() {
                self.remove_unlisted_in(&format!("{relative}/{name}"), listed)?;
                continue;
            }
            let ours = name.ends_with(".tmp")
                || (name.starts_with("part-") && name.ends_with(".parquet"))
                || (name.starts_with("source-") && name.ends_with(".jsonl"));
            if ours && !listed.contains(&format!("{relative}/{name}")) {
                fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            }
        }
        Ok(())
    }

    /// Absolute paths of the parts of `table`, in manifest order.
    pub fn part_paths(&self, table: Table) -> Vec<PathBuf> {
        self.manifest
            .part_files(table)
            .into_iter()
            .map(|r| self.root.join(r))
            .collect()
    }
}
