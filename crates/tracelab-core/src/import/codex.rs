//! Codex CLI rollouts (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`): lines of
//! `{timestamp, type, payload}`. A file is a session.
//!
//! - `session_meta`: `id` → session id, `cli_version` → `harness_version`; it is kept as the
//!   first event (content: the instructions; cwd, originator, ... in its attributes).
//! - `turn_context`: `model` → `model`; `approval_policy`, `sandbox_policy`, `effort`
//!   (reasoning effort) and `summary` → `config`. Kept as events too, in order.
//! - `response_item`: `message` → `message`; `function_call` / `custom_tool_call` / `local_shell_call` →
//!   `tool_call`; `function_call_output` / `custom_tool_call_output` → `tool_result`;
//!   `reasoning` → `thinking`.
//! - `event_msg`: `token_count` gives the running totals (`info.total_token_usage`), the last
//!   of which become the session's tokens; other event messages are kept as events.

use serde_json::{Map, Value};

use super::json::{self, at, int_at, rest, str_at, text_of};
use super::steps::{stem, Steps};
use super::{Parsed, SourceFile};
use crate::record::Session;

/// Keys of a line and its payload that become columns.
pub const COLUMN_KEYS: &[&str] = &[
    "timestamp",
    "type",
    "payload",
    "id",
    "cli_version",
    "instructions",
    "model",
    "role",
    "content",
    "name",
    "call_id",
    "arguments",
    "input",
    "output",
    "text",
];

const CONFIG_KEYS: &[&str] = &[
    "approval_policy",
    "sandbox_policy",
    "effort",
    "summary",
    "model_reasoning_effort",
];

pub fn parse(files: &[SourceFile]) -> Parsed {
    let mut parsed = Parsed::default();
    for file in files {
        let mut steps = Steps::default();
        let mut session = Session {
            session_id: stem(&file.path),
            harness: Some("codex".into()),
            ..Session::default()
        };
        let mut lines = 0;
        json::each_object(file, &mut parsed, |obj, _| {
            lines += 1;
            line(&obj, &mut steps, &mut session);
        });
        if lines > 0 {
            parsed.trajectories.push(steps.finish(session));
        }
    }
    parsed
}

