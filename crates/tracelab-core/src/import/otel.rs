//! OpenTelemetry GenAI and OpenInference spans: OTLP JSON (`{resourceSpans: [...]}`, one
//! document or one per line, attributes as `KeyValue`s), flat span arrays (`[{name,
//! spanContext{traceId, spanId}, parentSpanId, attributes{...}, startTime: [s, ns]}]`),
//! objects of such arrays, and a bare attribute map (one span). Spans are grouped into
//! sessions by trace id (a bare map is its own session), in start order.
//!
//! - An LLM span (`gen_ai.operation.name` chat / `openinference.span.kind` LLM / a model
//!   attribute) is an `llm_call` step with the output text, model and tokens, followed by a
//!   `tool_call` per tool call in its output. The first LLM span of a session also gives the
//!   input messages, as `message` steps before it.
//! - A tool span (`execute_tool`, kind TOOL, `ai.toolCall.*`) is a `tool_call` and its
//!   `tool_result` (an error when the span's status is ERROR).
//! - Any other span is a `span` step. Every span is kept whole in its first step's
//!   attributes; `service.name` / `service.version` are the harness and its version.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::json::{self, at, text_of};
use super::steps::{stem, Steps};
use super::{Parsed, Rejection, SourceFile};
use crate::record::{Session, Trajectory};

pub const COLUMN_KEYS: &[&str] = &[
    "resourceSpans",
    "scopeSpans",
    "spans",
    "attributes",
    "key",
    "value",
];

/// A span, whatever its spelling.
struct Span {
    trace_id: Option<String>,
    span_id: Option<String>,
    parent_id: Option<String>,
    start: Option<chrono::DateTime<chrono::Utc>>,
    end: Option<chrono::DateTime<chrono::Utc>>,
    status_error: bool,
    /// Flat attributes (`gen_ai.request.model` → value).
    attrs: Map<String, Value>,
    /// The span as the source wrote it.
    raw: Value,
    resource: Map<String, Value>,
}

pub fn parse(files: &[SourceFile]) -> Parsed {
    let mut parsed = Parsed::default();
    for file in files {
        let mut spans = Vec::new();
        match json::parse(&file.bytes) {
            Ok(v) => {
                if !collect(&v, &Map::new(), &mut spans) {
                    parsed.reject(
                        &file.uri,
                        None,
                        Rejection::new("not_spans", "no spans found in this JSON"),
                        &file.bytes,
                    );
                    continue;
                }
            }
            Err(r) if r.kind == "malformed_json" => {
                // OTLP file exporter: one document per line.
                json::each_object(file, &mut parsed, |obj, _| {
                    collect(&Value::Object(obj), &Map::new(), &mut spans);
                });
            }
            Err(r) => return Parsed::unreadable(file, r),
        }
        sessions(file, spans, &mut parsed);
    }
    parsed
}

/// Finds spans in any of the shapes; false when there are none.
fn collect(v: &Value, resource: &Map<String, Value>, out: &mut Vec<Span>) -> bool {
    let before = out.len();
    match v {
        Value::Object(map) if map.contains_key("resourceSpans") => {
            if let Some(Value::Array(rs)) = map.get("resourceSpans") {
                for r in rs {
                    let res = at(r, "resource.attributes")
                        .map(key_values)
                        .unwrap_or_default();
                    for scope in at(r, "scopeSpans")
                        .or_else(|| at(r, "instrumentationLibrarySpans"))
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        for span in at(scope, "spans")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            out.push(span_of(span, &res));
                        }
                    }
                }
            }
        }
        Value::Object(map) if is_span(map) => out.push(span_of(v, resource)),
        Value::Object(map) if map.keys().any(|k| is_genai_key(k)) => out.push(Span {
            trace_id: None,
            span_id: None,
            parent_id: None,
            start: None,
            end: None,
            status_error: false,
            attrs: map.clone(),
            raw: v.clone(),
            resource: Map::new(),
        }),
        Value::Object(map) => {
            for x in map.values() {
                if matches!(x, Value::Array(_)) {
                    collect(x, resource, out);
                }
            }
        }
        Value::Array(items) => {
            for x in items {
                if let Value::Object(m) = x {
                    if is_span(m) || m.contains_key("resourceSpans") {
                        collect(x, resource, out);
                    }
                }
            }
        }
        _ => {}
    }
    out.len() > before
}

