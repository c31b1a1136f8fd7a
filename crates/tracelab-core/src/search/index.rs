//! The Tantivy index over events: where it lives (`<archive>/search/`), its schema, and
//! bringing it up to date with the archive's events parts.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use arrow::array::{Array, Int64Array, LargeStringArray, StringArray};
use serde::{Deserialize, Serialize};
use tantivy::schema::{Field, Schema, FAST, INDEXED, STORED, STRING, TEXT};
use tantivy::{doc, Index, IndexWriter, TantivyDocument};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress};
use crate::schema::Table;

/// The archive folder of the index.
pub const SEARCH_DIR: &str = "search";
/// Which events parts the index holds, so a stale index is noticed and brought up to date.
const STATE_FILE: &str = "tracelab-indexed.json";
/// Memory the index writer may use before it flushes a segment.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// The index's fields. `content` and `tool_input` are the searched text; the rest scope
/// (`role:assistant`, `kind:tool_call`, `tool_name:bash`) and group hits.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub session_id: Field,
    pub seq: Field,
    pub role: Field,
    pub kind: Field,
    pub tool_name: Field,
    pub content: Field,
    pub tool_input: Field,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        session_id: b.add_text_field("session_id", STRING | STORED | FAST),
        seq: b.add_i64_field("seq", INDEXED | STORED | FAST),
        role: b.add_text_field("role", STRING | STORED | FAST),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        tool_name: b.add_text_field("tool_name", STRING | STORED | FAST),
        content: b.add_text_field("content", TEXT | STORED),
        tool_input: b.add_text_field("tool_input", TEXT | STORED),
    };
    (b.build(), fields)
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct IndexState {
    events_parts: BTreeSet<String>,
}

pub(crate) fn tantivy_error(dir: &Path) -> impl Fn(tantivy::TantivyError) -> Error + '_ {
    move |e| Error::Corrupt {
        path: dir.to_path_buf(),
        reason: format!("search index: {e}; rebuild it with `tracelab index --rebuild`"),
    }
}

fn state_path(dir: &Path) -> PathBuf {
    dir.join(STATE_FILE)
}

fn read_state(dir: &Path) -> IndexState {
    fs::read(state_path(dir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// The events parts of `archive` that the index at its `search/` folder does not hold yet.
pub fn stale_parts(archive: &Archive) -> Vec<String> {
    let state = read_state(&archive.root().join(SEARCH_DIR));
    archive
        .manifest()
        .segments
        .iter()
        .map(|s| s.events.clone())
        .filter(|p| !state.events_parts.contains(p))
        .collect()
}

/// Opens the index, creating it or adding the parts it lacks; `rebuild` starts from scratch.
/// Returns the index and how many events were added.
pub fn update(
    archive: &Archive,
    rebuild: bool,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<(Index, u64)> {
    let dir = archive.root().join(SEARCH_DIR);
    let err = tantivy_error(&dir);
    let listed = archive.part_paths(Table::Events).len();
    if rebuild || !dir.join("meta.json").exists() {
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Index::create_in_dir(&dir, schema().0).map_err(&err)?;
    }
    let index = Index::open_in_dir(&dir).map_err(&err)?;
    let mut state = read_state(&dir);
    let todo = stale_parts(archive);
    if todo.is_empty() {
        return Ok((index, 0));
    }
    let fields = schema().1;
    let mut writer: IndexWriter = index.writer(WRITER_MEMORY).map_err(&err)?;
    let total: u64 = archive
        .manifest()
        .segments
        .iter()
        .filter(|s| todo.contains(&s.events))
        .map(|s| s.events_rows)
        .sum();
    progress.begin("indexing events", Some(total));
    let mut added = 0u64;
    let columns = [
        "session_id",
        "seq",
        "role",
        "kind",
        "tool_name",
        "content",
        "tool_input",
    ];
    for part in &todo {
        for batch in
            archive.scan_parts(Table::Events, std::slice::from_ref(part), Some(&columns))?
        {
            if cancel.is_cancelled() {
                // Dropping the writer without commit leaves the index as it was.
                return Err(Error::Cancelled);
            }
            let batch = batch?;
            add_batch(&mut writer, fields, &batch).map_err(&err)?;
            added += batch.num_rows() as u64;
            progress.advance(batch.num_rows() as u64);
        }
    }
    writer.commit().map_err(&err)?;
    writer.wait_merging_threads().map_err(&err)?;
    progress.finish();
    state.events_parts.extend(todo);
    write_state(&dir, &state)?;
    debug_assert!(listed >= state.events_parts.len());
    Ok((index, added))
}

fn write_state(dir: &Path, state: &IndexState) -> Result<()> {
    let tmp = dir.join(format!(".{STATE_FILE}.tmp"));
    fs::write(&tmp, serde_json::to_vec(state).expect("state serialises"))
        .map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, state_path(dir)).map_err(|e| Error::io(dir, e))
}

/// After a compaction moved the same events into new parts: an index that held every old
/// part holds every new one, so only its list of parts changes; any other index is dropped
/// (the next search rebuilds it) rather than indexing events twice.
pub(crate) fn parts_moved(root: &Path, old: &[String], new: Vec<String>) -> Result<()> {
    let dir = root.join(SEARCH_DIR);
    if !dir.exists() {
        return Ok(());
    }
    let state = read_state(&dir);
    if old.iter().all(|p| state.events_parts.contains(p)) {
        write_state(
            &dir,
            &IndexState {
                events_parts: new.into_iter().collect(),
            },
        )
    } else {
        fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))
    }
}

fn add_batch(
    writer: &mut IndexWriter,
    f: Fields,
    batch: &arrow::array::RecordBatch,
) -> tantivy::Result<()> {
    let strings = |i: usize| {
        batch
            .column(i)
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("utf8")
    };
    let large = |i: usize| {
        batch
            .column(i)
            .as_any()
            .downcast_ref::<LargeStringArray>()
            .expect("large utf8")
    };
    let (session_id, role, kind, tool_name) = (strings(0), strings(2), strings(3), strings(4));
    let seq = batch
        .column(1)
        .as_any()
        .downcast_ref::<Int64Array>()
        .expect("int64");
    let (content, tool_input) = (large(5), large(6));
    for i in 0..batch.num_rows() {
        let mut d: TantivyDocument = doc!(
            f.session_id => session_id.value(i),
            f.seq => seq.value(i),
        );
        let optional = [
            (f.role, role.is_valid(i).then(|| role.value(i))),
            (f.kind, kind.is_valid(i).then(|| kind.value(i))),
            (
                f.tool_name,
                tool_name.is_valid(i).then(|| tool_name.value(i)),
            ),
            (f.content, content.is_valid(i).then(|| content.value(i))),
            (
                f.tool_input,
                tool_input.is_valid(i).then(|| tool_input.value(i)),
            ),
        ];
        for (field, value) in optional {
            if let Some(v) = value {
                d.add_text(field, v);
            }
        }
        writer.add_document(d)?;
    }
    Ok(())
}
