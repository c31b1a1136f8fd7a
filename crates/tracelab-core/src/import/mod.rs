//! Importing traces into an archive. Every record read is either imported or quarantined with
//! its reason, and the summary reconciles: `records_read = imported + quarantined`.
//! The whole import is one [`Append`](crate::archive::Append): it becomes visible at the end,
//! or not at all.
//!
//! The work is a pipeline in bounded memory: one thread reads the inputs (files, folders,
//! `.gz`, `.zip`, `.tar.gz`), hashes them and decides their format ([`detect`]); parser
//! threads, one per core, turn them into sessions (one file per format below); the calling
//! thread puts the results back in input order, drops duplicate ids into quarantine and
//! writes segments. A file whose sha256 the archive already lists is skipped: importing the
//! same file twice is a no-op.
//!
//! ```no_run
//! use tracelab_core::archive::Archive;
//! use tracelab_core::import::{import_with, ImportOptions};
//! use tracelab_core::progress::{CancelToken, Silent};
//! let mut archive = Archive::open_or_create("traces.tlab")?;
//! let summary = import_with(&mut archive, &["~/.claude/projects".into()],
//!     &ImportOptions::default(), &Silent, &CancelToken::new())?;
//! println!("{} sessions imported", summary.sessions);
//! # Ok::<(), tracelab_core::Error>(())
//! ```

pub mod canonical;
pub mod claude_code;
pub mod codex;
pub mod detect;
mod input;
pub mod inspect;
pub mod json;
pub mod mini_swe_agent;
pub mod openhands;
pub mod otel;
pub mod outcomes;
pub mod parquet;
pub mod steps;
pub mod swe_agent;
pub mod tau_bench;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::str::FromStr;

use arrow::array::{Array, StringArray};
use serde::Serialize;

use crate::archive::{Append, Archive, Counts, SourceRecord};
use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress};
use crate::quarantine::{QuarantineRecord, QuarantineWriter, QUARANTINE_DIR};
use crate::record::Trajectory;
use crate::schema::Table;

pub use input::SourceFile;

/// Sessions per segment written by an import; bounds memory to one segment's worth.
const SEGMENT_SESSIONS: usize = 20_000;
/// Events per segment, for imports of very long sessions.
const SEGMENT_EVENTS: usize = 500_000;
/// Text per segment (contents, tool inputs, attributes), so that sessions with big steps
/// still leave an import in bounded memory (a few times this, once parsed).
const SEGMENT_TEXT_BYTES: usize = 96 << 20;

/// The input formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Decide from each file's content.
    Auto,
    /// Tracelab canonical JSONL.
    Canonical,
    /// Another Tracelab archive (its Parquet parts).
    Parquet,
    /// Claude Code session JSONL.
    ClaudeCode,
    /// Codex CLI rollout JSONL.
    Codex,
    /// SWE-agent `.traj`.
    SweAgent,
    /// mini-swe-agent `.traj.json`.
    MiniSweAgent,
    /// OpenHands event streams, `output.jsonl`, SDK conversation folders.
    OpenHands,
    /// Inspect AI logs (`.json`, `.eval`).
    Inspect,
    /// OpenTelemetry GenAI / OpenInference spans.
    Otel,
    /// τ-bench result arrays.
    TauBench,
}

impl Format {
    /// Every concrete format, in the order `--help` lists them.
    pub const ALL: [Format; 10] = [
        Format::Canonical,
        Format::Parquet,
        Format::ClaudeCode,
        Format::Codex,
        Format::SweAgent,
        Format::MiniSweAgent,
        Format::OpenHands,
        Format::Inspect,
        Format::Otel,
        Format::TauBench,
    ];

