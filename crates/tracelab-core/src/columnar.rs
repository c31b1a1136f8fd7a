//! Rows ([`Session`], [`Event`], [`Label`]) to Arrow record batches and back, in the exact
//! schemas of [`crate::schema`].

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, BooleanBuilder, Float64Array, Float64Builder, Int64Array,
    Int64Builder, LargeStringArray, LargeStringBuilder, ListArray, ListBuilder, MapArray,
    MapBuilder, RecordBatch, StringArray, StringBuilder, TimestampMicrosecondArray,
    TimestampMicrosecondBuilder,
};
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::record::{Event, Label, Session};
use crate::schema;

/// Error text for a batch whose columns are not the archive's schema.
#[derive(Debug, thiserror::Error)]
#[error("column `{column}`: {problem}")]
pub struct ColumnError {
    pub column: String,
    pub problem: String,
}

type ColResult<T> = Result<T, ColumnError>;

fn micros(t: &Option<DateTime<Utc>>) -> Option<i64> {
    t.as_ref().map(DateTime::timestamp_micros)
}

fn json_text(v: &Option<Value>) -> Option<String> {
    v.as_ref().map(Value::to_string)
}

fn timestamps(values: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    let mut b = TimestampMicrosecondBuilder::new().with_timezone("UTC");
    b.extend(values);
    Arc::new(b.finish())
}

fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

fn large_strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    let mut b = LargeStringBuilder::new();
    b.extend(values);
    Arc::new(b.finish())
}

fn ints(values: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    let mut b = Int64Builder::new();
    b.extend(values);
    Arc::new(b.finish())
}

fn floats(values: impl Iterator<Item = Option<f64>>) -> ArrayRef {
    let mut b = Float64Builder::new();
    b.extend(values);
    Arc::new(b.finish())
}

/// Sessions as a record batch of the `sessions` schema.
pub fn sessions_to_batch(rows: &[Session]) -> RecordBatch {
    let mut config = MapBuilder::new(None, StringBuilder::new(), StringBuilder::new());
    let mut tags = ListBuilder::new(StringBuilder::new());
    for s in rows {
        for (k, v) in &s.config {
            config.keys().append_value(k);
            config.values().append_value(v);
        }
        config
            .append(true)
            .expect("keys and values have equal length");
        for t in &s.tags {
            tags.values().append_value(t);
        }
        tags.append(true);
    }
    let attributes: Vec<Option<String>> = rows.iter().map(|s| json_text(&s.attributes)).collect();
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|s| Some(s.session_id.as_str()))),
        strings(rows.iter().map(|s| s.source_format.as_deref())),
        strings(rows.iter().map(|s| s.source_uri.as_deref())),
        strings(rows.iter().map(|s| s.task_id.as_deref())),
        strings(rows.iter().map(|s| s.repo.as_deref())),
        strings(rows.iter().map(|s| s.harness.as_deref())),
        strings(rows.iter().map(|s| s.harness_version.as_deref())),
        strings(rows.iter().map(|s| s.model.as_deref())),
        strings(rows.iter().map(|s| s.slice.as_deref())),
        Arc::new(config.finish()),
        timestamps(rows.iter().map(|s| micros(&s.started_at))),
        timestamps(rows.iter().map(|s| micros(&s.ended_at))),
        strings(rows.iter().map(|s| s.outcome.as_deref())),
        floats(rows.iter().map(|s| s.score)),
        ints(rows.iter().map(|s| Some(s.n_events))),
        ints(rows.iter().map(|s| Some(s.n_tool_calls))),
        ints(rows.iter().map(|s| Some(s.n_tool_errors))),
        ints(rows.iter().map(|s| s.input_tokens)),
        ints(rows.iter().map(|s| s.output_tokens)),
        ints(rows.iter().map(|s| s.cache_read_tokens)),
        ints(rows.iter().map(|s| s.cache_write_tokens)),
        floats(rows.iter().map(|s| s.cost_usd)),
        Arc::new(tags.finish()),
        strings(attributes.iter().map(Option::as_deref)),
    ];
    RecordBatch::try_new(schema::sessions(), columns).expect("columns follow the sessions schema")
}