fn is_span(m: &Map<String, Value>) -> bool {
    m.contains_key("spanContext")
        || m.contains_key("spanId")
        || m.contains_key("span_id")
        || (m.contains_key("context") && m.contains_key("name"))
}

fn is_genai_key(k: &str) -> bool {
    k.starts_with("gen_ai.") || k.starts_with("llm.") || k.starts_with("openinference.")
}

/// OTLP `[{key, value: {stringValue | intValue | ...}}]` as a flat map.
fn key_values(v: &Value) -> Map<String, Value> {
    match v {
        Value::Array(kvs) => kvs
            .iter()
            .filter_map(|kv| {
                Some((
                    kv.get("key")?.as_str()?.to_string(),
                    any_value(kv.get("value")?),
                ))
            })
            .collect(),
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    }
}

fn any_value(v: &Value) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    if let Some(x) = m
        .get("stringValue")
        .or_else(|| m.get("boolValue"))
        .or_else(|| m.get("doubleValue"))
    {
        return x.clone();
    }
    if let Some(x) = m.get("intValue") {
        return json::as_int(x)
            .map(Value::from)
            .unwrap_or_else(|| x.clone());
    }
    if let Some(Value::Array(items)) = at(v, "arrayValue.values") {
        return Value::Array(items.iter().map(any_value).collect());
    }
    if let Some(kv) = at(v, "kvlistValue.values") {
        return Value::Object(key_values(kv));
    }
    v.clone()
}

fn span_of(v: &Value, resource: &Map<String, Value>) -> Span {
    let s = |paths: &[&str]| paths.iter().find_map(|p| json::str_at(v, p));
    let t = |paths: &[&str]| paths.iter().find_map(|p| json::time_at(v, p));
    let status = s(&["status.code", "status.status_code"]).unwrap_or_default();
    Span {
        trace_id: s(&[
            "traceId",
            "spanContext.traceId",
            "context.trace_id",
            "trace_id",
        ]),
        span_id: s(&["spanId", "spanContext.spanId", "context.span_id", "span_id"]),
        parent_id: s(&["parentSpanId", "parent_id", "parentSpanContext.spanId"])
            .filter(|p| !p.is_empty()),
        start: t(&["startTimeUnixNano", "startTime", "start_time"])
            .or_else(|| nanos(v, "startTimeUnixNano")),
        end: t(&["endTimeUnixNano", "endTime", "end_time"]).or_else(|| nanos(v, "endTimeUnixNano")),
        status_error: matches!(status.as_str(), "2" | "ERROR" | "STATUS_CODE_ERROR"),
        attrs: at(v, "attributes").map(key_values).unwrap_or_default(),
        raw: v.clone(),
        resource: resource.clone(),
    }
}

fn nanos(v: &Value, key: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let n = json::str_at(v, key)?.parse::<i64>().ok()?;
    chrono::DateTime::from_timestamp_micros(n / 1000)
}

fn sessions(file: &SourceFile, spans: Vec<Span>, parsed: &mut Parsed) {
    let mut by_trace: BTreeMap<String, (usize, Vec<Span>)> = BTreeMap::new();
    let fallback = stem(&file.path);
    for (i, span) in spans.into_iter().enumerate() {
        let id = span.trace_id.clone().unwrap_or_else(|| fallback.clone());
        by_trace
            .entry(id)
            .or_insert_with(|| (i, Vec::new()))
            .1
            .push(span);
    }
    let mut traces: Vec<(String, (usize, Vec<Span>))> = by_trace.into_iter().collect();
    traces.sort_by_key(|(_, (first, _))| *first);
    for (trace_id, (_, mut spans)) in traces {
        spans.sort_by_key(|s| s.start);
        parsed.trajectories.push(session(trace_id, &spans));
    }
}

