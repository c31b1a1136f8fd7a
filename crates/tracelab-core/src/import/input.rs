//! The inputs of an import and the pipeline that reads them: folders are walked, bundles
//! (`.gz`, `.zip`, `.tar.gz`) opened, every source hashed while it is read, its format
//! decided from its first MiB, and the parsing spread over one thread per core. Results come
//! back in input order, so an import is deterministic whatever the threads do.

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use crossbeam_channel::{bounded, Receiver, Sender};
use sha2::{Digest, Sha256};

use super::{detect, hex, outcomes, Done, Format, Output, Parsed, Skipped};
use crate::archive::manifest::MANIFEST_FILE;
use crate::error::{Error, Result};
use crate::progress::CancelToken;

/// Bytes of a file looked at to decide its format.
const HEAD: u64 = 1 << 20;
/// Lines are handed to the parsers in batches of about this many bytes.
const LINE_BATCH: usize = 4 << 20;

/// One file of a source, read whole.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file, or `bundle.zip!entry` inside a bundle.
    pub uri: String,
    /// Its path (inside the bundle, for entries): importers read ids and run names from it.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl SourceFile {
    /// A file from memory (tests, benchmarks).
    pub fn new(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Self {
        let path = path.into();
        SourceFile {
            uri: path.display().to_string(),
            path,
            bytes,
        }
    }
}

/// What the walk found.
pub(crate) struct Plan {
    items: Vec<Item>,
    /// Benchmark report files (`report.json`, `results.json`, ...): outcomes, not traces.
    pub reports: Vec<PathBuf>,
    pub not_traces: Vec<Skipped>,
    pub total_bytes: u64,
}

enum Item {
    /// A file (or bundle); `explicit` when the user named it, so an unknown format is an error.
    File { path: PathBuf, explicit: bool },
    /// A Claude Code session with its sub-agent files.
    ClaudeGroup { main: PathBuf, extra: Vec<PathBuf> },
    /// An OpenHands SDK conversation folder (`base_state.json` + `events/`).
    SdkConversation { dir: PathBuf },
    /// Another Tracelab archive.
    Archive { dir: PathBuf },
}

/// Walks the inputs into a plan, in a stable order.
pub(crate) fn plan(inputs: &[PathBuf]) -> Result<Plan> {
    let mut plan = Plan {
        items: Vec::new(),
        reports: Vec::new(),
        not_traces: Vec::new(),
        total_bytes: 0,
    };
    for input in inputs {
        let meta = fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if meta.is_dir() {
            walk(input, &mut plan)?;
        } else {
            plan.total_bytes += meta.len();
            plan.items.push(Item::File {
                path: input.clone(),
                explicit: true,
            });
        }
    }
    Ok(plan)
}

fn is_archive(dir: &Path) -> bool {
    fs::read(dir.join(MANIFEST_FILE))
        .map(|b| String::from_utf8_lossy(&b).contains(crate::archive::manifest::FORMAT))
        .unwrap_or(false)
}

