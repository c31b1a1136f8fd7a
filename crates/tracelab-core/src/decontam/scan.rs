//! Decontamination over a whole archive: benchmark files in, one [`Hit`] per finding out.
//! Benchmarks are JSONL or Parquet (the official SWE-bench files, or the slim ones in
//! `../shared/benchmarks`); sessions are read a segment at a time, so memory stays bounded.

use std::path::{Path, PathBuf};

use arrow::array::{Array, StringArray};
use arrow::datatypes::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{check, Corpus, Hit, Options, Summary, TextKind, TraceView};
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::progress::CancelToken;
use crate::record::Trajectory;

/// Tool names whose arguments are edits to files (their text is what the agent wrote).
const EDIT_TOOLS: [&str; 6] = ["edit", "write", "patch", "str_replace", "create", "insert"];

fn bad(path: &Path, reason: impl std::fmt::Display) -> Error {
    Error::BadInput {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Parquet rows as JSON lines, every column as text, so both formats share one reader.
fn parquet_as_jsonl(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| bad(path, format!("not a readable Parquet file: {e}")))?;
    let mut out = String::new();
    for batch in reader {
        let batch = batch.map_err(|e| bad(path, e))?;
        let schema = batch.schema();
        let columns: Vec<(String, StringArray)> = schema
            .fields()
            .iter()
            .zip(batch.columns())
            .filter_map(|(f, c)| {
                let text = arrow::compute::cast(c, &DataType::Utf8).ok()?;
                let text = text.as_any().downcast_ref::<StringArray>()?.clone();
                Some((f.name().clone(), text))
            })
            .collect();
        for row in 0..batch.num_rows() {
            let object: serde_json::Map<String, serde_json::Value> = columns
                .iter()
                .filter(|(_, c)| c.is_valid(row))
                .map(|(name, c)| (name.clone(), c.value(row).into()))
                .collect();
            out.push_str(&serde_json::Value::Object(object).to_string());
            out.push('\n');
        }
    }
    Ok(out)
}

/// The benchmark corpora that ship inside Tracelab, by the name `--benchmarks` and
/// `curate.toml` accept in place of a path: SWE-bench Verified (500 instances) and SWE-bench
/// Lite (300), with their gold patches.
pub const BUILTIN: [(&str, &str); 2] = [
    (
        "swebench_verified",
        include_str!("../../corpora/swebench_verified.slim.jsonl"),
    ),
    (
        "swebench_lite",
        include_str!("../../corpora/swebench_lite.slim.jsonl"),
    ),
];

/// The text of a built-in corpus by name (`swebench_verified`, `swebench_lite`).
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Reads benchmark files (`.jsonl`, `.json` lines, or `.parquet`, or the name of a
/// [`BUILTIN`] corpus when no such file exists) into one corpus; a missing
/// field or a bad line is an error naming the file, line and field.
pub fn load_benchmarks(paths: &[PathBuf]) -> Result<Corpus> {
    let mut corpus = Corpus::from_instances(Vec::new());
    for path in paths {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().trim_end_matches(".slim").to_string())
            .unwrap_or_else(|| "benchmark".into());
        let text = if let Some(text) = builtin(&path.to_string_lossy()).filter(|_| !path.exists()) {
            text.to_string()
        } else if path.extension().is_some_and(|e| e == "parquet") {
            parquet_as_jsonl(path)?
        } else {
            std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?
        };
        corpus.merge(Corpus::from_jsonl(&name, &text).map_err(|e| bad(path, e))?);
    }
    Ok(corpus)
}

/// What one session offers the checks: messages, tool arguments (edits marked), tool output.
pub fn view(t: &Trajectory) -> TraceView<'_> {
    let mut v = TraceView::new(&t.session.session_id);
    v.repo = t.session.repo.as_deref();
    v.started_at = t.session.started_at;
    for e in &t.events {
        let kind = e.kind.as_deref().unwrap_or("");
        if let Some(input) = e.tool_input.as_deref() {
            let name = e.tool_name.as_deref().unwrap_or("").to_lowercase();
            let edit = EDIT_TOOLS.iter().any(|t| name.contains(t));
            v.push(
                if edit {
                    TextKind::Edit
                } else {
                    TextKind::ToolInput
                },
                input,
            );
        }
        if let Some(content) = e.content.as_deref() {
            let text_kind = if kind == "tool_result" {
                TextKind::ToolResult
            } else {
                TextKind::Message
            };
            v.push(text_kind, content);
        }
    }
    v
}

/// Runs every check on every session of the archive, on every core; hits come in archive
/// order whatever the number of cores.
pub fn scan(
    archive: &Archive,
    corpus: &Corpus,
    options: &Options,
    cancel: &CancelToken,
) -> Result<(Vec<Hit>, Summary)> {
    corpus.prepare(options);
    let mut hits = Vec::new();
    let mut summary = Summary::default();
    for segment in archive.trajectories() {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let segment = segment?;
        for found in crate::parallel::map(&segment, |t| check(corpus, &view(t), options)) {
            summary.add_session(&found);
            hits.extend(found);
        }
    }
    Ok((hits, summary))
}