/// Events as a record batch of the `events` schema, in the order given.
pub fn events_to_batch(rows: &[Event]) -> RecordBatch {
    let mut is_error = BooleanBuilder::new();
    is_error.extend(rows.iter().map(|e| e.is_error));
    let attributes: Vec<Option<String>> = rows.iter().map(|e| json_text(&e.attributes)).collect();
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|e| Some(e.session_id.as_str()))),
        ints(rows.iter().map(|e| Some(e.seq))),
        strings(rows.iter().map(|e| e.event_id.as_deref())),
        strings(rows.iter().map(|e| e.parent_id.as_deref())),
        timestamps(rows.iter().map(|e| micros(&e.timestamp))),
        strings(rows.iter().map(|e| e.role.as_deref())),
        strings(rows.iter().map(|e| e.kind.as_deref())),
        large_strings(rows.iter().map(|e| e.content.as_deref())),
        strings(rows.iter().map(|e| e.tool_name.as_deref())),
        strings(rows.iter().map(|e| e.tool_call_id.as_deref())),
        large_strings(rows.iter().map(|e| e.tool_input.as_deref())),
        Arc::new(is_error.finish()),
        strings(rows.iter().map(|e| e.model.as_deref())),
        ints(rows.iter().map(|e| e.input_tokens)),
        ints(rows.iter().map(|e| e.output_tokens)),
        ints(rows.iter().map(|e| e.latency_ms)),
        large_strings(attributes.iter().map(Option::as_deref)),
    ];
    RecordBatch::try_new(schema::events(), columns).expect("columns follow the events schema")
}

/// Labels as a record batch of the `labels` schema.
pub fn labels_to_batch(rows: &[Label]) -> RecordBatch {
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|l| Some(l.label_id.as_str()))),
        strings(rows.iter().map(|l| Some(l.session_id.as_str()))),
        ints(rows.iter().map(|l| l.seq)),
        strings(rows.iter().map(|l| Some(l.name.as_str()))),
        strings(rows.iter().map(|l| l.value.as_deref())),
        strings(rows.iter().map(|l| l.note.as_deref())),
        strings(rows.iter().map(|l| l.author.as_deref())),
        timestamps(rows.iter().map(|l| micros(&l.created_at))),
    ];
    RecordBatch::try_new(schema::labels(), columns).expect("columns follow the labels schema")
}

/// Typed access to a batch's columns by name, with errors that name the column.
struct Columns<'a>(&'a RecordBatch);

impl<'a> Columns<'a> {
    fn get<T: Array + 'static>(&self, name: &str) -> ColResult<&'a T> {
        let col = self.0.column_by_name(name).ok_or_else(|| ColumnError {
            column: name.into(),
            problem: "missing".into(),
        })?;
        col.as_any().downcast_ref::<T>().ok_or_else(|| ColumnError {
            column: name.into(),
            problem: format!("unexpected type {}", col.data_type()),
        })
    }
    fn str(&self, name: &str) -> ColResult<&'a StringArray> {
        self.get(name)
    }
    fn large_str(&self, name: &str) -> ColResult<&'a LargeStringArray> {
        self.get(name)
    }
    fn int(&self, name: &str) -> ColResult<&'a Int64Array> {
        self.get(name)
    }
    fn float(&self, name: &str) -> ColResult<&'a Float64Array> {
        self.get(name)
    }
    fn time(&self, name: &str) -> ColResult<&'a TimestampMicrosecondArray> {
        self.get(name)
    }
}

fn opt_str(a: &StringArray, i: usize) -> Option<String> {
    a.is_valid(i).then(|| a.value(i).to_string())
}
fn opt_large_str(a: &LargeStringArray, i: usize) -> Option<String> {
    a.is_valid(i).then(|| a.value(i).to_string())
}
fn opt_int(a: &Int64Array, i: usize) -> Option<i64> {
    a.is_valid(i).then(|| a.value(i))
}
fn opt_float(a: &Float64Array, i: usize) -> Option<f64> {
    a.is_valid(i).then(|| a.value(i))
}
fn opt_time(a: &TimestampMicrosecondArray, i: usize) -> Option<DateTime<Utc>> {
    a.is_valid(i)
        .then(|| DateTime::from_timestamp_micros(a.value(i)))
        .flatten()
}
fn opt_json(text: Option<String>, column: &str) -> ColResult<Option<Value>> {
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| ColumnError {
            column: column.into(),
            problem: format!("not JSON: {e}"),
        })
}

