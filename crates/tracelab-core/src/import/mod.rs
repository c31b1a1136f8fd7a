//! Importing traces into an archive. Every record read is either imported or quarantined with
//! its reason, and the summary reconciles: `records_read = imported + quarantined`.
//! The whole import is one [`Append`](crate::archive::Append): it becomes visible at the end,
//! or not at all.

pub mod canonical;

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use arrow::array::{Array, StringArray};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::archive::{Append, Archive, Counts, SourceRecord};
use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress};
use crate::quarantine::QuarantineRecord;
use crate::record::Trajectory;
use crate::schema::Table;

/// Sessions per segment written by an import; bounds memory to one segment's worth.
const SEGMENT_SESSIONS: usize = 20_000;
/// Events per segment, for imports of very long sessions.
const SEGMENT_EVENTS: usize = 500_000;

/// The input formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Decide from each file's content.
    Auto,
    /// Tracelab canonical JSONL.
    Canonical,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(Format::Auto),
            "canonical" => Ok(Format::Canonical),
            other => Err(format!("unknown format `{other}` (known: auto, canonical)")),
        }
    }
}

/// Why one record could not be imported: a short kind and a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub kind: String,
    pub message: String,
}

impl Rejection {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Rejection {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub sources: Vec<SourceRecord>,
    pub records_read: u64,
    pub imported: u64,
    pub quarantined: u64,
    /// Quarantined records by kind of problem.
    pub quarantined_by_kind: BTreeMap<String, u64>,
    /// The archive's counts after the import.
    pub archive: Counts,
}

/// Imports `inputs` (files, or folders searched recursively) into `archive`.
pub fn import(
    archive: &mut Archive,
    inputs: &[PathBuf],
    format: Format,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<ImportSummary> {
    let files = expand_inputs(inputs)?;
    let total_bytes = files
        .iter()
        .map(|f| fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let mut seen = existing_session_ids(archive)?;
    let mut summary = ImportSummary {
        sources: Vec::new(),
        records_read: 0,
        imported: 0,
        quarantined: 0,
        quarantined_by_kind: BTreeMap::new(),
        archive: Counts::default(),
    };
    let mut append = archive.append()?;
    let mut buffer = SegmentBuffer::default();
    progress.begin("importing", Some(total_bytes));
    for file in &files {
        let file_format = match format {
            Format::Auto => detect(file)?,
            f => f,
        };
        let source = match file_format {
            Format::Canonical | Format::Auto => import_canonical(
                file,
                &mut append,
                &mut buffer,
                &mut seen,
                &mut summary,
                progress,
                cancel,
            )?,
        };
        summary.sources.push(source);
    }
    buffer.flush(&mut append)?;
    progress.finish();
    for source in &summary.sources {
        debug_assert_eq!(source.records_read, source.imported + source.quarantined);
    }
    summary.archive = append.commit()?;
    Ok(summary)
}

/// Files to import, in a stable order: each file given, and the files under each folder.
fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        let meta = fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)?;
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Looks at a file's first bytes to decide its format.
fn detect(path: &Path) -> Result<Format> {
    let mut head = [0u8; 4096];
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&head[..n]);
    let first = text.trim_start();
    if first.starts_with('{') && first.contains("\"session_id\"") {
        return Ok(Format::Canonical);
    }
    Err(Error::BadInput {
        path: path.to_path_buf(),
        reason: "cannot tell the trace format from its content; pass --format (known: canonical)"
            .into(),
    })
}

fn existing_session_ids(archive: &Archive) -> Result<HashSet<String>> {
    let mut ids = HashSet::with_capacity(archive.manifest().counts.sessions as usize);
    for batch in archive.scan(Table::Sessions, Some(&["session_id"]))? {
        let batch = batch?;
        let col = batch
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("session_id is utf8");
        ids.extend(col.iter().flatten().map(str::to_string));
    }
    Ok(ids)
}

/// Trajectories waiting to be written as one segment.
#[derive(Default)]
struct SegmentBuffer {
    trajectories: Vec<Trajectory>,
    events: usize,
}

impl SegmentBuffer {
    fn push(&mut self, append: &mut Append, t: Trajectory) -> Result<()> {
        self.events += t.events.len();
        self.trajectories.push(t);
        if self.trajectories.len() >= SEGMENT_SESSIONS || self.events >= SEGMENT_EVENTS {
            self.flush(append)?;
        }
        Ok(())
    }

    fn flush(&mut self, append: &mut Append) -> Result<()> {
        if !self.trajectories.is_empty() {
            append.write_segment(std::mem::take(&mut self.trajectories))?;
        }
        self.events = 0;
        Ok(())
    }
}

/// Reads a file while hashing it, so the manifest records what exactly was imported.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

fn import_canonical(
    path: &Path,
    append: &mut Append,
    buffer: &mut SegmentBuffer,
    seen: &mut HashSet<String>,
    summary: &mut ImportSummary,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<SourceRecord> {
    let uri = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = BufReader::with_capacity(
        1 << 20,
        HashingReader {
            inner: file,
            hasher: Sha256::new(),
        },
    );
    let mut quarantine = append.quarantine()?;
    let (mut read, mut imported) = (0u64, 0u64);
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        number += 1;
        progress.advance(n as u64);
        if number % 1024 == 0 && cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let complete = line.last() == Some(&b'\n');
        let record = trim_line_end(&line);
        if record.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        read += 1;
        let parsed = match std::str::from_utf8(record) {
            Err(e) => Err(Rejection::new(
                "invalid_utf8",
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            )),
            Ok(text) => canonical::parse_line(text, &format!("{uri}:{number}")).map_err(|r| {
                if !complete && r.kind == "malformed_json" {
                    Rejection::new(
                        "truncated_line",
                        format!("truncated last line: {}", r.message),
                    )
                } else {
                    r
                }
            }),
        }
        .and_then(|t| {
            if seen.insert(t.session.session_id.clone()) {
                Ok(t)
            } else {
                Err(Rejection::new(
                    "duplicate_session_id",
                    format!(
                        "session_id {:?} is already in the archive",
                        t.session.session_id
                    ),
                ))
            }
        });
        match parsed {
            Ok(t) => {
                imported += 1;
                buffer.push(append, t)?;
            }
            Err(r) => {
                *summary
                    .quarantined_by_kind
                    .entry(r.kind.clone())
                    .or_default() += 1;
                quarantine.push(&QuarantineRecord::new(
                    &uri,
                    Some(number),
                    &r.kind,
                    r.message,
                    record,
                ))?;
            }
        }
    }
    let quarantined = quarantine.count();
    summary.records_read += read;
    summary.imported += imported;
    summary.quarantined += quarantined;
    let sha256 = hex(&reader.into_inner().hasher.finalize());
    let source = SourceRecord {
        uri,
        sha256: Some(sha256),
        format: canonical::FORMAT.into(),
        records_read: read,
        imported,
        quarantined,
        quarantine_file: None,
        imported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    Ok(append.add_source(source, quarantine.finish()?))
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && (line[end - 1] == b'\n' || line[end - 1] == b'\r') {
        end -= 1;
    }
    &line[..end]
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