fn line(obj: &Map<String, Value>, steps: &mut Steps, session: &mut Session) {
    let ty = obj.get("type").and_then(Value::as_str).unwrap_or("");
    let empty = Value::Object(Map::new());
    let payload = obj.get("payload").unwrap_or(&empty);
    let p_ty = str_at(payload, "type").unwrap_or_default();
    let time = obj.get("timestamp").and_then(json::as_time);
    let line_rest = rest(obj, &["timestamp", "type", "payload"]);
    let start = steps.events.len();
    match ty {
        "session_meta" => {
            if let Some(id) = str_at(payload, "id") {
                session.session_id = id;
            }
            session.harness_version = str_at(payload, "cli_version");
            session.started_at = json::time_at(payload, "timestamp").or(time);
            let e = steps.push(
                Some("system"),
                "session_meta",
                str_at(payload, "instructions"),
            );
            e.attributes = payload.as_object().and_then(|p| rest(p, &["instructions"]));
        }
        "turn_context" => {
            if let Some(m) = str_at(payload, "model") {
                session.model = Some(m);
            }
            for key in CONFIG_KEYS {
                if let Some(v) = at(payload, key) {
                    session.config.insert((*key).into(), json::json_text(v));
                }
            }
            let e = steps.push(Some("system"), "turn_context", None);
            e.attributes = Some(payload.clone());
            e.model = str_at(payload, "model");
        }
        "response_item" => match p_ty.as_str() {
            "message" => {
                let role = str_at(payload, "role");
                let e = steps.push(
                    role.as_deref(),
                    "message",
                    at(payload, "content").and_then(text_of),
                );
                e.attributes = payload
                    .as_object()
                    .and_then(|p| rest(p, &["type", "role", "content"]));
                if let Some(Value::Array(blocks)) = at(payload, "content") {
                    if blocks.iter().any(|b| {
                        !matches!(
                            str_at(b, "type").as_deref(),
                            Some("input_text" | "output_text")
                        )
                    }) {
                        json::put(
                            &mut e.attributes,
                            "content",
                            Some(Value::Array(blocks.clone())),
                        );
                    }
                }
            }
            "function_call" | "custom_tool_call" | "local_shell_call" => {
                let input = at(payload, "arguments")
                    .or_else(|| at(payload, "input"))
                    .or_else(|| at(payload, "action"))
                    .map(json::json_text);
                let e = steps.tool_call(str_at(payload, "name"), str_at(payload, "call_id"), input);
                e.attributes = payload
                    .as_object()
                    .and_then(|p| rest(p, &["type", "name", "call_id", "arguments", "input"]));
                json::put(&mut e.attributes, "type", Some(Value::String(p_ty.clone())));
            }
            "function_call_output" | "custom_tool_call_output" => {
                let output = at(payload, "output");
                let text = output.map(|o| match o {
                    Value::String(s) => serde_json::from_str::<Value>(s)
                        .ok()
                        .and_then(|v| str_at(&v, "output"))
                        .unwrap_or_else(|| s.clone()),
                    other => text_of(other).unwrap_or_default(),
                });
                let exit = output
                    .and_then(Value::as_str)
                    .and_then(|s| serde_json::from_str::<Value>(s).ok())
                    .and_then(|v| int_at(&v, "metadata.exit_code"));
                let e = steps.push(Some("tool"), "tool_result", text);
                e.tool_call_id = str_at(payload, "call_id");
                e.is_error = exit.map(|c| c != 0);
                e.attributes = payload
                    .as_object()
                    .and_then(|p| rest(p, &["type", "call_id"]));
            }
            "reasoning" => {
                let text = at(payload, "summary")
                    .and_then(text_of)
                    .filter(|t| !t.is_empty())
                    .or_else(|| at(payload, "content").and_then(text_of));
                let e = steps.push(Some("assistant"), "thinking", text);
                e.attributes = payload.as_object().and_then(|p| rest(p, &["type"]));
            }
            other => {
                let e = steps.push(
                    None,
                    if other.is_empty() {
                        "response_item"
                    } else {
                        other
                    },
                    None,
                );
                e.attributes = Some(payload.clone());
            }
        },
        "event_msg" if p_ty == "token_count" => {
            if let Some(total) = at(payload, "info.total_token_usage") {
                session.input_tokens = int_at(total, "input_tokens");
                session.output_tokens = int_at(total, "output_tokens");
                session.cache_read_tokens = int_at(total, "cached_input_tokens");
            }
            let e = steps.push(None, "token_count", None);
            e.attributes = Some(payload.clone());
            if let Some(last) = at(payload, "info.last_token_usage") {
                e.input_tokens = int_at(last, "input_tokens");
                e.output_tokens = int_at(last, "output_tokens");
            }
        }
        _ => {
            let kind = if p_ty.is_empty() {
                ty.to_string()
            } else {
                format!("{ty}:{p_ty}")
            };
            let text = at(payload, "message").and_then(text_of);
            let e = steps.push(None, if kind.is_empty() { "unknown" } else { &kind }, text);
            e.attributes = Some(payload.clone());
        }
    }
    for e in &mut steps.events[start..] {
        e.timestamp = time;
        json::put(&mut e.attributes, "", line_rest.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rollout_with_a_tool_call_and_token_counts() {
        let lines = [
            r#"{"timestamp":"2025-12-28T12:18:30.533Z","type":"session_meta","payload":{"id":"019b","timestamp":"2025-12-28T12:18:30.522Z","cwd":"/x","cli_version":"0.77.0"}}"#,
            r#"{"timestamp":"2025-12-28T12:18:31Z","type":"turn_context","payload":{"model":"gpt-5.2-codex","approval_policy":"on-request","sandbox_policy":{"mode":"workspace-write"},"effort":"high"}}"#,
            r#"{"timestamp":"2025-12-28T12:18:32Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"ls\"]}","call_id":"c1"}}"#,
            r#"{"timestamp":"2025-12-28T12:18:33Z","type":"response_item","payload":{"type":"function_call_output","call_id":"c1","output":"{\"output\":\"a\\n\",\"metadata\":{\"exit_code\":1}}"}}"#,
            r#"{"timestamp":"2025-12-28T12:18:34Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":100,"cached_input_tokens":40,"output_tokens":7}}}}"#,
        ];
        let parsed = parse(&[SourceFile::new(
            "rollout-x.jsonl",
            lines.join("\n").into_bytes(),
        )]);
        let t = &parsed.trajectories[0];
        assert_eq!(t.session.session_id, "019b");
        assert_eq!(t.session.harness_version.as_deref(), Some("0.77.0"));
        assert_eq!(t.session.model.as_deref(), Some("gpt-5.2-codex"));
        assert_eq!(t.session.config["effort"], "high");
        assert_eq!((t.session.n_tool_calls, t.session.n_tool_errors), (1, 1));
        assert_eq!(
            (t.session.input_tokens, t.session.cache_read_tokens),
            (Some(100), Some(40))
        );
    }
}