fn walk(dir: &Path, plan: &mut Plan) -> Result<()> {
    if is_archive(dir) {
        plan.items.push(Item::Archive {
            dir: dir.to_path_buf(),
        });
        return Ok(());
    }
    if dir.join("base_state.json").is_file() && dir.join("events").is_dir() {
        plan.items.push(Item::SdkConversation {
            dir: dir.to_path_buf(),
        });
        plan.total_bytes += folder_bytes(dir);
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    let (dirs, files): (Vec<PathBuf>, Vec<PathBuf>) = entries.into_iter().partition(|p| p.is_dir());
    // Claude Code: `<session>.jsonl` owns `<session>/subagents/*.jsonl` and the
    // `agent-*.jsonl` files beside it whose lines name it as their session.
    let mut groups: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut grouped: HashSet<PathBuf> = HashSet::new();
    for file in &files {
        let name = file_name(file);
        if let Some(stem) = name.strip_suffix(".jsonl") {
            let sub = dir.join(stem).join("subagents");
            if sub.is_dir() {
                let mut extra = jsonl_files(&sub);
                extra.sort();
                grouped.insert(dir.join(stem));
                groups.entry(file.clone()).or_default().extend(extra);
            }
        }
        if name.starts_with("agent-") && name.ends_with(".jsonl") {
            if let Some(parent) = first_session_id(file) {
                let main = dir.join(format!("{parent}.jsonl"));
                if main != *file && main.is_file() {
                    groups.entry(main).or_default().push(file.clone());
                    grouped.insert(file.clone());
                }
            }
        }
    }
    for file in files {
        if grouped.contains(&file) {
            continue;
        }
        let size = fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        if outcomes::is_report_name(&file_name(&file)) {
            plan.reports.push(file);
            continue;
        }
        plan.total_bytes += size;
        match groups.remove(&file) {
            Some(extra) => {
                plan.total_bytes += extra
                    .iter()
                    .map(|p| fs::metadata(p).map(|m| m.len()).unwrap_or(0))
                    .sum::<u64>();
                plan.items.push(Item::ClaudeGroup { main: file, extra });
            }
            None => plan.items.push(Item::File {
                path: file,
                explicit: false,
            }),
        }
    }
    for sub in dirs {
        if !grouped.contains(&sub) {
            walk(&sub, plan)?;
        }
    }
    Ok(())
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            total += if p.is_dir() {
                folder_bytes(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            };
        }
    }
    total
}

fn jsonl_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|es| {
            es.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| file_name(p).ends_with(".jsonl"))
                .collect()
        })
        .unwrap_or_default()
}

/// The `sessionId` of a Claude Code file's first line.
fn first_session_id(path: &Path) -> Option<String> {
    let mut line = String::new();
    BufReader::new(File::open(path).ok()?.take(HEAD))
        .read_line(&mut line)
        .ok()?;
    let v: serde_json::Value = serde_json::from_str(&line).ok()?;
    v.get("sessionId")?.as_str().map(str::to_string)
}

/// One unit of work for the parser threads.
enum Job {
    /// Already decided: handed through in order.
    Pass(Result<Output>),
    Whole {
        format: Format,
        files: Vec<super::SourceFile>,
        context: Vec<super::SourceFile>,
    },
    Lines {
        format: Format,
        uri: String,
        first: u64,
        bytes: Vec<u8>,
    },
}

fn work(job: Job) -> Result<Output> {
    match job {
        Job::Pass(out) => out,
        Job::Whole {
            format,
            files,
            context,
        } => Ok(Output::Parsed(super::parse_whole(format, &files, &context))),
        Job::Lines {
            format,
            uri,
            first,
            bytes,
        } => {
            let mut parsed = Parsed::default();
            super::parse_lines(format, &uri, first, &bytes, &mut parsed);
            Ok(Output::Parsed(parsed))
        }
    }
}

