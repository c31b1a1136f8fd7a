//! Canonical JSONL, Tracelab's interchange format: one session per line, the `sessions`
//! columns as keys (timestamps RFC 3339, `config` an object, `attributes` any JSON) plus
//! `"events": [ {events columns} ]`. Keys with no column go into `attributes`, so nothing
//! a writer puts on a line is dropped.

use serde_json::{Map, Value};

use super::Rejection;
use crate::record::{rfc3339, Event, Session, Trajectory};

/// `source_format` of sessions whose line does not name one.
pub const FORMAT: &str = "canonical";

const SESSION_KEYS: &[&str] = &[
    "session_id",
    "source_format",
    "source_uri",
    "task_id",
    "repo",
    "harness",
    "harness_version",
    "model",
    "slice",
    "config",
    "started_at",
    "ended_at",
    "outcome",
    "score",
    "n_events",
    "n_tool_calls",
    "n_tool_errors",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
    "tags",
    "attributes",
    "events",
];

const EVENT_KEYS: &[&str] = &[
    "session_id",
    "seq",
    "event_id",
    "parent_id",
    "timestamp",
    "role",
    "kind",
    "content",
    "tool_name",
    "tool_call_id",
    "tool_input",
    "is_error",
    "model",
    "input_tokens",
    "output_tokens",
    "latency_ms",
    "attributes",
];

/// Parses one line (already known to be UTF-8) into a session with its steps.
/// `default_uri` becomes `source_uri` when the line has none.
pub fn parse_line(line: &str, default_uri: &str) -> Result<Trajectory, Rejection> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| Rejection::new("malformed_json", format!("malformed JSON: {e}")))?;
    let Value::Object(mut obj) = value else {
        return Err(Rejection::new(
            "malformed_json",
            "a canonical line must be a JSON object",
        ));
    };
    let session_id = match obj.get("session_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(Rejection::new(
                "invalid_field",
                format!(
                    "field `session_id`: expected a string, got {}",
                    type_name(other)
                ),
            ))
        }
    }
    .ok_or_else(|| Rejection::new("missing_session_id", "session has no `session_id`"))?;

    let f = Fields(&obj);
    let mut session = Session {
        session_id: session_id.clone(),
        source_format: Some(f.string("source_format")?.unwrap_or_else(|| FORMAT.into())),
        source_uri: Some(
            f.string("source_uri")?
                .unwrap_or_else(|| default_uri.into()),
        ),
        task_id: f.string("task_id")?,
        repo: f.string("repo")?,
        harness: f.string("harness")?,
        harness_version: f.string("harness_version")?,
        model: f.string("model")?,
        slice: f.string("slice")?,
        config: f.config("config")?,
        started_at: f.time("started_at")?,
        ended_at: f.time("ended_at")?,
        outcome: f.string("outcome")?,
        score: f.float("score")?,
        input_tokens: f.int("input_tokens")?,
        output_tokens: f.int("output_tokens")?,
        cache_read_tokens: f.int("cache_read_tokens")?,
        cache_write_tokens: f.int("cache_write_tokens")?,
        cost_usd: f.float("cost_usd")?,
        tags: f.tags("tags")?,
        ..Session::default()
    };
    let counts = (
        f.int("n_events")?,
        f.int("n_tool_calls")?,
        f.int("n_tool_errors")?,
    );

    let events = match obj.remove("events") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| parse_event(item, &session_id, i))
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(Rejection::new(
                "invalid_field",
                format!(
                    "field `events`: expected an array, got {}",
                    type_name(&other)
                ),
            ))
        }
    };
    session.attributes = attributes_with_extras(&mut obj, SESSION_KEYS);
    let mut trajectory = Trajectory { session, events };
    trajectory.derive_counts();
    let s = &mut trajectory.session;
    s.n_events = counts.0.unwrap_or(s.n_events);
    s.n_tool_calls = counts.1.unwrap_or(s.n_tool_calls);
    s.n_tool_errors = counts.2.unwrap_or(s.n_tool_errors);
    if s.input_tokens.is_none() {
        s.input_tokens = sum(trajectory.events.iter().map(|e| e.input_tokens));
    }
    if s.output_tokens.is_none() {
        s.output_tokens = sum(trajectory.events.iter().map(|e| e.output_tokens));
    }
    Ok(trajectory)
}

fn sum(values: impl Iterator<Item = Option<i64>>) -> Option<i64> {
    values
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or(0) + v))
}

fn parse_event(item: Value, session_id: &str, position: usize) -> Result<Event, Rejection> {
    let Value::Object(mut obj) = item else {
        return Err(Rejection::new(
            "invalid_field",
            format!("events[{position}]: expected an object"),
        ));
    };
    let at = |r: Rejection| Rejection::new(&r.kind, format!("events[{position}]: {}", r.message));
    let f = Fields(&obj);
    let event = Event {
        session_id: session_id.to_string(),
        seq: f.int("seq").map_err(at)?.unwrap_or(position as i64),
        event_id: f.string("event_id").map_err(at)?,
        parent_id: f.string("parent_id").map_err(at)?,
        timestamp: f.time("timestamp").map_err(at)?,
        role: f.string("role").map_err(at)?,
        kind: f.string("kind").map_err(at)?,
        content: f.string("content").map_err(at)?,
        tool_name: f.string("tool_name").map_err(at)?,
        tool_call_id: f.string("tool_call_id").map_err(at)?,
        tool_input: f.json_text("tool_input"),
        is_error: f.bool("is_error").map_err(at)?,
        model: f.string("model").map_err(at)?,
        input_tokens: f.int("input_tokens").map_err(at)?,
        output_tokens: f.int("output_tokens").map_err(at)?,
        latency_ms: f.int("latency_ms").map_err(at)?,
        attributes: None,
    };
    Ok(Event {
        attributes: attributes_with_extras(&mut obj, EVENT_KEYS),
        ..event
    })
}