/// Reads the rows of a `sessions` batch.
pub fn sessions_from_batch(batch: &RecordBatch) -> ColResult<Vec<Session>> {
    let c = Columns(batch);
    let session_id = c.str("session_id")?;
    let source_format = c.str("source_format")?;
    let source_uri = c.str("source_uri")?;
    let task_id = c.str("task_id")?;
    let repo = c.str("repo")?;
    let harness = c.str("harness")?;
    let harness_version = c.str("harness_version")?;
    let model = c.str("model")?;
    let slice = c.str("slice")?;
    let config: &MapArray = c.get("config")?;
    let started_at = c.time("started_at")?;
    let ended_at = c.time("ended_at")?;
    let outcome = c.str("outcome")?;
    let score = c.float("score")?;
    let n_events = c.int("n_events")?;
    let n_tool_calls = c.int("n_tool_calls")?;
    let n_tool_errors = c.int("n_tool_errors")?;
    let input_tokens = c.int("input_tokens")?;
    let output_tokens = c.int("output_tokens")?;
    let cache_read_tokens = c.int("cache_read_tokens")?;
    let cache_write_tokens = c.int("cache_write_tokens")?;
    let cost_usd = c.float("cost_usd")?;
    let tags: &ListArray = c.get("tags")?;
    let attributes = c.str("attributes")?;

    let config_keys = downcast_str(config.keys().as_ref(), "config.keys")?;
    let config_values = downcast_str(config.values().as_ref(), "config.values")?;
    let tag_values = downcast_str(tags.values().as_ref(), "tags.item")?;
    let offsets = config.value_offsets();
    let tag_offsets = tags.value_offsets();

    let mut rows = Vec::with_capacity(batch.num_rows());
    for i in 0..batch.num_rows() {
        let mut cfg = std::collections::BTreeMap::new();
        if config.is_valid(i) {
            for j in offsets[i] as usize..offsets[i + 1] as usize {
                if config_values.is_valid(j) {
                    cfg.insert(
                        config_keys.value(j).to_string(),
                        config_values.value(j).to_string(),
                    );
                }
            }
        }
        let mut tag_list = Vec::new();
        if tags.is_valid(i) {
            for j in tag_offsets[i] as usize..tag_offsets[i + 1] as usize {
                if tag_values.is_valid(j) {
                    tag_list.push(tag_values.value(j).to_string());
                }
            }
        }
        rows.push(Session {
            session_id: session_id.value(i).to_string(),
            source_format: opt_str(source_format, i),
            source_uri: opt_str(source_uri, i),
            task_id: opt_str(task_id, i),
            repo: opt_str(repo, i),
            harness: opt_str(harness, i),
            harness_version: opt_str(harness_version, i),
            model: opt_str(model, i),
            slice: opt_str(slice, i),
            config: cfg,
            started_at: opt_time(started_at, i),
            ended_at: opt_time(ended_at, i),
            outcome: opt_str(outcome, i),
            score: opt_float(score, i),
            n_events: opt_int(n_events, i).unwrap_or(0),
            n_tool_calls: opt_int(n_tool_calls, i).unwrap_or(0),
            n_tool_errors: opt_int(n_tool_errors, i).unwrap_or(0),
            input_tokens: opt_int(input_tokens, i),
            output_tokens: opt_int(output_tokens, i),
            cache_read_tokens: opt_int(cache_read_tokens, i),
            cache_write_tokens: opt_int(cache_write_tokens, i),
            cost_usd: opt_float(cost_usd, i),
            tags: tag_list,
            attributes: opt_json(opt_str(attributes, i), "attributes")?,
        });
    }
    Ok(rows)
}

fn downcast_str<'a>(a: &'a dyn Array, column: &str) -> ColResult<&'a StringArray> {
    a.as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| ColumnError {
            column: column.into(),
            problem: format!("unexpected type {}", a.data_type()),
        })
}