    /// The name used by `--format`, `source_format` and the summary (`unreadable` for a
    /// source whose format was never known: a bundle or entry that could not be opened).
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "unreadable",
            Format::Canonical => "canonical",
            Format::Parquet => "parquet",
            Format::ClaudeCode => "claude-code",
            Format::Codex => "codex",
            Format::SweAgent => "swe-agent",
            Format::MiniSweAgent => "mini-swe-agent",
            Format::OpenHands => "openhands",
            Format::Inspect => "inspect-ai",
            Format::Otel => "otel",
            Format::TauBench => "tau-bench",
        }
    }

    /// Formats read line by line (one session per line), streamed in batches of lines;
    /// the others are read a source at a time. OpenHands is streamed when the source is
    /// JSONL (`output.jsonl`), `head` being its first bytes.
    fn is_line_based(self, head: &[u8]) -> bool {
        match self {
            Format::Canonical => true,
            Format::OpenHands => detect::is_jsonl(head),
            _ => false,
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let s = s.to_ascii_lowercase();
        let alias = match s.as_str() {
            "auto" => Some(Format::Auto),
            "claude" => Some(Format::ClaudeCode),
            "codex-cli" => Some(Format::Codex),
            "inspect" => Some(Format::Inspect),
            "openinference" | "opentelemetry" => Some(Format::Otel),
            "tau" | "tau2-bench" => Some(Format::TauBench),
            "mini" => Some(Format::MiniSweAgent),
            _ => None,
        };
        alias
            .or_else(|| Format::ALL.into_iter().find(|f| f.name() == s))
            .ok_or_else(|| {
                let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format `{s}` (known: auto, {})", known.join(", "))
            })
    }
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `Auto` decides per file from its content; anything else forces that format.
    pub format: Format,
    /// A CSV or JSONL file of `session_id` or `task_id` with `outcome` and/or `score`.
    pub outcomes: Option<PathBuf>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: Format::Auto,
            outcomes: None,
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

/// What a parser made of one source: sessions, and the records it could not read.
/// Every element of both is one record read.
#[derive(Debug, Default)]
pub struct Parsed {
    pub trajectories: Vec<Trajectory>,
    pub rejected: Vec<QuarantineRecord>,
}

impl Parsed {
    /// Quarantines a record of `uri` (a line number when the source has lines).
    pub fn reject(&mut self, uri: &str, line: Option<u64>, r: Rejection, raw: &[u8]) {
        self.rejected
            .push(QuarantineRecord::new(uri, line, &r.kind, r.message, raw));
    }

    /// A whole source that could not be read at all.
    pub fn unreadable(file: &SourceFile, r: Rejection) -> Parsed {
        let mut p = Parsed::default();
        p.reject(&file.uri, None, r, &file.bytes);
        p
    }
}

/// Per source format: what an import read and wrote.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct FormatSummary {
    pub files: u64,
    pub sessions: u64,
    pub events: u64,
    pub quarantined: u64,
}

/// A file the import did not read, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Skipped {
    pub uri: String,
    /// `already_imported` (its sha256 is in the manifest), `not_a_trace` or `empty`.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub sources: Vec<SourceRecord>,
    pub records_read: u64,
    pub imported: u64,
    pub quarantined: u64,
    /// Sessions and events written.
    pub sessions: u64,
    pub events: u64,
    /// Quarantined records by kind of problem.
    pub quarantined_by_kind: BTreeMap<String, u64>,
    /// Files, sessions, events and quarantined records per source format.
    pub by_format: BTreeMap<String, FormatSummary>,
    /// Files not read: already imported, or not a trace.
    pub skipped: Vec<Skipped>,
    /// Sessions whose outcome came from `--outcomes` or a benchmark report.
    pub outcomes_applied: u64,
    /// The archive's quarantine folder.
    pub quarantine_dir: PathBuf,
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
    let options = ImportOptions {
        format,
        outcomes: None,
    };
    import_with(archive, inputs, &options, progress, cancel)
}