/// `attributes` plus every key the schema has no column for.
fn attributes_with_extras(obj: &mut Map<String, Value>, known: &[&str]) -> Option<Value> {
    let attributes = obj.remove("attributes").filter(|v| !v.is_null());
    let extras: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if extras.is_empty() {
        return attributes;
    }
    match attributes {
        None => Some(Value::Object(extras)),
        Some(Value::Object(mut map)) => {
            for (k, v) in extras {
                map.entry(k).or_insert(v);
            }
            Some(Value::Object(map))
        }
        Some(other) => {
            let mut map = extras;
            map.insert("attributes".into(), other);
            Some(Value::Object(map))
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Typed, optional fields of a JSON object, with errors that name the field.
struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }
    fn wrong(key: &str, expected: &str, got: &Value) -> Rejection {
        Rejection::new(
            "invalid_field",
            format!("field `{key}`: expected {expected}, got {}", type_name(got)),
        )
    }
    fn string(&self, key: &str) -> Result<Option<String>, Rejection> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(Self::wrong(key, "a string", v)),
        }
    }
    fn int(&self, key: &str) -> Result<Option<i64>, Rejection> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                Rejection::new(
                    "invalid_field",
                    format!("field `{key}`: {n} is not an integer"),
                )
            }),
            Some(v) => Err(Self::wrong(key, "an integer", v)),
        }
    }
    fn float(&self, key: &str) -> Result<Option<f64>, Rejection> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(v) => Err(Self::wrong(key, "a number", v)),
        }
    }
    fn bool(&self, key: &str) -> Result<Option<bool>, Rejection> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(Self::wrong(key, "true or false", v)),
        }
    }
    fn time(&self, key: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, Rejection> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => rfc3339::parse(s).map(Some).ok_or_else(|| {
                Rejection::new(
                    "invalid_field",
                    format!("field `{key}`: {s:?} is not an RFC 3339 timestamp"),
                )
            }),
            Some(v) => Err(Self::wrong(key, "an RFC 3339 timestamp", v)),
        }
    }
    /// A JSON value kept as JSON text (tool arguments): strings are taken as they are.
    fn json_text(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
    fn config(&self, key: &str) -> Result<std::collections::BTreeMap<String, String>, Rejection> {
        match self.get(key) {
            None => Ok(Default::default()),
            Some(Value::Object(map)) => Ok(map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect()),
            Some(v) => Err(Self::wrong(key, "an object", v)),
        }
    }
    fn tags(&self, key: &str) -> Result<Vec<String>, Rejection> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|t| match t {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(Self::wrong("tags[]", "a string", other)),
                })
                .collect(),
            Some(v) => Err(Self::wrong(key, "an array of strings", v)),
        }
    }
}

/// Serialises a session and its steps as one canonical line (no trailing newline).
pub fn to_line(t: &Trajectory) -> String {
    let mut value = serde_json::to_value(&t.session).expect("a session serialises");
    let events = serde_json::to_value(&t.events).expect("events serialise");
    value
        .as_object_mut()
        .expect("a session is an object")
        .insert("events".into(), events);
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_line_gets_defaults_and_derived_counts() {
        let t = parse_line(
            r#"{"session_id":"a","events":[{"role":"user","content":"hi"},{"kind":"tool_call","tool_input":{"path":"x"},"is_error":true}]}"#,
            "f.jsonl:1",
        )
        .unwrap();
        assert_eq!(t.session.source_format.as_deref(), Some("canonical"));
        assert_eq!(t.session.source_uri.as_deref(), Some("f.jsonl:1"));
        assert_eq!(
            (
                t.session.n_events,
                t.session.n_tool_calls,
                t.session.n_tool_errors
            ),
            (2, 1, 1)
        );
        assert_eq!(t.events[1].seq, 1);
        assert_eq!(t.events[1].tool_input.as_deref(), Some(r#"{"path":"x"}"#));
    }

    #[test]
    fn unknown_keys_are_kept_in_attributes() {
        let t = parse_line(
            r#"{"session_id":"a","team":"infra","attributes":{"k":1}}"#,
            "f",
        )
        .unwrap();
        assert_eq!(
            t.session.attributes,
            Some(serde_json::json!({"k": 1, "team": "infra"}))
        );
    }

    #[test]
    fn bad_records_say_what_is_wrong() {
        let kind = |line: &str| parse_line(line, "f").unwrap_err().kind;
        assert_eq!(kind(r#"{"session_id": "a""#), "malformed_json");
        assert_eq!(kind(r#"{"task_id": "t"}"#), "missing_session_id");
        assert_eq!(kind(r#"{"session_id": ""}"#), "missing_session_id");
        assert_eq!(
            kind(r#"{"session_id": "a", "score": "high"}"#),
            "invalid_field"
        );
        let err = parse_line(r#"{"session_id":"a","started_at":"yesterday"}"#, "f").unwrap_err();
        assert!(err.message.contains("started_at"), "{}", err.message);
    }
}