/// Reads the rows of an `events` batch.
pub fn events_from_batch(batch: &RecordBatch) -> ColResult<Vec<Event>> {
    let c = Columns(batch);
    let session_id = c.str("session_id")?;
    let seq = c.int("seq")?;
    let event_id = c.str("event_id")?;
    let parent_id = c.str("parent_id")?;
    let timestamp = c.time("timestamp")?;
    let role = c.str("role")?;
    let kind = c.str("kind")?;
    let content = c.large_str("content")?;
    let tool_name = c.str("tool_name")?;
    let tool_call_id = c.str("tool_call_id")?;
    let tool_input = c.large_str("tool_input")?;
    let is_error: &BooleanArray = c.get("is_error")?;
    let model = c.str("model")?;
    let input_tokens = c.int("input_tokens")?;
    let output_tokens = c.int("output_tokens")?;
    let latency_ms = c.int("latency_ms")?;
    let attributes = c.large_str("attributes")?;
    (0..batch.num_rows())
        .map(|i| {
            Ok(Event {
                session_id: session_id.value(i).to_string(),
                seq: seq.value(i),
                event_id: opt_str(event_id, i),
                parent_id: opt_str(parent_id, i),
                timestamp: opt_time(timestamp, i),
                role: opt_str(role, i),
                kind: opt_str(kind, i),
                content: opt_large_str(content, i),
                tool_name: opt_str(tool_name, i),
                tool_call_id: opt_str(tool_call_id, i),
                tool_input: opt_large_str(tool_input, i),
                is_error: is_error.is_valid(i).then(|| is_error.value(i)),
                model: opt_str(model, i),
                input_tokens: opt_int(input_tokens, i),
                output_tokens: opt_int(output_tokens, i),
                latency_ms: opt_int(latency_ms, i),
                attributes: opt_json(opt_large_str(attributes, i), "attributes")?,
            })
        })
        .collect()
}

/// Reads the rows of a `labels` batch.
pub fn labels_from_batch(batch: &RecordBatch) -> ColResult<Vec<Label>> {
    let c = Columns(batch);
    let label_id = c.str("label_id")?;
    let session_id = c.str("session_id")?;
    let seq = c.int("seq")?;
    let name = c.str("name")?;
    let value = c.str("value")?;
    let note = c.str("note")?;
    let author = c.str("author")?;
    let created_at = c.time("created_at")?;
    Ok((0..batch.num_rows())
        .map(|i| Label {
            label_id: label_id.value(i).to_string(),
            session_id: session_id.value(i).to_string(),
            seq: opt_int(seq, i),
            name: name.value(i).to_string(),
            value: opt_str(value, i),
            note: opt_str(note, i),
            author: opt_str(author, i),
            created_at: opt_time(created_at, i),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn session() -> Session {
        Session {
            session_id: "s1".into(),
            source_format: Some("canonical".into()),
            repo: Some("psf/requests".into()),
            config: BTreeMap::from([("cache_policy".into(), "prefix".into())]),
            started_at: DateTime::from_timestamp_micros(1_754_000_000_123_456),
            score: Some(0.1 + 0.2),
            n_events: 2,
            tags: vec!["a".into(), "b".into()],
            attributes: Some(serde_json::json!({"z": 1, "a": [true, null]})),
            ..Session::default()
        }
    }

    #[test]
    fn sessions_round_trip_through_arrow() {
        let rows = vec![
            session(),
            Session {
                session_id: "s2".into(),
                ..Session::default()
            },
        ];
        let batch = sessions_to_batch(&rows);
        assert_eq!(batch.schema(), schema::sessions());
        assert_eq!(sessions_from_batch(&batch).unwrap(), rows);
    }

    #[test]
    fn events_round_trip_through_arrow() {
        let rows = vec![Event {
            session_id: "s1".into(),
            seq: 3,
            content: Some("<script>alert(1)</script> \u{1b}[31m".into()),
            is_error: Some(true),
            attributes: Some(serde_json::json!({"k": "v"})),
            ..Event::default()
        }];
        let batch = events_to_batch(&rows);
        assert_eq!(events_from_batch(&batch).unwrap(), rows);
    }

    #[test]
    fn a_batch_of_the_wrong_schema_names_the_column() {
        let batch = events_to_batch(&[]);
        let err = sessions_from_batch(&batch).unwrap_err();
        assert_eq!(err.column, "source_format");
    }
}
