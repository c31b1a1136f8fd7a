//! Quarantine: records that could not be read go to `quarantine/*.jsonl` with the source,
//! the line or entry, the reason and the raw bytes, so nothing an import reads is lost.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The archive folder that holds quarantine files.
pub const QUARANTINE_DIR: &str = "quarantine";

/// One record that could not be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantineRecord {
    /// The file (and entry inside a bundle) it came from.
    pub source_uri: String,
    /// 1-based line number, for line-oriented sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// A short code for the kind of problem (`malformed_json`, `missing_session_id`, ...),
    /// so summaries can count each kind.
    pub kind: String,
    /// Why it could not be imported, as a sentence.
    pub error: String,
    /// The record's bytes, when they are valid UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// The record's bytes in base64, when they are not valid UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_base64: Option<String>,
}

impl QuarantineRecord {
    pub fn new(
        source_uri: &str,
        line: Option<u64>,
        kind: &str,
        error: impl Into<String>,
        raw: &[u8],
    ) -> Self {
        let (raw, raw_base64) = match std::str::from_utf8(raw) {
            Ok(text) => (Some(text.to_string()), None),
            Err(_) => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(raw)),
            ),
        };
        QuarantineRecord {
            source_uri: source_uri.to_string(),
            line,
            kind: kind.to_string(),
            error: error.into(),
            raw,
            raw_base64,
        }
    }
}

/// Writes the quarantine file of one source, under a temporary name until its append commits.
pub struct QuarantineWriter {
    tmp_path: PathBuf,
    final_path: PathBuf,
    relative: String,
    out: Option<BufWriter<File>>,
    count: u64,
}

/// A finished quarantine file waiting for its append to commit.
#[derive(Debug)]
pub struct StagedQuarantine {
    tmp_path: PathBuf,
    final_path: PathBuf,
    pub(crate) relative: String,
}

impl QuarantineWriter {
    pub(crate) fn create(root: &Path, number: u64) -> Result<Self> {
        let dir = root.join(QUARANTINE_DIR);
        let name = format!("source-{number:06}.jsonl");
        Ok(QuarantineWriter {
            tmp_path: dir.join(format!(".{name}.tmp")),
            final_path: dir.join(&name),
            relative: format!("{QUARANTINE_DIR}/{name}"),
            out: None,
            count: 0,
        })
    }

    /// Appends a record; the file is created on the first one.
    pub fn push(&mut self, record: &QuarantineRecord) -> Result<()> {
        if self.out.is_none() {
            let dir = self
                .tmp_path
                .parent()
                .expect("quarantine file has a folder");
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            let file = File::create(&self.tmp_path).map_err(|e| Error::io(&self.tmp_path, e))?;
            self.out = Some(BufWriter::new(file));
        }
        let out = self.out.as_mut().expect("opened above");
        serde_json::to_writer(&mut *out, record).expect("a quarantine record serialises");
        out.write_all(b"\n")
            .map_err(|e| Error::io(&self.tmp_path, e))?;
        self.count += 1;
        Ok(())
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Closes the file; `None` when nothing was quarantined.
    pub fn finish(mut self) -> Result<Option<StagedQuarantine>> {
        let Some(out) = self.out.take() else {
            return Ok(None);
        };
        let file = out
            .into_inner()
            .map_err(|e| Error::io(&self.tmp_path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&self.tmp_path, e))?;
        Ok(Some(StagedQuarantine {
            tmp_path: std::mem::take(&mut self.tmp_path),
            final_path: std::mem::take(&mut self.final_path),
            relative: std::mem::take(&mut self.relative),
        }))
    }
}

impl Drop for QuarantineWriter {
    fn drop(&mut self) {
        if self.out.is_some() {
            let _ = fs::remove_file(&self.tmp_path);
        }
    }
}

impl StagedQuarantine {
    pub(crate) fn publish(&mut self) -> Result<()> {
        fs::rename(&self.tmp_path, &self.final_path).map_err(|e| Error::io(&self.final_path, e))?;
        self.tmp_path = PathBuf::new();
        Ok(())
    }
}

impl Drop for StagedQuarantine {
    fn drop(&mut self) {
        if !self.tmp_path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp_path);
        }
    }
}

/// Reads every record of an archive's quarantine folder, oldest source first.
pub fn read_all(root: &Path) -> Result<Vec<QuarantineRecord>> {
    let dir = root.join(QUARANTINE_DIR);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    let mut records = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
        for line in text.lines().filter(|l| !l.is_empty()) {
            records.push(serde_json::from_str(line).map_err(|e| Error::Corrupt {
                path: file.clone(),
                reason: format!("quarantine record is not valid: {e}"),
            })?);
        }
    }
    Ok(records)
}
