//! Reading the JSON that agents write: typed look-ups along dotted paths, the many timestamp
//! spellings, message content as text, and the "rest" of an object (every key not mapped to a
//! column), which importers keep in `attributes` so nothing a source wrote is dropped.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use super::Rejection;

/// Parses bytes as one JSON value, or says why not (as a quarantine kind and sentence).
pub fn parse(bytes: &[u8]) -> Result<Value, Rejection> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Rejection::new(
            "invalid_utf8",
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    serde_json::from_str(text)
        .map_err(|e| Rejection::new("malformed_json", format!("malformed JSON: {e}")))
}

/// The value at a dotted path (`"message.usage.input_tokens"`), skipping nulls.
pub fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for key in path.split('.') {
        cur = match cur {
            Value::Object(map) => map.get(key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    (!cur.is_null()).then_some(cur)
}

/// A string at `path`; numbers and booleans are spelled out.
pub fn str_at(v: &Value, path: &str) -> Option<String> {
    match at(v, path)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An integer at `path` (whole floats and numeric strings accepted).
pub fn int_at(v: &Value, path: &str) -> Option<i64> {
    as_int(at(v, path)?)
}

pub fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A number at `path`.
pub fn float_at(v: &Value, path: &str) -> Option<f64> {
    match at(v, path)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A timestamp at `path`, in any of the spellings agents use.
pub fn time_at(v: &Value, path: &str) -> Option<DateTime<Utc>> {
    as_time(at(v, path)?)
}

/// RFC 3339, naive ISO (taken as UTC), epoch seconds or milliseconds, or `[sec, ns]`.
pub fn as_time(v: &Value) -> Option<DateTime<Utc>> {
    let t = match v {
        Value::String(s) => {
            let s = s.trim();
            crate::record::rfc3339::parse(s)
                .or_else(|| {
                    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
                        .ok()
                        .map(|n| n.and_utc())
                })
                .or_else(|| s.parse::<f64>().ok().and_then(epoch))?
        }
        Value::Number(n) => epoch(n.as_f64()?)?,
        Value::Array(parts) if parts.len() == 2 => {
            let secs = parts[0].as_i64()?;
            let nanos = parts[1].as_i64()?;
            DateTime::from_timestamp(secs, u32::try_from(nanos).ok()?)?
        }
        _ => return None,
    };
    DateTime::from_timestamp_micros(t.timestamp_micros())
}

fn epoch(x: f64) -> Option<DateTime<Utc>> {
    if !x.is_finite() || x <= 0.0 {
        return None;
    }
    // Seconds until the year 5138; beyond that the number is milliseconds.
    let micros = if x < 1e11 { x * 1e6 } else { x * 1e3 };
    DateTime::from_timestamp_micros(micros as i64)
}

/// Message content as plain text: a string as it is, a list of blocks as their texts joined
/// by blank lines, anything else as compact JSON.
pub fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(block_text).collect();
            Some(parts.join("\n\n"))
        }
        Value::Object(_) => block_text(v),
        other => Some(other.to_string()),
    }
}

fn block_text(b: &Value) -> Option<String> {
    match b {
        Value::String(s) => Some(s.clone()),
        Value::Object(map) => [
            "text",
            "content",
            "thinking",
            "reasoning",
            "output",
            "value",
        ]
        .iter()
        .find_map(|k| map.get(*k).and_then(text_of))
        .or_else(|| Some(b.to_string())),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// A JSON value as JSON text (tool arguments): strings are taken as they are.
pub fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The keys of `obj` not in `mapped`, as an object; `None` when there are none.
pub fn rest(obj: &Map<String, Value>, mapped: &[&str]) -> Option<Value> {
    let map: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| !mapped.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (!map.is_empty()).then_some(Value::Object(map))
}

/// Like [`rest`] on any value: an object's unmapped keys, or the value itself.
pub fn rest_of(v: &Value, mapped: &[&str]) -> Option<Value> {
    match v {
        Value::Object(map) => rest(map, mapped),
        Value::Null => None,
        other => Some(other.clone()),
    }
}

/// Merges `extra` into an attributes object under `key` (or its keys, when `key` is empty).
pub fn put(attributes: &mut Option<Value>, key: &str, extra: Option<Value>) {
    let Some(extra) = extra else { return };
    let map = attributes.get_or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(map) = map else { return };
    match (key, extra) {
        ("", Value::Object(more)) => {
            for (k, v) in more {
                map.entry(k).or_insert(v);
            }
        }
        ("", other) => {
            map.insert("value".into(), other);
        }
        (key, v) => {
            map.insert(key.into(), v);
        }
    }
}

/// Every object key anywhere in `v` (used by the tests that check nothing is dropped).
pub fn keys_deep(v: &Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                keys_deep(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys_deep(v, out)),
        _ => {}
    }
}

/// Calls `f` with each non-blank line of a JSONL file that is a JSON object, and its line
/// number; other lines go to `parsed` as rejected (a last line cut short as `truncated_line`).
pub fn each_object(
    file: &super::SourceFile,
    parsed: &mut super::Parsed,
    mut f: impl FnMut(Map<String, Value>, u64),
) {
    let bytes = &file.bytes;
    let mut start = 0;
    let mut number = 0u64;
    while start < bytes.len() {
        number += 1;
        let (end, next, complete) = match bytes[start..].iter().position(|&c| c == b'\n') {
            Some(i) => (start + i, start + i + 1, true),
            None => (bytes.len(), bytes.len(), false),
        };
        let line = &bytes[start..end];
        start = next;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse(line) {
            Ok(Value::Object(obj)) => f(obj, number),
            Ok(_) => parsed.reject(
                &file.uri,
                Some(number),
                Rejection::new("malformed_json", "a line must be a JSON object"),
                line,
            ),
            Err(r) => {
                let r = if !complete && r.kind == "malformed_json" {
                    Rejection::new(
                        "truncated_line",
                        format!("truncated last line: {}", r.message),
                    )
                } else {
                    r
                };
                parsed.reject(&file.uri, Some(number), r, line)
            }
        }
    }
}

/// `true` when `head` (a file's first bytes) starts with a JSON object or array.
pub fn looks_like_json(head: &[u8]) -> bool {
    let trimmed = trim_bom(head).trim_ascii_start();
    matches!(trimmed.first(), Some(b'{') | Some(b'['))
}

pub fn trim_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_in_every_spelling() {
        let iso = as_time(&json!("2025-09-07T09:52:03.071Z")).unwrap();
        assert_eq!(iso.timestamp_millis(), 1757238723071);
        assert_eq!(as_time(&json!("2025-09-07T09:52:03.071")), Some(iso));
        assert_eq!(as_time(&json!(1757238723.071)), Some(iso));
        assert_eq!(as_time(&json!(1757238723071u64)), Some(iso));
        assert_eq!(as_time(&json!([1757238723, 71_000_000])), Some(iso));
        assert_eq!(as_time(&json!("soon")), None);
        assert_eq!(as_time(&json!(-1)), None);
    }

    #[test]
    fn content_blocks_become_text() {
        assert_eq!(
            text_of(&json!([{"type":"text","text":"a"},{"type":"text","text":"b"}])).unwrap(),
            "a\n\nb"
        );
        assert_eq!(text_of(&json!("x")).unwrap(), "x");
        assert_eq!(
            str_at(&json!({"a":{"b":[1,{"c":"d"}]}}), "a.b.1.c").unwrap(),
            "d"
        );
    }
}
