//! The archive's rows as Rust values: what importers produce, what the sample generator
//! writes, and what canonical JSONL serialises. [`crate::columnar`] turns them into Arrow.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// One agent session: a row of the `sessions` table.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Session {
    pub session_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub harness: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub harness_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slice: Option<String>,
    /// Harness knobs. Sorted by key, so the same knobs always serialise the same way.
    pub config: BTreeMap<String, String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "rfc3339::serialize"
    )]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "rfc3339::serialize"
    )]
    pub ended_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub n_events: i64,
    pub n_tool_calls: i64,
    pub n_tool_errors: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read_tokens: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_tokens: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    pub tags: Vec<String>,
    /// Every source field with no column of its own. Stored as compact JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Value>,
}

/// One step of a session: a row of the `events` table.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Event {
    pub session_id: String,
    pub seq: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "rfc3339::serialize"
    )]
    pub timestamp: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// Tool arguments as JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_input: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Value>,
}

/// A human label or note on a session (or one of its steps): a row of the `labels` table.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Label {
    pub label_id: String,
    pub session_id: String,
    pub seq: Option<i64>,
    pub name: String,
    pub value: Option<String>,
    pub note: Option<String>,
    pub author: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "rfc3339::serialize"
    )]
    pub created_at: Option<DateTime<Utc>>,
}

/// A session with its steps in order: the unit importers and the sample generator produce.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Trajectory {
    pub session: Session,
    pub events: Vec<Event>,
}

impl Trajectory {
    /// Fills the session's derived counts (`n_events`, `n_tool_calls`, `n_tool_errors`) from
    /// its events, and numbers events without a source order by position.
    pub fn derive_counts(&mut self) {
        self.session.n_events = self.events.len() as i64;
        self.session.n_tool_calls = self
            .events
            .iter()
            .filter(|e| e.kind.as_deref() == Some("tool_call"))
            .count() as i64;
        self.session.n_tool_errors = self
            .events
            .iter()
            .filter(|e| e.is_error == Some(true))
            .count() as i64;
    }
}

/// Timestamps as RFC 3339 with `Z`, microsecond precision when there is a fraction.
pub mod rfc3339 {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::Serializer;

    pub fn format(t: &DateTime<Utc>) -> String {
        t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format(t)),
            None => s.serialize_none(),
        }
    }

    /// Parses RFC 3339, truncating to the archive's microsecond precision.
    pub fn parse(text: &str) -> Option<DateTime<Utc>> {
        let t = DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc);
        DateTime::from_timestamp_micros(t.timestamp_micros())
    }
}
