//! The Arrow schemas of the archive's three tables, column for column as in the design
//! (`ARCHITECTURE.md`, "The archive"). Every Parquet part of a table has exactly this schema.

use std::sync::{Arc, OnceLock};

use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

/// Version of the archive layout written into `manifest.json`.
pub const SCHEMA_VERSION: u32 = 1;

/// `timestamp(µs, UTC)`, the one timestamp type of the archive.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// `map<utf8, utf8>` as Arrow's `MapBuilder` writes it (`entries { keys, values }`).
pub fn config_type() -> DataType {
    let entries = Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![
            Field::new("keys", DataType::Utf8, false),
            Field::new("values", DataType::Utf8, true),
        ])),
        false,
    );
    DataType::Map(Arc::new(entries), false)
}

/// `list<utf8>` as Arrow's `ListBuilder` writes it.
pub fn tags_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

fn utf8(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}
fn large_utf8(name: &str) -> Field {
    Field::new(name, DataType::LargeUtf8, true)
}
fn int64(name: &str) -> Field {
    Field::new(name, DataType::Int64, true)
}
fn float64(name: &str) -> Field {
    Field::new(name, DataType::Float64, true)
}
fn timestamp(name: &str) -> Field {
    Field::new(name, timestamp_type(), true)
}

/// One row per agent session.
pub fn sessions() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(Schema::new(vec![
                Field::new("session_id", DataType::Utf8, false),
                utf8("source_format"),
                utf8("source_uri"),
                utf8("task_id"),
                utf8("repo"),
                utf8("harness"),
                utf8("harness_version"),
                utf8("model"),
                utf8("slice"),
                Field::new("config", config_type(), true),
                timestamp("started_at"),
                timestamp("ended_at"),
                utf8("outcome"),
                float64("score"),
                int64("n_events"),
                int64("n_tool_calls"),
                int64("n_tool_errors"),
                int64("input_tokens"),
                int64("output_tokens"),
                int64("cache_read_tokens"),
                int64("cache_write_tokens"),
                float64("cost_usd"),
                Field::new("tags", tags_type(), true),
                utf8("attributes"),
            ]))
        })
        .clone()
}

/// One row per step of a session, sorted by `(session_id, seq)` within each part.
pub fn events() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(Schema::new(vec![
                Field::new("session_id", DataType::Utf8, false),
                Field::new("seq", DataType::Int64, false),
                utf8("event_id"),
                utf8("parent_id"),
                timestamp("timestamp"),
                utf8("role"),
                utf8("kind"),
                large_utf8("content"),
                utf8("tool_name"),
                utf8("tool_call_id"),
                large_utf8("tool_input"),
                Field::new("is_error", DataType::Boolean, true),
                utf8("model"),
                int64("input_tokens"),
                int64("output_tokens"),
                int64("latency_ms"),
                large_utf8("attributes"),
            ]))
        })
        .clone()
}

/// Human labels and notes made in the app; never rewritten by an import.
pub fn labels() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(Schema::new(vec![
                Field::new("label_id", DataType::Utf8, false),
                Field::new("session_id", DataType::Utf8, false),
                int64("seq"),
                Field::new("name", DataType::Utf8, false),
                utf8("value"),
                utf8("note"),
                utf8("author"),
                timestamp("created_at"),
            ]))
        })
        .clone()
}

/// The archive's tables, each stored as Parquet parts in a folder of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Sessions,
    Events,
    Labels,
}

impl Table {
    pub const ALL: [Table; 3] = [Table::Sessions, Table::Events, Table::Labels];

    /// The table's name, which is also its folder in the archive.
    pub fn name(self) -> &'static str {
        match self {
            Table::Sessions => "sessions",
            Table::Events => "events",
            Table::Labels => "labels",
        }
    }

    pub fn schema(self) -> SchemaRef {
        match self {
            Table::Sessions => sessions(),
            Table::Events => events(),
            Table::Labels => labels(),
        }
    }
}