/// Imports `inputs` with `options`; see the module docs.
pub fn import_with(
    archive: &mut Archive,
    inputs: &[PathBuf],
    options: &ImportOptions,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<ImportSummary> {
    let plan = input::plan(inputs)?;
    let mut outcomes = outcomes::Outcomes::from_reports(&plan.reports);
    if let Some(sidecar) = &options.outcomes {
        outcomes.load_sidecar(sidecar)?;
    }
    let known: HashSet<String> = archive
        .manifest()
        .sources
        .iter()
        .filter_map(|s| s.sha256.clone())
        .collect();
    let mut seen = existing_session_ids(archive)?;
    let mut summary = ImportSummary {
        sources: Vec::new(),
        records_read: 0,
        imported: 0,
        quarantined: 0,
        sessions: 0,
        events: 0,
        quarantined_by_kind: BTreeMap::new(),
        by_format: BTreeMap::new(),
        skipped: plan.not_traces.clone(),
        outcomes_applied: 0,
        quarantine_dir: archive.root().join(QUARANTINE_DIR),
        archive: Counts::default(),
    };
    let mut append = archive.append()?;
    let mut buffer = SegmentBuffer::default();
    progress.begin("importing", Some(plan.total_bytes));
    let mut consumer = Consumer {
        append: &mut append,
        buffer: &mut buffer,
        seen: &mut seen,
        outcomes: &outcomes,
        summary: &mut summary,
        open: None,
    };
    input::run_pipeline(plan, options.format, known, cancel, |out| {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        progress.advance(out.bytes);
        consumer.take(out.kind)
    })?;
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    buffer.flush(&mut append)?;
    progress.finish();
    for source in &summary.sources {
        debug_assert_eq!(source.records_read, source.imported + source.quarantined);
    }
    summary.archive = append.commit()?;
    Ok(summary)
}

/// What the pipeline hands back, in input order.
pub(crate) enum Output {
    /// A source begins.
    Start { uri: String, format: Format },
    /// Records of the current source.
    Parsed(Parsed),
    /// The current source ends; its sha256.
    End { sha256: String },
    /// A file not read.
    Skipped(Skipped),
}

/// One pipeline result with the input bytes it accounts for (for the progress bar).
pub(crate) struct Done {
    pub kind: Output,
    pub bytes: u64,
}

/// The calling thread's side of the pipeline: results in order into the archive.
struct Consumer<'a, 'b> {
    append: &'a mut Append<'b>,
    buffer: &'a mut SegmentBuffer,
    seen: &'a mut HashSet<String>,
    outcomes: &'a outcomes::Outcomes,
    summary: &'a mut ImportSummary,
    open: Option<OpenSource>,
}

struct OpenSource {
    uri: String,
    format: Format,
    quarantine: QuarantineWriter,
    imported: u64,
}

impl Consumer<'_, '_> {
    fn take(&mut self, out: Output) -> Result<()> {
        match out {
            Output::Start { uri, format } => {
                self.open = Some(OpenSource {
                    uri,
                    format,
                    quarantine: self.append.quarantine()?,
                    imported: 0,
                });
                self.summary
                    .by_format
                    .entry(format.name().into())
                    .or_default()
                    .files += 1;
            }
            Output::Parsed(parsed) => self.records(parsed)?,
            Output::End { sha256 } => {
                let source = self.open.take().expect("End follows Start");
                let quarantined = source.quarantine.count();
                let record = SourceRecord {
                    uri: source.uri,
                    sha256: Some(sha256),
                    format: source.format.name().into(),
                    records_read: source.imported + quarantined,
                    imported: source.imported,
                    quarantined,
                    quarantine_file: None,
                    imported_at: chrono::Utc::now()
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                };
                let s = &mut *self.summary;
                s.records_read += record.records_read;
                s.imported += record.imported;
                s.quarantined += quarantined;
                s.by_format
                    .entry(source.format.name().into())
                    .or_default()
                    .quarantined += quarantined;
                let record = self.append.add_source(record, source.quarantine.finish()?);
                s.sources.push(record);
            }
            Output::Skipped(skipped) => self.summary.skipped.push(skipped),
        }
        Ok(())
    }

    fn records(&mut self, parsed: Parsed) -> Result<()> {
        let source = self.open.as_mut().expect("records follow Start");
        for r in parsed.rejected {
            *self
                .summary
                .quarantined_by_kind
                .entry(r.kind.clone())
                .or_default() += 1;
            source.quarantine.push(&r)?;
        }
        for mut t in parsed.trajectories {
            let s = &mut t.session;
            if s.source_format.is_none() {
                s.source_format = Some(source.format.name().into());
            }
            if s.source_uri.is_none() {
                s.source_uri = Some(source.uri.clone());
            }
            if self.outcomes.apply(s) {
                self.summary.outcomes_applied += 1;
            }
            if !self.seen.insert(t.session.session_id.clone()) {
                let kind = "duplicate_session_id";
                *self
                    .summary
                    .quarantined_by_kind
                    .entry(kind.into())
                    .or_default() += 1;
                let message = format!(
                    "session_id {:?} is already in the archive",
                    t.session.session_id
                );
                let raw = canonical::to_line(&t);
                source.quarantine.push(&QuarantineRecord::new(
                    &source.uri,
                    None,
                    kind,
                    message,
                    raw.as_bytes(),
                ))?;
                continue;
            }
            source.imported += 1;
            let f = self
                .summary
                .by_format
                .entry(source.format.name().into())
                .or_default();
            f.sessions += 1;
            f.events += t.events.len() as u64;
            self.summary.sessions += 1;
            self.summary.events += t.events.len() as u64;
            self.buffer.push(self.append, t)?;
        }
        Ok(())
    }
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
    text_bytes: usize,
}

impl SegmentBuffer {
    fn push(&mut self, append: &mut Append, t: Trajectory) -> Result<()> {
        self.events += t.events.len();
        self.text_bytes += text_bytes(&t);
        self.trajectories.push(t);
        if self.trajectories.len() >= SEGMENT_SESSIONS
            || self.events >= SEGMENT_EVENTS
            || self.text_bytes >= SEGMENT_TEXT_BYTES
        {
            self.flush(append)?;
        }
        Ok(())
    }

    fn flush(&mut self, append: &mut Append) -> Result<()> {
        if !self.trajectories.is_empty() {
            append.write_segment(std::mem::take(&mut self.trajectories))?;
        }
        self.events = 0;
        self.text_bytes = 0;
        Ok(())
    }
}

/// About how many bytes of text a session holds.
fn text_bytes(t: &Trajectory) -> usize {
    fn value(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::String(s) => s.len() + 8,
            serde_json::Value::Array(items) => items.iter().map(value).sum::<usize>() + 8,
            serde_json::Value::Object(map) => {
                map.iter().map(|(k, v)| k.len() + value(v)).sum::<usize>() + 8
            }
            _ => 8,
        }
    }
    let text = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    t.session.attributes.as_ref().map_or(0, value)
        + t.events
            .iter()
            .map(|e| {
                64 + text(&e.content) + text(&e.tool_input) + e.attributes.as_ref().map_or(0, value)
            })
            .sum::<usize>()
}