fn session(trace_id: String, spans: &[Span]) -> Trajectory {
    let mut steps = Steps::default();
    let mut seen_llm = false;
    let mut session = Session {
        session_id: trace_id,
        ..Session::default()
    };
    for span in spans {
        let a = &span.attrs;
        let get = |keys: &[&str]| keys.iter().find_map(|k| a.get(*k).filter(|v| !v.is_null()));
        let gets = |keys: &[&str]| get(keys).map(json::json_text);
        let op = gets(&["gen_ai.operation.name", "openinference.span.kind"])
            .unwrap_or_default()
            .to_lowercase();
        let model = gets(&[
            "gen_ai.response.model",
            "gen_ai.request.model",
            "llm.model_name",
            "ai.response.model",
            "ai.model.id",
        ]);
        let start = steps.events.len();
        if session.harness.is_none() {
            session.harness = span.resource.get("service.name").map(json::json_text);
            session.harness_version = span.resource.get("service.version").map(json::json_text);
        }
        let is_tool = op == "execute_tool" || op == "tool" || a.contains_key("ai.toolCall.name");
        if is_tool {
            let call = steps.tool_call(
                gets(&["gen_ai.tool.name", "tool.name", "ai.toolCall.name"]),
                gets(&["gen_ai.tool.call.id", "ai.toolCall.id"]),
                gets(&[
                    "gen_ai.tool.call.arguments",
                    "input",
                    "input.value",
                    "tool.parameters",
                    "ai.toolCall.args",
                ]),
            );
            call.timestamp = span.start;
            let result = gets(&[
                "gen_ai.tool.call.result",
                "output",
                "output.value",
                "ai.toolCall.result",
            ]);
            let r = steps.push(Some("tool"), "tool_result", result);
            r.is_error = Some(span.status_error);
            r.timestamp = span.end;
        } else if model.is_some()
            || matches!(
                op.as_str(),
                "chat" | "llm" | "text_completion" | "generate_content"
            )
        {
            if !seen_llm {
                for m in input_messages(a) {
                    steps.chat_message(&m);
                }
                seen_llm = true;
            }
            let out = output_messages(a);
            let text = out
                .iter()
                .filter_map(|m| m.get("content").and_then(text_of))
                .collect::<Vec<_>>()
                .join("\n\n");
            let text = if text.is_empty() {
                gets(&["ai.response.text", "output.value", "gen_ai.completion"])
            } else {
                Some(text)
            };
            let e = steps.push(Some("assistant"), "llm_call", text);
            e.model.clone_from(&model);
            e.input_tokens = get(&[
                "gen_ai.usage.input_tokens",
                "llm.token_count.prompt",
                "ai.usage.promptTokens",
                "ai.usage.inputTokens",
            ])
            .and_then(json::as_int);
            e.output_tokens = get(&[
                "gen_ai.usage.output_tokens",
                "llm.token_count.completion",
                "ai.usage.completionTokens",
                "ai.usage.outputTokens",
            ])
            .and_then(json::as_int);
            e.timestamp = span.start;
            for m in &out {
                if let Some(Value::Array(calls)) = m.get("tool_calls") {
                    for c in calls {
                        steps.openai_tool_call(c).timestamp = span.start;
                    }
                }
            }
            if session.model.is_none() {
                session.model = model;
            }
        } else {
            let name = json::str_at(&span.raw, "name");
            let e = steps.push(None, "span", name);
            e.timestamp = span.start;
        }
        let Some(e) = steps.events.get_mut(start) else {
            continue;
        };
        e.event_id.clone_from(&span.span_id);
        e.parent_id.clone_from(&span.parent_id);
        if let (Some(s), Some(t)) = (span.start, span.end) {
            e.latency_ms = Some((t - s).num_milliseconds());
        }
        let mut raw = span.raw.clone();
        if !span.resource.is_empty() {
            if let Value::Object(m) = &mut raw {
                m.insert("resource".into(), Value::Object(span.resource.clone()));
            }
        }
        json::put(&mut e.attributes, "span", Some(raw));
    }
    steps.finish(session)
}

/// Messages as OpenAI-style `{role, content, tool_calls?, tool_call_id?}` values.
fn input_messages(a: &Map<String, Value>) -> Vec<Value> {
    genai_messages(
        a,
        &[
            "gen_ai.input.messages",
            "gen_ai.prompt",
            "ai.prompt.messages",
        ],
    )
    .unwrap_or_else(|| openinference_messages(a, "llm.input_messages."))
}

fn output_messages(a: &Map<String, Value>) -> Vec<Value> {
    genai_messages(a, &["gen_ai.output.messages"])
        .unwrap_or_else(|| openinference_messages(a, "llm.output_messages."))
}