/// Runs the read → parse → `sink` pipeline. `sink` sees results in input order on the
/// calling thread; its first error stops the pipeline and is returned.
pub(crate) fn run_pipeline(
    plan: Plan,
    format: Format,
    known: HashSet<String>,
    cancel: &CancelToken,
    mut sink: impl FnMut(Done) -> Result<()>,
) -> Result<()> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    let (job_tx, job_rx) = bounded::<(u64, Job, u64)>(workers * 2);
    let (out_tx, out_rx) = bounded::<(u64, Result<Output>, u64)>(workers * 2);
    std::thread::scope(|scope| {
        let reader_cancel = cancel.clone();
        scope.spawn(move || {
            let mut reader = Reader {
                tx: job_tx,
                seq: 0,
                format,
                known,
                cancel: reader_cancel,
            };
            if let Err(e) = reader.run(plan.items) {
                let _ = reader.send(Job::Pass(Err(e)), 0);
            }
        });
        for _ in 0..workers {
            let (rx, tx) = (job_rx.clone(), out_tx.clone());
            scope.spawn(move || {
                for (seq, job, bytes) in rx {
                    if tx.send((seq, work(job), bytes)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((job_rx, out_tx));
        in_order(out_rx, &mut sink)
    })
}

/// Hands results to `sink` by sequence number. Consumes the receiver, so an early return
/// closes the channel and the threads upstream stop.
fn in_order(
    rx: Receiver<(u64, Result<Output>, u64)>,
    sink: &mut impl FnMut(Done) -> Result<()>,
) -> Result<()> {
    let mut next = 0u64;
    let mut pending = BTreeMap::new();
    for (seq, out, bytes) in rx.iter() {
        pending.insert(seq, (out, bytes));
        while let Some((out, bytes)) = pending.remove(&next) {
            next += 1;
            sink(Done { kind: out?, bytes })?;
        }
    }
    Ok(())
}

/// Reads a file and hashes it on the way, counting the bytes read.
struct Hashing<'h, R> {
    inner: R,
    hasher: &'h mut Sha256,
    read: u64,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// The reading thread.
struct Reader {
    tx: Sender<(u64, Job, u64)>,
    seq: u64,
    format: Format,
    known: HashSet<String>,
    cancel: CancelToken,
}

/// The pipeline has stopped (the consumer returned): stop reading.
struct Closed;

impl Reader {
    fn send(&mut self, job: Job, bytes: u64) -> std::result::Result<(), Closed> {
        let seq = self.seq;
        self.seq += 1;
        self.tx.send((seq, job, bytes)).map_err(|_| Closed)
    }

    fn pass(&mut self, out: Output, bytes: u64) -> Result<()> {
        self.send(Job::Pass(Ok(out)), bytes)
            .map_err(|_| Error::Cancelled)
    }

    fn run(&mut self, items: Vec<Item>) -> Result<()> {
        for item in items {
            if self.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let result = match item {
                Item::File { path, explicit } => self.file(&path, explicit),
                Item::ClaudeGroup { main, extra } => {
                    let mut paths = vec![main.clone()];
                    paths.extend(extra);
                    self.group(&main, &paths, Format::ClaudeCode)
                }
                Item::SdkConversation { dir } => {
                    let mut paths = vec![dir.join("base_state.json")];
                    let mut events: Vec<PathBuf> = fs::read_dir(dir.join("events"))
                        .map_err(|e| Error::io(&dir, e))?
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| file_name(p).ends_with(".json"))
                        .collect();
                    events.sort();
                    paths.extend(events);
                    self.group(&dir, &paths, Format::OpenHands)
                }
                Item::Archive { dir } => self.archive(&dir),
            };
            match result {
                Err(Error::Cancelled) => return Ok(()),
                other => other?,
            }
        }
        Ok(())
    }

    /// A plain file, a `.gz` stream, or a `.zip` / `.tar.gz` bundle.
    fn file(&mut self, path: &Path, explicit: bool) -> Result<()> {
        let name = file_name(path).to_lowercase();
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let uri = path.display().to_string();
        if name.ends_with(".zip") {
            return self.zip(path, explicit);
        }
        if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            return self.tar(path);
        }
        if name.ends_with(".gz") {
            let logical = path.with_file_name(&name[..name.len() - 3]);
            let gz = flate2::read::MultiGzDecoder::new(file);
            return self.stream(gz, &uri, &logical, explicit, None, || sha_of_gz(path));
        }
        let dir = path.parent().map(Path::to_path_buf);
        self.stream(file, &uri, path, explicit, dir.as_deref(), || {
            sha_of_file(path)
        })
    }

    /// Reads a source: decides its format from the first MiB, then streams it in batches of
    /// lines or reads it whole. `prehash` gives the file's sha256 up front, so that a line
    /// file already in the archive is skipped before it is parsed.
    fn stream(
        &mut self,
        mut source: impl Read,
        uri: &str,
        logical: &Path,
        explicit: bool,
        dir: Option<&Path>,
        prehash: impl FnOnce() -> Result<String>,
    ) -> Result<()> {
        let mut hasher = Sha256::new();
        let mut counted = Hashing {
            inner: &mut source,
            hasher: &mut hasher,
            read: 0,
        };
        let mut head = Vec::new();
        (&mut counted)
            .take(HEAD)
            .read_to_end(&mut head)
            .map_err(|e| Error::io(logical, e))?;
        if (head.len() as u64) < HEAD && head.iter().all(u8::is_ascii_whitespace) {
            // An empty file holds no record: reported, not an error.
            return self.pass(
                Output::Skipped(Skipped {
                    uri: uri.into(),
                    reason: "empty".into(),
                }),
                counted.read,
            );
        }
        let format = match self.format {
            Format::Auto => detect::detect(logical, &head),
            forced => Some(forced),
        };
        let Some(format) = format else {
            if explicit {
                return Err(Error::BadInput {
                    path: logical.to_path_buf(),
                    reason: format!(
                        "cannot tell the trace format from its content; pass --format (known: {})",
                        Format::ALL.map(Format::name).join(", ")
                    ),
                });
            }
            let bytes = counted.read + drain(&mut counted);
            return self.pass(
                Output::Skipped(Skipped {
                    uri: uri.into(),
                    reason: "not_a_trace".into(),
                }),
                bytes,
            );
        };
        if format.is_line_based(&head) {
            if !self.known.is_empty() {
                let sha = prehash()?;
                if self.known.contains(&sha) {
                    let bytes = counted.read + drain(&mut counted);
                    return self.already_imported(uri, bytes);
                }
            }
            self.pass(
                Output::Start {
                    uri: uri.into(),
                    format,
                },
                0,
            )?;
            let mut lines =
                BufReader::with_capacity(1 << 20, Cursor::new(head).chain(&mut counted));
            let mut number = 1u64;
            let mut reported = 0u64;
            loop {
                let first = number;
                let mut batch = Vec::with_capacity(LINE_BATCH + (64 << 10));
                let mut eof = false;
                while batch.len() < LINE_BATCH {
                    let n = lines
                        .read_until(b'\n', &mut batch)
                        .map_err(|e| Error::io(logical, e))?;
                    if n == 0 {
                        eof = true;
                        break;
                    }
                    number += 1;
                }
                if self.cancel.is_cancelled() {
                    return Err(Error::Cancelled);
                }
                let read = lines.get_ref().get_ref().1.read;
                if !batch.is_empty() {
                    let job = Job::Lines {
                        format,
                        uri: uri.into(),
                        first,
                        bytes: batch,
                    };
                    self.send(job, read - reported)
                        .map_err(|_| Error::Cancelled)?;
                    reported = read;
                }
                if eof {
                    break;
                }
            }
            drop(lines);
            let sha = hex(&hasher.finalize());
            self.known.insert(sha.clone());
            return self.pass(Output::End { sha256: sha }, 0);
        }
        let mut bytes = head;
        counted
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(logical, e))?;
        let read = counted.read;
        let sha = hex(&hasher.finalize());
        let context = dir.map(|d| context_files(d, format)).unwrap_or_default();
        let file = super::SourceFile {
            uri: uri.into(),
            path: logical.to_path_buf(),
            bytes,
        };
        self.whole(format, vec![file], context, sha, read)
    }

    fn whole(
        &mut self,
        format: Format,
        files: Vec<super::SourceFile>,
        context: Vec<super::SourceFile>,
        sha: String,
        bytes: u64,
    ) -> Result<()> {
        if !self.known.insert(sha.clone()) {
            let uri = files.first().map(|f| f.uri.clone()).unwrap_or_default();
            return self.already_imported(&uri, bytes);
        }
        let uri = files.first().map(|f| f.uri.clone()).unwrap_or_default();
        self.pass(Output::Start { uri, format }, 0)?;
        self.send(
            Job::Whole {
                format,
                files,
                context,
            },
            bytes,
        )
        .map_err(|_| Error::Cancelled)?;
        self.pass(Output::End { sha256: sha }, 0)
    }

    fn already_imported(&mut self, uri: &str, bytes: u64) -> Result<()> {
        self.pass(
            Output::Skipped(Skipped {
                uri: uri.into(),
                reason: "already_imported".into(),
            }),
            bytes,
        )
    }

    /// Several files that make one source (a Claude Code session with its sub-agents, an
    /// OpenHands SDK conversation folder).
    fn group(&mut self, root: &Path, paths: &[PathBuf], format: Format) -> Result<()> {
        let format = match self.format {
            Format::Auto => format,
            forced => forced,
        };
        let mut hasher = Sha256::new();
        let mut files = Vec::new();
        let mut total = 0;
        for p in paths {
            let bytes = fs::read(p).map_err(|e| Error::io(p, e))?;
            hasher.update(&bytes);
            total += bytes.len() as u64;
            files.push(super::SourceFile {
                uri: p.display().to_string(),
                path: p.clone(),
                bytes,
            });
        }
        // The source is named by its main file (or folder); each file keeps its own uri.
        let root_uri = root.display().to_string();
        let sha = hex(&hasher.finalize());
        if !self.known.insert(sha.clone()) {
            return self.already_imported(&root_uri, total);
        }
        self.pass(
            Output::Start {
                uri: root_uri,
                format,
            },
            0,
        )?;
        let job = Job::Whole {
            format,
            files,
            context: Vec::new(),
        };
        self.send(job, total).map_err(|_| Error::Cancelled)?;
        self.pass(Output::End { sha256: sha }, 0)
    }

    fn zip(&mut self, path: &Path, explicit: bool) -> Result<()> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let uri = path.display().to_string();
        let mut archive = match zip::ZipArchive::new(file) {
            Ok(a) => a,
            Err(e) => {
                let raw = fs::read(path).map_err(|e| Error::io(path, e))?;
                return self.bad_bundle(&uri, format!("not a readable zip: {e}"), &raw);
            }
        };
        let mut entries = 0;
        for i in 0..archive.len() {
            if self.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let (name, result) = match archive.by_index(i) {
                Ok(mut entry) => {
                    if entry.is_dir() {
                        continue;
                    }
                    let name = entry.name().to_string();
                    let mut buf = Vec::new();
                    let r = entry.read_to_end(&mut buf).map(|_| buf);
                    (name, r.map_err(|e| e.to_string()))
                }
                Err(e) => (format!("entry {i}"), Err(e.to_string())),
            };
            entries += 1;
            let entry_uri = format!("{uri}!{name}");
            match result {
                Ok(buf) => self.entry(&entry_uri, Path::new(&name), buf)?,
                Err(e) => self.bad_bundle(&entry_uri, format!("unreadable zip entry: {e}"), &[])?,
            }
        }
        if entries == 0 && explicit {
            return Err(Error::BadInput {
                path: path.to_path_buf(),
                reason: "the zip holds no files".into(),
            });
        }
        Ok(())
    }

    fn tar(&mut self, path: &Path) -> Result<()> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let uri = path.display().to_string();
        let mut archive = tar::Archive::new(flate2::read::MultiGzDecoder::new(file));
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => return self.bad_tar(&uri, e.to_string()),
        };
        for entry in entries {
            if self.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => return self.bad_tar(&uri, e.to_string()),
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let name = entry
                .path()
                .map(|p| p.to_path_buf())
                .unwrap_or_else(|_| PathBuf::from("?"));
            let mut buf = Vec::new();
            if let Err(e) = entry.read_to_end(&mut buf) {
                return self.bad_tar(&format!("{uri}!{}", name.display()), e.to_string());
            }
            self.entry(&format!("{uri}!{}", name.display()), &name, buf)?;
        }
        Ok(())
    }

    fn bad_tar(&mut self, uri: &str, e: String) -> Result<()> {
        self.bad_bundle(uri, format!("unreadable tar.gz: {e}"), &[])
    }

    /// A bundle or entry that cannot be read: one quarantined record naming it.
    fn bad_bundle(&mut self, uri: &str, message: String, raw: &[u8]) -> Result<()> {
        let mut parsed = Parsed::default();
        parsed.reject(uri, None, super::Rejection::new("bad_bundle", message), raw);
        self.rejected_source(uri, parsed, raw, raw.len() as u64)
    }

    /// A source that is nothing but one quarantined record.
    fn rejected_source(&mut self, uri: &str, parsed: Parsed, raw: &[u8], bytes: u64) -> Result<()> {
        self.pass(
            Output::Start {
                uri: uri.into(),
                format: Format::Auto,
            },
            0,
        )?;
        self.pass(Output::Parsed(parsed), bytes)?;
        self.pass(
            Output::End {
                sha256: hex(&Sha256::digest(raw)),
            },
            0,
        )
    }

    /// An entry of a bundle, already in memory.
    fn entry(&mut self, uri: &str, name: &Path, bytes: Vec<u8>) -> Result<()> {
        let n = file_name(name).to_lowercase();
        if outcomes::is_report_name(&n) || n.starts_with('.') {
            return Ok(());
        }
        let (name, bytes) = if n.ends_with(".gz") {
            let mut out = Vec::new();
            let mut gz = flate2::read::MultiGzDecoder::new(Cursor::new(&bytes[..]));
            if let Err(e) = gz.read_to_end(&mut out) {
                return self.bad_bundle(uri, format!("unreadable gzip entry: {e}"), &bytes);
            }
            (name.with_file_name(&n[..n.len() - 3]), out)
        } else {
            (name.to_path_buf(), bytes)
        };
        let sha = hex(&Sha256::digest(&bytes));
        self.stream(Cursor::new(bytes), uri, &name, false, None, move || Ok(sha))
    }

    /// Another archive's sessions, one segment at a time.
    fn archive(&mut self, dir: &Path) -> Result<()> {
        let manifest = fs::read(dir.join(MANIFEST_FILE)).map_err(|e| Error::io(dir, e))?;
        let sha = hex(&Sha256::digest(&manifest));
        let uri = dir.display().to_string();
        if !self.known.insert(sha.clone()) {
            return self.already_imported(&uri, 0);
        }
        self.pass(
            Output::Start {
                uri,
                format: Format::Parquet,
            },
            0,
        )?;
        super::parquet::for_each_segment(dir, |trajectories| {
            let parsed = Parsed {
                trajectories,
                rejected: Vec::new(),
            };
            self.pass(Output::Parsed(parsed), 0)
        })?;
        self.pass(Output::End { sha256: sha }, 0)
    }
}

/// Files beside a source that its importer reads for context (SWE-agent's `args.yaml`).
fn context_files(dir: &Path, format: Format) -> Vec<super::SourceFile> {
    let names: &[&str] = match format {
        Format::SweAgent => &["args.yaml", "config.yaml"],
        _ => &[],
    };
    names
        .iter()
        .filter_map(|n| {
            let p = dir.join(n);
            fs::read(&p)
                .ok()
                .map(|bytes| super::SourceFile::new(p, bytes))
        })
        .collect()
}

fn drain(r: &mut impl Read) -> u64 {
    std::io::copy(r, &mut std::io::sink()).unwrap_or(0)
}

/// The sha256 of a gzip file's content, as [`Reader::stream`] records it.
fn sha_of_gz(path: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    std::io::copy(&mut flate2::read::MultiGzDecoder::new(file), &mut hasher)
        .map_err(|e| Error::io(path, e))?;
    Ok(hex(&hasher.finalize()))
}

fn sha_of_file(path: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(hex(&hasher.finalize()))
}