/// Parses one source already in memory, as the import pipeline would (for tests, fuzzing
/// and benchmarks): a line format line by line, any other format whole.
pub fn parse_bytes(format: Format, path: &std::path::Path, bytes: Vec<u8>) -> Parsed {
    let file = SourceFile::new(path, bytes);
    parse_whole(format, std::slice::from_ref(&file), &[])
}

/// Parses a source read whole, in the given format.
pub(crate) fn parse_whole(format: Format, files: &[SourceFile], context: &[SourceFile]) -> Parsed {
    match format {
        Format::ClaudeCode => claude_code::parse(files),
        Format::Codex => codex::parse(files),
        Format::SweAgent => swe_agent::parse(files, context),
        Format::MiniSweAgent => mini_swe_agent::parse(files),
        Format::OpenHands => openhands::parse(files),
        Format::Inspect => inspect::parse(files),
        Format::Otel => otel::parse(files),
        Format::TauBench => tau_bench::parse(files),
        Format::Canonical | Format::Auto | Format::Parquet => {
            let mut parsed = Parsed::default();
            for file in files {
                parse_lines(Format::Canonical, &file.uri, 1, &file.bytes, &mut parsed);
            }
            parsed
        }
    }
}

/// Parses a batch of whole lines (`first` is the number of the first), one record per
/// non-blank line. Batches end at a newline, so a line without one is the source's last,
/// cut short.
pub(crate) fn parse_lines(format: Format, uri: &str, first: u64, bytes: &[u8], out: &mut Parsed) {
    let mut number = first;
    let mut rest = bytes;
    while !rest.is_empty() {
        let (line, next, complete) = match memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..], true),
            None => (rest, &rest[rest.len()..], false),
        };
        rest = next;
        let record = trim_line_end(line);
        if !record.iter().all(u8::is_ascii_whitespace) {
            let parsed = match std::str::from_utf8(record) {
                Err(e) => Err(Rejection::new(
                    "invalid_utf8",
                    format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                )),
                Ok(text) => match format {
                    Format::Canonical => canonical::parse_line(text, &format!("{uri}:{number}")),
                    Format::OpenHands => openhands::parse_line(text, uri),
                    other => Err(Rejection::new(
                        "unsupported",
                        format!("{} is not a line format", other.name()),
                    )),
                }
                .map_err(|r| {
                    if !complete && r.kind == "malformed_json" {
                        Rejection::new(
                            "truncated_line",
                            format!("truncated last line: {}", r.message),
                        )
                    } else {
                        r
                    }
                }),
            };
            match parsed {
                Ok(t) => out.trajectories.push(t),
                Err(r) => out.reject(uri, Some(number), r, record),
            }
        }
        number += 1;
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
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
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