/// GenAI semantic-convention messages (a JSON string or array of `{role, parts[]}`), or
/// the Vercel AI SDK's `ai.prompt.messages` (`{role, content}`).
fn genai_messages(a: &Map<String, Value>, keys: &[&str]) -> Option<Vec<Value>> {
    let v = keys.iter().find_map(|k| a.get(*k))?;
    let v = match v {
        Value::String(s) => serde_json::from_str::<Value>(s).ok()?,
        other => other.clone(),
    };
    let Value::Array(items) = v else { return None };
    Some(
        items
            .into_iter()
            .map(|m| {
                let Some(Value::Array(parts)) = m.get("parts") else { return m };
                let mut text = Vec::new();
                let mut calls = Vec::new();
                let mut reply = None;
                for p in parts {
                    match p.get("type").and_then(Value::as_str) {
                        Some("tool_call") => calls.push(serde_json::json!({
                            "id": p.get("id"), "function": {"name": p.get("name"), "arguments": p.get("arguments")}
                        })),
                        Some("tool_call_response") => {
                            reply = p.get("id").cloned();
                            text.push(p.get("response").or_else(|| p.get("result")).map(json::json_text).unwrap_or_default());
                        }
                        _ => text.extend(p.get("content").and_then(text_of)),
                    }
                }
                let mut out = Map::new();
                out.insert("role".into(), m.get("role").cloned().unwrap_or(Value::Null));
                out.insert("content".into(), Value::String(text.join("\n\n")));
                if !calls.is_empty() {
                    out.insert("tool_calls".into(), Value::Array(calls));
                }
                if let Some(id) = reply {
                    out.insert("tool_call_id".into(), id);
                }
                Value::Object(out)
            })
            .collect(),
    )
}

/// OpenInference's flattened `llm.input_messages.N.message.*` keys, put back together.
fn openinference_messages(a: &Map<String, Value>, prefix: &str) -> Vec<Value> {
    let mut messages: BTreeMap<usize, Map<String, Value>> = BTreeMap::new();
    for (k, v) in a {
        let Some(rest) = k.strip_prefix(prefix) else {
            continue;
        };
        let Some((n, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        let m = messages.entry(n).or_default();
        let field = field.strip_prefix("message.").unwrap_or(field);
        if let Some(tc) = field.strip_prefix("tool_calls.") {
            let Some((i, f)) = tc.split_once('.') else {
                continue;
            };
            let Ok(i) = i.parse::<usize>() else { continue };
            let calls = m
                .entry("tool_calls")
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(calls) = calls else { continue };
            while calls.len() <= i {
                calls.push(serde_json::json!({"function": {}}));
            }
            match f.strip_prefix("tool_call.").unwrap_or(f) {
                "id" => calls[i]["id"] = v.clone(),
                "function.name" => calls[i]["function"]["name"] = v.clone(),
                "function.arguments" => calls[i]["function"]["arguments"] = v.clone(),
                _ => {}
            }
        } else if let Some(c) = field.strip_prefix("contents.") {
            if c.ends_with("message_content.text") {
                let text = m
                    .entry("content")
                    .or_insert_with(|| Value::String(String::new()));
                if let (Value::String(t), Some(add)) = (text, v.as_str()) {
                    if !t.is_empty() {
                        t.push_str("\n\n");
                    }
                    t.push_str(add);
                }
            }
        } else {
            m.insert(field.to_string(), v.clone());
        }
    }
    messages.into_values().map(Value::Object).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otlp_json_groups_spans_by_trace() {
        let doc = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"my-agent"}}]},
          "scopeSpans":[{"spans":[
            {"traceId":"T","spanId":"a","name":"chat","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000",
             "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
                           {"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}}]},
            {"traceId":"T","spanId":"b","parentSpanId":"a","name":"execute_tool get_weather","startTimeUnixNano":"1700000002000000000",
             "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}},{"key":"gen_ai.tool.name","value":{"stringValue":"get_weather"}}],
             "status":{"code":2}}]}]}]}"#;
        let parsed = parse(&[SourceFile::new("t.json", doc.as_bytes().to_vec())]);
        assert_eq!(parsed.trajectories.len(), 1);
        let t = &parsed.trajectories[0];
        assert_eq!(t.session.harness.as_deref(), Some("my-agent"));
        assert_eq!(t.session.model.as_deref(), Some("gpt-4o"));
        assert_eq!(t.session.input_tokens, Some(12));
        assert_eq!((t.session.n_tool_calls, t.session.n_tool_errors), (1, 1));
        assert_eq!(t.events[0].latency_ms, Some(1000));
    }
}
